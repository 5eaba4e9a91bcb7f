# `weft match`: the output format for one pair (score with three decimals,
# a tab, same/different), hard pairs (scripts, initials, acronyms), --tsv
# on a file with a comment, a blank line and an extra column, --tsv - from
# stdin, --json, and the errors.
. "$(dirname "$0")/lib.sh"
TAB=$(printf '\t')

out=$("$WEFT" match "Qassem Soleimani" "قاسم سليماني"); rc=$?
expect_eq "match exit status" "$rc" 0
case $out in
[01].[0-9][0-9][0-9]"${TAB}same") ok "format: $out" ;;
*) fail "format: got '$out'" ;;
esac
expect_eq "identical names" "$("$WEFT" match "Soleimani" "SOLEIMANI")" "1.000${TAB}same"
expect_in "hard negative" "${TAB}different" "$("$WEFT" match "Saddam Hussein" "Fuad Hussein")"
expect_in "George W. vs George H. W." "${TAB}different" "$("$WEFT" match "George W. Bush" "George H. W. Bush")"
expect_in "surname alone" "${TAB}same" "$("$WEFT" match "Gen. Soleimani" "Qassem Suleimani")"
expect_in "Persian ZWNJ" "${TAB}same" "$("$WEFT" match "Danaee Far" "حسن دانایی‌فر")"
expect_in "initial alef: I" "${TAB}same" "$("$WEFT" match "إبراهيم الجعفري" "Ibrahim al-Jaafari")"
expect_in "initial alef: U" "${TAB}same" "$("$WEFT" match "أسامة بن لادن" "Usama bin Laden")"
expect_in "taa marbuta read t" "${TAB}same" "$("$WEFT" match "عزة إبراهيم الدوري" "Izzat Ibrahim al-Douri")"
expect_in "Osama is not Osman" "${TAB}different" "$("$WEFT" match "أسامة" "Osman")"
expect_in "Izzat al-Douri is not Azhar al-Douri" "${TAB}different" "$("$WEFT" match "عزة الدوري" "Azhar al-Douri")"
# an initial alef is a written vowel, a taa marbuta ends on a or e
expect_in "Ismail is not Samuel" "${TAB}different" "$("$WEFT" match "إسماعيل" "Samuel")"
expect_in "Hamza is not Hamid" "${TAB}different" "$("$WEFT" match "حمزة" "Hamid")"
expect_in "Rahma is not Rahim" "${TAB}different" "$("$WEFT" match "رحمة" "Rahim")"
expect_in "Rahma" "${TAB}same" "$("$WEFT" match "رحمة" "Rahma")"
expect_in "Fatemeh" "${TAB}same" "$("$WEFT" match "فاطمة" "Fatemeh")"
# a token without a vowel or of three letters (an acronym, mostly) is read
# by its letters, not its sounds; a one-word name is nobody's initial
expect_in "DVD is not David" "${TAB}different" "$("$WEFT" match "DVD" "David")"
expect_in "DAS is not Gray Davis" "${TAB}different" "$("$WEFT" match "DAS" "Gray Davis")"
expect_in "Dow is not James D." "${TAB}different" "$("$WEFT" match "Dow" "James D.")"
expect_in "Ali, Aly" "${TAB}same" "$("$WEFT" match "Ali Larijani" "Aly Larijani")"
expect_in "علي, Ali" "${TAB}same" "$("$WEFT" match "علي" "Ali")"

cat >"$T/pairs.tsv" <<EOT
# a comment line: skipped
Nouri al-Maliki${TAB}نوري المالكي${TAB}an extra column, ignored

Ali Khamenei${TAB}Mojtaba Khamenei
Abd al-Mahdi${TAB}Adil Abdul-Mahdi${TAB}x${TAB}y
EOT
out=$("$WEFT" match --tsv "$T/pairs.tsv"); rc=$?
echo "$out"
expect_eq "--tsv exit status" "$rc" 0
expect_eq "--tsv lines" "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 3
expect_eq "--tsv line 1" "$(printf '%s\n' "$out" | sed -n 1p | cut -f1)" same
expect_eq "--tsv line 2" "$(printf '%s\n' "$out" | sed -n 2p | cut -f1)" different
expect_eq "--tsv line 3" "$(printf '%s\n' "$out" | sed -n 3p | cut -f1)" same
printf '%s\n' "$out" | grep -Eqv "^(same|different)${TAB}[01]\.[0-9]{3}$" && fail "--tsv format: $out"
ok "--tsv format"
expect_eq "--tsv - (stdin)" "$(printf 'Jabr\tBayan Yaber\n' | "$WEFT" match --tsv -)" "same${TAB}$("$WEFT" match Jabr "Bayan Yaber" | cut -f1)"

json=$("$WEFT" match --json "Haïder al-Abadi" "حيدر العبادي")
expect_in "--json normalized" '"normalized":"haider abadi"' "$json"
expect_in "--json same" '"same":true' "$json"

# errors: "weft: match: <why>", usage errors exit 2, others 1
err=$("$WEFT" match "only one" 2>&1 >/dev/null); rc=$?
expect_eq "one name: exit status" "$rc" 2
expect_in "one name: message" "weft: match: " "$err"
err=$("$WEFT" match --tsv "$T/absent.tsv" 2>&1 >/dev/null); rc=$?
expect_eq "missing file: exit status" "$rc" 1
expect_in "missing file: message" "weft: match: $T/absent.tsv: No such file" "$err"
printf 'no tab here\nJabr\tYaber\n' >"$T/bad.tsv"
out=$("$WEFT" match --tsv "$T/bad.tsv" 2>"$T/err"); rc=$?
expect_eq "bad line: exit status" "$rc" 1
expect_in "bad line: message" "weft: match: $T/bad.tsv:1: expected two names separated by a tab" "$(cat "$T/err")"
expect_in "bad line: the good line still runs" "same${TAB}" "$out"
expect_in "help" "usage: weft match" "$("$WEFT" help match)"
exit 0
