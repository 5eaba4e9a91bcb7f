# End to end on a slice of the real BBC News articles in $SHARED: one
# document per distinct content (byte-identical articles, such as
# business/007.txt = business/253.txt, are stored once with every path),
# the text is stored exactly as given (UTF-8, '£' included), a Latin-1
# copy of an article decodes to the same text, and phrases found by grep
# are found by search.
. "$(dirname "$0")/lib.sh"
SRC="${SHARED:-}/corpora/bbc_news"
[ -d "$SRC/business" ] || skip "no BBC News corpus at $SRC"
NER=""
[ -f "${WEFT_MODEL:-$WEFT_ROOT/models/ner.model}" ] || { NER=--no-ner; echo "note: no NER model, ingesting with --no-ner"; }

IN="$T/in"
# the first 25 articles of every category, and the partners of two
# byte-identical pairs whose other halves are among them
for c in business entertainment politics sport tech; do
	mkdir -p "$IN/$c"
	for f in $(ls "$SRC/$c" | LC_ALL=C sort | head -n 25); do cp "$SRC/$c/$f" "$IN/$c/"; done
done
for f in business/007.txt business/253.txt entertainment/023.txt entertainment/273.txt business/001.txt; do
	[ -f "$SRC/$f" ] || skip "the BBC slice in $SRC has no $f"
	cp "$SRC/$f" "$IN/$f"
done
cmp -s "$IN/business/007.txt" "$IN/business/253.txt" || fail "business/007.txt and 253.txt differ: the test's premise is wrong"
# the same article in Latin-1, as the original dataset has it
mkdir -p "$IN/latin1"
iconv -f UTF-8 -t ISO-8859-1 "$SRC/business/001.txt" > "$IN/latin1/business-001.txt" || fail "iconv failed"
cmp -s "$IN/latin1/business-001.txt" "$SRC/business/001.txt" && fail "the Latin-1 copy is the same bytes"

nfiles=$(find "$IN" -type f | wc -l)
ndistinct=$(find "$IN" -type f -exec sha256sum {} + | cut -c1-64 | sort -u | wc -l)
ndups=$((nfiles - ndistinct))
echo "slice: $nfiles files, $ndistinct distinct"
[ "$ndups" -ge 2 ] || fail "the slice should hold at least two byte-identical pairs, has $ndups"

out=$("$WEFT" ingest -q $NER --case "$CASE" "$IN"); rc=$?
echo "$out"
expect_eq "ingest exit status" "$rc" 0
expect_in "summary" "$nfiles files: $ndistinct new, 0 unchanged, $ndups duplicates, 0 failed" "$out"
stats=$("$WEFT" stats --case "$CASE" --json) || fail "stats failed"
echo "$stats"
expect_eq "documents = distinct contents" "$(echo "$stats" | json 'v.documents')" "$ndistinct"
expect_eq "paths = files" "$(echo "$stats" | json 'v.paths')" "$nfiles"
expect_eq "all text" "$(echo "$stats" | json 'v.by_type.text')" "$ndistinct"
expect_eq "failed" "$(echo "$stats" | json 'v.failed')" 0

# ---- the duplicate pair named by the corpus README ----
"$WEFT" show --case "$CASE" --json --meta business/253.txt > "$T/m1" || fail "show business/253.txt failed"
"$WEFT" show --case "$CASE" --json --meta business/007.txt > "$T/m2" || fail "show business/007.txt failed"
expect_eq "business/253.txt has two paths" "$(json 'v.paths.map(p=>p.replace(/.*\/in\//,"")).sort().join(" ")' < "$T/m1")" \
	"business/007.txt business/253.txt"
expect_eq "007 and 253 are one document" "$(json v.id < "$T/m1")" "$(json v.id < "$T/m2")"
expect_eq "its sha256" "$(json v.sha256 < "$T/m1")" "$(sha256sum < "$IN/business/253.txt" | cut -c1-64)"
expect_eq "its title" "$(json v.title < "$T/m1")" "$(head -n 1 "$IN/business/253.txt")"
if command -v sqlite3 >/dev/null 2>&1; then
	expect_eq "documents with two paths" \
		"$(sqlite3 "$CASE" "SELECT count(*) FROM (SELECT doc FROM paths GROUP BY doc HAVING count(*) = 2)")" "$ndups"
	expect_eq "documents with more" \
		"$(sqlite3 "$CASE" "SELECT count(*) FROM (SELECT doc FROM paths GROUP BY doc HAVING count(*) > 2)")" 0
fi

# ---- text exactly as given: UTF-8, '£' and all ----
# same_text REF FILE: does the stored text equal FILE's content (as UTF-8)?
same_text() {
	"$WEFT" show --case "$CASE" --json "$1" > "$T/doc.json" || fail "show $1 failed"
	node -e '
		const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		const want = require("fs").readFileSync(process.argv[2], "utf8");
		if (v.text === want && v.invalid_bytes === 0) { console.log("same"); process.exit(0); }
		let i = 0; while (i < want.length && v.text[i] === want[i]) i++;
		console.log("differs at " + i + ": " + JSON.stringify(v.text.slice(i, i + 30)) +
			" instead of " + JSON.stringify(want.slice(i, i + 30)) + ", invalid_bytes " + v.invalid_bytes);
	' "$T/doc.json" "$2"
}
grep -q '£' "$IN/business/001.txt" || fail "business/001.txt has no £"
expect_eq "business/001.txt text (with £)" "$(same_text business/001.txt "$IN/business/001.txt")" same
expect_eq "politics/001.txt text (with £)" "$(same_text politics/001.txt "$IN/politics/001.txt")" same
expect_eq "Latin-1 copy decodes to the UTF-8 text" "$(same_text latin1/business-001.txt "$SRC/business/001.txt")" same
expect_eq "Latin-1 copy title" "$("$WEFT" show --case "$CASE" --json --meta latin1/business-001.txt | json v.title)" \
	"Ad sales boost Time Warner profit"
# every '£' of the slice survives: count them in the case and in the files
if command -v sqlite3 >/dev/null 2>&1; then
	want=0
	for f in $(find "$IN" -type f ! -path '*/latin1/*' -exec sha256sum {} + | sort -u -k1,1 | cut -c67-); do
		want=$((want + $(grep -o '£' "$f" | wc -l)))
	done
	want=$((want + $(grep -o '£' "$SRC/business/001.txt" | wc -l))) # the Latin-1 copy
	got=$(sqlite3 "$CASE" "SELECT sum((length(body) - length(replace(body, '£', ''))) / length('£')) FROM documents")
	expect_eq "pound signs in the case" "$got" "$want"
fi

# ---- search ----
hit() {
	"$WEFT" search --case "$CASE" --json --limit 200 "$1" > "$T/hits.json" || fail "search '$1' failed"
	json 'v.map(h=>h.path.replace(/.*\/in\//,"")).sort().join(" ")' < "$T/hits.json"
}
# files holding a fixed string (all of them distinct contents)
greps() { grep -rliF -- "$1" "$IN" | sed "s|^$IN/||" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'; }
for phrase in "paid maternity leave" "12,575 net cafes" "anti-spyware software" "World Cross Country Championships" \
	"Trade and Industry Secretary"; do
	want=$(greps "$phrase")
	[ -n "$want" ] || fail "no file holds '$phrase'"
	expect_eq "phrase \"$phrase\"" "$(hit "\"$phrase\"")" "$want"
done
expect_eq "a phrase with £ before it" "$(hit '"£600m"')" "business/001.txt latin1/business-001.txt"
# highlight offsets are bytes of the snippet and fall on whole characters after a '£'
hl=$(json 'v.map(h=>{const b=Buffer.from(h.snippet);return h.highlights.map(([a,e])=>b.slice(a,e).toString()).join("|")}).join(" ")' < "$T/hits.json")
expect_eq "highlights after a £" "$hl" "600m 600m"
# a phrase in a duplicated article: one hit, whichever path it names
expect_eq "phrase in a duplicated article" "$(hit '"Viotti"' | wc -w)" 1
expect_in "its path" "entertainment/" "$(hit '"Viotti"')"
expect_eq "title: field" "$(hit 'title:maternity')" "politics/001.txt"
expect_eq "case-blind" "$(hit '"PAID MATERNITY LEAVE"')" "$(greps "paid maternity leave")"
expect_eq "path: filter" "$(hit 'secretary path:/politics/')" "$(grep -rliw secretary "$IN/politics" | sed "s|^$IN/||" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"

# a second run adds nothing
out=$("$WEFT" ingest -q $NER --case "$CASE" "$IN"); rc=$?
expect_eq "re-ingest exit status" "$rc" 0
expect_in "re-ingest skips" "$nfiles files: 0 new, $nfiles unchanged, 0 failed" "$out"
echo "all ok"
