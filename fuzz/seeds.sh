#!/bin/bash
# fuzz/seeds.sh TARGET DIR — writes the seed corpus of one fuzz target into
# DIR (emptied first): the matching files of samples/, a few small files of
# the shared corpora when they are there, and small inputs generated here
# that reach corners the samples do not (charsets, nesting, truncation).
# Nothing here is committed: seeds are made fresh by fuzz/run.sh.
#
# fuzz_model also needs a small trained model: set SEED_MODEL to one (run.sh
# trains it with `weft train` on 2000 lines of CoNLL-2003).
set -eu
target=${1#fuzz_}
dir=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
S=$ROOT/samples
SHARED=${SHARED:-$ROOT/../shared}
C=$SHARED/corpora
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"

# put NAME: stdin into a seed file
put() { cat >"$1"; }
# few GLOB N: copy the N smallest files matching find's -path GLOB under $C
few() {
	[ -d "$C" ] || return 0
	find "$C" -type f -path "$1" -size -24k -printf '%s %p\n' 2>/dev/null | sort -n | head -n "$2" |
		while read -r _ f; do cp "$f" "corpus_$(echo "$f" | md5sum | cut -c1-8)_$(basename "$f")"; done
}

case $target in
text)
	cp "$S"/*.txt .
	printf 'line one\r\nline two\r\n\r\n  title after blank\r\n' | put crlf.txt
	printf 'nul\000inside\000text\n' | put nul.txt
	printf '\357\273\277BOM then UTF-8: caf\303\251\n' | put bom8.txt
	printf 'Caf\303\251 na\303\257ve \342\202\254 \360\237\230\200\n' | iconv -f UTF-8 -t UTF-16LE | { printf '\377\376'; cat; } | put bom16le.txt
	printf 'Caf\303\251 na\303\257ve \342\202\254\n' | iconv -f UTF-8 -t UTF-16BE | { printf '\376\377'; cat; } | put bom16be.txt
	printf 'no BOM UTF-16: Baghdad Tehran\n' | iconv -f UTF-8 -t UTF-16LE | put nobom16le.txt
	printf '\346\227\245\346\234\254\350\252\236\343\201\256\343\203\206\343\202\255\343\202\271\343\203\210\n' | iconv -f UTF-8 -t ISO-2022-JP | put iso2022jp.txt
	printf '\346\227\245\346\234\254\350\252\236\343\201\256\343\203\206\343\202\255\343\202\271\343\203\210\n' | iconv -f UTF-8 -t SHIFT_JIS | put sjis.txt
	printf '\320\237\321\200\320\270\320\262\320\265\321\202 \320\274\320\270\321\200\n' | iconv -f UTF-8 -t KOI8-R | put koi8.txt
	printf 'truncated \303' | put trunc_utf8.txt
	printf '\300\200 overlong \355\240\200 surrogate \364\220\200\200 too big\n' | put bad_utf8.txt
	printf '%0200d\n' 0 | tr 0 x | put long_title.txt
	: | put empty.txt
	few '*/bbc_news/*.txt' 3
	;;
html)
	cp "$S"/*.html .
	printf '<html><head><title>T &amp; t</title><meta charset="windows-1256"></head><body><p>\307\341\345</p></body></html>' | put meta_charset.html
	printf '<html><body>%s</body></html>' "$(printf '<div>%.0s' $(seq 600))" | put deep.html
	printf '<html><head><script>var a="</p>";</script><style>p{}</style></head><body><nav><a href=x>Home</a></nav><article><h1>Cable</h1><p>Text &#x1F600; &bogus; &#0; &#xD800;</p></article></body></html>' | put boiler.html
	printf '<table><tr><td>Date:</td><td>2009-12-22</td></tr><tr><td>Origin:</td><td>Embassy Baghdad</td></tr></table><pre>SUBJECT: TEST\n\n1. (C) Body.</pre>' | put cable_bits.html
	printf '<?xml version="1.0" encoding="UTF-16"?><html' | put xml_decl.html
	few '*/cablegate_html/*.html' 2
	;;
email)
	cp "$S"/*.eml "$S"/newsroom.mbox .
	put multipart.eml <<'EOF'
From: =?UTF-8?B?Sm9obiBEw7Zl?= <john@example.org>
To: a@example.org, "B, C" <b@example.org>, undisclosed-recipients:;
Subject: =?ISO-8859-1?Q?Caf=E9_meeting?=
Date: Mon, 18 Nov 2019 09:30:00 +0300
Message-ID: <1@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XX"

--XX
Content-Type: text/plain; charset=windows-1252
Content-Transfer-Encoding: quoted-printable

Caf=E9 =
soft break
--XX
Content-Type: message/rfc822

From: inner@example.org
Subject: inner

inner body
--XX
Content-Type: application/zip; name="a.zip"
Content-Transfer-Encoding: base64

UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==
--XX--
EOF
	printf 'From a@b Mon Jan  1 00:00:00 2001\nSubject: one\n\n>From quoted\n\nFrom b@c Tue Jan  2 00:00:00 2001\nSubject: two\n\nbody\n' | put two.mbox
	printf 'Subject: no blank line and no end' | put headers_only.eml
	few '*/enron_maildir/*' 3
	;;
pdf)
	cp "$S"/*.pdf .
	# The smallest PDF with a text layer, and one with a broken xref.
	put tiny.pdf <<'EOF'
%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj
4 0 obj<</Length 44>>stream
BT /F1 12 Tf 20 100 Td (Hello Baghdad) Tj ET
endstream endobj
5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj
trailer<</Root 1 0 R>>
%%EOF
EOF
	head -c 300 "$S"/21_briefing_pack.pdf | put truncated.pdf
	;;
archive)
	cp "$S"/*.zip .
	mkdir -p t/in/deep && printf 'inner text\n' >t/a.txt && printf '<p>x</p>' >t/in/b.html &&
		cp "$S"/15_thread_kickoff.eml t/in/deep/
	tar -cf a.tar -C t . && gzip -9c a.tar >a.tar.gz && bzip2 -9c a.tar >a.tar.bz2 && xz -c a.tar >a.tar.xz
	(cd t && zip -qr ../plain.zip . && zip -qr ../nested.zip ../plain.zip)
	if command -v 7z >/dev/null; then (cd t && 7z a -bd -bso0 ../a.7z . >/dev/null) || true; fi
	head -c 1000 "$S"/22_field_notes.zip >truncated.zip
	rm -rf t
	printf 'just text, not an archive\n' | put not_archive.txt
	;;
query)
	# One query per file: the README's and `weft help search`'s forms.
	n=0
	while IFS= read -r q; do
		n=$((n + 1))
		printf '%s' "$q" >"q$n"
	done <<'EOF'
"prime minister" AND iran
soleimani OR suleimani
iran NOT iraq
iran -iraq
minist*
jabr NEAR/5 airspace
"prime minister" NEAR "baghdad" NEAR/3 iran
(iran OR iraq) AND (oil OR gas)
from:jabr subject:"meeting"
to:ambassador title:cable body:militia text:x
type:email date:2014
date:2014-03..2015-06 path:"field notes" iran
date:..2010 date:2009.. type:pdf
café Ali "quote "" inside"
-(a OR b) c
NOT
((((((((((a))))))))))
a AND OR b
EOF
	;;
tagger)
	cp "$S"/*.txt .
	printf 'SUBJECT: MEETING WITH PM\nFM AMEMBASSY BAGHDAD\nTO SECSTATE WASHDC\n\n1. (C) Gen. Qassem Soleimani met U.S. officials on 18 November 2019.\n\302\2662. (S) Mr. al-Maliki said: "we won'"'"'t." Call +964 790 123 4567 or mail a.b@example.org, http://example.org/x?y=1.\n' | put cable.txt
	printf 'between 2010 and 2017, the 1990s, summer 2014, 03/04/2010, 2019-11-18, 1,000.5 U.S.A. W. Bush\n' | put rules.txt
	printf 'invalid \377\376 bytes \300 and \342\202 truncated' | put invalid.txt
	few '*/bbc_news/*.txt' 2
	;;
model)
	printf 'WEFTNER\032' | put magic_only.bin
	: | put empty.bin
	if [ -n "${SEED_MODEL:-}" ] && [ -f "$SEED_MODEL" ]; then
		size=$(stat -c %s "$SEED_MODEL")
		cp "$SEED_MODEL" model.bin
		head -c 88 "$SEED_MODEL" >header.bin
		head -c $((size / 2)) "$SEED_MODEL" >half.bin
		head -c $((size - 1)) "$SEED_MODEL" >minus1.bin
		{ cat "$SEED_MODEL"; printf 'x'; } >plus1.bin
		# a flipped version byte, and flipped bytes in each part of the payload
		for at in 8 16 200 $((size / 3)) $((size / 2)) $((size - 8)); do
			{ head -c "$at" "$SEED_MODEL"; printf '\377'; tail -c +$((at + 2)) "$SEED_MODEL"; } >"flip$at.bin"
		done
	else
		echo "seeds.sh: no SEED_MODEL: fuzz_model starts from header-only seeds" >&2
	fi
	;;
*)
	# A target without its own seeds gets the whole of samples/.
	cp "$S"/* .
	;;
esac
