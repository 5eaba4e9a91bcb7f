# Leak check: every command of an end-to-end session runs under
# LeakSanitizer (the sanitizer build that `make test` uses), and none may
# leak: ingest of samples/ with names, ingest of broken files (truncated
# zip and PDF, junk, a cut-off MIME message, unclosed HTML, an encrypted
# zip, a zip in a zip), search (also a bad query), show, stats, failures,
# entities, entity, links, path, mentions, match, tag, graph, every export
# format, merge/rename/split/drop/decisions, resolve, retag, and weft serve
# answering API requests until SIGTERM.
#
# tests/lsan.supp suppresses third-party leaks only (see its comments); a
# leak allocated by weft's own code fails the test with LeakSanitizer's
# report.  A small program that leaks on purpose first proves that the
# checker works here.  Without an ASan build (WEFT is a release build) the
# same session runs under valgrind --leak-check=full instead, when valgrind
# is installed; otherwise the test is skipped.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null 2>&1 || fail "python3 is not installed (scripts/install-deps.sh installs it)"
SUPP="$WEFT_ROOT/tests/lsan.supp"
[ -f "$SUPP" ] || fail "no suppressions file at $SUPP"
MODEL=${WEFT_MODEL:-$WEFT_ROOT/models/ner.model}
if grep -q __asan_init "$WEFT" 2>/dev/null; then
	MODE=lsan
elif command -v valgrind > /dev/null 2>&1; then
	MODE=valgrind
else
	skip "$WEFT is not an ASan build and valgrind is not installed: no leak checker"
fi
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export LSAN_OPTIONS="suppressions=$SUPP:print_suppressions=1"
echo "leak checker: $MODE"

# the checker must see a leak where there is one
if [ "$MODE" = lsan ] && command -v cc > /dev/null 2>&1; then
	printf '#include <stdlib.h>\nint main(void) { volatile char *p = malloc(77); p = 0; return p != 0; }\n' > "$T/leak.c"
	if cc -fsanitize=address -g -o "$T/leak" "$T/leak.c" 2> "$T/cc.err"; then
		"$T/leak" 2> "$T/leak.err"
		grep -q 'Direct leak of 77 byte' "$T/leak.err" ||
			fail "LeakSanitizer does not report a deliberate leak here: $(head -n 5 "$T/leak.err")"
		ok "LeakSanitizer reports a deliberate 77-byte leak"
	else
		echo "note: cc cannot build an ASan program ($(head -n 1 "$T/cc.err")); the checker is not probed"
	fi
fi

n=0 leaky=""
# chk WANT_RC CMD ARGS...: runs weft CMD under the leak checker; fails on a
# crash or an unexpected exit status, records a leak
chk() {
	want=$1; shift
	n=$((n + 1))
	log="$T/run$n.err"
	if [ "$MODE" = lsan ]; then
		"$WEFT" "$@" > "$T/run$n.out" 2> "$log"; rc=$?
	else
		valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
			--error-exitcode=99 "$WEFT" "$@" > "$T/run$n.out" 2> "$log"; rc=$?
	fi
	if grep -q 'LeakSanitizer has encountered a fatal error' "$log"; then
		skip "LeakSanitizer cannot run here: $(grep -m1 -A2 'fatal error' "$log" | tr '\n' ' ')"
	fi
	grep -q 'ERROR: AddressSanitizer\|runtime error:' "$log" && fail "weft $*: sanitizer error: $(head -n 30 "$log")"
	if grep -q 'Direct leak of\|Indirect leak of\|definitely lost in\|indirectly lost in' "$log"; then
		leaky="$leaky
--- weft $*
$(grep -v '^ *$' "$log" | head -n 60)"
		echo "LEAK: weft $*"
	else
		used=$(sed -n '/Suppressions used:/,/^---/p' "$log" | grep -v 'Suppressions used\|^---\|count' | tr -s ' ' | tr '\n' ';')
		ok "no leak: weft $*${used:+ (suppressed: $used)}"
	fi
	[ "$rc" = "$want" ] || fail "weft $*: exit $rc, want $want: $(grep -v 'Suppressions\|^ *$' "$log" | head -n 10)"
}

# ---- ingest ----
C="$T/case.weft"
if [ -f "$MODEL" ]; then
	chk 0 ingest -q --case "$C" --model "$MODEL" "$WEFT_ROOT/samples"
	names=1
else
	echo "note: no NER model at $MODEL: ingest without names; the entity commands are left out"
	chk 0 ingest -q --no-ner --case "$C" "$WEFT_ROOT/samples"
	names=0
fi
B="$T/broken"
mkdir -p "$B"
head -c 3000 "$WEFT_ROOT/samples/22_field_notes.zip" > "$B/cut.zip"
head -c 2500 "$WEFT_ROOT/samples/21_briefing_pack.pdf" > "$B/cut.pdf"
head -c 4000 /dev/urandom > "$B/junk.bin"
printf 'From: a@example.org\nSubject: cut off\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nthe first part, quince\n--x\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK' > "$B/cut.eml"
printf '<html><head><title>unclosed<body><p>never closed, <b><i>tangerine' > "$B/open.html"
python3 - "$B" <<-'EOF' || fail "python3 could not make the zips"
	import io, sys, zipfile
	d = sys.argv[1]
	inner = io.BytesIO()
	with zipfile.ZipFile(inner, 'w') as z:
	    z.writestr('in/note.txt', 'a note inside a zip inside a zip, persimmon\n')
	with zipfile.ZipFile(d + '/outer.zip', 'w') as z:
	    z.writestr('inner.zip', inner.getvalue())
	    z.writestr('top.txt', 'a note at the top, kumquat\n')
	# an "encrypted" member: the flag set, the bytes not decryptable
	with zipfile.ZipFile(d + '/locked.zip', 'w') as z:
	    z.writestr('secret.txt', 'x' * 100)
	b = bytearray(open(d + '/locked.zip', 'rb').read())
	b[6] |= 1
	i = b.find(b'PK\x01\x02')
	b[i + 8] |= 1
	open(d + '/locked.zip', 'wb').write(bytes(b))
	EOF
chk 3 ingest -q --no-ner --case "$C" "$B"
expect_eq "the broken files are listed as failures" "$("$WEFT" failures --case "$C" --json | json 'v.length > 0')" true

# ---- queries ----
chk 0 search --case "$C" soleimani
chk 0 search --case "$C" --json '"prime minister" OR danaeifar NOT iraq'
chk 0 search --case "$C" --json 'date:2014 type:email'
chk 0 search --case "$C" --json 'persimmon OR kumquat OR quince OR tangerine'
chk 1 search --case "$C" '"unbalanced'
chk 0 show --case "$C" 1
chk 0 show --case "$C" --json --meta 3
chk 1 show --case "$C" 999999
chk 0 stats --case "$C"
chk 0 stats --case "$C" --json
chk 0 failures --case "$C"
chk 0 failures --case "$C" --json
chk 0 match "Qasem Suleimani" "قاسم سليماني"
if [ "$names" = 1 ]; then
	chk 0 tag --model "$MODEL" "$WEFT_ROOT/samples/01_overview_iran_cables.txt"
	chk 0 mentions --case "$C" --json 2
	chk 0 entities --case "$C"
	chk 0 entities --case "$C" --json --type PER
	chk 0 entity --case "$C" --json Soleimani
	chk 1 entity --case "$C" zzqqxxvv
	chk 0 links --case "$C" Soleimani
	chk 0 links --case "$C" --json "Bayan Jabr"
	chk 0 path --case "$C" --json "Bayan Jabr" "Qassem Soleimani"
	chk 0 graph --case "$C" --json
	for f in gexf graphml csv neo4j opensearch aleph; do
		chk 0 export --case "$C" --format $f -o "$T/export-$f"
	done
	# ---- corrections, on a copy ----
	cp "$C" "$T/edit.weft"
	E="$T/edit.weft"
	chk 0 merge --case "$E" "Haider al-Abadi" "Adel Abdul Mahdi"
	chk 0 rename --case "$E" "Bayan Jabr" "Bayan Jabr Solagh"
	chk 0 split --case "$E" "Qassem Soleimani" "Soleimani"
	chk 0 drop --case "$E" "Hassan Danaeifar"
	chk 0 decisions --case "$E" --json
	chk 0 resolve --case "$E"
	chk 0 retag --case "$E" --model "$MODEL" --all
fi

# ---- weft serve, stopped by SIGTERM ----
if [ "$MODE" = lsan ] && command -v curl > /dev/null 2>&1; then
	"$WEFT" serve --case "$C" --port 0 > "$T/serve.out" 2> "$T/serve.err" &
	pid=$!
	i=0
	while ! grep -q '^http://' "$T/serve.out" 2> /dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	URL=$(head -n 1 "$T/serve.out")
	case $URL in http://127.0.0.1:*) ;; *) kill "$pid"; fail "weft serve printed no address: $(cat "$T/serve.err")";; esac
	id=$("$WEFT" entities --case "$C" --json --type PER 2>/dev/null | json 'v[0] ? v[0].id : 1' 2>/dev/null || echo 1)
	for p in api/stats 'api/search?q=iran' 'api/search?q=%22unbalanced' api/doc/1 'api/entities?type=PER&limit=5' \
		"api/entity/$id" "api/links/$id?limit=10&evidence=2" "api/graph?center=$id&depth=2&limit=60" api/nope ''; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$URL$p")
		echo "GET /$p: $code"
		[ "$code" != 000 ] || fail "weft serve did not answer GET /$p"
	done
	kill -TERM "$pid"
	wait "$pid"; rc=$?
	if grep -q 'Direct leak of\|Indirect leak of' "$T/serve.err"; then
		leaky="$leaky
--- weft serve
$(grep -v '^ *$' "$T/serve.err" | head -n 60)"
	else
		ok "no leak: weft serve, ten requests, SIGTERM"
	fi
	expect_eq "weft serve exit status after SIGTERM" "$rc" 0
	grep -q 'ERROR: AddressSanitizer\|runtime error:' "$T/serve.err" && fail "weft serve: sanitizer error: $(head -n 30 "$T/serve.err")"
fi

[ -z "$leaky" ] || fail "leaks (fix weft, or suppress a third-party library's leak in tests/lsan.supp with a reason):$leaky"
echo "$n commands and weft serve checked: no leak"
echo "all ok"
