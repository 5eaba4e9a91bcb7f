#!/usr/bin/env bash
# bench/graph.sh — how fast weft answers network questions, and what a
# network rebuild costs (issue 4).
#
#   1. query latency on a synthetic case of GRAPH_ENTITIES entities (100,000)
#      and GRAPH_LINKS links (1,000,000) with their evidence, made by
#      bench/graph_synth.c (power-law degrees: a few hubs linked to a sixth of
#      the network, median degree ~6, like the real corpus' network):
#      `weft links NAME` (hubs, a median entity, a leaf; by name and by id)
#      and `weft path A B` (hub-hub, leaf-hub, median-leaf, leaf to the
#      farthest entity), each GRAPH_RUNS times after 2 warm-up runs, with
#      hyperfine when installed (else a shell loop); `weft --version` is
#      timed the same way, so that the process start can be subtracted.
#   2. rebuild on the whole corpus with NER: one `weft ingest` with the
#      model, then GRAPH_REBUILD_RUNS × `weft resolve` (entities + network),
#      × `weft graph --rebuild` (network only) and × `weft resolve` on one
#      CPU (taskset -c 0, when there is taskset), then the whole network
#      exported to GEXF and to Neo4j: wall, CPU, peak RSS (/usr/bin/time).
#   3. with GRAPH_SCALE=N: the same ingest and one-CPU `weft resolve` on N
#      changed copies of the corpus (bench/copies.sh), N = 11 for ~100k
#      documents.
#
# Alone:    bench/graph.sh            (uses build/weft; make first)
# From run.sh (step 4) with WEFT, BENCH_TMP and the corpus set.
#
# Settings (environment):
#   WEFT               the weft binary (default: a copy of build/weft)
#   WEFT_MODEL         NER model for the corpus case (default models/ner.model)
#   BENCH_CORPUS       corpus folder (default ../shared/corpora beside the repo)
#   BENCH_TMP          scratch folder (default: new under /tmp, removed at the end);
#                      a synthetic case already there is reused
#   GRAPH_ENTITIES=100000 GRAPH_LINKS=1000000   the synthetic network's size
#   GRAPH_RUNS=20      timed runs of each links command
#   GRAPH_PATH_RUNS=10 timed runs of each path command (each takes seconds today)
#   GRAPH_REBUILD_RUNS=3
#   GRAPH_SKIP=""      any of: synth rebuild
#   GRAPH_SCALE=0      N > 1: also step 3, the rebuild on N changed copies of the
#                      corpus (11: ~100k documents; ~1 GB of copies, a ~1.6 GB case,
#                      ~6 minutes of ingest)
#   BENCH_INSTALL=1    0: never apt-get install hyperfine (as root it is installed when missing)
# Results: bench/results/graph.tsv (one row per command: label, runs, median,
# p90, p99, min, mean ms, user, sys ms per run, command), graph-synth.tsv (the
# generator's degree statistics and picks), graph-rebuild.tsv (label, run,
# wall s, user s, sys s, max RSS KB, weft's own split line), graph-phases.tsv
# (label, run, phase, CPU s: what WEFT_TIMES=1 makes weft print); a summary on
# stdout.  p99 is nearest-rank: with fewer than 100 runs it is the slowest.
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$REPO/bench
CORPUS=${BENCH_CORPUS:-$REPO/../shared/corpora}
N_ENT=${GRAPH_ENTITIES:-100000}
N_LINKS=${GRAPH_LINKS:-1000000}
RUNS=${GRAPH_RUNS:-20}
PATH_RUNS=${GRAPH_PATH_RUNS:-10}
REBUILD_RUNS=${GRAPH_REBUILD_RUNS:-3}
SKIP=" ${GRAPH_SKIP:-} "
MODEL=${WEFT_MODEL:-$REPO/models/ner.model}
RESULTS=${GRAPH_RESULTS:-$BENCH/results}

say() { printf 'graph bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
skipped() { [[ $SKIP == *" $1 "* ]]; }
[[ -x /usr/bin/time ]] || die "needs GNU time (/usr/bin/time): apt-get install time"
command -v perl >/dev/null || die "needs perl"
# hyperfine (Debian 12: 1.15) when it can be had; a shell loop otherwise
if ! command -v hyperfine > /dev/null && [[ ${BENCH_INSTALL:-1} == 1 && $(id -u) == 0 ]] && command -v apt-get > /dev/null; then
	say "installing hyperfine"
	apt-get install -y -q hyperfine > /dev/null 2>&1 || true
fi

if [[ -n ${BENCH_TMP:-} ]]; then W=$BENCH_TMP; mkdir -p "$W"; else W=$(mktemp -d /tmp/weft-graph-bench.XXXXXX); fi
W=$(cd "$W" && pwd)
[[ -n ${BENCH_TMP:-} ]] || trap 'rm -rf "$W"' EXIT
if [[ -z ${WEFT:-} ]]; then
	[[ -x $REPO/build/weft && -f $REPO/build/libweft.a ]] || die "build/weft is missing: run make first"
	cp "$REPO/build/weft" "$W/weft"
	cp "$REPO/build/libweft.a" "$W/libweft.a"
	WEFT=$W/weft
fi
LIBWEFT=${LIBWEFT:-$(dirname "$WEFT")/libweft.a}
[[ -f $LIBWEFT ]] || LIBWEFT=$REPO/build/libweft.a
mkdir -p "$RESULTS"
TSV=$RESULTS/graph.tsv
printf 'label\truns\tmedian_ms\tp90_ms\tp99_ms\tmin_ms\tmean_ms\tuser_ms\tsys_ms\tcommand\n' > "$TSV"

# stats LABEL COMMAND < seconds, one a line: appends a row to graph.tsv
# (user and sys come from hyperfine's means, when it ran).
stats() {
	perl -e '
		my ($label, $cmd, $user, $sys) = @ARGV;
		my @t = sort { $a <=> $b } map { $_ * 1000 } grep { /\d/ } <STDIN>;
		my $n = @t or die "no times for $label\n";
		my $q = sub { my $r = int($_[0] * $n + 0.999999); $r = 1 if $r < 1; $t[$r - 1] };
		my $mean = 0; $mean += $_ / $n for @t;
		my $med = $n % 2 ? $t[$n / 2] : ($t[$n / 2 - 1] + $t[$n / 2]) / 2;
		printf "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%s\t%s\n", $label, $n, $med, $q->(0.9), $q->(0.99),
			$t[0], $mean, $user, $sys, $cmd;' "$@" >> "$TSV"
}

# timeit LABEL RUNS COMMAND...: times COMMAND (stdout and stderr discarded)
timeit() {
	local label=$1 runs=$2
	shift 2
	local shown="${*//$W/\$W}"
	say "$label ($runs runs, load $(cut -d' ' -f1 /proc/loadavg)): $shown"
	"$@" > /dev/null 2>&1 || die "$label failed: $*"
	if command -v hyperfine > /dev/null; then
		local q=() a
		for a in "$@"; do q+=("$(printf '%q' "$a")"); done
		hyperfine -N -w 2 -r "$runs" --export-json "$W/hf.json" "${q[*]}" > /dev/null 2>&1 ||
			die "hyperfine failed on: $*"
		perl -MJSON::PP -e '
			local $/; my $r = decode_json(<STDIN>)->{results}[0];
			print join("\n", @{$r->{times}}), "\n";
			printf STDERR "%.1f %.1f\n", $r->{user} * 1000, $r->{system} * 1000;' < "$W/hf.json" \
			> "$W/times" 2> "$W/cpu"
		read -r user sys < "$W/cpu"
	else
		"$@" > /dev/null 2>&1
		local t0 t1
		: > "$W/times"
		for _ in $(seq 1 "$runs"); do
			t0=$(date +%s%N)
			"$@" > /dev/null 2>&1
			t1=$(date +%s%N)
			echo "$(((t1 - t0) / 1000))e-6" >> "$W/times"
		done
		user=- sys=-
	fi
	stats "$label" "$shown" "$user" "$sys" < "$W/times"
}

# ---- 1. the synthetic network ----

if ! skipped synth; then
	SYNTH=$W/graph_synth
	CASE=$W/synth-$N_ENT-$N_LINKS.weft
	if [[ ! -f $CASE || ! -f $CASE.picks ]]; then
		say "building bench/graph_synth.c"
		# shellcheck disable=SC2016
		libs=$(make -s --no-print-directory -C "$REPO" --eval 'bench-libs: ; @echo $(LDLIBS)' bench-libs)
		# shellcheck disable=SC2086
		cc -std=gnu11 -O2 -I"$REPO/src/lib" -D_GNU_SOURCE "$BENCH/graph_synth.c" "$LIBWEFT" $libs \
			-o "$SYNTH" || die "graph_synth did not build"
		rm -f "$CASE" "$CASE"-*
		say "making a network of $N_ENT entities and $N_LINKS links: $CASE"
		/usr/bin/time -f '%e %M' -o "$W/synth.time" "$SYNTH" "$CASE" "$N_ENT" "$N_LINKS" > "$CASE.picks" ||
			die "graph_synth failed"
		say "made in $(cut -d' ' -f1 "$W/synth.time") s, $(($(stat -c %s "$CASE") / 1048576)) MiB"
	fi
	cp "$CASE.picks" "$RESULTS/graph-synth.tsv"
	pick() { awk -F'\t' -v r="$1" -v c="$2" '$1 == "pick" && $2 == r { print $c }' "$CASE.picks"; }
	export WEFT_CASE=$CASE
	timeit "process start (weft --version)" "$RUNS" "$WEFT" --version
	# the stored network, read once, so every timed run sees a warm cache
	cat "$CASE" > /dev/null
	for role in hub hub2 mid leaf; do
		deg=$(pick "$role" 4)
		timeit "links $role (degree $deg), by name" "$RUNS" "$WEFT" links "$(pick "$role" 5)"
	done
	timeit "links hub (degree $(pick hub 4)), by id" "$RUNS" "$WEFT" links "$(pick hub 3)"
	timeit "links leaf (degree $(pick leaf 4)), by id" "$RUNS" "$WEFT" links "$(pick leaf 3)"
	while IFS=$'\t' read -r tag label a b hops; do
		[[ $tag == pair ]] || continue
		timeit "path $label ($hops hop$([[ $hops == 1 ]] || echo s) apart)" "$PATH_RUNS" "$WEFT" path "$a" "$b"
	done < "$CASE.picks"
	a=$(awk -F'\t' '$1 == "pair" && $2 == "leaf-far" { print $3 }' "$CASE.picks")
	b=$(awk -F'\t' '$1 == "pair" && $2 == "leaf-far" { print $4 }' "$CASE.picks")
	timeit "path leaf-far, -k 3" "$PATH_RUNS" "$WEFT" path -k 3 "$a" "$b"
	unset WEFT_CASE
	say "peak RSS of one path run: $(/usr/bin/time -f '%M' "$WEFT" path --case "$CASE" "$a" "$b" 2>&1 > /dev/null | tail -1) KB"
fi

# ---- 2. resolve + network rebuild on the whole corpus, with NER ----

RB=$RESULTS/graph-rebuild.tsv
if ! skipped rebuild; then
	[[ -d $CORPUS ]] || die "no corpus at $CORPUS (set BENCH_CORPUS, or GRAPH_SKIP=rebuild)"
	[[ -f $MODEL ]] || die "no NER model at $MODEL (set WEFT_MODEL, or GRAPH_SKIP=rebuild)"
	printf 'label\trun\twall_s\tuser_s\tsys_s\tmaxrss_kb\tload\tweft_says\n' > "$RB"
	CASE=$W/corpus-ner.weft
	rm -f "$CASE" "$CASE"-*
	# rb LABEL RUN COMMAND...: one timed run, a row of graph-rebuild.tsv
	rb() {
		local label=$1 run=$2 load rc=0
		shift 2
		load=$(cut -d' ' -f1 /proc/loadavg)
		say "$label, run $run (load $load)"
		/usr/bin/time -f '%e\t%U\t%S\t%M' -o "$W/rb.time" "$@" > "$W/rb.out" 2>&1 || rc=$?
		[[ $rc == 0 || $rc == 3 ]] || { tail -3 "$W/rb.out" >&2; die "$label failed (exit $rc)"; }
		printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$run" "$(tail -1 "$W/rb.time")" "$load" \
			"$(grep -E 'resolve:|rebuilt|seconds' "$W/rb.out" | grep -v ' s CPU$' | tail -1)" >> "$RB"
		# the phases weft reports with WEFT_TIMES=1 ("network: adjacency  0.57 s CPU")
		sed -nE 's/^([a-z]+): (.*[^ ]) +([0-9.]+) s CPU$/\1: \2\t\3/p' "$W/rb.out" |
			sed "s/^/$label\t$run\t/" >> "$PH"
	}
	PH=$RESULTS/graph-phases.tsv
	printf 'label\trun\tphase\tcpu_s\n' > "$PH"
	# (its phases: the first build of the network, which reads every document's text)
	WEFT_TIMES=1 rb "weft ingest --model \$WEFT_MODEL -q \$CORPUS" 1 \
		"$WEFT" ingest --model "$MODEL" -q --case "$CASE" "$CORPUS"
	for r in $(seq 1 "$REBUILD_RUNS"); do
		WEFT_TIMES=1 rb "weft resolve" "$r" "$WEFT" resolve --case "$CASE"
		WEFT_TIMES=1 rb "weft graph --rebuild" "$r" "$WEFT" graph --rebuild --case "$CASE"
		# the target's "one core": the ranks' threads then take turns
		if command -v taskset >/dev/null; then
			WEFT_TIMES=1 rb "taskset -c 0 weft resolve (one CPU)" "$r" taskset -c 0 "$WEFT" resolve --case "$CASE"
		fi
	done
	# the whole network out, as for Gephi and Neo4j (was 9 minutes before the export's fix)
	rb "weft export --format gexf (whole network)" 1 "$WEFT" export --case "$CASE" --format gexf -o "$W/all.gexf"
	rm -rf "$W/neo4j"
	rb "weft export --format neo4j (whole network)" 1 "$WEFT" export --case "$CASE" --format neo4j -o "$W/neo4j"
	sqlite3 "$CASE" "SELECT 'case', (SELECT count(*) FROM entities), (SELECT count(*) FROM edges),
		(SELECT count(*) FROM evidence), (SELECT count(*) FROM mentions)" 2>/dev/null |
		tr '|' '\t' | sed 's/^/# entities edges evidence mentions: /' >> "$RB" || true
fi

# ---- 3. the same at ~100k documents: GRAPH_SCALE changed copies of the corpus ----
#
# The target is per 100,000 documents' worth of mentions; the corpus has
# 9,326.  Copies repeat the same people, so the network grows less than a
# real leak's would (its pairs stay, their documents multiply): a lower
# bound for the network's share, where step 2 scaled by ×10.7 is an upper one.

if [[ ${GRAPH_SCALE:-0} -gt 1 ]] && ! skipped rebuild; then
	n=$GRAPH_SCALE
	# shellcheck source=bench/copies.sh
	. "$BENCH/copies.sh"
	say "making the ×$n corpus"
	make_copies "$n" "$W/x$n" "$CORPUS"
	CASE=$W/x$n-ner.weft
	rm -f "$CASE" "$CASE"-*
	WEFT_TIMES=1 rb "weft ingest --model \$WEFT_MODEL -q (×$n corpus)" 1 \
		"$WEFT" ingest --model "$MODEL" -q --case "$CASE" "$W/x$n"
	rm -rf "$W/x$n"
	for r in $(seq 1 "$REBUILD_RUNS"); do
		if command -v taskset >/dev/null; then
			WEFT_TIMES=1 rb "taskset -c 0 weft resolve (one CPU, ×$n corpus)" "$r" \
				taskset -c 0 "$WEFT" resolve --case "$CASE"
		else
			WEFT_TIMES=1 rb "weft resolve (×$n corpus)" "$r" "$WEFT" resolve --case "$CASE"
		fi
	done
	sqlite3 "$CASE" "SELECT 'case', (SELECT count(*) FROM documents), (SELECT count(*) FROM entities),
		(SELECT count(*) FROM edges), (SELECT count(*) FROM mentions)" 2>/dev/null |
		tr '|' '\t' | sed "s/^/# ×$n documents entities edges mentions: /" >> "$RB" || true
	rm -f "$CASE" "$CASE"-*
fi

# ---- summary ----

{
	echo "graph bench: $(date -u '+%Y-%m-%d %H:%M UTC'), weft $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), load $(cut -d' ' -f1-3 /proc/loadavg)"
	column -t -s $'\t' "$TSV" 2>/dev/null || cat "$TSV"
	[[ -f $RESULTS/graph-synth.tsv ]] && grep '^stat' "$RESULTS/graph-synth.tsv" | cut -f2- | tr '\t' ' '
	[[ -f $RB ]] && { column -t -s $'\t' "$RB" 2>/dev/null || cat "$RB"; }
	# each phase's least CPU over the runs (the machine is shared: the least is the least disturbed)
	[[ -f ${PH:-} ]] && awk -F'\t' 'NR > 1 { k = $1 "\t" $3; if (!(k in m) || $4 < m[k]) m[k] = $4; if (!(k in o)) o[k] = n++ }
		END { for (k in o) r[o[k]] = k; for (i = 0; i < n; i++) printf "%s\t%.2f s CPU (least of the runs)\n", r[i], m[r[i]] }' "$PH"
} | tee "$W/graph-summary.txt"
