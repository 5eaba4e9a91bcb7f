# The case file is safe to point weft at: a file that is not a weft case
# (text, PDF, another program's SQLite database, even one with a pending
# WAL or a hot journal) is refused and left byte for byte as it was; a
# case from a newer weft is refused; a folder or a missing case gives a
# plain error; two writers take turns (the second says it waits), also when
# both create the case at once; a reader answers while a writer works; a
# read-only case or folder gives a clear error and can still be searched;
# hostile file names and links in the input are ingested or listed as
# failures, and the JSON output stays valid; a case from an older weft can
# be opened by two weft at once; a case cut short or overwritten with junk
# (at its start, middle or end) gives a clear error, never a crash, and the
# commands that only read leave it as it was.
#
# Each part runs in a subshell; all parts run, and the test fails if any did.
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 is not installed (scripts/install-deps.sh installs it)"
W() { "$WEFT" "$@"; }
sha() { sha256sum < "$1" | cut -c1-64; }
# listing DIR: names, sizes and hashes of everything in DIR
listing() { (cd "$1" && find . -type f -exec sha256sum {} + | LC_ALL=C sort); }
IN="$T/in"
mkdir -p "$IN"
echo "some text about alpha and the ministry" > "$IN/a.txt"
failed=""
part() { # NAME FUNCTION
	echo "=== $1"
	( "$2" ) || failed="$failed $1"
}

# ---- (a) files that are not weft cases ----
# mine DIR NAME: hashes of NAME and of everything beside it whose name starts
# with NAME (of a -shm, only that it is there: readers of a WAL database may
# rebuild that index, which holds no data)
mine() { listing "$1" | awk -v f="./$2" 'index($2, f) == 1 { if ($2 ~ /-shm$/) $1 = "(index)"; print }' | LC_ALL=C sort; }
# refuse_all DIR NAME: every command refuses DIR/NAME and leaves it (and its -wal, -shm, -journal) as it was
refuse_all() {
	D=$1 f=$2
	mine "$D" "$f" > "$T/a.before"
	for cmd in search stats failures show ingest; do
		case $cmd in
		ingest) W ingest -q --no-ner --case "$D/$f" "$IN" > "$T/out" 2> "$T/err" ;;
		search) W search --case "$D/$f" alpha > "$T/out" 2> "$T/err" ;;
		show) W show --case "$D/$f" 1 > "$T/out" 2> "$T/err" ;;
		*) W "$cmd" --case "$D/$f" > "$T/out" 2> "$T/err" ;;
		esac
		rc=$?
		[ "$rc" -ne 0 ] || fail "$cmd --case $f: exit 0, want an error; out: $(cat "$T/out")"
		err=$(cat "$T/err")
		expect_in "$cmd --case $f: names the file" "weft: $D/$f: " "$err"
		case $err in
		*"not a weft case"*) ok "$cmd --case $f: says it is not a weft case" ;;
		*) fail "$cmd --case $f: message does not say 'not a weft case': $err" ;;
		esac
		mine "$D" "$f" > "$T/a.after"
		cmp -s "$T/a.before" "$T/a.after" ||
			fail "'weft $cmd --case $f' said it left $f untouched, but changed it or the files beside it:
$(diff "$T/a.before" "$T/a.after")"
	done
	ok "$f: all commands refused it, nothing changed"
}
not_a_case() {
	D="$T/a"
	mkdir -p "$D"
	echo "my notes, not a case" > "$D/notes.txt"
	cp "$WEFT_ROOT/samples/21_briefing_pack.pdf" "$D/leak.pdf" 2>/dev/null ||
		printf '%%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%%%EOF\n' > "$D/leak.pdf"
	sqlite3 "$D/other.db" "CREATE TABLE contacts(name TEXT, phone TEXT); INSERT INTO contacts VALUES('a source', '555');"
	printf 'SQLite format 3\000 but then nothing like a database, just a lot of bytes..............................................' > "$D/fake.db"
	# another program's database in WAL mode, killed before a checkpoint:
	# its latest rows are only in other-wal.db-wal
	python3 - "$D/other-wal.db" <<-'EOF' || fail "python3 could not make the WAL database"
		import os, sqlite3, sys
		c = sqlite3.connect(sys.argv[1])
		c.execute("PRAGMA journal_mode=WAL"); c.execute("PRAGMA wal_autocheckpoint=0")
		c.execute("CREATE TABLE history(url TEXT)")
		c.executemany("INSERT INTO history VALUES(?)", [("https://example.org/%d" % i,) for i in range(300)])
		c.commit()
		os._exit(0)
	EOF
	# and one killed in the middle of a transaction: a hot journal
	python3 - "$D/other-hot.db" <<-'EOF' || fail "python3 could not make the hot-journal database"
		import os, sqlite3, sys
		c = sqlite3.connect(sys.argv[1], isolation_level=None)
		c.execute("PRAGMA cache_size=1")
		c.execute("CREATE TABLE messages(body TEXT)"); c.execute("INSERT INTO messages VALUES('kept')")
		c.execute("BEGIN")
		c.executemany("INSERT INTO messages VALUES(?)", [("x" * 400,) for i in range(1000)])
		os._exit(0)
	EOF
	[ -s "$D/other-wal.db-wal" ] || fail "the WAL database has no pending WAL"
	[ -s "$D/other-hot.db-journal" ] || fail "the hot-journal database has no journal"
	bad=""
	for f in notes.txt leak.pdf other.db fake.db other-wal.db other-hot.db; do
		( refuse_all "$D" "$f" ) || bad="$bad $f"
	done
	[ -z "$bad" ] || fail "not left untouched:$bad"
	# and the data is still there for its own program
	expect_eq "WAL database still readable by its owner" "$(sqlite3 "$D/other-wal.db" 'SELECT count(*) FROM history')" 300
}
part "(a) not a case" not_a_case

# ---- (b) a case from a newer weft ----
newer() {
	C="$T/b.weft"
	W ingest -q --no-ner --case "$C" "$IN" > /dev/null || fail "ingest failed"
	sqlite3 "$C" 'PRAGMA user_version=99' || fail "sqlite3 failed"
	s=$(sha "$C")
	for cmd in ingest search stats failures; do
		case $cmd in
		ingest) W ingest -q --no-ner --case "$C" "$IN" > "$T/out" 2> "$T/err" ;;
		search) W search --case "$C" alpha > "$T/out" 2> "$T/err" ;;
		*) W "$cmd" --case "$C" > "$T/out" 2> "$T/err" ;;
		esac
		rc=$?
		[ "$rc" -ne 0 ] || fail "$cmd on a schema-99 case: exit 0"
		expect_in "$cmd: refused as newer" "weft: $C: made by a newer weft" "$(cat "$T/err")"
		expect_eq "$cmd: case unchanged" "$(sha "$C")" "$s"
	done
	expect_eq "user_version still 99" "$(sqlite3 "$C" 'PRAGMA user_version')" 99
}
part "(b) newer case" newer

# ---- a folder that takes an ingest a few seconds ----
# gen DIR N SEED: N distinct text files
gen() {
	mkdir -p "$1"
	awk -v dir="$1" -v n="$2" -v seed="$3" 'BEGIN {
		srand(seed)
		nw = split("iran iraq minister embassy militia oil contract election parliament council " \
			"ambassador security border trade bank payment report meeting source official " \
			"party leader army market price energy deal office letter budget court police", w, " ")
		for (i = 1; i <= n; i++) {
			f = sprintf("%s/f%05d.txt", dir, i)
			line = sprintf("file %d of set %d", i, seed)
			for (k = 0; k < 300 + i % 200; k++) {
				line = line " " w[1 + int(rand() * nw)]
				if (length(line) > 70) { print line > f; line = "" }
			}
			print line " setmark" seed > f
			close(f)
		}
	}'
}
BIG=5000
gen "$T/big" $BIG 1
gen "$T/small" 40 2

# ---- (c) two writers; (d) readers while one writes ----
writers() {
	C="$T/c.weft"
	W ingest -q --no-ner --case "$C" "$IN" > /dev/null || fail "first ingest failed"
	t0=$(date +%s%N)
	W search --case "$C" --json minister > /dev/null && W stats --case "$C" --json > /dev/null || fail "readers fail on an idle case"
	idle=$((($(date +%s%N) - t0) / 1000000))
	limit=$((2000 + 2 * idle))
	echo "search + stats on an idle case: $idle ms; allowed while a writer works: $limit ms"
	(W ingest -q --no-ner -j 1 --case "$C" "$T/big" > "$T/w1.out" 2> "$T/w1.err"; echo $? > "$T/w1.rc"; date +%s%N > "$T/w1.end") &
	# wait until the first writer is at work
	i=0
	while [ "$(sqlite3 "$C" "SELECT count(*) FROM paths WHERE path LIKE '%/big/%'" 2>/dev/null)" = 0 ] && [ $i -lt 200 ]; do
		sleep 0.05; i=$((i + 1))
	done
	[ -f "$T/w1.rc" ] && fail "the first writer finished before the second could start (make the input bigger)"
	# (c) a second writer waits for the first, and says so
	(W ingest -q --no-ner --case "$C" "$T/small" > "$T/w2.out" 2> "$T/w2.err"; echo $? > "$T/w2.rc"; date +%s%N > "$T/w2.end") &
	i=0
	while ! grep -q 'waiting' "$T/w2.err" 2>/dev/null && [ ! -f "$T/w2.rc" ] && [ $i -lt 200 ]; do
		sleep 0.05; i=$((i + 1))
	done
	# (the first may well finish right after the second said it waits)
	! grep -q 'waiting' "$T/w2.err" 2>/dev/null && [ -f "$T/w1.rc" ] &&
		fail "the first writer finished before the second could say it waits (make the input bigger)"
	expect_in "second writer says it waits" "weft: $C is being written by another weft; waiting" "$(cat "$T/w2.err")"
	# (d) readers answer while one writer works and another waits
	k=0
	while [ $k -lt 3 ] && [ ! -f "$T/w1.rc" ]; do
		k=$((k + 1))
		t0=$(date +%s%N)
		W search --case "$C" --json minister > "$T/r.json" 2> "$T/r.err" || fail "search during ingest failed: $(cat "$T/r.err")"
		W stats --case "$C" --json > "$T/s.json" 2> "$T/s.err" || fail "stats during ingest failed: $(cat "$T/s.err")"
		t=$((($(date +%s%N) - t0) / 1000000))
		json 'v.length' < "$T/r.json" > /dev/null || fail "search --json during ingest: not JSON"
		[ "$t" -lt "$limit" ] || fail "reader $k took $t ms while a writer worked (a reader must not wait for it)"
		ok "reader $k answered in $t ms while the writer worked ($(json v.documents < "$T/s.json") documents so far)"
	done
	[ $k -ge 1 ] || fail "the first writer finished before a reader could start (make the input bigger)"
	wait
	expect_eq "first writer exit" "$(cat "$T/w1.rc")" 0
	expect_eq "second writer exit" "$(cat "$T/w2.rc")" 0
	echo "first writer ended at $(cat "$T/w1.end"), second at $(cat "$T/w2.end")"
	# every document of the second writer was written after all of the first's
	r=$(sqlite3 "$C" "SELECT (SELECT max(doc) FROM paths WHERE path LIKE '%/big/%') < (SELECT min(doc) FROM paths WHERE path LIKE '%/small/%')")
	expect_eq "the second writer wrote only after the first had finished" "$r" 1
	expect_in "second writer's summary" "40 files: 40 new" "$(cat "$T/w2.out")"
	expect_eq "documents" "$(W stats --case "$C" --json | json v.documents)" $((1 + BIG + 40))
	expect_eq "integrity" "$(sqlite3 "$C" 'PRAGMA integrity_check')" ok
	expect_eq "search after both" "$(W search --case "$C" --json --limit 100 setmark2 | json v.length)" 40
}
part "(c,d) writers and readers" writers

# two writers creating the same new case at the same moment
create_race() {
	bad=0
	for i in 1 2 3 4 5 6; do
		C="$T/race$i.weft"
		W ingest -q --no-ner --case "$C" "$IN" > "$T/r1.out" 2>&1 & p1=$!
		W ingest -q --no-ner --case "$C" "$T/small" > "$T/r2.out" 2>&1 & p2=$!
		wait $p1; r1=$?
		wait $p2; r2=$?
		if [ "$r1" -ne 0 ] || [ "$r2" -ne 0 ]; then
			echo "round $i: exits $r1 and $r2: $(cat "$T/r1.out" "$T/r2.out" | grep weft: | head -n 2)"
			bad=$((bad + 1))
			continue
		fi
		n=$(W stats --case "$C" --json | json v.documents)
		[ "$n" = 41 ] || { echo "round $i: $n documents, want 41"; bad=$((bad + 1)); }
	done
	[ "$bad" -eq 0 ] || fail "two ingests creating the same case at once: $bad of 6 rounds failed"
	ok "two ingests creating the same case at once: both finish, 6 of 6"
}
part "(c) two writers create one case" create_race

# ---- (e) read-only case file, read-only folder ----
# As root, permission bits do not stop writes: use the immutable flag, or
# else run weft as nobody; skip only this part if neither can be had.
RO="" RUNAS=""
probe="$T/probe"
: > "$probe"
if chattr +i "$probe" 2>/dev/null; then
	chattr -i "$probe"
	RO=chattr
elif [ "$(id -u)" -ne 0 ]; then
	RO=chmod
elif command -v setpriv >/dev/null 2>&1 &&
	setpriv --reuid=65534 --regid=65534 --clear-groups "$WEFT" version > /dev/null 2>&1; then
	RO=chmod RUNAS="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
# a folder everyone can reach (weft may run as nobody here), made here so
# that the EXIT trap can undo the immutable flags whatever happens
RODIR=$(mktemp -d /tmp/weft-ro.XXXXXX)
chmod 755 "$RODIR"
trap '[ "$RO" = chattr ] && chattr -R -i "$RODIR" 2>/dev/null; chmod -R u+w "$RODIR" 2>/dev/null; rm -rf "$RODIR" "$T"' EXIT
readonly_case() {
	mkdir "$RODIR/f" "$RODIR/d" "$RODIR/in"
	cp "$IN/a.txt" "$RODIR/in/"
	echo "a new file about bravo" > "$RODIR/in/b.txt"
	for sub in f d; do
		W ingest -q --no-ner --case "$RODIR/$sub/c.weft" "$IN" > /dev/null || fail "ingest failed"
	done
	chmod -R a+rX "$RODIR"
	[ -n "$RUNAS" ] && chown -R 65534:65534 "$RODIR"
	# f: the case file is read-only, its folder is not
	# d: the folder is read-only, the file in it is not
	if [ "$RO" = chattr ]; then
		chattr +i "$RODIR/f/c.weft" "$RODIR/d" || fail "chattr failed"
	else
		chmod 444 "$RODIR/f/c.weft"
		chmod 555 "$RODIR/d"
	fi
	bad=""
	for sub in f d; do
		( ro_write "$sub" ) || bad="$bad $sub-write"
		( ro_read "$sub" ) || bad="$bad $sub-read"
	done
	[ -z "$bad" ] || fail "read-only checks that failed:$bad"
}
ro_what() { [ "$1" = f ] && echo "read-only case file" || echo "read-only folder"; }
# ro_write f|d: ingest into the read-only case fails clearly and changes nothing
ro_write() {
	C="$RODIR/$1/c.weft"
	what=$(ro_what "$1")
	# f: the case file must stay as it was (SQLite may add -wal/-shm
	# beside it to read it); d: nothing in the folder may change
	if [ "$1" = f ]; then sha "$C" > "$T/ro.before"; else listing "$RODIR/$1" > "$T/ro.before"; fi
	$RUNAS "$WEFT" ingest -q --no-ner --case "$C" "$RODIR/in" > "$T/out" 2> "$T/err"; rc=$?
	err=$(cat "$T/err")
	echo "$what: ingest: exit $rc: $err"
	if [ "$1" = f ]; then sha "$C" > "$T/ro.after"; else listing "$RODIR/$1" > "$T/ro.after"; fi
	cmp -s "$T/ro.before" "$T/ro.after" || fail "$what: ingest changed it: $(diff "$T/ro.before" "$T/ro.after")"
	ok "$what: nothing changed"
	[ "$rc" -ne 0 ] || fail "$what: ingest exit 0, want an error"
	case $err in weft:*) ;; *) fail "$what: ingest: no 'weft: ...' error: $err";; esac
	case $err in
	*"not a weft case"* | *damaged*) fail "$what: ingest calls a sound case damaged or not a case: $err" ;;
	*[Rr]ead-only* | *readonly* | *[Pp]ermission* | *"cannot write"*) ok "$what: ingest says why" ;;
	*) fail "$what: ingest error does not say the case cannot be written: $err" ;;
	esac
}
# ro_read f|d: a case on read-only media can still be read
ro_read() {
	C="$RODIR/$1/c.weft"
	what=$(ro_what "$1")
	$RUNAS "$WEFT" search --case "$C" --json alpha > "$T/out" 2> "$T/err"; rc=$?
	[ "$rc" -eq 0 ] || fail "$what: search exit $rc: $(cat "$T/err")"
	expect_eq "$what: search finds the document" "$(json v.length < "$T/out")" 1
	$RUNAS "$WEFT" stats --case "$C" > /dev/null 2> "$T/err" || fail "$what: stats failed: $(cat "$T/err")"
	ok "$what: stats works"
}
if [ -n "$RO" ]; then
	part "(e) read-only case ($RO${RUNAS:+ as nobody})" readonly_case
else
	echo "note: (e) skipped: running as root without chattr or setpriv, nothing makes a file read-only"
fi

# ---- (f) a folder as the case; (g) a missing case ----
folder_missing() {
	mkdir -p "$T/folder"
	for cmd in ingest search stats; do
		case $cmd in
		ingest) W ingest -q --no-ner --case "$T/folder" "$IN" > /dev/null 2> "$T/err" ;;
		search) W search --case "$T/folder" alpha > /dev/null 2> "$T/err" ;;
		*) W stats --case "$T/folder" > /dev/null 2> "$T/err" ;;
		esac
		rc=$?
		[ "$rc" -ne 0 ] || fail "$cmd --case FOLDER: exit 0"
		expect_in "$cmd --case FOLDER" "weft: $T/folder: is a folder" "$(cat "$T/err")"
	done
	[ -z "$(ls -A "$T/folder")" ] || fail "something was written into the folder: $(ls -A "$T/folder")"
	for cmd in search stats failures show; do
		case $cmd in
		search) W search --case "$T/nope.weft" alpha > /dev/null 2> "$T/err" ;;
		show) W show --case "$T/nope.weft" 1 > /dev/null 2> "$T/err" ;;
		*) W "$cmd" --case "$T/nope.weft" > /dev/null 2> "$T/err" ;;
		esac
		rc=$?
		[ "$rc" -ne 0 ] || fail "$cmd on a missing case: exit 0"
		expect_in "$cmd on a missing case" "weft: $T/nope.weft: no such case" "$(cat "$T/err")"
		[ ! -e "$T/nope.weft" ] || fail "$cmd created the missing case"
	done
	WEFT_CASE="$T/nope-env.weft" "$WEFT" search alpha > /dev/null 2> "$T/err"
	expect_in "missing \$WEFT_CASE" "weft: $T/nope-env.weft: no such case" "$(cat "$T/err")"
}
part "(f,g) folder and missing case" folder_missing

# ---- (h) hostile names and links in the input ----
hostile_names() {
	H="$T/hostile"
	mkdir -p "$H" "$T/elsewhere"
	echo "a file with a newline in its name, kilo" > "$H/new
line.txt"
	echo "a file whose name is not UTF-8, lima" > "$H/$(printf 'bad\377\376name.txt')"
	echo "an ordinary file, oscar" > "$H/normal.txt"
	echo "hidden behind permissions, mike" > "$H/secret.txt"
	chmod 000 "$H/secret.txt"
	ln -s b "$H/loop-a"
	ln -s loop-a "$H/b"
	ln -s /nonexistent/target "$H/dangling"
	ln -s /nonexistent/other "$H/dang
ling"
	echo "in a folder behind a link, november" > "$T/elsewhere/inside.txt"
	ln -s "$T/elsewhere" "$H/dirlink"
	mkfifo "$H/pipe" || fail "mkfifo failed"
	ln -s pipe "$H/pipelink"
	readable=0
	[ "$(id -u)" -eq 0 ] && readable=1 # root reads mode-000 files
	timeout 60 "$WEFT" ingest -q --no-ner --case "$T/h.weft" "$H" > "$T/out" 2> "$T/err"; rc=$?
	cat "$T/out" "$T/err"
	[ "$rc" -ne 124 ] || fail "ingest hung on the hostile folder (a FIFO?)"
	expect_eq "ingest exit status" "$rc" 3
	W failures --case "$T/h.weft" --json > "$T/f.json" || fail "failures --json failed"
	n=$(json 'v.length' < "$T/f.json") || fail "failures --json is not valid JSON: $(head -c 300 "$T/f.json")"
	reason() {
		node -e 'const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
			const f = v.find(f => f.path.endsWith("/" + process.argv[2]));
			console.log(f ? f.reason : "NOT LISTED")' "$T/f.json" "$1"
	}
	expect_in "link loop a" "symbolic link" "$(reason loop-a)"
	expect_in "link loop b" "symbolic link" "$(reason b)"
	expect_in "dangling link" "broken symbolic link" "$(reason dangling)"
	expect_in "dangling link with a newline in its name" "broken symbolic link" "$(reason 'dang
ling')"
	expect_in "link to a folder" "symbolic link to a folder" "$(reason dirlink)"
	expect_in "FIFO" "not a regular file" "$(reason pipe)"
	if [ "$readable" = 1 ]; then
		expect_eq "mode-000 file read (as root)" "$(reason secret.txt)" "NOT LISTED"
	else
		expect_in "mode-000 file" "ermission" "$(reason secret.txt)"
	fi
	expect_in "newline shown escaped" 'dang\nling: broken symbolic link' "$(W failures --case "$T/h.weft")"
	# the readable files are documents; search --json stays valid JSON
	hitpath() { W search --case "$T/h.weft" --json "$1" > "$T/s.json" || fail "search $1 failed"
		json 'v.map(h=>h.path.replace(/.*\//,"")).join("|")' < "$T/s.json" || fail "search --json $1: not valid JSON"; }
	expect_eq "file with a newline in its name" "$(hitpath kilo)" "new
line.txt"
	expect_eq "file whose name is not UTF-8" "$(hitpath lima)" "bad��name.txt"
	expect_eq "ordinary file" "$(hitpath oscar)" "normal.txt"
	expect_eq "folder behind a link not read" "$(hitpath november)" ""
	[ "$readable" = 1 ] && expect_eq "mode-000 file (root)" "$(hitpath mike)" "secret.txt"
	id=$(W search --case "$T/h.weft" --json lima | json 'v[0].id')
	W show --case "$T/h.weft" --json "$id" | json 'v.paths.length' > /dev/null || fail "show --json of the non-UTF-8 name: not valid JSON"
	ok "show --json of the non-UTF-8 name is valid JSON"
	W show --case "$T/h.weft" "$id" > /dev/null || fail "show of the non-UTF-8 name failed"
	docs=$(W stats --case "$T/h.weft" --json | json v.documents)
	expect_eq "documents" "$docs" $((3 + readable))
	# a second run: the same failures, nothing new, still no hang
	timeout 60 "$WEFT" ingest -q --no-ner --case "$T/h.weft" "$H" > "$T/out" 2>&1; rc=$?
	expect_eq "second run exit status" "$rc" 3
	expect_eq "failures after a second run" "$(W failures --case "$T/h.weft" --json | json v.length)" "$n"
	chmod 644 "$H/secret.txt"
	# every entry of the folder is read or listed: a link to a FIFO too
	r=$(reason pipelink)
	[ "$r" != "NOT LISTED" ] || fail "a symbolic link to a FIFO ($H/pipelink) is neither read nor listed as a failure"
	ok "link to a FIFO: $r"
	# loop (2), dangling (2), link to a folder, FIFO, link to the FIFO, and the mode-000 file unless root
	want=$((8 - readable))
	expect_eq "failures" "$n" "$want"
	# the plain listing keeps one failure per line
	expect_eq "failures, one per line" "$(W failures --case "$T/h.weft" | wc -l)" "$want"
}
part "(h) hostile names" hostile_names

# ---- (i) a case from an older weft, opened by two weft at once ----
# old_case FILE: a case as the first weft wrote it (schema 1: its schema is
# history, "append, never edit a released entry"), holding one document
old_case() {
	sqlite3 "$1" > /dev/null <<-'EOF' || fail "sqlite3 could not make the old case"
		PRAGMA journal_mode=WAL;
		CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
		CREATE TABLE documents(
		  id INTEGER PRIMARY KEY,
		  sha256 TEXT NOT NULL UNIQUE,
		  parent INTEGER REFERENCES documents(id),
		  status TEXT NOT NULL DEFAULT 'pending',
		  type TEXT, mime TEXT, size INTEGER,
		  title TEXT, date TEXT, date_suspect INTEGER NOT NULL DEFAULT 0,
		  author TEXT, sender TEXT, recipients TEXT, cc TEXT, subject TEXT,
		  message_id TEXT, in_reply_to TEXT,
		  meta TEXT, invalid_bytes INTEGER NOT NULL DEFAULT 0, pages TEXT,
		  body TEXT, added TEXT);
		CREATE INDEX documents_parent ON documents(parent);
		CREATE INDEX documents_date ON documents(date);
		CREATE INDEX documents_message_id ON documents(message_id);
		CREATE TABLE paths(
		  path TEXT PRIMARY KEY,
		  doc INTEGER NOT NULL REFERENCES documents(id),
		  container INTEGER REFERENCES documents(id),
		  inner TEXT, size INTEGER, mtime INTEGER);
		CREATE INDEX paths_doc ON paths(doc);
		CREATE TABLE failures(
		  path TEXT PRIMARY KEY, reason TEXT NOT NULL,
		  size INTEGER, mtime INTEGER, at TEXT);
		CREATE VIRTUAL TABLE fts USING fts5(
		  title, sender, recipients, cc, subject, body,
		  content='documents', content_rowid='id',
		  tokenize='unicode61 remove_diacritics 2');
		INSERT INTO meta VALUES('created_by', 'weft 0.1'), ('created_at', '2026-01-01T00:00:00Z');
		INSERT INTO documents(id, sha256, status, type, mime, size, title, body, added)
		  VALUES(1, '8f3c0c4a5e0e6d1f1b7d5c2a9e4f3b2a1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f', 'ok', 'text', 'text/plain', 38,
		         'an old note', 'an old note about the upgrade, papaya', '2026-01-01T00:00:00Z');
		INSERT INTO fts(rowid, title, body) VALUES(1, 'an old note', 'an old note about the upgrade, papaya');
		INSERT INTO paths VALUES('/old/note.txt', 1, NULL, NULL, 38, 0);
		PRAGMA application_id=1464157780;
		PRAGMA user_version=1;
	EOF
}
older() {
	old_case "$T/old.weft"
	cp "$T/old.weft" "$T/old-one.weft"
	W search --case "$T/old-one.weft" --json papaya > "$T/out" 2> "$T/err" || fail "search on an older case: $(cat "$T/err")"
	expect_eq "an older case is read" "$(json v.length < "$T/out")" 1
	bad=0
	for i in 1 2 3 4 5 6; do
		C="$T/old$i.weft"
		cp "$T/old.weft" "$C"
		W search --case "$C" --json papaya > "$T/o1" 2> "$T/e1" & p1=$!
		if [ $((i % 2)) = 1 ]; then
			W search --case "$C" --json papaya > "$T/o2" 2> "$T/e2" & p2=$!
			what="two searches"
		else
			W ingest -q --no-ner --case "$C" "$IN" > "$T/o2" 2> "$T/e2" & p2=$!
			what="a search and an ingest"
		fi
		wait $p1; r1=$?
		wait $p2; r2=$?
		if [ "$r1" -ne 0 ] || [ "$r2" -ne 0 ]; then
			echo "round $i, $what at once on an older case: exits $r1, $r2: $(cat "$T/e1" "$T/e2" | head -n 2)"
			bad=$((bad + 1))
			continue
		fi
		[ "$(json v.length < "$T/o1")" = 1 ] || { echo "round $i: the search found $(cat "$T/o1")"; bad=$((bad + 1)); }
		[ "$(sqlite3 "$C" 'PRAGMA integrity_check')" = ok ] || { echo "round $i: integrity_check failed"; bad=$((bad + 1)); }
	done
	[ "$bad" -eq 0 ] || fail "an older case opened by two weft at once: $bad of 6 rounds failed"
	ok "an older case opened by two weft at once: 6 of 6 rounds fine"
}
part "(i) an older case, two weft at once" older

# ---- (j) a damaged case: cut short, or junk over part of it ----
damaged() {
	D="$T/j"
	mkdir -p "$D"
	W ingest -q --no-ner --case "$D/good.weft" "$IN" "$T/small" > /dev/null || fail "ingest failed"
	sz=$(wc -c < "$D/good.weft")
	head -c $((sz / 2)) "$D/good.weft" > "$D/cut.weft"
	# junk over: the first page after the header, the middle, the last 8 KB
	for w in start:100 middle:$((sz / 3)) end:$((sz - 8192)); do
		cp "$D/good.weft" "$D/${w%%:*}.weft"
		head -c 8192 /dev/urandom | dd of="$D/${w%%:*}.weft" bs=1 seek="${w#*:}" conv=notrunc status=none
	done
	bad=0
	for f in cut start middle end; do
		C="$D/$f.weft"
		for cmd in stats search show failures ingest; do
			[ "$cmd" = ingest ] || s0=$(sha "$C")
			case $cmd in
			search) W search --case "$C" --json alpha > "$T/out" 2> "$T/err" ;;
			show) W show --case "$C" 1 > "$T/out" 2> "$T/err" ;;
			ingest) W ingest -q --no-ner --case "$C" "$IN" > "$T/out" 2> "$T/err" ;;
			*) W "$cmd" --case "$C" > "$T/out" 2> "$T/err" ;;
			esac
			rc=$?
			err=$(grep -v '^$' "$T/err" | head -n 3)
			if grep -q 'Sanitizer\|runtime error:' "$T/err" || [ "$rc" -ge 128 ]; then
				echo "$f: $cmd: crashed (exit $rc): $err"; bad=$((bad + 1)); continue
			fi
			if [ "$rc" -ne 0 ]; then
				case $err in
				weft:*) ;;
				*) echo "$f: $cmd: exit $rc without a 'weft: ...' message: $err"; bad=$((bad + 1)); continue ;;
				esac
			fi
			if [ "$cmd" != ingest ] && [ "$(sha "$C")" != "$s0" ]; then
				echo "$f: $cmd changed the damaged case"; bad=$((bad + 1)); continue
			fi
			echo "$f: $cmd: exit $rc${err:+: $err}"
		done
	done
	# cut short, nothing can be read: every command says so
	for cmd in stats search; do
		if [ $cmd = stats ]; then W stats --case "$D/cut.weft" > /dev/null 2> "$T/err"; else
			W search --case "$D/cut.weft" alpha > /dev/null 2> "$T/err"; fi
		[ $? -eq 1 ] || { echo "cut: $cmd did not fail"; bad=$((bad + 1)); }
		case $(cat "$T/err") in
		*malformed* | *damaged* | *corrupt*) ;;
		*) echo "cut: $cmd: the error does not say the case is damaged: $(cat "$T/err")"; bad=$((bad + 1)) ;;
		esac
	done
	[ "$bad" -eq 0 ] || fail "damaged cases: $bad problems"
	ok "damaged cases: clear errors, no crash, read commands change nothing"
}
part "(j) a damaged case" damaged

[ -z "$failed" ] || fail "parts that failed:$failed"
echo "all ok"
