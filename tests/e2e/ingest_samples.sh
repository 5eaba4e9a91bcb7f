# End to end on the bundled demo corpus: every format, counts, metadata,
# search hits, re-ingest skipping, failures for broken inputs, show/stats.
. "$(dirname "$0")/lib.sh"
S="$WEFT_ROOT/samples"
mkdir -p "$T/in"
cp -r "$S"/. "$T/in/"
rm "$T/in/README.md" # it quotes the test phrases

out=$("$WEFT" ingest -q --case "$CASE" "$T/in"); rc=$?
echo "$out"
expect_eq "first ingest exit status" "$rc" 0
expect_in "summary line" "25 files: 25 new, 0 unchanged, 0 failed" "$out"

docs=$("$WEFT" stats --case "$CASE" --json | json 'v.documents')
# 25 files + 3 zip members + 3 mbox messages + 1 email attachment
expect_eq "documents" "$docs" 32

hit() { "$WEFT" search --case "$CASE" --json "$1" | json 'v.map(h=>h.path.replace(/.*\/in\//,"")).join(" ")'; }
expect_eq "phrase in text" "$(hit '"corridor in the sky"')" "03_jabr_airspace.txt"
expect_eq "phrase in html article" "$(hit '"a figure of fear rather than a folk hero"')" "10_rivalry_mois_irgc.html"
expect_eq "windows-1252 decoded" "$(hit '"café à Bagdad"')" "23_note_fr_cp1252.txt"
expect_eq "accent-insensitive" "$(hit '"cafe a bagdad"')" "23_note_fr_cp1252.txt"
expect_eq "pdf text layer" "$(hit '"two rival services under one flag"')" "21_briefing_pack.pdf"
expect_eq "script text dropped" "$(hit 'fnq_tracker_boot')" ""
expect_in "zip member" "22_field_notes.zip!/field_notes/maliki_background.txt" "$(hit '"Jawad al-Maliki"')"
expect_in "mbox message" "newsroom.mbox!/message-" "$(hit '"Jurf al-Nasr"')"
expect_in "email attachment" "18_names_sheet_attachment.eml!/" "$(hit '"Jurf al-Nasr"')"
expect_eq "from: field" "$(hit 'from:okonkwo subject:plan' | tr ' ' '\n' | head -1)" "16_thread_reply_dev.eml"
expect_eq "type and date filters" "$(hit 'maliki type:email date:2014-08')" "20_desk_note_2014.eml"
expect_eq "arabic from windows-1256" "$(hit 'المالكي path:cp1256')" "24_brief_ar_cp1256.txt"

# PDF hits name their page
page=$("$WEFT" search --case "$CASE" --json '"two rival services under one flag"' | json 'v[0].page')
[ "$page" -ge 1 ] 2>/dev/null || fail "pdf hit has no page: $page"
ok "pdf page $page"

# email metadata
meta=$("$WEFT" show --case "$CASE" --json --meta 16_thread_reply_dev.eml)
expect_eq "in_reply_to" "$(echo "$meta" | json 'v.in_reply_to')" "20191118074210.4f2a@example.org"
expect_in "date normalised" "2019-11-18T14:05:" "$(echo "$meta" | json 'v.date')"

# names: mentions with exact offsets, spelling variants resolved into one entity
[ -f "$WEFT_MODEL" ] || fail "the shipped model $WEFT_MODEL is missing"
"$WEFT" show --case "$CASE" --json 03_jabr_airspace.txt > "$T/doc.json"
"$WEFT" mentions --case "$CASE" --json 03_jabr_airspace.txt > "$T/men.json"
bad=$(node -e '
const fs=require("fs"); const d=JSON.parse(fs.readFileSync(process.argv[1])); const m=JSON.parse(fs.readFileSync(process.argv[2]));
const b=Buffer.from(d.text); let bad=m.filter(x=>b.slice(x.start,x.end).toString()!==x.text).length;
if(!m.some(x=>x.type==="PER"&&/Jabr/.test(x.text))) bad++;
if(!m.some(x=>x.type==="DATE")) bad++;
console.log(bad)' "$T/doc.json" "$T/men.json")
expect_eq "mention offsets point at their text, PER and DATE found" "$bad" 0
eid() { "$WEFT" entity --case "$CASE" --json "$1" | json 'v.id'; }
sol=$(eid "Qassem Soleimani")
for v in "Qasem Soleimani" "Qassem Suleimani" "Soleimani" "Suleimani"; do
	expect_eq "$v is Qassem Soleimani" "$(eid "$v")" "$sol"
done
expect_eq "Arabic script قاسم سليماني is Qassem Soleimani" "$(eid "قاسم سليماني")" "$sol"
expect_eq "Persian script نوری المالکی is Nuri al-Maliki" "$(eid "نوری المالکی")" "$(eid "Nuri al-Maliki")"
jabr=$(eid "Bayan Jabr")
expect_eq "Bayan Yaber is Bayan Jabr" "$(eid "Bayan Yaber")" "$jabr"
expect_eq "Danaiefar is Danaeifar" "$(eid "Danaiefar")" "$(eid "Hassan Danaeifar")"
expect_eq "al Maliki is Nuri al-Maliki" "$(eid "al Maliki")" "$(eid "Nuri al-Maliki")"
expect_eq "IRGC is the Islamic Revolutionary Guard Corps" "$(eid IRGC)" "$(eid "Islamic Revolutionary Guard Corps")"
expect_eq "Arabic script حيدر العبادي (ain-initial surname) is an alias of Haider al-Abadi" \
	"$("$WEFT" entity --case "$CASE" --json "Haider al-Abadi" | json 'v.aliases.some(a => /العبادي/.test(a))')" true
expect_eq "MOIS, tagged MISC, is an alias of the Ministry of Intelligence and Security" \
	"$("$WEFT" entity --case "$CASE" --json "Ministry of Intelligence and Security" | json 'v.aliases.includes("MOIS")')" true
expect_eq "no entity is named by a lower-cased key" \
	"$("$WEFT" entities --case "$CASE" --json --top 1000 | json 'v.filter(e => e.name === e.name.toLowerCase() && e.aliases.some(a => /[A-Z]/.test(a))).map(e => e.name).join(",")')" ""
[ "$(eid "Saddam Hussein")" != "$(eid "Murtaza Hussain")" ] || fail "Saddam Hussein and Murtaza Hussain merged"
ok "Saddam Hussein is not Murtaza Hussain"
ev=$("$WEFT" links --case "$CASE" --json "Bayan Jabr" | json 'v.links.length > 0 && v.links[0].evidence[0].sentence.length > 0')
expect_eq "links of Bayan Jabr carry evidence sentences" "$ev" true

# a decision by hand survives a re-ingest that rebuilds the entities
mois=$(eid "Ministry of Intelligence and Security")
"$WEFT" merge --case "$CASE" "Ministry of Intelligence and Security" "Ministry of Intelligence" >/dev/null || fail "merge failed"
expect_eq "merged" "$(eid "Ministry of Intelligence")" "$(eid "Ministry of Intelligence and Security")"
cp "$S/01_overview_iran_cables.txt" "$T/in/01-again.txt"
echo "A new paragraph about the Ministry of Intelligence, so the file is new." >> "$T/in/01-again.txt"
"$WEFT" ingest -q --case "$CASE" "$T/in" >/dev/null
expect_eq "merge kept after re-ingest" "$(eid "Ministry of Intelligence")" "$(eid "Ministry of Intelligence and Security")"
"$WEFT" decisions --case "$CASE" --undo 1 >/dev/null || fail "undo failed"
[ "$(eid "Ministry of Intelligence")" != "$(eid "Ministry of Intelligence and Security")" ] || fail "undo did not split them again"
ok "undo splits them again"
rm "$T/in/01-again.txt"

# a second run adds nothing
out=$("$WEFT" ingest -q --case "$CASE" "$T/in")
expect_in "re-ingest skips" "25 files: 0 new, 25 unchanged, 0 failed" "$out"

# new and broken files: recorded, run goes on, exit 3
mkdir -p "$T/in/bad"
: > "$T/in/bad/empty.txt"
head -c 3000 /dev/urandom > "$T/in/bad/junk.bin"
head -c 200 "$S/22_field_notes.zip" > "$T/in/bad/truncated.zip"
printf '%%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%%%EOF\n' > "$T/in/bad/broken.pdf"
cp "$S/03_jabr_airspace.txt" "$T/in/bad/copy-of-03.txt"
"$WEFT" ingest -q --case "$CASE" "$T/in" > "$T/out"; rc=$?
cat "$T/out"
expect_eq "exit status with failures" "$rc" 3
# 4 bad files, and the member the truncated zip could not give
expect_in "summary with failures" "30 files: 0 new, 25 unchanged, 1 duplicates, 5 failed" "$(cat "$T/out")"
f=$("$WEFT" failures --case "$CASE")
echo "$f"
expect_in "empty file reason" "empty.txt: empty file" "$f"
expect_in "junk reason" "junk.bin: unsupported type" "$f"
expect_in "truncated zip recorded" "truncated.zip:" "$f"
expect_in "its unreadable member recorded" "truncated.zip!/field_notes/maliki_background.txt: archive member not read" "$f"
expect_in "broken pdf recorded" "broken.pdf:" "$f"
paths=$("$WEFT" show --case "$CASE" --json --meta copy-of-03.txt | json 'v.paths.length')
expect_eq "one document, two paths" "$paths" 2

# errors are plain
out=$("$WEFT" search --case "$CASE" '"unbalanced' 2>&1); rc=$?
expect_eq "bad query exit" "$rc" 1
expect_in "bad query message" "weft: search: unbalanced quote at position 1" "$out"
out=$("$WEFT" search --case "$CASE" -- '-iran' 2>&1)
expect_in "only-negative query" "only excluded terms" "$out"
out=$("$WEFT" show --case "$CASE" 99999 2>&1)
expect_in "missing doc" "weft: show: no document '99999'" "$out"
echo "all ok"
