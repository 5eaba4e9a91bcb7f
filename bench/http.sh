#!/usr/bin/env bash
# bench/http.sh — weft serve's JSON API under load (issue 5's web targets).
# Runs alone (`bench/http.sh [CASE]`) or as the last step of `make bench`
# (bench/run.sh calls it with the case it built with NER).
#
#   1. a case of the whole corpus with NER (the network needs entities):
#      CASE if given (or HTTP_CASE), else `weft ingest` of BENCH_CORPUS;
#   2. `weft serve --port 0` on 127.0.0.1 (a free port; read-only);
#   3. wrk on loopback, one run per endpoint and mode, after a short warm-up:
#        /api/session                     no query at all: HTTP and the gate
#        /api/stats                       counts over the whole case
#        /api/search?q=Q                  Q rotates over bench/queries.txt
#        /api/graph?center=ID&depth=2     ID rotates over the top entities
#                                         by pagerank (weft entities --json)
#      mode "unique": every request has a parameter of its own, so weft
#      serve's answer cache never answers: the cost of a new request;
#      mode "repeat": the lists as they are, answered from the cache after
#      their first round: the cost of asking again (each of the server's
#      threads has a cache of its own: the warm-up is longer, 12 s, so that
#      every thread has seen every path).
#      bench/http/paths.lua rotates the paths and prints the numbers; the
#      server's CPU time (from /proc) is read around each run, so the cost
#      per request can be compared even when others load the machine.
#
# Prints a table, and writes the rows to bench/results/http.tsv (columns:
# endpoint mode conns requests seconds rps p50_ms p90_ms p99_ms max_ms non2xx
# socket_errors server_cpu_ms_per_req load command).
#
# Needs wrk (Debian package wrk; installed with apt-get when run as root,
# unless BENCH_INSTALL=0) and curl.
#
# Settings (environment):
#   WEFT               weft binary (default build/weft; built with make when missing)
#   HTTP_CASE          a case to reuse (same as the CASE argument)
#   BENCH_CORPUS       corpus to ingest when no case is given (default ../shared/corpora)
#   WEFT_MODEL         NER model for that ingest (default models/ner.model)
#   HTTP_DURATION=20   seconds per timed run (after a warm-up: 3 s, 12 s in repeat mode)
#   HTTP_CONNS="16"    wrk connections, one run per value (the server allows
#                      128 per address, 256 in all: stay below 128)
#   HTTP_WRK_THREADS=2 wrk threads
#   HTTP_SERVER_THREADS=4  weft serve --threads
#   HTTP_CENTERS=50    how many top entities the graph requests rotate over
#   HTTP_ENDPOINTS="session stats search graph"  which endpoints to run
#   HTTP_MODES="unique repeat"  which modes
#   HTTP_PACE=""       ms each connection waits before each request (paths.lua):
#                      the latency at an offered load of at most
#                      connections * 1000 / HTTP_PACE requests a second instead
#                      of at saturation; the mode column gets "@PACEms"
#   BENCH_TMP, BENCH_KEEP  scratch folder (default a new one, removed), 1 keeps it
#   HTTP_OUT           rows go here (default bench/results/http.tsv; "-": nowhere)
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$REPO/bench
CORPUS=${BENCH_CORPUS:-$REPO/../shared/corpora}
WEFT=${WEFT:-$REPO/build/weft}
MODEL=${WEFT_MODEL:-$REPO/models/ner.model}
CASE=${1:-${HTTP_CASE:-}}
DURATION=${HTTP_DURATION:-20}
CONNS=${HTTP_CONNS:-16}
WRK_THREADS=${HTTP_WRK_THREADS:-2}
SERVER_THREADS=${HTTP_SERVER_THREADS:-4}
CENTERS=${HTTP_CENTERS:-50}
ENDPOINTS=${HTTP_ENDPOINTS:-session stats search graph}
MODES=${HTTP_MODES:-unique repeat}
PACE=${HTTP_PACE:-}
OUT=${HTTP_OUT:-$BENCH/results/http.tsv}
INSTALL=${BENCH_INSTALL:-1}

say() { printf 'bench/http: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

if ! have wrk && [[ $INSTALL == 1 && $(id -u) == 0 ]] && have apt-get; then
	say "installing wrk"
	apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1; } || true
fi
have wrk || die "needs wrk (apt-get install wrk)"
have curl || die "needs curl (apt-get install curl)"
if [[ ! -x $WEFT ]]; then
	[[ $WEFT == "$REPO/build/weft" ]] || die "no weft binary at $WEFT"
	say "building weft (make)"
	make -s -C "$REPO" >&2 || die "make failed"
fi

if [[ -n ${BENCH_TMP:-} ]]; then W=$BENCH_TMP/http; mkdir -p "$W"; else W=$(mktemp -d /tmp/weft-http.XXXXXX); fi
W=$(cd "$W" && pwd)
SERVER=
cleanup() {
	if [[ -n $SERVER ]]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
	if [[ ${BENCH_KEEP:-0} != 1 && -z ${BENCH_TMP:-} ]]; then rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the case ----

if [[ -z $CASE ]]; then
	[[ -d $CORPUS ]] || die "no corpus at $CORPUS (set BENCH_CORPUS, or give a case)"
	[[ -f $MODEL ]] || die "no NER model at $MODEL: the network would be empty (set WEFT_MODEL)"
	CASE=$W/corpus.weft
	say "ingesting $CORPUS with NER into $CASE (minutes)"
	rc=0
	"$WEFT" ingest -q --model "$MODEL" --case "$CASE" "$CORPUS" > "$W/ingest.log" 2>&1 || rc=$?
	[[ $rc == 0 || $rc == 3 ]] || { tail -5 "$W/ingest.log" >&2; die "ingest failed (exit $rc)"; }
fi
[[ -f $CASE ]] || die "no case at $CASE"

# ---- the request lists ----

# urlencode: each line of stdin, percent-encoded (RFC 3986 unreserved kept)
urlencode() { perl -pe 'chomp; s/([^A-Za-z0-9\-._~])/sprintf("%%%02X", ord $1)/ge; $_ .= "\n"'; }

grep -v -e '^#' -e '^[[:space:]]*$' "$BENCH/queries.txt" | urlencode | sed 's|^|/api/search?q=|' > "$W/search.paths"
"$WEFT" entities --case "$CASE" --sort pagerank --limit "$CENTERS" --json > "$W/centers.json" ||
	die "weft entities failed"
perl -MJSON::PP -e 'local $/; my $a = decode_json(<STDIN>); print "$_->{id}\n" for @$a' < "$W/centers.json" |
	sed 's|^\(.*\)$|/api/graph?center=\1\&depth=2|' > "$W/graph.paths"
[[ -s $W/graph.paths ]] || die "the case has no entities (ingested without NER?): nothing to centre the graph on"
echo /api/stats > "$W/stats.paths"
echo /api/session > "$W/session.paths"

# ---- the server ----

"$WEFT" serve --case "$CASE" --port 0 --threads "$SERVER_THREADS" > "$W/serve.out" 2> "$W/serve.err" &
SERVER=$!
URL=
for _ in $(seq 100); do
	URL=$(head -n 1 "$W/serve.out" 2>/dev/null || true)
	[[ $URL == http://* ]] && break
	kill -0 "$SERVER" 2>/dev/null || break
	sleep 0.1
done
[[ $URL == http://* ]] || die "weft serve printed no address: $(cat "$W/serve.err")"
URL=${URL%/}
say "server: $URL (pid $SERVER, --threads $SERVER_THREADS); case: $CASE"

# every path must answer 200 before it is timed: a fast error is no result
for ep in $ENDPOINTS; do
	[[ -f $W/$ep.paths ]] || die "unknown endpoint '$ep' (session, stats, search or graph)"
	while IFS= read -r p; do
		code=$(curl -s -o "$W/check.body" -w '%{http_code}' "$URL$p")
		[[ $code == 200 ]] || die "$p answered $code: $(head -c 300 "$W/check.body")"
	done < "$W/$ep.paths"
done
graph_nodes=$(curl -s "$URL$(head -n 1 "$W/graph.paths")" |
	perl -MJSON::PP -e 'local $/; my $g = decode_json(<STDIN>); printf "%d nodes, %d edges", scalar @{$g->{nodes}}, scalar @{$g->{edges}}')
say "graph of the top entity: $graph_nodes"

# server CPU time so far, in clock ticks (utime + stime of the process)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }
HZ=$(getconf CLK_TCK)
# drain: waits (at most a minute) until the server has used no CPU for half a
# second, so answers still being computed for the last run (wrk stops
# waiting for them, the server does not) are not charged to the next one.
drain() {
	local a b
	for _ in $(seq 120); do
		a=$(cpu_ticks)
		sleep 0.5
		b=$(cpu_ticks)
		[[ $a == "$b" ]] && return 0
	done
	say "the server is still busy after a minute"
}

ROWS=$W/http.tsv
: > "$ROWS"
run() {
	local ep=$1 mode=$2 c=$3 label shown line t0 t1 load arg= wt=$WRK_THREADS
	[[ $mode == unique ]] && arg=unique
	# paced: each connection waits HTTP_PACE ms before each request
	[[ -n $PACE ]] && arg="$mode $PACE"
	# a new /api/stats costs seconds of CPU on a large case: one at a time
	[[ $ep == stats && $mode == unique ]] && c=1
	((wt <= c)) || wt=$c
	case $ep in
	session) label="/api/session" ;;
	stats) label="/api/stats" ;;
	search) label="/api/search?q=Q ($(wc -l < "$W/search.paths") queries)" ;;
	graph) label="/api/graph?center=ID&depth=2 ($(wc -l < "$W/graph.paths") centers)" ;;
	esac
	shown="wrk -t$wt -c$c -d${DURATION}s --timeout 10s --latency -s bench/http/paths.lua \$URL -- $ep.paths${arg:+ $arg}"
	local out=$W/wrk.$ep.$mode.$c.out
	local warm=3
	[[ $mode == repeat ]] && warm=12
	wrk -t"$wt" -c"$c" -d${warm}s -s "$BENCH/http/paths.lua" "$URL" -- "$W/$ep.paths" $arg > /dev/null 2>&1 || true
	drain
	load=$(cut -d' ' -f1 /proc/loadavg)
	say "$label, $mode, $c connections (load $load)"
	t0=$(cpu_ticks)
	wrk -t"$wt" -c"$c" -d"${DURATION}s" --timeout 10s --latency -s "$BENCH/http/paths.lua" "$URL" -- "$W/$ep.paths" $arg \
		> "$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
	t1=$(cpu_ticks)
	drain
	line=$(grep '^WRKRESULT' "$out") || { cat "$out" >&2; die "no result from wrk"; }
	# WRKRESULT requests seconds rps p50 p90 p99 max non2xx socket_errors
	read -r _ req secs rps p50 p90 p99 max non2xx serr <<< "$line"
	local cpu
	cpu=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v n="$req" 'BEGIN{printf "%.3f", n ? t * 1000 / hz / n : 0}')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$mode${PACE:+@${PACE}ms}" "$c" "$req" "$secs" "$rps" \
		"$p50" "$p90" "$p99" "$max" "$non2xx" "$serr" "$cpu" "$load" "$shown" >> "$ROWS"
	[[ $non2xx == 0 ]] || say "WARNING: $non2xx answers were not 2xx"
}
for c in $CONNS; do
	((c < 128)) || die "HTTP_CONNS: $c is not below the server's 128 connections per address"
	for ep in $ENDPOINTS; do
		for mode in $MODES; do run "$ep" "$mode" "$c"; done
	done
done

# ---- report ----

{
	printf '# %s; %s; weft serve --threads %s; %s s per run; load at the end: %s\n' \
		"$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc) cores" "$SERVER_THREADS" "$DURATION" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
	printf '# case: %s (%s documents, %s entities, %s edges)\n' "$CASE" \
		"$(sqlite3 "$CASE" 'SELECT count(*) FROM documents' 2>/dev/null || echo '?')" \
		"$(sqlite3 "$CASE" 'SELECT count(*) FROM entities' 2>/dev/null || echo '?')" \
		"$(sqlite3 "$CASE" 'SELECT count(*) FROM edges' 2>/dev/null || echo '?')"
	printf 'endpoint\tmode\tconns\trequests\tseconds\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tsocket_errors\tserver_cpu_ms_per_req\tload\tcommand\n'
	cat "$ROWS"
} > "$W/report.tsv"
if [[ $OUT != - ]]; then
	mkdir -p "$(dirname "$OUT")"
	cp "$W/report.tsv" "$OUT"
fi
printf '\n%-44s %-6s %5s %8s %8s %8s %8s %6s %10s\n' endpoint mode conns rps p50_ms p99_ms max_ms non2xx 'cpu_ms/req'
awk -F'\t' '{printf "%-44s %-6s %5s %8s %8s %8s %8s %6s %10s\n", $1, $2, $3, $6, $7, $9, $10, $11, $13}' "$ROWS"
head -n 2 "$W/report.tsv"
[[ $OUT == - ]] || say "rows: $OUT"
