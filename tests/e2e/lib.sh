# Shared helpers for the end-to-end tests (sourced, not run).
set -u
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
ok() { echo "ok: $*"; }
[ -x "${WEFT:-}" ] || fail "WEFT is not set to the weft binary"
T=$(mktemp -d "${TMPDIR:-/tmp}/weft-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
CASE="$T/case.weft"
# expect_eq WHAT GOT WANT
expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; ok "$1 = $3"; }
# expect_in WHAT NEEDLE HAYSTACK
expect_in() { case "$3" in *"$2"*) ok "$1";; *) fail "$1: '$2' not in: $(printf '%s' "$3" | head -c 600)";; esac; }
json() { node -e "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const v=JSON.parse(s);console.log(eval(process.argv[1]))})" "$1"; }
