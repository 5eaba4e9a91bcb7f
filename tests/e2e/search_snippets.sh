# Snippets of matches deep in a document: weft finds the window's first
# token (eight before the match) without tokenizing everything before it,
# counting ASCII words itself and handing runs with other bytes to the
# index's tokenizer.  The text before the match mixes what splits words
# and what does not (accents, combining marks, an em dash, a no-break
# space, an emoji, CJK, apostrophes, digits); a miscount would start the
# window on another word and mark the wrong one.  One file is small (its
# body comes with the row), one over 16 KiB (read through a blob handle in
# growing pieces), one has the match first.  The same answers come from
# weft serve's /api/search, which keeps a search session per thread.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || skip "node is needed to read JSON"

mkdir -p "$T/in"
# filler N: N lines of words that the tokenizer splits in every way it can
filler() {
	i=0
	while [ "$i" -lt "$1" ]; do
		printf 'line %d café naïve e\314\201tude rôle—dash non\302\240breaking emoji\360\237\230\200joined 東京都 don'"'"'t 3.14 x_y ñandú Ærø\n' "$i"
		i=$((i + 1))
	done
}
{ filler 40; printf 'before eight seven six five four three two one quetzalcoatlus after words follow here\n'; filler 90; } > "$T/in/small.txt"
{ filler 900; printf 'before eight seven six five four three two one xiphactinus after words follow here\n'; filler 100; } > "$T/in/large.txt"
{ printf 'zanabazar comes first in this text\n'; filler 3; } > "$T/in/first.txt"
{ filler 300; printf 'before eight seven six five four three two one red panda after words\n'; filler 100; } > "$T/in/phrase.txt"
[ "$(wc -c < "$T/in/small.txt")" -lt 16384 ] || fail "small.txt should be under 16 KiB"
[ "$(wc -c < "$T/in/large.txt")" -gt 65536 ] || fail "large.txt should be over 64 KiB"

"$WEFT" ingest -q --case "$CASE" "$T/in" > /dev/null || fail "ingest"

# hit Q: the first hit of weft search --json Q as "snippet|marked words"
hit() {
	"$WEFT" search --case "$CASE" --json "$1" |
		json 'v.length ? v[0].snippet + "|" + v[0].highlights.map(([a, b]) => Buffer.from(v[0].snippet).subarray(a, b).toString()).join(",") : "none"'
}
# the start of filler's first line, as the file has it
L0=$(printf 'line 0 café naïve e\314\201tude rôle—dash non\302\240breaking emoji\360\237\230\200joined')
expect_eq "small file: window from the eighth word before" "$(hit quetzalcoatlus)" \
	"…eight seven six five four three two one quetzalcoatlus after words follow here
$L0|quetzalcoatlus"
expect_eq "large file (blob, read in pieces)" "$(hit xiphactinus)" \
	"…eight seven six five four three two one xiphactinus after words follow here
$L0|xiphactinus"
expect_eq "match first: no leading ellipsis" "$(hit zanabazar)" \
	"zanabazar comes first in this text
$L0 東京都 don't 3.14 x_y|zanabazar"
expect_eq "a phrase: both words marked" "$(hit '"red panda"')" \
	"…eight seven six five four three two one red panda after words
$L0 東京都|red panda"
x=$(hit ñandú)
expect_eq "a word in the filler is marked" "${x##*|}" "ñandú"

# the same hits from weft serve (its session keeps the per-document table)
"$WEFT" serve --case "$CASE" --port 0 > "$T/serve.out" 2> "$T/serve.err" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$T"' EXIT
url=
for _ in $(seq 100); do
	url=$(head -n 1 "$T/serve.out" 2>/dev/null)
	case $url in http://*) break ;; esac
	sleep 0.1
done
case $url in http://*) ;; *) fail "weft serve printed no address: $(cat "$T/serve.err")" ;; esac
for q in quetzalcoatlus xiphactinus zanabazar %22red%20panda%22; do
	api=$(node -e "fetch(process.argv[1]).then(r => r.text()).then(t => console.log(JSON.stringify(JSON.parse(t).hits)))" \
		"${url%/}/api/search?q=$q")
	cli=$("$WEFT" search --case "$CASE" --json "$(node -e 'console.log(decodeURIComponent(process.argv[1]))' "$q")" |
		json 'JSON.stringify(v)')
	expect_eq "serve answers $q as the CLI" "$api" "$cli"
done
echo "all snippet checks passed"
