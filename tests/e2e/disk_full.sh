# A full disk: the case lives on a small tmpfs (12 MB) and the input is
# bigger (about 37 MB of text).  weft must stop with a clear error
# ("weft: ingest: CASE: disk full (...): ... free some space and run the
# command again"), never crash or show SQLite's raw "database or disk is
# full"; the summary counts only what was kept; the case passes SQLite's
# and FTS5's integrity checks, opens, and answers searches as before; on a
# drive with no byte left, a new case is not created (and leaves nothing
# behind) and an ingest into the old one fails the same way; once space is
# freed (the tmpfs grown, a filler file deleted) the same command finishes
# the job, with exactly the expected documents: nothing missing, nothing
# twice.  Last, with names on, the drive fills up just after the last
# document is committed, while entities and links are rebuilt: the same
# error, and once space is freed the same command (which finds no new
# document) rebuilds them, equal to an uninterrupted run.
#
# Needs root (mount): skipped otherwise, or where mount is not allowed
# (an unprivileged container).
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 is not installed (scripts/install-deps.sh installs it)"
[ "$(id -u)" -eq 0 ] || skip "not root: cannot mount a small tmpfs to fill"
MNT="$T/mnt"
mkdir -p "$MNT"
mount -t tmpfs -o size=12m,mode=0755 weft-disk-full "$MNT" 2>"$T/mount.err" ||
	skip "cannot mount a tmpfs here ($(cat "$T/mount.err")): no disk-full test"
trap 'umount "$MNT" 2>/dev/null || umount -l "$MNT"; rm -rf "$T"' EXIT
CASE="$MNT/case.weft"
BIG="$T/big"
sh "$WEFT_ROOT/tests/gen-corpus.sh" "$BIG" 1500 7 3000 || fail "generating the input failed"
nbig=$(find "$BIG" -type f | wc -l)
echo "input: $nbig files, $(du -sm "$BIG" | cut -f1) MB; the case's drive: $(df -m "$MNT" | awk 'NR == 2 { print $2 }') MB"
q() { sqlite3 -batch "$CASE" "$1"; }
docs() { "$WEFT" stats --case "$CASE" --json | json v.documents; }
hits() { "$WEFT" search --case "$CASE" --json --limit 10000 -- "$1" | json v.length; }
# full_error WHAT RC ERRFILE [CASE]: a fatal error that says the disk is full
full_error() {
	err=$(cat "$3")
	c=${4:-$CASE}
	if grep -q 'Sanitizer\|runtime error:' "$3"; then fail "$1: sanitizer report: $err"; fi
	[ "$2" -lt 128 ] || fail "$1: weft died (exit $2): $err"
	expect_eq "$1: exit status" "$2" 1
	case $err in
	*"database or disk is full"* | *"disk I/O error"*) fail "$1: SQLite's raw words: $err" ;;
	esac
	expect_in "$1: says the disk is full, naming the case" "$c: disk full (" "$err"
	expect_in "$1: says what to do" "free some space and run the command again" "$err"
	[ "$(grep -c '^weft: ' "$3")" -eq 1 ] || fail "$1: not one error line: $err"
}
# intact WHAT: the case passes the integrity checks and answers as before
intact() {
	expect_eq "$1: integrity_check" "$(q 'PRAGMA integrity_check')" ok
	# FTS5's own check, on a copy outside the full drive
	rm -f "$T/chk.weft"
	q ".backup '$T/chk.weft'" || fail "$1: cannot copy the case"
	r=$(sqlite3 -bail "$T/chk.weft" "INSERT INTO fts(fts, rank) VALUES('integrity-check', 1); SELECT 'ok';" 2>&1)
	expect_eq "$1: full-text index matches the documents" "$r" ok
	expect_eq "$1: paths to unfinished documents" \
		"$(q "SELECT count(*) FROM paths p JOIN documents d ON d.id = p.doc WHERE d.status NOT IN ('ok', 'needs_ocr')")" 0
	expect_eq "$1: search for a name in the samples" "$(hits danaeifar)" "$s0"
}

# ---- a case with the samples in it ----
"$WEFT" ingest -q --no-ner --case "$CASE" "$WEFT_ROOT/samples" > "$T/out" 2> "$T/err" ||
	fail "ingest of samples/ failed: $(cat "$T/out" "$T/err")"
n0=$(docs)
s0=$(hits danaeifar)
[ "$s0" -gt 0 ] || fail "the samples have no hit for danaeifar"
ok "samples: $n0 documents, $s0 hits for danaeifar"

# ---- an ingest that fills the drive ----
"$WEFT" ingest -q --no-ner --case "$CASE" "$BIG" > "$T/out" 2> "$T/err"; rc=$?
cat "$T/out" "$T/err"
df -k "$MNT" | tail -n 1
full_error "ingest on a drive that fills up" "$rc" "$T/err"
n1=$(docs)
added=$(sed -n 's/.* \([0-9,]*\) documents added.*/\1/p' "$T/out" | tr -d ,)
expect_eq "the summary counts the documents kept" "$added" $((n1 - n0))
[ "$n1" -lt $((n0 + nbig)) ] || fail "all $nbig documents fit: the drive is too big for this test"
intact "after the drive filled up"
kept=$((n1 - n0))
expect_eq "the documents kept are searchable" "$(hits serial)" "$kept"

# ---- a drive with no byte left ----
head -c 64M /dev/zero > "$MNT/filler" 2> /dev/null
"$WEFT" ingest -q --no-ner --case "$CASE" "$BIG" > "$T/out" 2> "$T/err"; rc=$?
cat "$T/out" "$T/err"
full_error "ingest on a full drive" "$rc" "$T/err"
expect_eq "nothing added on a full drive" "$(docs)" "$n1"
intact "after an ingest on a full drive"
NEW="$MNT/new.weft"
"$WEFT" ingest -q --no-ner --case "$NEW" "$WEFT_ROOT/samples" > "$T/out" 2> "$T/err"; rc=$?
cat "$T/err"
full_error "a new case on a full drive" "$rc" "$T/err" "$NEW"
expect_eq "nothing left behind by the case that could not be made" "$(cd "$MNT" && ls | grep -v '^case\.weft' | tr '\n' ' ')" "filler "
"$WEFT" search --case "$NEW" alpha > /dev/null 2> "$T/err"
expect_in "the case that could not be made does not exist" "no such case" "$(cat "$T/err")"

# ---- space freed: the same command finishes the job ----
rm -f "$MNT/filler"
mount -o remount,size=200m "$MNT" || fail "cannot grow the tmpfs"
"$WEFT" ingest -q --no-ner --case "$CASE" "$BIG" > "$T/out" 2> "$T/err"; rc=$?
cat "$T/out" "$T/err"
expect_eq "ingest after space was freed: exit status" "$rc" 0
expect_eq "documents: the samples and every generated file, once" "$(docs)" $((n0 + nbig))
expect_eq "paths of the generated files" "$(q "SELECT count(*) FROM paths WHERE path LIKE '$BIG/%'")" "$nbig"
expect_eq "documents twice (same content)" "$(q 'SELECT count(*) - count(DISTINCT sha256) FROM documents')" 0
expect_eq "pending documents" "$(q "SELECT count(*) FROM documents WHERE status = 'pending'")" 0
intact "after the re-run"
expect_eq "search: one marker of the generated files" "$(hits '"serial 7-1234"')" 1
expect_eq "search: every generated file" "$(hits serial)" "$nbig"

# ---- with names: the drive fills up while entities and links are rebuilt ----
MODEL=${WEFT_MODEL:-$WEFT_ROOT/models/ner.model}
if [ ! -f "$MODEL" ]; then
	echo "note: no NER model at $MODEL: the disk-full during resolve/graph is not tried"
	echo "all ok"
	exit 0
fi
REF="$T/names-ref.weft"
"$WEFT" ingest -q --case "$REF" --model "$MODEL" "$WEFT_ROOT/samples" > "$T/out" 2>&1 || fail "ingest with names: $(cat "$T/out")"
ndocs=$(sqlite3 "$REF" "SELECT count(*) FROM documents WHERE status IN ('ok', 'needs_ocr')")
rm -f "$CASE" "$CASE-wal" "$CASE-shm"
mount -o remount,size=12m "$MNT" || fail "cannot shrink the tmpfs"
CASE="$MNT/names.weft"
hit=0 try=0
while [ "$hit" = 0 ] && [ "$try" -lt 3 ]; do
	try=$((try + 1))
	rm -f "$CASE" "$CASE-wal" "$CASE-shm" "$MNT/filler"
	"$WEFT" ingest -q --case "$CASE" --model "$MODEL" "$WEFT_ROOT/samples" > "$T/out" 2> "$T/err" &
	pid=$!
	# once every document is in, fill the drive
	while kill -0 "$pid" 2>/dev/null; do
		[ -f "$CASE" ] && [ "$(q "SELECT count(*) >= $ndocs FROM documents WHERE status IN ('ok', 'needs_ocr')" 2>/dev/null)" = 1 ] && break
	done
	head -c 64M /dev/zero > "$MNT/filler" 2> /dev/null
	wait "$pid"; rc=$?
	cat "$T/out" "$T/err"
	grep -q 'disk full (\(resolving entities\|building the network\|saving the network\|writing to the case\))' "$T/err" && hit=1
	[ "$rc" -eq 0 ] && [ "$hit" = 0 ] && echo "try $try: the network was built before the drive filled"
done
[ "$hit" = 1 ] || fail "3 tries: the drive never filled while entities and links were rebuilt"
full_error "the drive filled while entities and links were rebuilt" "$rc" "$T/err"
expect_eq "the network is marked stale" "$(q "SELECT count(*) FROM meta WHERE key = 'network'")" 1
rm -f "$MNT/filler"
"$WEFT" ingest -q --case "$CASE" --model "$MODEL" "$WEFT_ROOT/samples" > "$T/out" 2> "$T/err"; rc=$?
cat "$T/out" "$T/err"
expect_eq "the same command after space was freed: exit status" "$rc" 0
expect_in "it finds no new document" "0 new" "$(cat "$T/out")"
expect_eq "integrity_check" "$(q 'PRAGMA integrity_check')" ok
for sql in "SELECT type, name, mentions, docs FROM entities ORDER BY 1, 2" "SELECT count(*), sum(docs) FROM edges"; do
	[ "$(sqlite3 -batch "$REF" "$sql")" = "$(q "$sql")" ] || fail "entities and links differ from the uninterrupted run in: $sql"
done
ok "entities and links rebuilt, equal to the uninterrupted run ($(q 'SELECT count(*) FROM entities') entities, $(q 'SELECT count(*) FROM edges') links)"
echo "all ok"
