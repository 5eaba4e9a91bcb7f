#!/usr/bin/env bash
# bench/run.sh — weft's benchmarks, side by side with its peers, on one corpus.
# `make bench` runs it (after `make`); results go to bench/BENCHMARKS.md
# (between its "results" markers) and the raw numbers to bench/results/.
#
#   1. ingest: weft ingest vs recollindex vs omindex vs a raw SQLite FTS5
#      load of the same extracted text (vs weft with NER when it has it);
#      BENCH_RUNS runs each (peers: BENCH_PEER_RUNS), the median is reported
#   2. scale: weft ingest on the corpus ×1 and ×4 (×16 with BENCH_X16=1),
#      every copy changed so content dedup cannot skip it
#   3. search: bench/queries.txt (100 queries) against the ×1 case: libweft
#      in-process, `weft search` as a process, recollq, PostgreSQL 15 FTS
#   4. network: bench/graph.sh (runs alone too): weft links / weft path on a
#      synthetic 100k-entity, 1M-link case; resolve + rebuild with NER
#   5. web API: bench/http.sh (runs alone too): wrk against `weft serve` on
#      the with-NER case (/api/search, /api/graph depth 2, /api/stats), and
#      bench/first_paint.mjs: the search page in headless Chromium
#
# Needs (Debian 12 packages): time (/usr/bin/time), sqlite3 (the CLI),
# recollcmd, xapian-omega, postgresql-15, perl, a C compiler and weft's own
# build dependencies.  Missing packages are installed with apt-get when run
# as root (BENCH_INSTALL=0 to never install; a missing peer is then skipped).
#
# Settings (environment):
#   BENCH_CORPUS       corpus folder (default: ../shared/corpora beside the repo)
#   BENCH_RUNS=3       runs of weft and of the raw FTS5 load (median reported)
#   BENCH_PEER_RUNS=1  runs of recollindex and omindex (each takes minutes;
#                      3 gives medians but adds ~10 minutes)
#   BENCH_NER_RUNS=1   runs of weft ingest with NER (minutes each)
#   BENCH_SEARCH_REPS=3  timed passes over the queries (after one warm-up pass)
#   BENCH_X16=0        1 adds the ×16 corpus (~1.6 GB in the temp folder)
#   BENCH_SKIP=""      space-separated: recoll omindex postgres ner scale formats graph http
#   BENCH_TMP          scratch folder (default: a new one under /tmp, removed at the end)
#   BENCH_KEEP=0       1 keeps the scratch folder
#   WEFT_MODEL         NER model for the with-NER run (default models/ner.model)
#   BENCH_BUILD        build folder holding weft and libweft.a (default build/);
#                      e.g. one built from a clean export of a commit while
#                      others edit the shared tree
#   BENCH_COMMIT       the commit that build was made from, for the report
#                      (default: HEAD of this tree, plus its uncommitted files)
#
# The machine is shared: every run records its load average, and CPU time
# (user+sys) is reported beside wall time because it moves less with load.
# OS caches cannot be dropped here, so the corpus is read once before the
# first measurement and every run sees warm caches.
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$REPO/bench
CORPUS=${BENCH_CORPUS:-$REPO/../shared/corpora}
RUNS=${BENCH_RUNS:-3}
PEER_RUNS=${BENCH_PEER_RUNS:-1}
NER_RUNS=${BENCH_NER_RUNS:-1}
SEARCH_REPS=${BENCH_SEARCH_REPS:-3}
X16=${BENCH_X16:-0}
SKIP=" ${BENCH_SKIP:-} "
INSTALL=${BENCH_INSTALL:-1}
OUT=${BENCH_OUT:-$BENCH/BENCHMARKS.md}
T0=$(date +%s)

say() { printf 'bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
skipped() { [[ $SKIP == *" $1 "* ]]; }

[[ -d $CORPUS ]] || die "no corpus at $CORPUS (set BENCH_CORPUS)"
CORPUS=$(cd "$CORPUS" && pwd)

# ---- tools ----

have() { command -v "$1" >/dev/null 2>&1; }
# need CMD PACKAGE: the command, installing its package if allowed; 1 if absent.
need() {
	have "$1" && return 0
	if [[ $INSTALL == 1 && $(id -u) == 0 ]] && have apt-get; then
		say "installing $2 (for $1)"
		apt-get install -y -q "$2" >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q "$2" >/dev/null 2>&1; } || true
	fi
	have "$1"
}
[[ -x /usr/bin/time ]] || need /usr/bin/time time || die "needs GNU time (/usr/bin/time): apt-get install time"
need sqlite3 sqlite3 || die "needs the sqlite3 CLI: apt-get install sqlite3"
need perl perl || die "needs perl"
need cc gcc || die "needs a C compiler"
skipped recoll || need recollindex recollcmd || { say "no recollindex: recoll skipped"; SKIP+=" recoll "; }
skipped omindex || need omindex xapian-omega || { say "no omindex: omindex skipped"; SKIP+=" omindex "; }
PGBIN=
if ! skipped postgres; then
	for d in /usr/lib/postgresql/*/bin; do [[ -x $d/postgres ]] && PGBIN=$d; done
	if [[ -z $PGBIN ]] && need psql postgresql; then
		for d in /usr/lib/postgresql/*/bin; do [[ -x $d/postgres ]] && PGBIN=$d; done
	fi
	[[ -n $PGBIN ]] && have psql || { say "no PostgreSQL server: postgres skipped"; SKIP+=" postgres "; }
fi

# ---- scratch space, and a snapshot of weft (others may rebuild build/ meanwhile) ----

if [[ -n ${BENCH_TMP:-} ]]; then W=$BENCH_TMP; mkdir -p "$W"; else W=$(mktemp -d /tmp/weft-bench.XXXXXX); fi
W=$(cd "$W" && pwd)
PGDIR=
cleanup() {
	if [[ -n $PGDIR && -f $PGDIR/data/postmaster.pid ]]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
	fi
	[[ -n $PGDIR ]] && rm -rf "$PGDIR"
	if [[ ${BENCH_KEEP:-0} != 1 && -z ${BENCH_TMP:-} ]]; then rm -rf "$W"; fi
}
trap cleanup EXIT
mkdir -p "$W/log" "$W/data"
D=$W/data
BUILD_DIR=${BENCH_BUILD:-$REPO/build}
[[ -x $BUILD_DIR/weft && -f $BUILD_DIR/libweft.a ]] || die "$BUILD_DIR/weft is missing: run make first (make bench does)"
cp "$BUILD_DIR/weft" "$W/weft"
cp "$BUILD_DIR/libweft.a" "$W/libweft.a"
WEFT=$W/weft
MODEL=${WEFT_MODEL:-$REPO/models/ner.model}

meta() { printf '%s\t%s\n' "$1" "$2" >> "$D/meta.tsv"; }
: > "$D/meta.tsv"
: > "$D/ingest.tsv"
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta host "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
meta load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
if [[ -n ${BENCH_COMMIT:-} ]]; then
	meta commit "$BENCH_COMMIT"
	meta dirty 0
else
	meta commit "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"
	meta dirty "$(git -C "$REPO" status --porcelain -- src 2>/dev/null | wc -l)"
fi
meta sqlite "$(sqlite3 --version | cut -d' ' -f1)"
skipped recoll || meta recoll "$(dpkg-query -W -f='${Version}' recollcmd 2>/dev/null || echo '?')"
skipped omindex || meta omindex "$(omindex --version | awk '{print $NF}')"
skipped postgres || meta postgres "$("$PGBIN/postgres" --version | awk '{print $3}')"
meta runs "$RUNS"
meta peer_runs "$PEER_RUNS"
meta ner_runs "$NER_RUNS"
meta search_reps "$SEARCH_REPS"

corpus_bytes() { find "$1" -type f -printf '%s\n' | awk '{s+=$1} END{print s+0}'; }
corpus_files() { find "$1" -type f | wc -l; }
BYTES=$(corpus_bytes "$CORPUS")
FILES=$(corpus_files "$CORPUS")
meta corpus "$CORPUS"
meta corpus_bytes "$BYTES"
meta corpus_files "$FILES"
for sub in "$CORPUS"/*/; do
	sub=${sub%/}
	meta "sub:${sub##*/}" "$(corpus_bytes "$sub") $(corpus_files "$sub")"
done

say "scratch: $W; corpus: $CORPUS ($FILES files, $((BYTES / 1048576)) MiB)"
say "warm-up: reading the corpus once so every run sees warm caches"
find "$CORPUS" -type f -exec cat {} + > /dev/null

# measure LABEL RUN BYTES DOCS-FUNCTION SIZE-FUNCTION SHOWN-COMMAND -- COMMAND...
# Runs COMMAND under /usr/bin/time and appends a row to ingest.tsv.  DOCS and
# SIZE are shell functions called after the run (documents indexed, index bytes).
measure() {
	local label=$1 run=$2 bytes=$3 docsf=$4 sizef=$5 shown=$6
	shift 7
	local load rc=0 log="$W/log/${label//[^A-Za-z0-9_.-]/_}.$run"
	load=$(cut -d' ' -f1 /proc/loadavg)
	say "$label, run $run (load $load): $shown"
	/usr/bin/time -f '%e %U %S %M' -o "$W/time.out" "$@" > "$log" 2>&1 || rc=$?
	if [[ $rc != 0 && ! ($rc == 3 && $1 == "$WEFT") ]]; then
		tail -5 "$log" >&2
		die "$label failed (exit $rc); log in $log"
	fi
	local t
	t=$(tail -1 "$W/time.out")
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$run" "${t// /$'\t'}" "$bytes" \
		"$($docsf)" "$($sizef)" "$load" "$shown" >> "$D/ingest.tsv"
}
# columns: label run wall user sys maxrss_kb bytes docs index_bytes load command

sizeof() { du -sb "$@" 2>/dev/null | awk '{s+=$1} END{print s+0}'; }
weft_docs() { sqlite3 "$CASE" "SELECT count(*) FROM documents WHERE status IN ('ok','needs_ocr')"; }
weft_size() { sizeof "$CASE" "$CASE-wal" "$CASE-shm"; }

# ---- 1. ingest ----

HAS_NO_NER=0
"$WEFT" help ingest 2>&1 | grep -q -- --no-ner && HAS_NO_NER=1
NOFLAGS=()
[[ $HAS_NO_NER == 1 ]] && NOFLAGS=(--no-ner)
NER_OK=0
if [[ $HAS_NO_NER == 1 ]] && ! skipped ner; then
	mkdir -p "$W/nerprobe"
	printf 'Kenneth Lay met Jeff Skilling in Houston.\n' > "$W/nerprobe/a.txt"
	if [[ -f $MODEL ]] && "$WEFT" ingest -q --case "$W/nerprobe.weft" --model "$MODEL" "$W/nerprobe" > "$W/log/nerprobe" 2>&1; then
		NER_OK=1
	else
		say "weft has --no-ner but no usable model ($MODEL): the with-NER run is skipped"
	fi
	rm -rf "$W/nerprobe" "$W/nerprobe.weft"*
fi
meta has_no_ner "$HAS_NO_NER"
meta ner_ok "$NER_OK"
[[ $NER_OK == 1 ]] && meta ner_model "$MODEL"

WLABEL="weft${NOFLAGS:+ --no-ner}"
for r in $(seq 1 "$RUNS"); do
	CASE=$W/x1.$r.weft
	measure "$WLABEL" "$r" "$BYTES" weft_docs weft_size \
		"weft ingest ${NOFLAGS[*]:+${NOFLAGS[*]} }-q --case \$W/x1.weft \$CORPUS" -- \
		"$WEFT" ingest "${NOFLAGS[@]}" -q --case "$CASE" "$CORPUS"
	[[ $r -gt 1 ]] && rm -f "$W/x1.$((r - 1)).weft"*
done
X1CASE=$W/x1.$RUNS.weft

if [[ $NER_OK == 1 ]]; then
	for r in $(seq 1 "$NER_RUNS"); do
		CASE=$W/ner.weft
		rm -f "$CASE"*
		measure "weft (with NER)" "$r" "$BYTES" weft_docs weft_size \
			"weft ingest --model \$WEFT_MODEL -q --case \$W/ner.weft \$CORPUS" -- \
			"$WEFT" ingest --model "$MODEL" -q --case "$CASE" "$CORPUS"
	done
	meta ner_mentions "$(sqlite3 "$CASE" 'SELECT count(*) FROM mentions' 2>/dev/null || echo '?')"
	if skipped http; then rm -f "$W/ner.weft"*; else HTTP_CASE=$CASE; fi # kept for step 5
fi

# the same extracted text, loaded into a fresh FTS5 table in one transaction
say "exporting the extracted text from the weft case"
rm -f "$W/export.db"
sqlite3 "$W/export.db" "ATTACH '$X1CASE' AS c;
	CREATE TABLE docs AS SELECT id, title, sender, recipients, cc, subject, body FROM c.documents
	 WHERE status IN ('ok','needs_ocr');"
meta text_bytes "$(sqlite3 "$W/export.db" "SELECT sum(length(CAST(coalesce(title,'')||coalesce(sender,'')||coalesce(recipients,'')||coalesce(cc,'')||coalesce(subject,'')||coalesce(body,'') AS BLOB))) FROM docs")"
cat > "$W/fts5load.sql" <<EOF
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE VIRTUAL TABLE fts USING fts5(title, sender, recipients, cc, subject, body,
  tokenize='unicode61 remove_diacritics 2');
ATTACH '$W/export.db' AS e;
BEGIN;
INSERT INTO fts(rowid, title, sender, recipients, cc, subject, body)
  SELECT id, title, sender, recipients, cc, subject, body FROM e.docs;
COMMIT;
EOF
raw_docs() { sqlite3 "$W/raw.db" "SELECT count(*) FROM fts"; }
raw_size() { sizeof "$W/raw.db" "$W/raw.db-wal"; }
for r in $(seq 1 "$RUNS"); do
	rm -f "$W/raw.db"*
	measure "raw SQLite FTS5 load" "$r" "$BYTES" raw_docs raw_size \
		"sqlite3 \$W/raw.db < \$W/fts5load.sql  (one INSERT … SELECT of the exported text, one transaction)" -- \
		sqlite3 "$W/raw.db" ".read $W/fts5load.sql"
done
rm -f "$W/raw.db"*

# recollindex: a throwaway configuration, indexing the corpus only
RCONF=$W/recoll
recoll_conf() {
	rm -rf "$RCONF"
	mkdir -p "$RCONF"
	cat > "$RCONF/recoll.conf" <<EOF
topdirs = $CORPUS
dbdir = $RCONF/xapiandb
# flush the index every 50 MB of text; no spelling data; no web queue
idxflushmb = 50
noaspell = 1
processwebqueue = 0
loglevel = 2
logfilename = $RCONF/log.txt
EOF
}
recoll_docs() { awk -F' = ' '$1=="dbtotdocs"{print $2}' "$RCONF/idxstatus.txt" 2>/dev/null || echo 0; }
recoll_size() { sizeof "$RCONF/xapiandb"; }
if ! skipped recoll; then
	for r in $(seq 1 "$PEER_RUNS"); do
		recoll_conf
		measure recollindex "$r" "$BYTES" recoll_docs recoll_size \
			"recollindex -c \$W/recoll -z  (recoll.conf: topdirs=\$CORPUS, idxflushmb=50, noaspell=1)" -- \
			recollindex -c "$RCONF" -z
	done
fi

# omindex (xapian-omega 1.4): its rfc822 filter is an external perl script
# (MIME::Parser, one process per message), so the maildir messages, named
# by number, are read as plain text in-process instead (-G).
OMDB=$W/omega
om_docs() { grep -c 'added$' "$W/log/omindex.$r" || true; }
om_size() { sizeof "$OMDB"; }
if ! skipped omindex; then
	for r in $(seq 1 "$PEER_RUNS"); do
		rm -rf "$OMDB"
		measure omindex "$r" "$BYTES" om_docs om_size \
			"omindex -v -G '[0-9]*:text/plain' --db \$W/omega --url / \$CORPUS" -- \
			omindex -v -G '[0-9]*:text/plain' --db "$OMDB" --url / "$CORPUS"
	done
	rm -rf "$OMDB"
fi

# weft per format, one run each: the folders are one format each
if ! skipped formats; then
	for sub in "$CORPUS"/*/; do
		sub=${sub%/}
		CASE=$W/fmt.weft
		rm -f "$CASE"*
		measure "weft: ${sub##*/}" 1 "$(corpus_bytes "$sub")" weft_docs weft_size \
			"weft ingest ${NOFLAGS[*]:+${NOFLAGS[*]} }-q --case \$W/fmt.weft \$CORPUS/${sub##*/}" -- \
			"$WEFT" ingest "${NOFLAGS[@]}" -q --case "$CASE" "$sub"
	done
	rm -f "$W/fmt.weft"*
fi

# ---- 2. scale: ×4 (and ×16), each copy made different ----

# make_copies N DEST CORPUS (bench/copies.sh): each copy made different
# shellcheck source=bench/copies.sh
. "$BENCH/copies.sh"
if ! skipped scale; then
	SCALES=(4)
	[[ $X16 == 1 ]] && SCALES+=(16)
	for n in "${SCALES[@]}"; do
		say "making the ×$n corpus"
		make_copies "$n" "$W/x$n" "$CORPUS"
		b=$(corpus_bytes "$W/x$n")
		meta "x${n}_bytes" "$b"
		meta "x${n}_files" "$(corpus_files "$W/x$n")"
		CASE=$W/x$n.weft
		measure "weft ×$n" 1 "$b" weft_docs weft_size \
			"weft ingest ${NOFLAGS[*]:+${NOFLAGS[*]} }-q --case \$W/x$n.weft \$W/x$n  (\$W/x$n: $n changed copies of \$CORPUS)" -- \
			"$WEFT" ingest "${NOFLAGS[@]}" -q --case "$CASE" "$W/x$n"
		rm -rf "$W/x$n" "$CASE"*
	done
fi

# ---- 3. search latency ----

say "search: building the in-process driver"
cat > "$W/print.mk" <<'EOF'
bench-print-cflags:
	@echo $(PKG_CFLAGS)
bench-print-libs:
	@echo $(LDLIBS)
EOF
DRIVER=$W/search_driver
CFLAGS_W=$(make -s --no-print-directory -C "$REPO" -f Makefile -f "$W/print.mk" bench-print-cflags)
LIBS_W=$(make -s --no-print-directory -C "$REPO" -f Makefile -f "$W/print.mk" bench-print-libs)
HAVE_DRIVER=1
# shellcheck disable=SC2086
cc -std=gnu11 -O2 $CFLAGS_W -I"$REPO/src/lib" -D_GNU_SOURCE "$BENCH/search_driver.c" "$W/libweft.a" $LIBS_W \
	-o "$DRIVER" 2> "$W/log/driver.cc" || { say "the driver did not build (see $W/log/driver.cc)"; HAVE_DRIVER=0; }
[[ $HAVE_DRIVER == 1 ]] || die "cannot time searches without bench/search_driver.c"

grep -v -e '^#' -e '^[[:space:]]*$' "$BENCH/queries.txt" > "$W/q.weft.txt"
meta queries "$(wc -l < "$W/q.weft.txt")"
meta search_load_start "$(cut -d' ' -f1-3 /proc/loadavg)"

say "search: weft in-process (libweft search_run)"
"$DRIVER" inproc "$X1CASE" "$W/q.weft.txt" "$SEARCH_REPS" > "$D/search.weft-inproc.tsv" 2> "$W/log/search.inproc" ||
	{ cat "$W/log/search.inproc" >&2; die "a weft query failed"; }
meta cmd:weft-inproc "search_driver inproc \$W/x1.weft bench/queries.txt $SEARCH_REPS  (search_run(case, q, 20, 0, …) in one process)"

say "search: weft search as a process"
"$DRIVER" spawn "$W/q.weft.txt" "$SEARCH_REPS" "$WEFT" search --case "$X1CASE" --limit 20 --json '{}' \
	> "$D/search.weft-cli.tsv" 2> "$W/log/search.cli" || { cat "$W/log/search.cli" >&2; die "weft search failed"; }
meta cmd:weft-cli "weft search --case \$W/x1.weft --limit 20 --json QUERY  (one process per query)"

perl "$BENCH/queries.pl" recoll < "$W/q.weft.txt" > "$W/q.recoll.txt"
perl "$BENCH/queries.pl" pg < "$W/q.weft.txt" > "$W/q.pg.tsv"
cp "$W/q.recoll.txt" "$D/queries.recoll.txt"
cp "$W/q.pg.tsv" "$D/queries.pg.tsv"

if ! skipped recoll && [[ -d $RCONF/xapiandb ]]; then
	say "search: recollq"
	"$DRIVER" spawn "$W/q.recoll.txt" "$SEARCH_REPS" recollq -c "$RCONF" -n 20 -A -s '' '{}' \
		> "$D/search.recollq.tsv" 2> "$W/log/search.recollq" || say "some recollq queries failed (see $W/log/search.recollq)"
	meta cmd:recollq "recollq -c \$W/recoll -n 20 -A -s '' QUERY  (one process per query; -A: abstracts, -s '': no stem expansion, like weft)"
	i=0
	while IFS= read -r q; do
		i=$((i + 1))
		n=$(recollq -c "$RCONF" -Q -s '' "$q" 2>/dev/null < /dev/null | awk '/results/{print $1; exit}')
		printf '%s\t%s\n' "$i" "${n:-0}" >> "$D/hits.recollq.tsv"
	done < "$W/q.recoll.txt"
fi

if ! skipped postgres; then
	say "search: PostgreSQL (throwaway cluster, Unix socket only)"
	PGDIR=$(mktemp -d /tmp/weft-bench-pg.XXXXXX)
	chown postgres: "$PGDIR"
	PGPORT=54329
	runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
		> "$W/log/pg.initdb" 2>&1 || die "initdb failed: $W/log/pg.initdb"
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
		-o "-k $PGDIR -c listen_addresses='' -p $PGPORT -c shared_buffers=256MB" start > "$W/log/pg.start" 2>&1 ||
		die "postgres did not start: $(cat "$PGDIR/log")"
	PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$PGDIR" -p "$PGPORT" -U postgres -d postgres)
	say "exporting the extracted text for PostgreSQL"
	sqlite3 -csv "$X1CASE" "SELECT d.id, d.title, d.sender, d.recipients, d.cc, d.subject,
		CASE WHEN d.date_suspect = 0 THEN d.date END, d.type,
		(SELECT path FROM paths WHERE doc = d.id ORDER BY container IS NOT NULL, path LIMIT 1),
		replace(d.body, char(0), '')
		FROM documents d WHERE d.status IN ('ok','needs_ocr')" > "$W/docs.csv"
	cat > "$W/pgload.sql" <<EOF
CREATE TABLE docs(id bigint PRIMARY KEY, title text, sender text, recipients text, cc text,
  subject text, date text, type text, path text, body text,
  tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(subject, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(sender, '')), 'B') ||
    setweight(to_tsvector('simple', coalesce(recipients, '') || ' ' || coalesce(cc, '')), 'C') ||
    to_tsvector('simple', coalesce(body, ''))) STORED);
\copy docs(id, title, sender, recipients, cc, subject, date, type, path, body) FROM '$W/docs.csv' WITH (FORMAT csv)
CREATE INDEX docs_tsv ON docs USING gin(tsv);
VACUUM ANALYZE docs;
EOF
	pg_docs() { "${PSQL[@]}" -A -t -c 'SELECT count(*) FROM docs'; }
	pg_size() { "${PSQL[@]}" -A -t -c "SELECT pg_total_relation_size('docs')"; }
	measure "PostgreSQL load" 1 "$BYTES" pg_docs pg_size \
		"psql -f \$W/pgload.sql  (COPY of the exported text into a table with a generated tsvector, then a GIN index; client only: the server's CPU and RSS are not counted)" -- \
		"${PSQL[@]}" -f "$W/pgload.sql"
	# the timed statements: per query, one SELECT of the top 20 by ts_rank with
	# ts_headline snippets and the total count, like weft search --json
	perl -F'\t' -lane '
		my ($tsq, $where) = @F; $where //= "";
		print "WITH q AS (SELECT to_tsquery(\x27simple\x27, \$q\$$tsq\$q\$) AS q),",
		  " hits AS (SELECT d.id, d.title, d.path, d.date, d.type, d.body, ts_rank(d.tsv, q.q) AS r",
		  " FROM docs d, q WHERE d.tsv @@ q.q$where)",
		  " SELECT h.id, h.title, h.path, h.date, h.type, h.r,",
		  " ts_headline(\x27simple\x27, h.body, q.q, \x27MaxFragments=1, MaxWords=24, MinWords=8\x27),",
		  " (SELECT count(*) FROM hits) FROM (SELECT * FROM hits ORDER BY r DESC LIMIT 20) h, q ORDER BY h.r DESC;"' \
		"$W/q.pg.tsv" > "$W/q.pg.sql"
	{
		echo '\o /dev/null'
		cat "$W/q.pg.sql"
		echo '\timing on'
		for r in $(seq 1 "$SEARCH_REPS"); do cat "$W/q.pg.sql"; done
	} > "$W/pgsearch.sql"
	"${PSQL[@]}" -f "$W/pgsearch.sql" 2> "$W/log/pg.search" | awk -v n="$(wc -l < "$W/q.pg.sql")" '
		/^Time:/ { i++; q = (i - 1) % n + 1; rep = int((i - 1) / n); printf "%d\t%d\t%.1f\t-\t0\n", q, rep, $2 * 1000 }' \
		> "$D/search.postgres.tsv" || die "PostgreSQL search failed: $(tail -3 "$W/log/pg.search")"
	meta cmd:postgres "psql -f queries.sql, \\timing per statement: WITH q AS (SELECT to_tsquery('simple', Q)), hits AS (… WHERE tsv @@ q) SELECT top 20 by ts_rank, ts_headline, count(*)  (one connection, over the Unix socket)"
	perl -F'\t' -lane 'my ($tsq, $where) = @F; $where //= "";
		print "SELECT count(*) FROM docs d WHERE d.tsv @@ to_tsquery(\x27simple\x27, \$q\$$tsq\$q\$)$where;"' \
		"$W/q.pg.tsv" | "${PSQL[@]}" -A -t | awk '{printf "%d\t%s\n", NR, $1}' > "$D/hits.postgres.tsv"
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast stop > /dev/null 2>&1 || true
fi
meta search_load_end "$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- 4. network (bench/graph.sh; its results land in $D too) ----

if ! skipped graph; then
	say "network: bench/graph.sh (log: $W/log/graph)"
	WEFT=$WEFT LIBWEFT=$W/libweft.a BENCH_CORPUS=$CORPUS BENCH_TMP=$W/graph WEFT_MODEL=$MODEL GRAPH_RESULTS=$D \
		GRAPH_SKIP="$([[ $NER_OK == 1 ]] || echo rebuild)" "$BENCH/graph.sh" > "$W/log/graph" 2>&1 ||
		{ tail -5 "$W/log/graph" >&2; die "bench/graph.sh failed"; }
fi

# ---- 5. web API (bench/http.sh, bench/first_paint.mjs; rows in $D/http.tsv, $D/first_paint.tsv) ----

if ! skipped http; then
	say "web API: bench/http.sh (log: $W/log/http)"
	WEFT=$WEFT BENCH_CORPUS=$CORPUS BENCH_TMP=$W WEFT_MODEL=$MODEL BENCH_INSTALL=$INSTALL HTTP_OUT=$D/http.tsv \
		"$BENCH/http.sh" ${HTTP_CASE:+"$HTTP_CASE"} > "$W/log/http" 2>&1 ||
		{ tail -5 "$W/log/http" >&2; die "bench/http.sh failed"; }
	say "web page: bench/first_paint.mjs (log: $W/log/first_paint)"
	rc=0
	if have node; then
		WEFT=$WEFT WEFT_MODEL=$MODEL FP_OUT=$D/first_paint.tsv node "$BENCH/first_paint.mjs" > "$W/log/first_paint" 2>&1 || rc=$?
	else
		echo "SKIP: no node" > "$W/log/first_paint"
		rc=77
	fi
	[[ $rc == 0 || $rc == 77 ]] || { tail -5 "$W/log/first_paint" >&2; die "bench/first_paint.mjs failed"; }
	if [[ $rc == 77 ]]; then say "first paint skipped: $(tail -1 "$W/log/first_paint")"; fi
fi

# ---- report ----

meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
meta seconds "$(($(date +%s) - T0))"
mkdir -p "$BENCH/results"
cp "$D"/*.tsv "$D"/queries.*.txt "$BENCH/results/" 2>/dev/null || true
perl "$BENCH/report.pl" "$D" "$OUT" "$BENCH/queries.txt"
say "done in $(($(date +%s) - T0)) s: $OUT"
