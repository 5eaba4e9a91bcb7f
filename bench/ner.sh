#!/bin/sh
# bench/ner.sh — speed and size of the named-entity recognizer, on the
# release build (make, -O2).  Measures tokens/s of `weft tag` (tokenizer +
# model + rules) on CoNLL dev.txt (pre-tokenized), on BBC news text and on
# cable text; model load time; peak RSS; training time; dev F1.  Prints a
# Markdown report on stdout (bench/NER.md is one such report).
#
#   usage: bench/ner.sh [WEFT] [MODEL]     (SHARED=../shared by default)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WEFT=${1:-$ROOT/build/weft}
MODEL=${2:-$ROOT/models/ner.model}
SHARED=${SHARED:-$ROOT/../shared}
D=$SHARED/data/conll2003
T=$(mktemp -d "${TMPDIR:-/tmp}/weft-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
[ -x "$WEFT" ] || { echo "no weft binary at $WEFT (run make)" >&2; exit 1; }
[ -f "$D/dev.txt" ] || { echo "no CoNLL data at $D" >&2; exit 77; }

# user+sys CPU seconds, wall time and peak RSS (kB) of a command, from
# /usr/bin/time -v; the best (least CPU) of $RUNS runs, since other work on
# the machine only ever adds time
RUNS=${RUNS:-3}
measure() { # outfile, command...
	out=$1; shift
	cpu=999999
	for r in $(seq "$RUNS"); do
		/usr/bin/time -v "$@" > "$out" 2> "$T/time.txt"
		c=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.3f", u + s }' "$T/time.txt")
		if awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a < b) }'; then
			cpu=$c
			rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$T/time.txt")
			wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$T/time.txt")
			cp "$T/time.txt" "$T/time.best"
		fi
	done
	cp "$T/time.best" "$T/time.txt"
}
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

echo "# NER benchmarks"
echo
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load $(cut -d' ' -f1 /proc/loadavg)"
echo "weft: $WEFT; model: $MODEL ($(stat -c %s "$MODEL") bytes)"
echo

# 1. CoNLL dev.txt (pre-tokenized), through ner-eval (tags every document)
dev_toks=$(grep -cv -e '^$' -e '^-DOCSTART-' "$D/dev.txt")
measure "$T/eval.txt" "$WEFT" ner-eval --model "$MODEL" "$D/dev.txt"
echo "## accuracy (CoNLL-2003 dev.txt, entity-level, conlleval rules)"
echo
echo '```'
echo "\$ weft ner-eval --model $(basename "$MODEL") dev.txt"
cat "$T/eval.txt"
"$WEFT" ner-eval --model "$MODEL" --upper "$D/dev.txt" 2>/dev/null > "$T/upper.txt"
echo "\$ weft ner-eval --model $(basename "$MODEL") --upper dev.txt"
cat "$T/upper.txt"
echo '```'
echo
echo "## speed (one core, CPU time = user + sys, best of $RUNS runs, includes process start and model load)"
echo
echo "| input | tokens | CPU s | tokens/s | peak RSS |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| dev.txt via \`weft ner-eval\` | $dev_toks | $cpu | $(rate "$dev_toks" "$cpu") | $rss kB |"
measure "$T/conll.out" "$WEFT" tag --model "$MODEL" --conll "$D/dev.txt"
echo "| dev.txt via \`weft tag --conll\` | $dev_toks | $cpu | $(rate "$dev_toks" "$cpu") | $rss kB |"

# 2. raw text (tokenizer + sentence splitter + model + rules); tokens as
#    counted by weft's own tokenizer (tag --stats)
raw_bench() { # name, file
	n=$("$WEFT" tag --model "$MODEL" --stats "$2" 2>&1 >/dev/null | sed -n 's/^tokens: \([0-9]*\).*/\1/p')
	measure "$T/raw.out" "$WEFT" tag --model "$MODEL" "$2"
	echo "| $1 ($(( $(stat -c %s "$2") / 1024 )) KiB) | $n | $cpu | $(rate "$n" "$cpu") | $rss kB |"
}
if [ -d "$SHARED/corpora/bbc_news" ]; then
	find "$SHARED/corpora/bbc_news" -name '*.txt' | LC_ALL=C sort | xargs cat > "$T/bbc.txt"
	raw_bench "BBC news, all articles as one text" "$T/bbc.txt"
fi
if [ -d "$SHARED/corpora/cablegate_html" ]; then
	# the cable bodies: the <pre> blocks of the cable pages, tags stripped
	find "$SHARED/corpora/cablegate_html/cable" -name '*.html' | LC_ALL=C sort | head -n 400 |
		xargs awk '/<pre/ { p = 1 } p { print } /<\/pre>/ { p = 0 }' |
		sed -e 's/<[^>]*>//g' -e 's/&#x000A;/\n/g' -e 's/&amp;/\&/g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&quot;/"/g' > "$T/cables.txt"
	raw_bench "cable text (400 Cablegate cables)" "$T/cables.txt"
fi
echo
best=0
for r in $(seq "$RUNS"); do
	n=$("$WEFT" ner-eval --model "$MODEL" "$D/dev.txt" 2>&1 >/dev/null | sed -n 's/.*(\([0-9]*\) tokens\/s).*/\1/p')
	[ "${n:-0}" -gt "$best" ] && best=$n
done
echo "Inside the process (tagging only, no start-up, model load or file reading;"
echo "\`weft ner-eval\` times its tagging loop with CLOCK_PROCESS_CPUTIME_ID):"
echo "dev.txt **$best tokens/s** (best of $RUNS)."
echo

# 3. model load: ner_load() timed inside weft (tag --stats), and the whole
#    process (start, load, exit) on empty input
echo "## model load"
echo
best=999999
for i in 1 2 3 4 5; do
	ms=$(printf '' | "$WEFT" tag --model "$MODEL" --stats 2>&1 >/dev/null | sed -n 's/.*model load: \([0-9.]*\) ms.*/\1/p')
	best=$(awk -v a="$ms" -v b="$best" 'BEGIN { print (a < b ? a : b) }')
done
measure "$T/empty.out" sh -c "printf '' | '$WEFT' tag --model '$MODEL'"
echo "- \`ner_load()\` of $(basename "$MODEL"), best of 5 (\`weft tag --stats\`): **${best} ms**"
echo "- whole process on empty input: CPU ${cpu}s, wall $wall, peak RSS $rss kB"
echo

# 4. training
if [ "${BENCH_TRAIN:-1}" = 1 ]; then
	echo "## training"
	echo
	RUNS=1 measure "$T/train.out" "$WEFT" train --train "$D/train.txt" --dev "$D/dev.txt" -o "$T/bench.model"
	echo '```'
	echo "\$ weft train --train train.txt --dev dev.txt -o ner.model"
	grep -E '^(train|gazetteer|case|features|epoch|best|model|training)' "$T/time.txt" || true
	echo '```'
	echo "CPU ${cpu}s, wall $wall, peak RSS $rss kB"
fi
