# Crash safety: `weft ingest` killed with SIGKILL at random moments leaves a
# case that passes SQLite's integrity check, opens, and holds only whole
# files; running the same command again finishes the job, and the result is
# the same as one uninterrupted run (same documents, same path -> content
# map, same failures, same search hits).
#
# The input mixes loose files, a zip and a tar.gz (whose members are queued
# before their container), duplicates and broken files.  It comes from the
# shared corpora when present, otherwise it is generated, so this test never
# skips.  KILL_ROUNDS (default 8) is the number of kills that must land on a
# running ingest.
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 is not installed (scripts/install-deps.sh installs it)"
command -v zip >/dev/null 2>&1 || fail "zip is not installed (scripts/install-deps.sh installs it)"
KILLS=${KILL_ROUNDS:-8}
IN="$T/in"
mkdir -p "$IN"

# ---- the input ----
# gen DIR N SEED: N varied documents (text, email, HTML) in DIR
gen() {
	mkdir -p "$1"
	awk -v dir="$1" -v n="$2" -v seed="$3" 'BEGIN {
		srand(seed)
		nw = split("iran iraq baghdad tehran minister embassy militia oil contract pipeline " \
			"election parliament council ambassador security border trade bank payment " \
			"report meeting cable source official government party leader army general " \
			"market price energy gas power deal office letter budget court judge police " \
			"river city province village airport port road bridge school hospital " \
			"water harvest drought winter summer report analysis summary comment", w, " ")
		nn = split("Soleimani Maliki Abadi Sadr Hakim Jabr Amiri Muhandis Zarif Rouhani " \
			"Smith Jones Okonkwo Dubois Novak Tanaka Silva Haddad Karimi Rahimi", names, " ")
		for (i = 1; i <= n; i++) {
			kind = i % 10
			f = sprintf("%s/doc%05d.%s", dir, i, kind == 0 ? "eml" : kind == 1 ? "html" : "txt")
			if (kind == 0) {
				printf "From: %s <%s@example.org>\nTo: desk@example.org\n", names[1 + int(rand() * nn)], tolower(names[1 + int(rand() * nn)]) > f
				printf "Subject: note %d on %s\nDate: Mon, %d Mar 2014 10:%02d:00 +0000\nMessage-ID: <%d.%d@example.org>\n\n", i, w[1 + int(rand() * nw)], 1 + i % 28, i % 60, seed, i > f
			} else if (kind == 1) {
				printf "<html><head><title>Page %d</title><script>var x=%d;</script></head><body><h1>%s</h1><p>\n", i, i, names[1 + int(rand() * nn)] > f
			}
			words = 150 + int(rand() * 500)
			line = ""
			for (k = 1; k <= words; k++) {
				t = rand() < 0.08 ? names[1 + int(rand() * nn)] : w[1 + int(rand() * nw)]
				line = line (line == "" ? "" : " ") t
				if (length(line) > 70) { print line > f; line = "" }
			}
			printf "%s\nserial %d-%d marker%d\n", line, seed, i, i % 97 > f
			if (kind == 1) print "</p></body></html>" > f
			close(f)
		}
	}'
}
mkdir -p "$T/arc"
if [ -d "${SHARED:-}/corpora/enron_maildir/maildir" ] && [ -d "${SHARED:-}/corpora/bbc_news" ]; then
	echo "input: slices of the shared Enron and BBC corpora"
	QUERIES='pipeline|"prime minister" -iraq'
	E="$SHARED/corpora/enron_maildir/maildir"
	B="$SHARED/corpora/bbc_news"
	mkdir -p "$IN/enron" "$IN/bbc"
	(cd "$E" && find lay-k skilling-j -type f | LC_ALL=C sort | awk 'NR % 5 == 0' | head -n 250 |
		tar -cf - -T - | tar -xf - -C "$IN/enron") || fail "copying Enron failed"
	(cd "$B" && find . -name '*.txt' | LC_ALL=C sort | awk 'NR % 5 == 0' | head -n 150 |
		tar -cf - -T - | tar -xf - -C "$IN/bbc") || fail "copying BBC failed"
	# archives: members not elsewhere in the input, and a few that are
	(cd "$E" && { find buy-r -type f | LC_ALL=C sort | head -n 80; } | zip -q -@ "$T/arc/mail.zip") || fail "zip failed"
	(cd "$B" && { find . -name '*.txt' | LC_ALL=C sort | awk 'NR % 5 == 1' | head -n 80; } |
		tar -czf "$T/arc/news.tar.gz" -T -) || fail "tar failed"
	(cd "$IN/bbc" && find . -name '*.txt' | LC_ALL=C sort | head -n 10 | tar -czf - -T - ) > "$T/arc/overlap.tar.gz"
else
	echo "input: generated (no shared corpora)"
	QUERIES='marker7|maliki NEAR/3 iran -oil'
	gen "$IN/gen" 1000 11
	gen "$T/zsrc/a" 150 12
	gen "$T/tsrc/b" 150 13
	(cd "$T/zsrc" && zip -q -r "$T/arc/mail.zip" a) || fail "zip failed"
	(cd "$T/tsrc" && tar -czf "$T/arc/news.tar.gz" b) || fail "tar failed"
	(cd "$IN/gen" && ls | head -n 10 | tar -czf - -T - ) > "$T/arc/overlap.tar.gz"
fi
mkdir -p "$IN/archives" "$IN/bad" "$IN/copies"
cp "$T/arc/"* "$IN/archives/"
# a member that cannot be read, inside a zip
head -c 4000 /dev/urandom > "$T/junk.bin"
(cd "$T" && zip -q "$IN/archives/mail.zip" junk.bin) || fail "zip failed"
# loose failures and byte-identical copies
: > "$IN/bad/empty.txt"
head -c 3000 /dev/urandom > "$IN/bad/junk.bin"
for f in $(find "$IN" -type f -name '*.txt' ! -path '*/bad/*' | LC_ALL=C sort | head -n 5); do cp "$f" "$IN/copies/$(basename "$f").copy"; done
nfiles=$(find "$IN" -type f | wc -l)
echo "input: $nfiles files"

# ---- the reference: one uninterrupted run ----
REF="$T/ref.weft"
ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(ms)
"$WEFT" ingest -q --no-ner --case "$REF" "$IN" > "$T/ref.out" 2>&1; ref_rc=$?
full=$(($(ms) - t0))
cat "$T/ref.out"
"$WEFT" failures --case "$REF"
[ "$ref_rc" -eq 3 ] || fail "reference ingest: exit $ref_rc, want 3 (two broken files)"
ok "reference ingest took ${full} ms"
[ "$full" -ge 1000 ] || echo "note: a full run takes only ${full} ms; kills land early"
refdocs=$("$WEFT" stats --case "$REF" --json | json v.documents)
[ "$refdocs" -gt "$nfiles" ] || fail "reference has $refdocs documents for $nfiles files: archive members missing?"

# ---- what a case must satisfy at any moment, and after completion ----
q() { sqlite3 -batch "$1" "$2"; }
# consistent CASE WHAT: the invariants that hold after any kill
consistent() {
	r=$(q "$1" 'PRAGMA integrity_check') || fail "$2: sqlite3 cannot open the case"
	[ "$r" = ok ] || fail "$2: integrity_check: $r"
	r=$(q "$1" 'PRAGMA foreign_key_check')
	[ -z "$r" ] || fail "$2: foreign_key_check: $r"
	# the full-text index matches the stored documents.  A container whose
	# members are stored before it has a 'pending' placeholder row, which is
	# not in the index (FTS5 counts that as a mismatch): check a copy without
	# them, and that they are only that.
	r=$(q "$1" "SELECT id FROM documents d WHERE status='pending' AND NOT EXISTS (SELECT 1 FROM paths p WHERE p.container=d.id)
		AND NOT EXISTS (SELECT 1 FROM documents c WHERE c.parent=d.id) LIMIT 5")
	[ -z "$r" ] || fail "$2: pending documents that are nobody's container: $r"
	rm -f "$T/chk.weft"
	q "$1" ".backup '$T/chk.weft'" || fail "$2: cannot copy the case"
	r=$(sqlite3 -bail "$T/chk.weft" "DELETE FROM documents WHERE status='pending';
		INSERT INTO fts(fts, rank) VALUES('integrity-check', 1); SELECT 'ok';" 2>&1)
	[ "$r" = ok ] || fail "$2: full-text index does not match the documents: $r"
	"$WEFT" stats --case "$1" --json > "$T/st.json" 2> "$T/st.err" || fail "$2: weft stats failed: $(cat "$T/st.err")"
	json v.documents < "$T/st.json" > /dev/null || fail "$2: weft stats --json is not JSON"
	# a path row is written with (or after) its whole document...
	r=$(q "$1" "SELECT p.path||' -> '||d.status FROM paths p JOIN documents d ON d.id=p.doc
		WHERE d.status NOT IN ('ok','needs_ocr') LIMIT 5")
	[ -z "$r" ] || fail "$2: paths to unfinished documents: $r"
	# ...and a container's path only after all its members
	r=$(q "$1" "ATTACH 'file:$REF?mode=ro' AS ref;
		WITH c(path) AS (SELECT DISTINCT substr(path, 1, instr(path, '!/') - 1) FROM ref.paths WHERE instr(path, '!/') > 0),
		n(path, db, k) AS (
			SELECT c.path, 'main', (SELECT count(*) FROM main.paths m WHERE m.path > c.path || '!/' AND m.path < c.path || '!0') +
				(SELECT count(*) FROM main.failures m WHERE m.path > c.path || '!/' AND m.path < c.path || '!0') FROM c
			UNION ALL
			SELECT c.path, 'ref', (SELECT count(*) FROM ref.paths m WHERE m.path > c.path || '!/' AND m.path < c.path || '!0') +
				(SELECT count(*) FROM ref.failures m WHERE m.path > c.path || '!/' AND m.path < c.path || '!0') FROM c)
		SELECT a.path || ': ' || a.k || ' members of ' || b.k FROM n a JOIN n b ON a.path = b.path AND a.db = 'main' AND b.db = 'ref'
		WHERE a.k != b.k AND EXISTS (SELECT 1 FROM main.paths p WHERE p.path = a.path)")
	[ -z "$r" ] || fail "$2: containers recorded before all their members: $r"
}
# same_as_ref CASE WHAT [search]: a finished case equals the reference
same_as_ref() {
	consistent "$1" "$2"
	for sql in \
		"SELECT sha256 FROM documents WHERE status IN ('ok','needs_ocr') ORDER BY 1" \
		"SELECT d.sha256, d.type, d.title, d.date, d.sender, d.subject, length(d.body), d.invalid_bytes
			FROM documents d WHERE status IN ('ok','needs_ocr') ORDER BY 1" \
		"SELECT p.path, d.sha256, c.sha256, p.inner, p.size FROM paths p JOIN documents d ON d.id=p.doc
			LEFT JOIN documents c ON c.id=p.container ORDER BY 1" \
		"SELECT path, reason FROM failures ORDER BY 1" \
		"SELECT status, count(*) FROM documents GROUP BY 1 ORDER BY 1"; do
		q "$REF" "$sql" > "$T/want" || fail "query failed: $sql"
		q "$1" "$sql" > "$T/got" || fail "query failed: $sql"
		cmp -s "$T/want" "$T/got" || fail "$2: differs from the uninterrupted run in: $sql
$(diff "$T/want" "$T/got" | head -n 12)"
	done
	ok "$2: same documents, paths, failures and statuses as the uninterrupted run"
	expect_eq "$2: documents" "$("$WEFT" stats --case "$1" --json | json v.documents)" "$refdocs"
	expect_eq "$2: duplicate paths" "$(q "$1" "SELECT count(*) FROM (SELECT path FROM paths GROUP BY path HAVING count(*) > 1)")" 0
	expect_eq "$2: pending documents" "$(q "$1" "SELECT count(*) FROM documents WHERE status='pending'")" 0
	# every file of the input is a path or a failure
	find "$IN" -type f | LC_ALL=C sort > "$T/files"
	q "$1" "SELECT path FROM paths WHERE container IS NULL UNION SELECT path FROM failures WHERE path NOT LIKE '%!/%'" |
		LC_ALL=C sort > "$T/known"
	cmp -s "$T/files" "$T/known" || fail "$2: files vs paths: $(diff "$T/files" "$T/known" | head -n 8)"
	ok "$2: every file has its path"
	[ "${3:-}" = search ] || return 0
	some=0
	echo "$QUERIES" | tr '|' '\n' > "$T/queries"
	while read -r query; do
		"$WEFT" search --case "$REF" --json --limit 10000 -- "$query" > "$T/a.json" 2>/dev/null
		"$WEFT" search --case "$1" --json --limit 10000 -- "$query" > "$T/b.json" 2>/dev/null
		a=$(json 'v.map(h=>h.id>0).length' < "$T/a.json" 2>/dev/null || echo none)
		b=$(json 'v.map(h=>h.id>0).length' < "$T/b.json" 2>/dev/null || echo none)
		[ "$a" = "$b" ] || fail "$2: search '$query': $b hits, uninterrupted run $a"
		echo "search '$query': $a hits in both"
		[ "$a" != none ] && [ "$a" -gt 0 ] && some=$((some + 1))
	done < "$T/queries"
	[ "$some" -ge 2 ] || fail "$2: the search queries found (almost) nothing in the reference"
	ok "$2: same search hits"
}
consistent "$REF" "reference"

# commas N: N as weft prints it (1,234)
commas() { echo "$1" | awk '{ s = $1; o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }

# ---- kill, check, resume ----
rnd() { od -An -N4 -tu4 /dev/urandom | tr -d ' \n'; }
CASE="$T/killed.weft"
landed=0 round=0 chain=1 finished=0
while [ "$landed" -lt "$KILLS" ] && [ "$round" -lt $((KILLS * 5)) ]; do
	round=$((round + 1))
	d=$((50 + $(rnd) % (full > 60 ? full - 50 : 10)))
	"$WEFT" ingest -q --no-ner --case "$CASE" "$IN" > "$T/run.out" 2>&1 &
	pid=$!
	sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid"; rc=$?
	grep -q 'being written by another weft' "$T/run.out" && fail "round $round: a killed writer left its lock behind"
	grep -q 'ERROR: \(Address\|Undefined\)Sanitizer\|runtime error:' "$T/run.out" && fail "round $round: sanitizer report: $(cat "$T/run.out")"
	if [ "$rc" -eq 137 ]; then
		landed=$((landed + 1))
		if [ -f "$CASE" ]; then
			consistent "$CASE" "kill $landed at ${d} ms (chain $chain)"
			ok "kill $landed at ${d} ms (chain $chain): $(json '"documents "+v.documents+", failed "+v.failed' < "$T/st.json")"
		else
			ok "kill $landed at ${d} ms (chain $chain): no case yet"
		fi
	else
		# the run finished before the kill: it must be the whole job
		[ "$rc" -eq 3 ] || fail "round $round: ingest exit $rc: $(cat "$T/run.out")"
		same_as_ref "$CASE" "chain $chain, finished by a run after the kills"
		finished=$((finished + 1))
		chain=$((chain + 1))
		# a whole run fit in d ms (the machine may be less busy than when
		# the reference ran): aim the next kills within that
		[ "$d" -lt "$full" ] && full=$((d > 300 ? d : 300))
		rm -f "$CASE" "$CASE-wal" "$CASE-shm"
	fi
done
[ "$landed" -ge "$KILLS" ] || fail "only $landed of $round kills landed on a running ingest"

# ---- the same command finishes the job ----
out=$(timeout 300 "$WEFT" ingest -q --no-ner --case "$CASE" "$IN" 2>&1); rc=$?
echo "$out"
case $out in *'being written by another weft'*) fail "final run: stale lock";; esac
expect_eq "final run exit status" "$rc" 3
expect_in "final run adds the rest" "$(commas "$nfiles") files:" "$out"
same_as_ref "$CASE" "after $landed kills" search
out=$("$WEFT" ingest -q --no-ner --case "$CASE" "$IN" 2>&1)
topfail=$(q "$REF" "SELECT count(*) FROM failures WHERE instr(path, '!/') = 0")
expect_in "a run after that has nothing new" "0 new, $(commas $((nfiles - topfail))) unchanged" "$out"

# ---- the same with the name tagger on (when a model is there) ----
MODEL=${WEFT_MODEL:-$WEFT_ROOT/models/ner.model}
if [ -f "$MODEL" ]; then
	NIN="$T/ner-in"
	mkdir -p "$NIN"
	find "$IN" -type f ! -path '*/archives/*' ! -path '*/bad/*' | LC_ALL=C sort | awk 'NR % 25 == 0' | head -n 60 |
		while read -r f; do cp "$f" "$NIN/"; done
	cp "$IN/archives/overlap.tar.gz" "$NIN/"
	NREF="$T/ner-ref.weft"
	t0=$(ms)
	"$WEFT" ingest -q --case "$NREF" "$NIN" > "$T/ref.out" 2>&1 || fail "ingest with NER: $(cat "$T/ref.out")"
	nfull=$(($(ms) - t0))
	ok "ingest with NER took ${nfull} ms"
	NCASE="$T/ner-killed.weft"
	for i in 1 2 3; do
		d=$((50 + $(rnd) % (nfull > 60 ? nfull - 50 : 10)))
		"$WEFT" ingest -q --case "$NCASE" "$NIN" > "$T/run.out" 2>&1 &
		pid=$!
		sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
		kill -9 "$pid" 2>/dev/null
		wait "$pid"
		[ -f "$NCASE" ] || continue
		r=$(q "$NCASE" 'PRAGMA integrity_check')
		[ "$r" = ok ] || fail "NER kill $i at ${d} ms: integrity_check: $r"
		"$WEFT" stats --case "$NCASE" > /dev/null || fail "NER kill $i at ${d} ms: weft stats failed"
		ok "NER kill $i at ${d} ms"
	done
	"$WEFT" ingest -q --case "$NCASE" "$NIN" > "$T/run.out" 2>&1 || fail "NER final run: $(cat "$T/run.out")"
	r=$(q "$NCASE" 'PRAGMA integrity_check')
	[ "$r" = ok ] || fail "NER final: integrity_check: $r"
	for sql in "SELECT sha256 FROM documents WHERE status IN ('ok','needs_ocr') ORDER BY 1" \
		"SELECT p.path, d.sha256 FROM paths p JOIN documents d ON d.id=p.doc ORDER BY 1"; do
		[ "$(q "$NREF" "$sql")" = "$(q "$NCASE" "$sql")" ] || fail "NER: differs from the uninterrupted run in: $sql"
	done
	if [ -n "$(q "$NREF" "SELECT name FROM sqlite_master WHERE name='mentions'")" ]; then
		sql="SELECT d.sha256, (SELECT count(*) FROM mentions m WHERE m.doc=d.id),
			(SELECT count(*) FROM sentences s WHERE s.doc=d.id) FROM documents d WHERE d.status='ok' ORDER BY 1"
		q "$NREF" "$sql" > "$T/want"
		q "$NCASE" "$sql" > "$T/got"
		cmp -s "$T/want" "$T/got" || fail "NER: mentions/sentences differ from the uninterrupted run: $(diff "$T/want" "$T/got" | head -n 6)"
		expect_eq "NER: no mentions of missing documents" \
			"$(q "$NCASE" "SELECT count(*) FROM mentions WHERE doc NOT IN (SELECT id FROM documents WHERE status='ok')")" 0
	fi
	ok "NER: killed and resumed = uninterrupted"
else
	echo "note: no NER model at $MODEL; the kills ran with --no-ner only"
fi
echo "all ok"
