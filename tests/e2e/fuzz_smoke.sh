# fuzz_smoke.sh — the fuzz targets in CI: builds every fuzz/fuzz_*.c with
# libFuzzer (fuzz/run.sh), replays every input under tests/regress/ through
# its target, and fuzzes each target for a few seconds (FUZZ_SMOKE_SECONDS,
# default 10; two at a time from the seeds alone, so nine targets take
# about a minute after the build on an idle 2-core machine).
#
# tests/regress/<target>/FILE is the input of a fixed bug: it must pass, so
# the bug cannot come back unnoticed.  tests/regress/<target>/open/FILE is
# the input of a bug found but not fixed yet: it is replayed and reported,
# and does not fail the test; once it passes, the test says to move it up.
#
# Exit 77 (skip) when clang has no libFuzzer.
set -u
ROOT=${WEFT_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
B=$ROOT/build-fuzz
fail=0

bash "$ROOT/fuzz/run.sh" --build-only
rc=$?
[ $rc -eq 77 ] && { echo "SKIP: clang lacks libFuzzer (fuzz targets not built)"; exit 77; }
[ $rc -ne 0 ] && { echo "FAIL: the fuzz targets do not build"; exit 1; }

# fuzz_tagger replays with the model its run uses (fuzz/run.sh's choice).
if [ ! -f "${WEFT_MODEL:-}" ]; then
	if [ -f "$ROOT/models/ner.model" ]; then
		export WEFT_MODEL="$ROOT/models/ner.model"
	elif [ -s "$B/seed.model" ]; then
		export WEFT_MODEL="$B/seed.model"
	fi
fi

# Replays.
n=0
for f in $(find "$ROOT/tests/regress" -type f 2>/dev/null | sort); do
	rel=${f#"$ROOT/tests/regress/"}
	t=${rel%%/*}
	bin=$B/bin/$t
	if [ ! -x "$bin" ]; then
		echo "FAIL: $rel: no fuzz target $t"
		fail=1
		continue
	fi
	n=$((n + 1))
	log=$(mktemp)
	"$bin" -timeout=30 -rss_limit_mb=2048 "$f" >"$log" 2>&1
	r=$?
	case $rel in
	*/open/*)
		if [ $r -eq 0 ]; then
			echo "note: $rel now passes: git mv it to tests/regress/$t/ so it stays fixed"
		else
			echo "open: $rel still fails (known bug): $(grep -a -m1 -E "^$t: |ERROR: |runtime error" "$log")"
		fi
		;;
	*)
		if [ $r -eq 0 ]; then
			echo "ok: replay $rel"
		else
			echo "FAIL: replay $rel (exit $r): the bug is back"
			grep -a -E -m12 "ERROR: |runtime error|^$t: |SUMMARY| in [A-Za-z_0-9]+ $ROOT/" "$log" | sed 's/^/    /'
			echo "    reproduce: $bin $f"
			fail=1
		fi
		;;
	esac
	rm -f "$log"
done
echo "replayed $n regression input(s)"

# Short fuzzing runs, from the seeds alone (the corpus long runs grow in
# build-fuzz/corpus/ would take longer to load than the run lasts).
if ! FUZZ_FRESH=1 FUZZ_JOBS=${FUZZ_JOBS:-2} bash "$ROOT/fuzz/run.sh" "${FUZZ_SMOKE_SECONDS:-10}"; then
	echo "FAIL: a fuzz target crashed (input kept under build-fuzz/crashes/; save it to tests/regress/)"
	fail=1
fi
[ $fail -eq 0 ] && echo "ok: fuzz smoke"
exit $fail
