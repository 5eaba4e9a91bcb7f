# End to end on a slice of the real Cablegate pages in $SHARED: every page
# is one document, the cable header becomes metadata, the ~40 KB of site
# navigation on every page is not stored, and phrases found by grepping the
# HTML are found by search in the cables that hold them.
. "$(dirname "$0")/lib.sh"
SRC="${SHARED:-}/corpora/cablegate_html"
[ -d "$SRC/cable" ] || skip "no Cablegate corpus at $SRC"
NER=""
[ -f "${WEFT_MODEL:-$WEFT_ROOT/models/ner.model}" ] || { NER=--no-ner; echo "note: no NER model, ingesting with --no-ner"; }

# Every Baghdad, Tehran and Iran-RPO-Dubai cable of the shared slice, plus
# others of other posts, years and classifications (listed from the folder).
FILES="
cable/1966/12/66BUENOSAIRES2481.html cable/1972/02/72TEHRAN1164.html
cable/1972/08/72TEHRAN5055.html cable/1975/03/75TEHRAN2069.html
cable/1988/01/88BAGHDAD28.html cable/2006/04/06BUCHAREST576.html
cable/2007/01/07BAGHDAD146.html cable/2007/01/07BAGHDAD63.html
cable/2007/06/07PARIS2743.html cable/2007/10/07BAGHDAD3504.html
cable/2007/11/07BAGHDAD3895.html cable/2008/02/08BAGHDAD357.html
cable/2008/04/08LONDON929.html cable/2008/09/08BAGHDAD2812.html
cable/2008/10/08RIYADH1619.html cable/2009/01/09BAGHDAD11.html
cable/2009/01/09BAGHDAD197.html cable/2009/01/09LAPAZ96.html
cable/2009/02/09BAGHDAD383.html cable/2009/03/09BAGHDAD759.html
cable/2009/03/09BAKU226.html cable/2009/04/09BAGHDAD1103.html
cable/2009/04/09BAGHDAD1104.html cable/2009/04/09RPODUBAI177.html
cable/2009/06/09RPODUBAI235.html cable/2009/06/09STATE67105.html
cable/2009/08/09RPODUBAI316.html cable/2009/09/09BAGHDAD2562.html
cable/2009/09/09BAGHDAD2569.html cable/2009/09/09MEXICO2676.html
cable/2009/09/09RPODUBAI379.html cable/2009/09/09RPODUBAI389.html
cable/2009/11/09BAGHDAD2992.html cable/2009/11/09PRETORIA2245.html
cable/2009/12/09BAGHDAD3195.html cable/2009/12/09BAGHDAD3316.html
cable/2010/01/10BAGHDAD112.html cable/2010/01/10BAGHDAD167.html
cable/2010/01/10BAGHDAD70.html cable/2010/01/10BEIJING207.html
cable/2010/01/10RPODUBAI13.html cable/2010/01/10RPODUBAI15.html
cable/2010/02/10KUWAIT142.html"
IN="$T/in"
n=0
for f in $FILES; do
	[ -f "$SRC/$f" ] || skip "the Cablegate slice in $SRC has no $f"
	mkdir -p "$IN/$(dirname "$f")"
	cp "$SRC/$f" "$IN/$f"
	n=$((n + 1))
done
expect_eq "files copied" "$n" 43

# The navigation this test looks for really is on every page of the slice,
# so its absence from the case means something.
NAV1="Browse latest releases"
NAV2="Currently released so far"
[ -z "$(grep -rL "$NAV1" "$IN")" ] || fail "a page lacks '$NAV1': the test's premise is wrong"
[ -z "$(grep -rL "$NAV2" "$IN")" ] || fail "a page lacks '$NAV2': the test's premise is wrong"

out=$("$WEFT" ingest -q $NER --case "$CASE" "$IN"); rc=$?
echo "$out"
expect_eq "ingest exit status" "$rc" 0
expect_in "summary" "$n files: $n new, 0 unchanged, 0 failed" "$out"

stats=$("$WEFT" stats --case "$CASE" --json) || fail "stats failed"
echo "$stats"
expect_eq "documents" "$(echo "$stats" | json 'v.documents')" "$n"
expect_eq "failed" "$(echo "$stats" | json 'v.failed')" 0
expect_eq "all html" "$(echo "$stats" | json 'v.by_type.html')" "$n"
expect_eq "paths" "$(echo "$stats" | json 'v.paths')" "$n"
expect_eq "first date" "$(echo "$stats" | json 'v.first_date.slice(0,10)')" "1966-12-28"
expect_eq "last date" "$(echo "$stats" | json 'v.last_date.slice(0,10)')" "2010-02-17"

# ---- cable header fields as metadata ----
# meta REF FIELD...: prints the fields of `show --json --meta REF`, one per line
meta() {
	ref=$1; shift
	"$WEFT" show --case "$CASE" --json --meta "$ref" > "$T/meta.json" || fail "show $ref failed"
	for fld in "$@"; do json "v.$fld" < "$T/meta.json"; done
}
m=$(meta 09BAGHDAD11.html meta.reference_id meta.classification meta.origin date subject 'meta.tags.split(",").includes("IZ")' 'paths.length')
expect_eq "09BAGHDAD11 metadata" "$(echo $m)" \
	"09BAGHDAD11 SECRET Embassy Baghdad 2009-01-05T11:11:00 NAJAF CLERICAL LEADERS FEAR IRANIAN IDEOLOGICAL DOMINANCE true 1"
m=$(meta 09RPODUBAI316.html meta.reference_id meta.classification meta.origin 'date.slice(0,16)')
expect_eq "09RPODUBAI316 metadata" "$(echo $m)" "09RPODUBAI316 SECRET//NOFORN Iran RPO Dubai 2009-08-03T11:11"
m=$(meta 10RPODUBAI13.html meta.classification 'date.slice(0,10)')
expect_eq "10RPODUBAI13 metadata" "$(echo $m)" "CONFIDENTIAL//NOFORN 2010-01-12"
# a 1970s cable, whose page has the older layout
m=$(meta 72TEHRAN1164.html meta.reference_id meta.classification meta.origin 'date.slice(0,10)' subject)
expect_eq "72TEHRAN1164 metadata" "$(echo $m)" "72TEHRAN1164 UNCLASSIFIED Embassy Tehran 1972-02-25 ACCELERATION OF F-4ES FOR IRAN"

# ---- the stored text: the cable, not the site ----
"$WEFT" show --case "$CASE" 09BAGHDAD11.html > "$T/show.txt" || fail "show 09BAGHDAD11 failed"
text=$(cat "$T/show.txt")
expect_in "cable body kept" "Ayatollah Muhammad Said al-Hakim" "$text"
expect_in "routing header kept" "FM AMEMBASSY BAGHDAD" "$text"
expect_in "signature kept" "CROCKER" "$text"
for bad in "$NAV1" "$NAV2" "Keep Us Strong" "Cable Viewer" "reldate" "</td>" "</table>" "&#x000A;"; do
	case $text in *"$bad"*) fail "09BAGHDAD11 text holds '$bad' (site navigation or markup)";; esac
done
ok "no navigation or markup in 09BAGHDAD11"
if command -v sqlite3 >/dev/null 2>&1; then
	cnt=$(sqlite3 "$CASE" "SELECT count(*) FROM documents WHERE instr(body,'$NAV1') OR instr(body,'$NAV2')
		OR instr(body,'Keep Us Strong') OR instr(body,'/reldate/') OR instr(body,'WikiLeaks logo')")
	expect_eq "documents whose text holds the navigation" "$cnt" 0
	cnt=$(sqlite3 "$CASE" "SELECT count(*) FROM documents WHERE length(body) < 1500")
	expect_eq "documents with (almost) no text" "$cnt" 0
fi

# ---- search ----
# hit QUERY: the file names of the hits, sorted
hit() {
	"$WEFT" search --case "$CASE" --json --limit 200 "$1" > "$T/hits.json" || fail "search '$1' failed"
	json 'v.map(h=>h.path.replace(/.*\//,"")).sort().join(" ")' < "$T/hits.json"
}
# greps QUERY-WORD: the file names whose HTML holds the word (case-blind)
greps() { grep -rli -- "$1" "$IN" | sed 's|.*/||' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'; }
expect_eq "phrase" "$(hit '"velayat-e faqih"')" "09BAGHDAD11.html"
expect_eq "phrase, other case" "$(hit '"VELAYAT-E FAQIH"')" "09BAGHDAD11.html"
expect_eq "phrase across a line break in <pre>" "$(hit '"Muhammad Said al-Hakim, whose family has ties to Iran"')" "09BAGHDAD11.html"
expect_eq "phrase 2" "$(hit '"rental sheiks"')" "10BAGHDAD167.html"
expect_eq "word in one cable" "$(hit 'gabala')" "09BAKU226.html"
expect_eq "word in many cables" "$(hit 'ahmadinejad')" "$(greps ahmadinejad)"
expect_eq "ahmadinejad cables" "$(hit 'ahmadinejad' | wc -w)" 10
expect_eq "sistani cables" "$(hit 'sistani')" "$(greps sistani)"
expect_eq "subject: field" "$(hit 'subject:resurgence')" "75TEHRAN2069.html"
expect_eq "title: field" "$(hit 'title:09BAGHDAD11')" "09BAGHDAD11.html"
expect_eq "date: filter" "$(hit 'iran date:1972')" "72TEHRAN1164.html"
expect_eq "navigation is not searchable" "$(hit "\"$NAV1\"")" ""
expect_eq "navigation is not searchable 2" "$(hit '"Keep Us Strong"')" ""

# a second run adds nothing
out=$("$WEFT" ingest -q $NER --case "$CASE" "$IN"); rc=$?
expect_eq "re-ingest exit status" "$rc" 0
expect_in "re-ingest skips" "$n files: 0 new, $n unchanged, 0 failed" "$out"
expect_eq "documents after re-ingest" "$("$WEFT" stats --case "$CASE" --json | json 'v.documents')" "$n"
echo "all ok"
