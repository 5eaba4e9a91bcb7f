# weft tag: the --conll output format (token<TAB>IOB2 tag, -DOCSTART- and
# blank lines echoed, valid IOB2), raw-text mentions whose byte offsets
# point at exactly the printed text, --json, the rule types, and clear
# errors for a bad model file.
. "$(dirname "$0")/lib.sh"
M="${WEFT_MODEL:-${WEFT_ROOT:-$(dirname "$0")/../..}/models/ner.model}"
[ -f "$M" ] || skip "no model at $M"

# --conll on a hand-made file with 4 columns, DOCSTART and blank lines
cat > "$T/in.conll" <<'X'
-DOCSTART- -X- -X- O

Peter NNP I-NP I-PER
Blackburn NNP I-NP I-PER

BRUSSELS NNP I-NP I-LOC
1996-08-22 CD I-NP O

-DOCSTART- -X- -X- O

The DT I-NP O
European NNP I-NP I-ORG
Commission NNP I-NP I-ORG
said VBD I-VP O
on IN I-PP O
Thursday NNP I-NP O
it PRP B-NP O
disagreed VBD I-VP O
with IN I-PP O
German JJ I-NP I-MISC
advice NN I-NP O
. . O O
X
"$WEFT" tag --model "$M" --conll "$T/in.conll" > "$T/out.conll" || fail "tag --conll failed"
cat "$T/out.conll"
expect_eq "one output line per input line" "$(wc -l < "$T/out.conll")" "$(wc -l < "$T/in.conll")"
expect_eq "DOCSTART lines echoed" "$(grep -c '^-DOCSTART- -X- -X- O$' "$T/out.conll")" 2
expect_eq "blank lines kept" "$(grep -c '^$' "$T/out.conll")" "$(grep -c '^$' "$T/in.conll")"
bad=$(grep -v '^-DOCSTART-' "$T/out.conll" | grep -v '^$' | grep -cvE '^[^	 ]+	(O|[BI]-(PER|ORG|LOC|MISC))$')
expect_eq "every token line is token<TAB>IOB2 tag" "$bad" 0
# IOB2: an I-X only after B-X or I-X
awk -F'\t' 'NF == 2 { if ($2 ~ /^I-/ && substr(prev, 3) != substr($2, 3)) { print "bad I- at " NR; exit 1 } prev = $2; next } { prev = "O" }' \
	"$T/out.conll" || fail "not IOB2"
expect_in "Peter Blackburn" "$(printf 'Peter\tB-PER\nBlackburn\tI-PER')" "$(cat "$T/out.conll")"
expect_in "European Commission" "$(printf 'European\tB-ORG\nCommission\tI-ORG')" "$(cat "$T/out.conll")"
expect_in "BRUSSELS" "$(printf 'BRUSSELS\tB-LOC')" "$(cat "$T/out.conll")"
printf 'Angela\nMerkel\n' | "$WEFT" tag --model "$M" --conll - | grep -q "$(printf 'Merkel\tI-PER')" \
	|| fail "--conll - (stdin)"
ok "--conll reads stdin"

# raw text: offsets are byte offsets (the text has multi-byte characters)
cat > "$T/raw.txt" <<'X'
SUBJECT: IRAQI MINISTER MEETS IRANIAN ENVOY
FM AMEMBASSY BAGHDAD

1. (C) Summary: On 18 November 2019 Prime Minister Adil Abdul-Mahdi met
Qassem Soleimani in Baghdad. The “U.S. Embassy” was not told.
2. (S) Contact john.doe@state.gov or +1 202 555 0143; see https://example.org/c.
Mr. José Müller of the United Nations visited Najaf in summer 2014.
X
"$WEFT" tag --model "$M" "$T/raw.txt" > "$T/raw.out" || fail "tag on raw text failed"
cat "$T/raw.out"
while IFS='	' read -r type start end text; do
	got=$(tail -c +$((start + 1)) "$T/raw.txt" | head -c $((end - start)) | tr '\n' ' ')
	[ "$got" = "$text" ] || fail "$type $start $end: file has '$got', printed '$text'"
done < "$T/raw.out"
ok "every mention's offsets give its text"
out=$(cat "$T/raw.out")
expect_in "Soleimani is PER" "$(printf 'PER\t')" "$out"
expect_in "Qassem Soleimani" "Qassem Soleimani" "$out"
expect_in "Baghdad is LOC" "$(printf '\tBaghdad')" "$out"
expect_in "date" "$(printf 'DATE\t')" "$out"
expect_in "email" "$(printf 'EMAIL\t')" "$out"
expect_in "url" "https://example.org/c" "$out"
expect_in "phone" "$(printf 'PHONE\t')" "$out"
expect_in "United Nations" "United Nations" "$out"
case "$out" in *AMEMBASSY*|*SUBJECT*) fail "teletype words inside a mention: $out";; esac
ok "no teletype words (FM, AMEMBASSY, SUBJECT) inside mentions"

"$WEFT" tag --model "$M" --json < "$T/raw.txt" > "$T/raw.json" || fail "tag --json failed"
if command -v node >/dev/null; then
	n=$(json 'v.length' < "$T/raw.json") || fail "--json is not JSON"
	expect_eq "--json has one object per mention" "$n" "$(wc -l < "$T/raw.out")"
	v=$(json 'v.find(m => m.type == "DATE" && m.value == "2019-11-18") ? "yes" : "no"' < "$T/raw.json")
	expect_eq "DATE value normalised" "$v" yes
fi
printf '' | "$WEFT" tag --model "$M" > "$T/empty.out" || fail "empty input"
expect_eq "empty input, no mentions" "$(wc -c < "$T/empty.out")" 0

# bad models: clear message, exit 1, no crash
printf 'junk' > "$T/junk.model"
err=$(printf 'x' | "$WEFT" tag --model "$T/junk.model" 2>&1); rc=$?
expect_eq "junk model: exit 1" "$rc" 1
expect_in "junk model message" "weft: tag: $T/junk.model: not a weft NER model" "$err"
head -c 5000 "$M" > "$T/short.model"
err=$(printf 'x' | "$WEFT" tag --model "$T/short.model" 2>&1); rc=$?
expect_eq "truncated model: exit 1" "$rc" 1
expect_in "truncated model message" "truncated" "$err"
err=$(printf 'x' | "$WEFT" tag --model "$T/none.model" 2>&1); rc=$?
expect_eq "missing model: exit 1" "$rc" 1
"$WEFT" tag --bogus 2>/dev/null; expect_eq "unknown option: usage" $? 2
exit 0
