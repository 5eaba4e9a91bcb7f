# End to end on a slice of the real Enron maildir in $SHARED: every message
# is an email document with its sender, recipients, subject and date
# (including the arora-h messages whose headers were cut down to
# Date/From/To/Subject), year-0001 dates are flagged, a 946-address To list
# is kept whole, Latin-1 bytes do not break anything, a byte-identical copy
# is stored once with two paths while the same email in several inboxes
# (different Message-ID) stays several documents, and from:/to:/subject:
# searches give the messages whose headers say so.
. "$(dirname "$0")/lib.sh"
SRC="${SHARED:-}/corpora/enron_maildir/maildir"
[ -d "$SRC/arora-h" ] && [ -d "$SRC/kean-s" ] || skip "no Enron maildir at $SRC"
NER=""
[ -f "${WEFT_MODEL:-$WEFT_ROOT/models/ner.model}" ] || { NER=--no-ner; echo "note: no NER model, ingesting with --no-ner"; }

IN="$T/in"
mkdir -p "$IN/maildir"
# two whole custodians: arora-h (stripped headers), kean-s (year-0001 dates)
(cd "$SRC" && cp -r arora-h kean-s "$IN/maildir/") || fail "copy failed"
#   buy-r/inbox/714        To: with 946 addresses
#   buy-r/inbox/216, lay-k/inbox/922  the same email as kean-s/inbox/9 and
#                          arora-h/inbox/7, other Message-IDs
#   lay-k/inbox/15, 333, 533, whalley-g/inbox/60, 390, haedicke-m/inbox/594
#                          Latin-1 bytes although declared us-ascii
#   skilling-j/inbox/966   To: with ~800 addresses
#   buy-r/inbox/175        Date: with the year 0002
for f in buy-r/inbox/714 buy-r/inbox/216 lay-k/inbox/922 lay-k/inbox/15 lay-k/inbox/333 \
	lay-k/inbox/533 whalley-g/inbox/60 whalley-g/inbox/390 haedicke-m/inbox/594 \
	skilling-j/inbox/966 buy-r/inbox/175; do
	[ -f "$SRC/$f" ] || skip "the Enron slice in $SRC has no $f"
	mkdir -p "$IN/maildir/$(dirname "$f")"
	cp "$SRC/$f" "$IN/maildir/$f"
done
# a byte-identical copy, as a leak often has
mkdir -p "$IN/copies"
cp "$SRC/kean-s/inbox/3" "$IN/copies/kean-3-copy"
nfiles=$(find "$IN" -type f | wc -l)
ndocs=$((nfiles - 1))
echo "slice: $nfiles files"
[ "$nfiles" -ge 140 ] || fail "slice too small: $nfiles"

out=$("$WEFT" ingest -q $NER --case "$CASE" "$IN"); rc=$?
echo "$out"
expect_eq "ingest exit status" "$rc" 0
expect_in "summary" "$nfiles files: $ndocs new, 0 unchanged, 1 duplicates, 0 failed" "$out"

stats=$("$WEFT" stats --case "$CASE" --json) || fail "stats failed"
echo "$stats"
expect_eq "documents" "$(echo "$stats" | json 'v.documents')" "$ndocs"
expect_eq "failed" "$(echo "$stats" | json 'v.failed')" 0
expect_eq "paths" "$(echo "$stats" | json 'v.paths')" "$nfiles"
# suspect dates (year 0001/0002) do not stretch the span
expect_eq "first date" "$(echo "$stats" | json 'v.first_date.slice(0,4)')" 2001
expect_eq "last date" "$(echo "$stats" | json 'v.last_date.slice(0,4)')" 2002
# every file is a message, the stripped-header ones too
not_email=""
if command -v sqlite3 >/dev/null 2>&1; then
	not_email=$(sqlite3 "$CASE" "SELECT p.path||' ('||d.type||')' FROM documents d JOIN paths p ON p.doc=d.id
		WHERE d.status='ok' AND (d.type IS NOT 'email' OR d.sender IS NULL) ORDER BY 1" |
		sed "s|$IN/||")
fi
expect_eq "documents that are not emails with a sender" "$not_email" ""
if command -v sqlite3 >/dev/null 2>&1; then
	# a date for every message that has a Date: header (arora-h/inbox/11 has none)
	want=$(grep -L '^Date:' -r "$IN/maildir" | sed "s|^$IN/||" | LC_ALL=C sort | tr '\n' ' ')
	got=$(sqlite3 "$CASE" "SELECT p.path FROM documents d JOIN paths p ON p.doc=d.id
		WHERE d.status='ok' AND d.date IS NULL" | sed "s|^$IN/||" | LC_ALL=C sort | tr '\n' ' ')
	expect_eq "messages without a date" "$got" "$want"
fi
expect_eq "every file is an email" "$(echo "$stats" | json 'v.by_type.email')" "$ndocs"

# ---- metadata of known messages ----
# meta REF FIELD...: the fields of `show --json --meta REF`, one per line
meta() {
	ref=$1; shift
	"$WEFT" show --case "$CASE" --json --meta "$ref" > "$T/meta.json" || fail "show $ref failed"
	for fld in "$@"; do json "v.$fld" < "$T/meta.json"; done
}
# headers cut down to Date/From/To/Subject, blank line before the body
m=$(meta maildir/arora-h/inbox/10 type from to subject date message_id)
expect_eq "arora-h/inbox/10" "$(echo $m)" \
	"email arsystem@mailman.enron.com harry.arora@enron.com Your Approval is Overdue: Access Request for jaime.gualy@enron.com 2001-12-29T09:09:03Z null"
# the same cut-down headers, a folded Subject, and no blank line before the body
m=$(meta maildir/arora-h/inbox/7 type from to 'subject.replace(/\s+/g," ")' date)
expect_eq "arora-h/inbox/7 (no blank line after the headers)" "$(echo $m)" \
	"email announcements.enron@enron.com dl-ga-all_enron_houston_employees@enron.com Metro Bus Passes and Woodlands Express Passes Available Effective Friday, December 28, 2001 2001-12-28T17:04:54Z"
# full headers; the huge To list kept whole, in order
m=$(meta maildir/buy-r/inbox/714 type from subject date message_id 'to.split(/,\s*/).length' 'to.split(/,\s*/)[0]')
expect_eq "buy-r/inbox/714" "$(echo $m)" \
	"email kenneth.lay@enron.com Associate/Analyst Program 2001-08-23T18:24:25Z 27095920.1075863368786.JavaMail.evans@thyme 946 erica.adams@enron.com"
last_to=$(sed -n '1,/^$/p' "$IN/maildir/buy-r/inbox/714" | sed -n '/^To:/,/^Subject:/p' | sed '$d' | tr -d ' \t\n' | tr ',' '\n' | tail -1)
expect_eq "buy-r/inbox/714 last recipient" "$(meta maildir/buy-r/inbox/714 'to.split(/,\s*/).pop()')" "$last_to"
m=$(meta maildir/lay-k/inbox/333 from 'to.split(/,\s*/).length' 'to.includes("a..hughes@enron.com")' subject)
expect_eq "lay-k/inbox/333" "$(echo $m)" \
	'enronsato@hotmail.com 8 true Enron Japan is at the entrance of "Bermuda Triangle"!!!'
# year 0001: kept as written, flagged suspect
m=$(meta maildir/kean-s/inbox/3 date date_suspect from)
expect_eq "kean-s/inbox/3 (year 0001)" "$(echo $m)" "0001-12-25T06:25:56Z 1 enron_update@concureworkplace.com"
m=$(meta maildir/buy-r/inbox/175 'date.slice(0,4)' date_suspect)
expect_eq "buy-r/inbox/175 (year 0002)" "$(echo $m)" "0002 1"
expect_eq "an ordinary date is not suspect" "$(meta maildir/lay-k/inbox/922 date_suspect)" 0
n0001=$(grep -l '^Date: .* 000[0-9] ' -r "$IN/maildir" | wc -l)
if command -v sqlite3 >/dev/null 2>&1; then
	expect_eq "suspect dates = messages dated year 000x" \
		"$(sqlite3 "$CASE" "SELECT count(*) FROM documents WHERE date_suspect=1 AND status='ok'")" "$n0001"
fi
# Latin-1 in a header declared us-ascii: decoded, the output stays valid UTF-8 JSON
m=$(meta maildir/lay-k/inbox/15 from subject 'meta.x_from.includes("François Ndengwe")')
expect_eq "lay-k/inbox/15 (Latin-1 X-From)" "$(echo $m)" "amepya2@hotmail.com Three proposals, following up our recent meeting. true"
"$WEFT" show --case "$CASE" --json maildir/haedicke-m/inbox/594 | json 'v.from' > "$T/out" || fail "show haedicke-m/inbox/594 --json is not valid JSON"
expect_eq "haedicke-m/inbox/594 (Latin-1 X-To)" "$(cat "$T/out")" "aelia@isda-eur.org"

# ---- duplicates ----
expect_eq "byte-identical copy: one document, two paths" "$(meta copies/kean-3-copy 'paths.length')" 2
expect_eq "the copy is the same document" "$(meta copies/kean-3-copy id)" "$(meta maildir/kean-s/inbox/3 id)"
# the same email in four inboxes, with different headers: four documents
hit() {
	"$WEFT" search --case "$CASE" --json --limit 500 "$1" > "$T/hits.json" || fail "search '$1' failed"
	json 'v.map(h=>h.path.replace(/.*\/in\//,"")).sort().join(" ")' < "$T/hits.json"
}
SAME="maildir/arora-h/inbox/7 maildir/buy-r/inbox/216 maildir/kean-s/inbox/9 maildir/lay-k/inbox/922"
expect_eq "the same email in four inboxes: four documents" "$(hit '"Woodlands Express Passes"')" "$SAME"

# ---- field searches against the headers themselves ----
# hdr FIELD NEEDLE: the files whose FIELD header (unfolded) contains NEEDLE, case-blind
hdr() {
	find "$IN/maildir" -type f | LC_ALL=C sort | while read -r f; do
		awk -v fld="$1" -v n="$2" -v path="${f#"$IN"/}" '
			BEGIN { fld = tolower(fld) ":"; n = tolower(n) }
			done { next }
			/^\r?$/ { done = 1; next }
			/^[ \t]/ { if (cur) val = val $0; next }
			{ cur = tolower(substr($0, 1, length(fld))) == fld; if (cur) val = val " " substr($0, length(fld) + 1) }
			END { if (index(tolower(val), n)) print path }' "$f"
	done | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
want=$(hdr from kenneth.lay@)
expect_in "from: kenneth.lay is in the slice" "maildir/buy-r/inbox/714" "$want"
expect_eq "from:kenneth.lay" "$(hit 'from:kenneth.lay')" "$want"
want=$(hdr from announcements.enron@)
expect_eq "from:announcements.enron" "$(hit 'from:announcements.enron')" "$want"
expect_in "from: stripped-header message" "maildir/arora-h/inbox/7" "$(hit 'from:announcements.enron')"
want=$(hdr subject "woodlands")
expect_eq "subject:woodlands" "$(hit 'subject:woodlands')" "$want"
expect_eq "subject: phrase" "$(hit 'subject:"Bermuda Triangle"')" "$(hdr subject 'Bermuda Triangle')"
# set operations on space-separated lists
union() { printf '%s\n' $1 $2 | LC_ALL=C sort -u | tr '\n' ' ' | sed 's/ $//'; }
inter() { printf '%s\n' $1 | LC_ALL=C sort -u > "$T/a"; printf '%s\n' $2 | LC_ALL=C sort -u > "$T/b"
	LC_ALL=C comm -12 "$T/a" "$T/b" | tr '\n' ' ' | sed 's/ $//'; }
want=$(union "$(hdr to harry.arora@)" "$(hdr cc harry.arora@)")
expect_eq "to:harry.arora (To: lists up to 946 long)" "$(hit 'to:harry.arora')" "$want"
expect_in "to: deep in a huge To list" "maildir/buy-r/inbox/714" "$(hit 'to:harry.arora')"
jaime=$(grep -rli jaime "$IN/maildir" | sed "s|^$IN/||" | LC_ALL=C sort | tr '\n' ' ')
want=$(inter "$(inter "$(hdr from arsystem@)" "$(hdr subject overdue)")" "$jaime")
[ -n "$want" ] || fail "no arsystem/overdue/jaime message in the slice"
expect_eq "from: subject: and a word" "$(hit 'from:arsystem subject:overdue jaime')" "$want"
# suspect dates stay out of date filters; the rest is found by them
expect_eq "date: never matches a suspect date" "$(hit 'concur date:0001')" ""
expect_eq "date: open range skips suspect dates" "$(hit 'concur date:..2001')" "maildir/kean-s/inbox/enron_mentions/6"
expect_eq "date: month" "$(hit 'woodlands date:2001-12')" "$SAME"

# a second run adds nothing
out=$("$WEFT" ingest -q $NER --case "$CASE" "$IN"); rc=$?
expect_eq "re-ingest exit status" "$rc" 0
expect_in "re-ingest skips" "$nfiles files: 0 new, $nfiles unchanged, 0 failed" "$out"
echo "all ok"
