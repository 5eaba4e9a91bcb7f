# The shipped model (models/ner.model, or $WEFT_MODEL) on CoNLL-2003
# dev.txt: entity-level F1 stays above a floor set a little under the
# measured value (bench/NER.md), on the text as it is and on an all-caps
# copy, and `weft ner-eval --json` reports every type.
. "$(dirname "$0")/lib.sh"
D="${SHARED:-}/data/conll2003"
[ -f "$D/dev.txt" ] || skip "no CoNLL-2003 data at $D"
M="${WEFT_MODEL:-${WEFT_ROOT:-$(dirname "$0")/../..}/models/ner.model}"
[ -f "$M" ] || skip "no model at $M"
FLOOR=92.5
UPPER_FLOOR=88.5

"$WEFT" ner-eval --model "$M" --json "$D/dev.txt" > "$T/dev.json" || fail "ner-eval failed"
cat "$T/dev.json"
f1=$(sed 's/.*"f1": \([0-9.]*\), "upper".*/\1/' "$T/dev.json")
awk -v f="$f1" -v m="$FLOOR" 'BEGIN { exit !(f >= m) }' || fail "dev F1 $f1 < $FLOOR"
ok "dev F1 $f1 >= $FLOOR"
for t in PER ORG LOC MISC; do
	expect_in "$t scored" "\"$t\": {\"precision\"" "$(cat "$T/dev.json")"
done
expect_in "gold count" '"gold": 5942' "$(cat "$T/dev.json")"

"$WEFT" ner-eval --model "$M" --upper "$D/dev.txt" > "$T/upper.txt" 2>/dev/null || fail "ner-eval --upper failed"
cat "$T/upper.txt"
uf1=$(sed -n 's/.*FB1: *\([0-9.]*\)$/\1/p' "$T/upper.txt" | head -1)
awk -v f="$uf1" -v m="$UPPER_FLOOR" 'BEGIN { exit !(f >= m) }' || fail "all-caps dev F1 $uf1 < $UPPER_FLOOR"
ok "all-caps dev F1 $uf1 >= $UPPER_FLOOR"
exit 0
