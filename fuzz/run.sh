#!/bin/bash
# fuzz/run.sh [--build-only] SECONDS [TARGET...]
#
# Builds every libFuzzer target fuzz/fuzz_*.c (or only the TARGETs named,
# as "fuzz_html" or "html") with clang -fsanitize=fuzzer,address,undefined
# against the library (fuzz/build.mk; objects in build-fuzz/), seeds a corpus
# for each (fuzz/seeds.sh, plus tests/regress/<target>/), and runs each
# target for SECONDS.  Prints one line per target (executions, coverage,
# corpus size, result) and exits 1 if any target crashed, leaked, timed out
# or ran out of memory; the input that did it is kept under
# build-fuzz/crashes/<target>/ with a command that reproduces it.
#
# Exit 77 (skip) when clang or its libFuzzer runtime is missing.
#
# Environment:
#   FUZZ_JOBS=N        targets run N at a time (default 1; the machine is shared)
#   FUZZ_NICE=N        niceness of the fuzzers (default 10)
#   FUZZ_CC=clang      the compiler
#   FUZZ_KEEP_GOING=1  do not stop at the first crash: libFuzzer's fork mode
#                      with -ignore_crashes/-ignore_timeouts/-ignore_ooms, for
#                      long runs while a known bug is still open
#   FUZZ_FRESH=1       start from the seeds alone, in a corpus thrown away
#                      afterwards (quick, bounded runs such as CI's smoke test)
#   WEFT_MODEL=FILE    model for fuzz_tagger (default models/ner.model, else
#                      the small seed model this script trains)
#   SHARED=DIR         shared data (CoNLL-2003 for the seed model, corpora);
#                      without it fuzz_model starts from header-only seeds
#
# The corpus kept between runs is build-fuzz/corpus/<target>/ (grows as the
# fuzzer finds new coverage); a summary line per run is appended to
# build-fuzz/results.tsv, and the last run's log of each target is
# build-fuzz/logs/<target>.log.
#
# Several runs may share the checkout (colleagues, CI): the build and the
# seed model are made under a lock, and each run fuzzes its own copy of
# the binaries, seeds and logs (build-fuzz/run.PID/), so a rebuild by
# another run never swaps a binary under a running fuzzer.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
B=build-fuzz
build_only=0
if [ "${1:-}" = "--build-only" ]; then
	build_only=1
	shift
fi
if [ $build_only = 0 ]; then
	case ${1:-} in
	'' | *[!0-9]*) echo "usage: fuzz/run.sh [--build-only] SECONDS [TARGET...]" >&2; exit 2 ;;
	esac
	secs=$1
	shift
fi
FUZZ_CC=${FUZZ_CC:-clang}
export SHARED=${SHARED:-$ROOT/../shared}

targets=()
if [ $# -gt 0 ]; then
	for t in "$@"; do
		t=fuzz_${t#fuzz_}
		[ -f "fuzz/$t.c" ] || { echo "fuzz/run.sh: no target fuzz/$t.c" >&2; exit 2; }
		targets+=("$t")
	done
else
	for f in fuzz/fuzz_*.c; do
		t=${f#fuzz/}
		targets+=("${t%.c}")
	done
fi

# Does clang have libFuzzer?  Debian's clang needs libclang-rt-dev or the
# versioned libclang-common package for it.
mkdir -p $B/logs $B/probe
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >$B/probe/p.c
if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	echo "SKIP: $FUZZ_CC not found (apt-get install clang)"
	exit 77
fi
if ! "$FUZZ_CC" -fsanitize=fuzzer,address,undefined $B/probe/p.c -o $B/probe/p >$B/probe/log 2>&1; then
	echo "SKIP: $FUZZ_CC cannot link -fsanitize=fuzzer (libFuzzer runtime missing): $(head -c 300 $B/probe/log)"
	exit 77
fi

# The same pkg-config packages as the main build.
PKGS=$(make -s --no-print-directory -f Makefile --eval 'fuzz-print-pkgs: ; @echo $(PKGS)' fuzz-print-pkgs 2>/dev/null)
RUN=$B/run.$$
mkdir -p $RUN/bin $RUN/logs
trap 'rm -rf "$RUN"' EXIT
exec 9>$B/.lock
flock 9
echo "fuzz: building ${targets[*]}"
if ! make -s --no-print-directory -f fuzz/build.mk -j"${FUZZ_BUILD_JOBS:-2}" FUZZ_CC="$FUZZ_CC" \
	PKGS="$PKGS" TARGETS="${targets[*]}"; then
	echo "fuzz/run.sh: build failed" >&2
	exit 1
fi
[ $build_only = 1 ] && exit 0

# A small model for fuzz_model's seeds (and for fuzz_tagger when no model
# ships), trained by the library under test so it has its file format:
# 2000 lines of CoNLL-2003, a few hundred features, no gazetteer.
seed_model=$B/seed.model
conll=$SHARED/data/conll2003/train.txt
if [ -f "$conll" ] && { [ ! -s $seed_model ] || [ $B/bin/seed_model -nt $seed_model ]; }; then
	head -n 2000 "$conll" >$RUN/conll2000.txt
	if ASAN_OPTIONS=detect_leaks=0 $B/bin/seed_model $RUN/conll2000.txt $RUN/seed.model >$B/logs/train.log 2>&1; then
		mv $RUN/seed.model $seed_model
	else
		echo "fuzz: cannot train the seed model: $(tail -n1 $B/logs/train.log)"
	fi
fi
for t in "${targets[@]}"; do
	cp "$B/bin/$t" "$RUN/bin/$t"
done
[ -s $seed_model ] && cp $seed_model $RUN/seed.model && export SEED_MODEL=$ROOT/$RUN/seed.model
flock -u 9
exec 9>&-
if [ ! -f "${WEFT_MODEL:-}" ]; then
	if [ -f models/ner.model ]; then
		export WEFT_MODEL=$ROOT/models/ner.model
	elif [ -n "${SEED_MODEL:-}" ]; then
		export WEFT_MODEL=$SEED_MODEL
	fi
fi

# Readable stacks, and UB that stops the run.
command -v llvm-symbolizer >/dev/null && export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer)}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

max_len() {
	case $1 in
	fuzz_query) echo 4200 ;;          # a little over SEARCH_MAX_QUERY
	fuzz_tagger) echo 4096 ;;         # the tagger is slow; bugs show in short texts
	fuzz_names) echo 2048 ;;          # two names; names.c reads 256 bytes of each
	fuzz_text) echo 32768 ;;
	fuzz_pdf | fuzz_archive) echo 131072 ;;
	fuzz_model)
		local s=0
		[ -n "${SEED_MODEL:-}" ] && s=$(stat -c %s "$SEED_MODEL")
		echo $((s + 4096 > 65536 ? s + 4096 : 65536)) ;;
	*) echo 65536 ;;
	esac
}

# run_one TARGET: fuzzes it for $secs and writes $RUN/logs/TARGET.result
run_one() {
	local t=$1 seeds=$RUN/seeds/$1 corpus=$B/corpus/$1 art=$B/crashes/$1 log=$RUN/logs/$1.log
	[ "${FUZZ_FRESH:-0}" = 1 ] && corpus=$RUN/corpus/$1
	mkdir -p "$corpus" "$art"
	bash fuzz/seeds.sh "$t" "$seeds" 2>>$RUN/logs/$t.seeds.log
	# Inputs of fixed bugs seed the run; those of open bugs
	# (tests/regress/<target>/open/) would only stop it at once.
	find "tests/regress/$t" -maxdepth 1 -type f -exec cp {} "$seeds/" \; 2>/dev/null
	local opts=(-max_total_time="$secs" -max_len="$(max_len "$t")" -rss_limit_mb=2048 -timeout=10
		-print_final_stats=1 -artifact_prefix="$art/")
	[ -f "fuzz/$t.dict" ] && opts+=(-dict="fuzz/$t.dict")
	[ "${FUZZ_KEEP_GOING:-0}" = 1 ] && opts+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
	touch $RUN/logs/$t.stamp
	local start=$(date +%s)
	nice -n "${FUZZ_NICE:-10}" "$RUN/bin/$t" "${opts[@]}" "$corpus" "$seeds" >$log 2>&1
	local rc=$? took=$(($(date +%s) - start))
	cp $log $B/logs/$t.log
	local execs cov ft corp new status nnew
	execs=$(grep -a '^stat::number_of_executed_units:' $log | tail -n1 | tr -dc 0-9)
	# fork mode prints no final stats: its last "#N: cov: ..." line counts the runs
	[ -z "$execs" ] && execs=$(grep -a -o '^#[0-9]*: cov:' $log | tail -n1 | tr -dc 0-9)
	read -r cov ft corp < <(grep -a -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' $log | tail -n1 |
		awk '{print $2, $4, $6}')
	nnew=$(find "$art" -type f -newer $RUN/logs/$t.stamp | wc -l)
	new=$(find "$art" -type f -newer $RUN/logs/$t.stamp | head -n1)
	if [ $rc -eq 0 ] && [ -z "$new" ]; then
		status=ok
	else
		status="FAILED (exit $rc, $nnew new input(s))${new:+ input $new}"
	fi
	printf '%-14s %5ss %10s execs  cov %-6s ft %-6s corpus %-6s %s\n' "$t" "$took" "${execs:-?}" \
		"${cov:-?}" "${ft:-?}" "${corp:-?}" "$status" >$RUN/logs/$t.result
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$took" "${execs:-}" "${cov:-}" \
		"${ft:-}" "${corp:-}" "$status" >>$B/results.tsv
}

echo "fuzz: ${#targets[@]} target(s), ${secs}s each, ${FUZZ_JOBS:-1} at a time${WEFT_MODEL:+; tagger model $WEFT_MODEL}"
running=0
for t in "${targets[@]}"; do
	run_one "$t" &
	running=$((running + 1))
	if [ $running -ge "${FUZZ_JOBS:-1}" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

failed=0
for t in "${targets[@]}"; do
	if [ ! -f $RUN/logs/$t.result ]; then
		echo "$t: no result (see $B/logs/$t.log)"
		failed=1
		continue
	fi
	cat $RUN/logs/$t.result
	if ! grep -q ' ok$' $RUN/logs/$t.result; then
		failed=1
		# The sanitizer's or the target's own words, and how to replay.
		grep -a -E -m12 "ERROR: |runtime error|^fuzz_[a-z]*: |SUMMARY| in [A-Za-z_0-9]+ $ROOT/" $RUN/logs/$t.log |
			sed 's/^ */    /'
		input=$(grep -o 'input build-fuzz/[^ ]*' $RUN/logs/$t.result | cut -d' ' -f2)
		[ -n "$input" ] && echo "    reproduce: $B/bin/$t $input   (log: $B/logs/$t.log)"
	fi
done
exit $failed
