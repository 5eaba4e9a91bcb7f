#!/bin/sh
# Runs every test: the C unit tests (cmocka) and the end-to-end shell tests,
# against the build in $1 (default build-san).  Each test runs on its own;
# exit 77 means skipped (e.g. ../shared is absent).  The last line is the
# count: "N passed, N failed, N skipped".
BUILD=${1:-build-san}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) B=$BUILD ;; *) B=$ROOT/$BUILD ;; esac
export WEFT="$B/weft"
export WEFT_ROOT="$ROOT"
export WEFT_MODEL="${WEFT_MODEL:-$ROOT/models/ner.model}"
: "${SHARED:=$ROOT/../shared}"
export SHARED
# ASan's leak checker cannot run under ptrace-less sandboxes reliably; leaks
# are checked by the dedicated leak test instead.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
LOGDIR="$B/test-logs"
mkdir -p "$LOGDIR"
pass=0 fail=0 skip=0 failed=""

run() { # name, command...
	name=$1; shift
	log="$LOGDIR/$(echo "$name" | tr '/' '_').log"
	start=$(date +%s)
	TMPDIR=$(mktemp -d) "$@" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) pass=$((pass + 1)); echo "PASS  $name (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "SKIP  $name: $(grep -m1 -i 'skip' "$log" | cut -c1-100)" ;;
	*) fail=$((fail + 1)); failed="$failed $name"; echo "FAIL  $name (exit $rc, ${secs}s)"; tail -n 25 "$log" | sed 's/^/      /' ;;
	esac
}

run "lint/cppcheck" make -C "$ROOT" --no-print-directory lint
for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	run "unit/$(basename "$t")" "$t"
done
for t in "$ROOT"/tests/e2e/*.sh "$ROOT"/tests/e2e/*.mjs; do
	[ -f "$t" ] || continue
	case $t in
	*/lib.sh) ;;
	*.sh) run "e2e/$(basename "$t")" sh "$t" ;;
	*.mjs) run "e2e/$(basename "$t")" node "$t" ;;
	esac
done
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
