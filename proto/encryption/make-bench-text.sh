#!/bin/sh
# make-bench-text.sh SHARED OUT MB — writes MB megabytes of real text to OUT
# for cryptbench: BBC News articles, then Enron mails, repeated if need be,
# one document per file, documents separated by a form feed.
set -eu
shared=$1 out=$2 mb=$3
want=$((mb * 1024 * 1024))
: >"$out"
while [ "$(stat -c %s "$out")" -lt "$want" ]; do
	find "$shared/corpora/bbc_news" "$shared/corpora/enron_maildir" -type f -size -64k | sort |
		while read -r f; do
			cat "$f"
			printf '\f'
		done >>"$out"
done
head -c "$want" "$out" >"$out.tmp" && mv "$out.tmp" "$out"
