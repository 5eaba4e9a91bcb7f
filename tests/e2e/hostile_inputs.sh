# Hostile input files, generated here (tests/gen-hostile.py and the code
# below; nothing is stored as a blob): archive bombs (raw .gz, .tar.gz,
# .zip), a nested zip bomb (10 zips of 10 members of 8 MB), a zip nested 8
# deep, a tar whose members are named ../ and /abs/, a tar of symlinks, hard
# links, a FIFO and a device, zip member names that are not UTF-8 or hold a
# newline, HTML nested 100,000 deep, a MIME message of 10,000 parts, a 1 GB
# file of one line, a 24 MB line of words, NUL bytes in text, damaged UTF-8
# with overlong forms and every other class of invalid UTF-8, UTF-16LE
# without a BOM, an encrypted zip, an encrypted PDF, a PDF with a broken
# xref and one cut short, and model files that are truncated or junk.
#
# The bounds: each ingest runs beside an ordinary file under a limit of
# 60 s and must stay under 400 MB of peak memory (measured by /usr/bin/time; the sanitizer
# build's own overhead included).  It must end (0 or 3), never crash or
# trip a sanitizer, record what it could not read as a failure with its
# reason (or keep a correct part of it), write nothing outside the case, and
# still ingest the ordinary file.
#
# Each part runs in a subshell; all parts run, and the test fails if any did.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || fail "python3 is not installed"
[ -x /usr/bin/time ] || fail "/usr/bin/time is not installed (scripts/install-deps.sh installs it)"
command -v zip >/dev/null 2>&1 || fail "zip is not installed (scripts/install-deps.sh installs it)"
MAX_KB=$((400 * 1024))
failed=""
part() { # NAME FUNCTION
	echo "=== $1"
	( "$2" ) || failed="$failed $1"
}
hits() { # CASE QUERY: number of hits
	"$WEFT" search --case "$1" --json --limit 1000 -- "$2" > "$T/hits.json" 2> "$T/hits.err" ||
		{ echo "search error: $(cat "$T/hits.err")" >&2; echo error; return; }
	json 'v.length' < "$T/hits.json"
}
# ingest_one NAME [OPTION...] FILE...: ingests the files and an ordinary one
# into $T/NAME.weft under the limits; sets CASE, RC, RSS_KB, FAILS (the
# `failures` listing); fails on a crash, a hang, a sanitizer report, too much
# memory, or if the ordinary file was not read
ingest_one() {
	name=$1; shift
	opts=""
	while [ $# -gt 0 ]; do
		case $1 in --*) opts="$opts $1 $2"; shift 2 ;; *) break ;; esac
	done
	d="$T/in-$name"
	mkdir -p "$d"
	for f in "$@"; do cp -R "$f" "$d/"; done
	echo "an ordinary report about the harbour, marker$name" > "$d/ordinary.txt"
	CASE="$T/$name.weft"
	mkdir -p "$T/cwd-$name"
	t0=$(date +%s)
	(cd "$T/cwd-$name" && timeout -k 5 60 /usr/bin/time -f %M -o "$T/rss-$name" \
		"$WEFT" ingest -q --no-ner $opts --case "$CASE" "$d" > "$T/out-$name" 2> "$T/err-$name"); RC=$?
	SECS=$(($(date +%s) - t0))
	cat "$T/out-$name"
	grep -v '^Command exited with non-zero status' "$T/err-$name" | head -n 20
	[ "$RC" -ne 124 ] && [ "$RC" -ne 137 ] || fail "$name: ingest still running after 60 s"
	if grep -q 'Sanitizer\|runtime error:' "$T/err-$name"; then fail "$name: sanitizer report"; fi
	[ "$RC" -lt 128 ] || fail "$name: ingest died (exit $RC)"
	[ "$RC" -eq 0 ] || [ "$RC" -eq 3 ] || fail "$name: ingest exit $RC, want 0 or 3"
	RSS_KB=$(grep -v '^Command' "$T/rss-$name" | tail -n 1)
	[ "$RSS_KB" -le "$MAX_KB" ] || fail "$name: peak memory $((RSS_KB / 1024)) MB, over 400 MB"
	ok "$name: exit $RC, $SECS s, peak memory $((RSS_KB / 1024)) MB (bounds: 60 s, 400 MB)"
	expect_eq "$name: the ordinary file beside it was read" "$(hits "$CASE" "marker$name")" 1
	"$WEFT" failures --case "$CASE" --json > "$T/fails.json" || fail "$name: weft failures failed"
	FAILS=$(json 'v.map(f=>f.path+": "+f.reason).join("\n")' < "$T/fails.json") || fail "$name: failures --json is not valid JSON"
}
# failure_for NAME: the first failure line naming NAME (the file, or a member of it)
failure_for() { printf '%s\n' "$FAILS" | grep -F -- "$1" | head -n 1; }

G="$T/gen"
mkdir -p "$G"

# ---- archive bombs ----
# bombs.py MB FILL PREFIX: PREFIX.gz (a single compressed file), PREFIX.tar.gz
# and PREFIX.zip, each expanding to MB megabytes of the byte FILL, from one
# deflate stream (so making them is quick)
cat > "$G/bombs.py" <<'EOF'
import struct, sys, tarfile, zlib
n = int(sys.argv[1]) << 20
fill, pre = int(sys.argv[2]), sys.argv[3]
chunk = bytes([fill]) * (1 << 20)
co = zlib.compressobj(6, zlib.DEFLATED, -15)
parts, crc = [], 0
for i in range(n >> 20):
    parts.append(co.compress(chunk))
    crc = zlib.crc32(chunk, crc)
parts.append(co.flush())
D = b''.join(parts)
def gz(d, crc, size):
    return b'\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03' + d + struct.pack('<II', crc, size & 0xffffffff)
def gzbytes(b):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return gz(c.compress(b) + c.flush(), zlib.crc32(b), len(b))
open(pre + '.gz', 'wb').write(gz(D, crc, n))
ti = tarfile.TarInfo('big.bin')
ti.size = n
# concatenated gzip members are one gzip stream: header, the data, the end
open(pre + '.tar.gz', 'wb').write(gzbytes(ti.tobuf(format=tarfile.USTAR_FORMAT)) + gz(D, crc, n) + gzbytes(bytes(1024)))
name = b'big.bin'
local = struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 8, 0, 0, crc, len(D), n, len(name), 0) + name
cen = struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 8, 0, 0, crc, len(D), n, len(name), 0, 0, 0, 0, 0, 0) + name
end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 1, 1, len(cen), len(local) + len(D), 0)
open(pre + '.zip', 'wb').write(local + D + cen + end)
EOF
python3 "$G/bombs.py" 300 65 "$G/bomb300" || fail "making the 300 MB bombs failed"
python3 "$G/bombs.py" 150 65 "$G/bomb150" || fail "making the 150 MB bombs failed"
rm -f "$G/bomb150.gz" "$G/bomb150.tar.gz"
ls -l "$G"
bomb() { # FILE: one bomb, recorded as a failure that names a limit
	f=$1
	ingest_one "$(basename "$f" | tr -d ._)" "$f"
	r=$(failure_for "/$(basename "$f")")
	[ -n "$r" ] || fail "$(basename "$f") (expands to $(basename "$f" | tr -dc 0-9) MB) is not in 'weft failures': ${FAILS:-(no failures)}
archive text: $("$WEFT" show --case "$CASE" "$(basename "$f")" 2>&1 | tail -n 3)"
	case $r in
	*ratio* | *bomb* | *"too large"* | *limit*) ok "$(basename "$f"): $r" ;;
	*) fail "$(basename "$f"): the reason names no limit: $r" ;;
	esac
	size=$(wc -c < "$CASE")
	[ "$size" -lt $((20 * 1024 * 1024)) ] || fail "$(basename "$f"): the case grew to $size bytes"
}
# 300 MB: over the member size limit too; 150 MB: only the ratio stops it
for f in bomb300.gz bomb300.tar.gz bomb300.zip bomb150.zip; do
	eval "bomb_$(echo $f | tr . _)() { bomb \"$G/$f\"; }"
	part "bomb $f" "bomb_$(echo $f | tr . _)"
done

# ---- a zip nested 8 deep ----
nested() {
	z="$G/nest"
	mkdir -p "$z"
	echo "the deepest level eight, sierra" > "$z/level8.txt"
	prev=level8.txt
	for i in 8 7 6 5 4 3 2 1; do
		echo "level $i note, depthword$i" > "$z/note$i.txt"
		(cd "$z" && zip -q "nest$i.zip" "$prev" "note$i.txt") || fail "zip failed"
		prev=nest$i.zip
	done
	ingest_one nested "$z/nest1.zip"
	expect_eq "nested: exit status" "$RC" 3
	r=$(failure_for "nest6.zip")
	expect_in "nested: level 6 refused" "nested too deep" "$r"
	expect_eq "nested: levels 1 to 5 read" "$(hits "$CASE" "depthword1 OR depthword2 OR depthword3 OR depthword4 OR depthword5")" 5
	expect_eq "nested: levels 6 to 8 not read" "$(hits "$CASE" "depthword6 OR depthword7 OR depthword8 OR sierra")" 0
}
part "nested zip" nested

# ---- a tar whose members climb out ----
traversal() {
	U="evil-$$-$(date +%s)"
	python3 - "$G/climb.tar" "$U" <<-'EOF' || fail "making the tar failed"
		import io, sys, tarfile
		out, u = sys.argv[1], sys.argv[2]
		with tarfile.open(out, 'w') as t:
		    for name, body in [('../' + u + '.txt', b'dotdot evil, tango\n'),
		                       ('/abs/' + u + '.txt', b'absolute evil, uniform\n'),
		                       ('../../../../../../../../tmp/' + u + '-deep.txt', b'deep dotdot, victor\n'),
		                       ('ok/inner.txt', b'inner and fine, whiskey\n')]:
		        ti = tarfile.TarInfo(name)
		        ti.size = len(body)
		        t.addfile(ti, io.BytesIO(body))
	EOF
	ingest_one climb "$G/climb.tar"
	found=$(find "$T/.." "$T/../.." /tmp /abs "$HOME" / -maxdepth 3 -name "$U*" 2>/dev/null | head -n 5)
	[ -z "$found" ] || fail "climb: a member was written outside the case: $found"
	ok "climb: nothing written outside the case"
	expect_eq "climb: each member is a document" "$(hits "$CASE" "tango OR uniform OR victor OR whiskey")" 4
	json 'v[0].path' < "$T/hits.json" | grep -q 'climb.tar!/' || fail "climb: the member's path does not name its container"
}
part "path traversal tar" traversal

# ---- HTML nested 100,000 deep ----
deep_html() {
	awk 'BEGIN { printf "<html><body><p>before the nesting, xenon</p>"
		for (i = 0; i < 100000; i++) printf "<div>"
		printf "at the bottom, yttrium"
		for (i = 0; i < 100000; i++) printf "</div>"
		print "<p>after the nesting, zircon</p></body></html>" }' > "$G/deep.html"
	ingest_one deep "$G/deep.html"
	expect_eq "deep: text before the nesting" "$(hits "$CASE" xenon)" 1
	# what could not be read must say so: a failure, or the document's
	# meta.truncated
	r=$(failure_for deep.html)
	t=$("$WEFT" show --case "$CASE" --json --meta deep.html 2>/dev/null | json 'v.meta && v.meta.truncated || ""')
	if [ "$(hits "$CASE" zircon)" = 1 ]; then
		ok "deep: text after the nesting read"
	else
		[ -n "$r$t" ] || fail "deep: text after the nesting dropped without a word"
		ok "deep: truncation recorded: ${r:-$t}"
	fi
}
part "deep HTML" deep_html

# ---- a MIME message with 10,000 parts ----
many_parts() {
	awk 'BEGIN {
		print "From: desk@example.org\nTo: editor@example.org\nSubject: ten thousand parts, alpaca"
		print "Date: Mon, 3 Mar 2014 10:00:00 +0000\nMIME-Version: 1.0"
		print "Content-Type: multipart/mixed; boundary=\"BOUND\"\n\npreamble"
		for (i = 1; i <= 10000; i++) print "--BOUND\nContent-Type: text/plain\n\npart " i ", partword" i
		print "--BOUND--" }' > "$G/many.eml"
	ingest_one many "$G/many.eml"
	expect_eq "many: subject, first and last part" "$(hits "$CASE" 'subject:alpaca partword1 partword10000')" 1
}
part "10,000 MIME parts" many_parts

# ---- a 1 GB file of one line (over the default 256 MB limit) ----
big_line() {
	mkdir -p "$T/in-line"
	head -c 1G /dev/zero | tr '\0' 'a' > "$T/in-line/line.txt" || fail "writing 1 GB failed"
	ingest_one line
	rm -f "$T/in-line/line.txt"
	expect_eq "line: exit status" "$RC" 3
	expect_in "line: too large" "too large (1024.0 MB; the limit is 256 MB" "$(failure_for line.txt)"
}
part "1 GB line" big_line

# ---- a 24 MB line of words (under the limit): read whole ----
word_line() {
	mkdir -p "$T/in-words"
	awk 'BEGIN { s = "the minister met the ambassador in baghdad and discussed the oil contracts "
		for (i = 0; i < 320000; i++) printf "%s", s; printf "and at the very end, xylophone" }' > "$T/in-words/words.txt"
	ingest_one words
	rm -f "$T/in-words/words.txt"
	expect_eq "words: exit status" "$RC" 0
	expect_eq "words: the last word of the line" "$(hits "$CASE" xylophone)" 1
}
part "24 MB line of words" word_line

# ---- NUL bytes in text ----
nul_text() {
	{
		printf 'A log exported with NUL padding.\nbefore the nuls, juliet\n'
		printf '\000\000\000\000'
		printf 'after the nuls, kilo\000and between them, lima\n'
		i=0
		while [ $i -lt 40 ]; do printf 'line %d of the log, nothing to see\n' $i; i=$((i + 1)); done
	} > "$G/nul.txt"
	ingest_one nul "$G/nul.txt"
	r=$(failure_for nul.txt)
	[ -z "$r" ] || fail "nul: text with NUL bytes refused: $r"
	expect_eq "nul: the words beside the NULs" "$(hits "$CASE" "juliet kilo lima")" 1
}
part "NUL bytes" nul_text

# ---- damaged UTF-8 ----
bad_utf8() {
	{
		i=1
		while [ $i -le 8 ]; do
			printf 'Le café de la place, à Düsseldorf et à São Paulo: réunion %d avec Françoise, señor Muñoz.\n' $i
			i=$((i + 1))
		done
		# invalid bytes, overlong '/' (C0 AF, E0 80 AF), a surrogate, past U+10FFFF
		printf 'A damaged line: \377\376 then ..\300\257passwd and ..\340\200\257x, \355\240\200, \364\220\200\200 end, mango\n'
		printf 'Encore une ligne élégante où Zoë répète.\n'
	} > "$G/damaged.txt"
	ingest_one damaged "$G/damaged.txt"
	"$WEFT" show --case "$CASE" --json damaged.txt > "$T/d.json" || fail "damaged: show failed"
	text=$(json 'v.text' < "$T/d.json") || fail "damaged: show --json is not valid JSON"
	case $text in *"../passwd"* | *"../x"* | *"/passwd"*) fail "damaged: an overlong sequence was decoded to '/': $text";; esac
	ok "damaged: overlong forms are not '/'"
	expect_eq "damaged: word on the damaged line" "$(hits "$CASE" mango)" 1
	expect_eq "damaged: 'café' and 'Düsseldorf' (valid UTF-8 elsewhere in the file) are searchable" "$(hits "$CASE" 'café Düsseldorf')" 1
	inv=$(json 'v.invalid_bytes' < "$T/d.json")
	[ "$inv" -gt 0 ] || fail "damaged: invalid bytes not counted (invalid_bytes = $inv); text starts: $(printf '%s' "$text" | head -c 60)"
	ok "damaged: $inv invalid bytes counted"
}
part "damaged UTF-8" bad_utf8

# ---- UTF-16LE without a BOM ----
utf16() {
	printf 'A note in UTF-16 without a byte order mark: the harbour commission met in Basra, quokka.\nSecond line, rhubarb.\n' |
		iconv -f UTF-8 -t UTF-16LE > "$G/utf16.txt" || fail "iconv failed"
	ingest_one utf16 "$G/utf16.txt"
	expect_eq "utf16: phrase and words" "$(hits "$CASE" '"commission met in Basra" quokka rhubarb')" 1
}
part "UTF-16LE" utf16

# ---- an encrypted zip ----
encrypted() {
	z="$G/enc"
	mkdir -p "$z"
	echo "the password-protected secret, walrus" > "$z/secret.txt"
	echo "another protected note, narwhal" > "$z/other.txt"
	(cd "$z" && zip -q -P hunter2 ../locked.zip secret.txt other.txt) || fail "zip -P failed"
	ingest_one locked "$G/locked.zip"
	expect_eq "locked: secret not read" "$(hits "$CASE" walrus)" 0
	r=$(printf '%s\n' "$FAILS" | grep -F 'locked.zip' | head -n 1)
	[ -n "$r" ] || fail "locked: nothing of the encrypted zip was read, yet 'weft failures' does not list it (exit $RC): ${FAILS:-(no failures)}"
	case $r in
	*ncrypt* | *assword*) ok "locked: $r" ;;
	*) fail "locked: the reason does not say encrypted: $r" ;;
	esac
	expect_eq "locked: exit status" "$RC" 3
}
part "encrypted zip" encrypted

GH="$WEFT_ROOT/tests/gen-hostile.py"
# ---- a nested zip bomb: 10 zips of 10 members of 8 MB, from 5 KB ----
nested_bomb() {
	python3 "$GH" nested-bomb "$G/nbomb.zip" || fail "making the nested bomb failed"
	ingest_one nbomb "$G/nbomb.zip"
	expect_eq "nbomb: exit status" "$RC" 3
	expect_eq "nbomb: the ordinary member beside the bombs" "$(hits "$CASE" quince)" 1
	n=$(printf '%s\n' "$FAILS" | grep -c 'nbomb.zip!/inner[0-9].zip: .*\(ratio\|bomb\|limit\|too large\)')
	expect_eq "nbomb: every inner zip stopped by a limit" "$n" 10
	size=$(wc -c < "$CASE")
	[ "$size" -lt $((40 * 1024 * 1024)) ] || fail "nbomb: the case grew to $size bytes"
}
part "nested zip bomb" nested_bomb

# ---- a tar of links, a FIFO and a device ----
tar_links() {
	python3 "$GH" tar-links "$G/links.tar" || fail "making the tar failed"
	ingest_one links "$G/links.tar"
	expect_eq "links: the plain member" "$(hits "$CASE" nectarine)" 1
	expect_eq "links: /etc/passwd not read through a link" "$(hits "$CASE" 'root OR daemon OR nologin')" 0
	[ ! -e "$T/cwd-links/docs" ] || fail "links: something was written in the working folder"
	expect_eq "links: documents (the tar, its one regular member, the ordinary file)" \
		"$("$WEFT" stats --case "$CASE" --json | json v.documents)" 3
}
part "tar of links" tar_links

# ---- zip member names: not UTF-8, a newline, a backslash climb, 3,000 bytes ----
zip_names() {
	python3 "$GH" zip-names "$G/names.zip" || fail "making the zip failed"
	ingest_one names "$G/names.zip"
	expect_eq "names: every member read" "$(hits "$CASE" 'apricot OR blueberry OR cranberry OR damson')" 4
	json 'v.map(h => h.path).join("\n")' < "$T/hits.json" > "$T/names.paths" || fail "names: search --json is not valid JSON"
	[ "$(grep -c 'names.zip!/' "$T/names.paths")" -ge 4 ] || fail "names: the paths do not name their container: $(cat "$T/names.paths")"
	"$WEFT" show --case "$CASE" --json names.zip > "$T/names.json" && json 'v.text' < "$T/names.json" > /dev/null ||
		fail "names: show --json of the zip is not valid JSON"
	found=$(find "$T/.." / -maxdepth 3 -name '*climb.txt' 2>/dev/null | head -n 3)
	[ -z "$found" ] || fail "names: a member was written outside: $found"
	ok "names: search and show stay valid JSON, nothing written outside"
}
part "zip member names" zip_names

# ---- PDFs: encrypted, a broken xref, cut short ----
pdfs() {
	python3 "$GH" pdf-encrypted "$G/enc.pdf" && python3 "$GH" pdf-xref "$G/xref.pdf" &&
		python3 "$GH" pdf-cut "$G/cut.pdf" || fail "making the PDFs failed"
	ingest_one pdfs "$G/enc.pdf" "$G/xref.pdf" "$G/cut.pdf"
	expect_eq "pdfs: exit status" "$RC" 3
	expect_in "pdfs: the encrypted PDF is a failure that says so" "encrypted PDF" "$(failure_for enc.pdf)"
	expect_eq "pdfs: the encrypted text not read" "$(hits "$CASE" lobster)" 0
	# a broken xref: poppler rebuilds it and the text is read, or it is a failure
	r=$(failure_for xref.pdf)
	if [ -n "$r" ]; then
		ok "pdfs: broken xref recorded: $r"
	else
		expect_eq "pdfs: broken xref, the text read all the same" "$(hits "$CASE" marmalade)" 1
	fi
	r=$(failure_for cut.pdf)
	[ -n "$r" ] || expect_eq "pdfs: the PDF cut short is read or a failure" "$(hits "$CASE" nectar)" 1
	ok "pdfs: cut short: ${r:-read}"
}
part "encrypted and broken PDFs" pdfs

# ---- every class of invalid UTF-8, a line each ----
utf8_classes() {
	python3 "$GH" utf8-classes "$G/classes.txt" || fail "making the text failed"
	ingest_one classes "$G/classes.txt"
	expect_eq "classes: exit status" "$RC" 0
	"$WEFT" show --case "$CASE" --json classes.txt > "$T/c.json" || fail "classes: show failed"
	text=$(json 'v.text' < "$T/c.json") || fail "classes: show --json is not valid JSON"
	case $text in *"../passwd"* | *"..//passwd"*) fail "classes: an overlong form was decoded to '/'";; esac
	ok "classes: no overlong form became '/'"
	for w in alder birch cedar dogwood elm fir ginkgo hazel ivy juniper larch maple nutmeg olive pomelo; do
		[ "$(hits "$CASE" "$w")" = 1 ] || fail "classes: the line of '$w' is not searchable"
	done
	ok "classes: every line searchable"
	expect_eq "classes: the valid accents" "$(hits "$CASE" 'français Düsseldorf Muñoz élégante')" 1
	inv=$(json 'v.invalid_bytes' < "$T/c.json")
	[ "$inv" -ge 30 ] || fail "classes: only $inv invalid bytes counted"
	ok "classes: $inv invalid bytes counted"
}
part "every class of invalid UTF-8" utf8_classes

# ---- model files truncated or junk ----
bad_models() {
	M=${WEFT_MODEL:-$WEFT_ROOT/models/ner.model}
	[ -f "$M" ] || { echo "note: no model at $M: only junk models tried"; M=""; }
	mkdir -p "$T/models"
	: > "$T/models/empty.model"
	head -c 100000 /dev/urandom > "$T/models/junk.model"
	if [ -n "$M" ]; then
		sz=$(wc -c < "$M")
		head -c $((sz / 2)) "$M" > "$T/models/half.model"
		head -c 100 "$M" > "$T/models/header.model"
		{ head -c 16 "$M"; head -c 100000 /dev/urandom; } > "$T/models/magic-then-junk.model"
		cp "$M" "$T/models/flipped.model"
		head -c 4096 /dev/urandom | dd of="$T/models/flipped.model" bs=1 seek=$((sz / 2)) conv=notrunc status=none
	fi
	mkdir -p "$T/in-model"
	echo "Qassem Soleimani met Nouri al-Maliki in Baghdad." > "$T/in-model/a.txt"
	for m in "$T"/models/*.model; do
		b=$(basename "$m")
		for cmd in ingest tag; do
			if [ $cmd = ingest ]; then
				timeout 60 "$WEFT" ingest -q --model "$m" --case "$T/m-$b.weft" "$T/in-model" > "$T/out" 2> "$T/err"
			else
				echo "Soleimani in Baghdad" | timeout 60 "$WEFT" tag --model "$m" > "$T/out" 2> "$T/err"
			fi
			rc=$?
			err=$(head -n 1 "$T/err")
			if grep -q 'Sanitizer\|runtime error:' "$T/err"; then fail "$b: $cmd: sanitizer report"; fi
			[ "$rc" -eq 1 ] || fail "$b: $cmd: exit $rc, want 1: $err"
			case $err in "weft: "*"$b: "*) ;; *) fail "$b: $cmd: the error does not name the model: $err";; esac
			ok "$b: $cmd: $err"
		done
		[ ! -e "$T/m-$b.weft" ] || fail "$b: a case was made with an unusable model"
	done
}
part "truncated and junk models" bad_models

# ---- all of it in one run ----
together() {
	ingest_one all "$G/bomb150.zip" "$G/nest/nest1.zip" "$G/climb.tar" "$G/deep.html" \
		"$G/many.eml" "$G/utf16.txt" "$G/damaged.txt" "$G/nul.txt" "$G/locked.zip" \
		"$G/links.tar" "$G/names.zip" "$G/enc.pdf" "$G/xref.pdf" "$G/classes.txt"
	expect_eq "all: exit status" "$RC" 3
	expect_eq "all: UTF-16 text, MIME parts, nested zip" "$(hits "$CASE" "quokka OR partword5000 OR depthword5")" 3
}
part "everything in one run" together

[ -z "$failed" ] || fail "parts that failed:$failed"
echo "all ok"
