#!/bin/sh
# gen-corpus.sh DIR N SEED [WORDS]: writes N varied documents into DIR for
# the end-to-end tests: every tenth an e-mail (.eml), every tenth an HTML
# page, the rest plain text; words from a small vocabulary of the cables
# (iran, minister, embassy, ...) with a surname now and then (Soleimani,
# Maliki, ...).  Each document has WORDS to WORDS+500 words (default 150)
# and ends with "serial SEED-I markerK" (K = I mod 97), so a test can find
# any one of them.  The same arguments give the same bytes.
[ $# -ge 3 ] || { echo "usage: gen-corpus.sh DIR N SEED [WORDS]" >&2; exit 2; }
mkdir -p "$1" || exit 1
awk -v dir="$1" -v n="$2" -v seed="$3" -v minw="${4:-150}" 'BEGIN {
	srand(seed)
	nw = split("iran iraq baghdad tehran minister embassy militia oil contract pipeline " \
		"election parliament council ambassador security border trade bank payment " \
		"report meeting cable source official government party leader army general " \
		"market price energy gas power deal office letter budget court judge police " \
		"river city province village airport port road bridge school hospital " \
		"water harvest drought winter summer report analysis summary comment", w, " ")
	nn = split("Soleimani Maliki Abadi Sadr Hakim Jabr Amiri Muhandis Zarif Rouhani " \
		"Smith Jones Okonkwo Dubois Novak Tanaka Silva Haddad Karimi Rahimi", names, " ")
	for (i = 1; i <= n; i++) {
		kind = i % 10
		f = sprintf("%s/doc%05d.%s", dir, i, kind == 0 ? "eml" : kind == 1 ? "html" : "txt")
		if (kind == 0) {
			printf "From: %s <%s@example.org>\nTo: desk@example.org\n", names[1 + int(rand() * nn)], tolower(names[1 + int(rand() * nn)]) > f
			printf "Subject: note %d on %s\nDate: Mon, %d Mar 2014 10:%02d:00 +0000\nMessage-ID: <%d.%d@example.org>\n\n", i, w[1 + int(rand() * nw)], 1 + i % 28, i % 60, seed, i > f
		} else if (kind == 1) {
			printf "<html><head><title>Page %d</title><script>var x=%d;</script></head><body><h1>%s</h1><p>\n", i, i, names[1 + int(rand() * nn)] > f
		}
		words = minw + int(rand() * 500)
		line = ""
		for (k = 1; k <= words; k++) {
			t = rand() < 0.08 ? names[1 + int(rand() * nn)] : w[1 + int(rand() * nw)]
			line = line (line == "" ? "" : " ") t
			if (length(line) > 70) { print line > f; line = "" }
		}
		printf "%s\nserial %d-%d marker%d\n", line, seed, i, i % 97 > f
		if (kind == 1) print "</p></body></html>" > f
		close(f)
	}
}'
