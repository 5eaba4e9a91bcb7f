# weft train on a slice of CoNLL-2003 train.txt: it runs, reports a dev F1
# per epoch, writes a model that tags a sentence it learnt from, is
# byte-for-byte the same when run again with the same seed, and rejects bad
# usage with exit status 2.
. "$(dirname "$0")/lib.sh"
D="${SHARED:-}/data/conll2003"
[ -f "$D/train.txt" ] || skip "no CoNLL-2003 data at $D"

# the first ~600 sentences of train.txt, cut at a document boundary
awk 'NR > 9000 && /^-DOCSTART-/ { exit } { print }' "$D/train.txt" > "$T/slice.txt"
awk 'NR > 2000 && /^-DOCSTART-/ { exit } { print }' "$D/dev.txt" > "$T/dev.txt"
"$WEFT" train --train "$T/slice.txt" --dev "$T/dev.txt" -o "$T/a.model" --epochs 3 --seed 7 2> "$T/log" \
	|| { cat "$T/log"; fail "weft train failed"; }
cat "$T/log"
n=$(grep -c '^epoch .* dev F1' "$T/log")
expect_eq "epochs reported" "$n" 3
grep -q '^best epoch' "$T/log" || fail "no best epoch line"
[ -s "$T/a.model" ] || fail "no model written"

# a sentence of the slice (train.txt's first): EU/ORG German/MISC British/MISC
printf -- '-DOCSTART- -X- -X- O\n\nEU\nrejects\nGerman\ncall\nto\nboycott\nBritish\nlamb\n.\n' > "$T/s.conll"
out=$("$WEFT" tag --model "$T/a.model" --conll "$T/s.conll") || fail "weft tag --conll failed"
printf '%s\n' "$out"
expect_in "EU is an organization" "$(printf 'EU\tB-ORG')" "$out"
expect_in "German is MISC" "$(printf 'German\tB-MISC')" "$out"
expect_in "British is MISC" "$(printf 'British\tB-MISC')" "$out"
expect_in "call is O" "$(printf 'call\tO')" "$out"

"$WEFT" train -q --train "$T/slice.txt" --dev "$T/dev.txt" -o "$T/b.model" --epochs 3 --seed 7 \
	|| fail "second run failed"
cmp -s "$T/a.model" "$T/b.model" || fail "same seed, different model"
ok "deterministic for a seed"

"$WEFT" train --dev "$T/dev.txt" -o "$T/c.model" 2>/dev/null; expect_eq "no --train: usage" $? 2
"$WEFT" train --train "$T/slice.txt" --epochs x -o "$T/c.model" 2>/dev/null; expect_eq "bad --epochs: usage" $? 2
err=$("$WEFT" train --train "$T/nope.txt" -o "$T/c.model" 2>&1); expect_eq "missing file: fatal" $? 1
expect_in "error names the file" "weft: train: $T/nope.txt" "$err"
exit 0
