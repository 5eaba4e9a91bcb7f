# The same files give the same entities and links whatever order ingest
# numbers the documents in (its workers finish in any order): the bundled
# samples and a slice of the real Cablegate pages in $SHARED, where names
# are written two ways as often ("FRAN TOWNSEND", "Fran Townsend") and
# acronyms are defined two ways ("SFRC", "NSS"), are ingested three ways:
# in walk order by one worker; copied under names that walk the other way
# round; and in two batches, the second half first, by the default
# workers.  Entities (type, name, mentions, documents, aliases with their
# counts), links (by the names of their ends, kind, documents, sentences,
# weight) and their evidence (rank, document by sha256, sentence) must be
# the same, ids left out.
. "$(dirname "$0")/lib.sh"
SRC="${SHARED:-}/corpora/cablegate_html"
[ -d "$SRC/cable" ] || skip "no Cablegate corpus at $SRC"
command -v sqlite3 >/dev/null 2>&1 || skip "no sqlite3 (scripts/install-deps.sh installs it)"
[ -f "${WEFT_MODEL:-$WEFT_ROOT/models/ner.model}" ] || skip "no NER model: nothing to resolve"

FILES="
cable/2006/04/06ABUDHABI1401.html cable/2006/04/06ABUDHABI1725.html
cable/2009/04/09MOSCOW1108.html cable/2010/01/10SHENYANG5.html cable/2010/01/10SHENYANG4.html
cable/2009/08/09BEIJING2438.html cable/2009/12/09ISTANBUL440.html cable/2010/02/10BERLIN164.html
"
# the cables naming the Senate Foreign Relations Committee's and a National
# Security Strategy's or Service's acronyms, found by grep (a few of each)
ACRO=$(grep -rlwE 'SFRC|NSS' "$SRC/cable" | LC_ALL=C sort | head -n 12)
[ -n "$ACRO" ] || skip "no cable of the slice in $SRC names SFRC or NSS"
mkdir -p "$T/fwd" "$T/rev"
n=0
add() { # add FILE: as fwd/NNNN-name and rev/(9999-NNNN)-name
	n=$((n + 1))
	base=$(basename "$1")
	cp "$1" "$T/fwd/$(printf %04d $n)-$base"
	cp "$1" "$T/rev/$(printf %04d $((9999 - n)))-$base"
}
for f in $FILES; do
	[ -f "$SRC/$f" ] || skip "the Cablegate slice in $SRC has no $f"
	add "$SRC/$f"
done
for f in $ACRO; do add "$f"; done
for f in $(ls "$WEFT_ROOT/samples" | LC_ALL=C sort); do
	[ "$f" = README.md ] || add "$WEFT_ROOT/samples/$f"
done
echo "$n files"
# the second half of the forward names, then the first
mkdir -p "$T/half1" "$T/half2"
i=0
for f in $(ls "$T/fwd" | LC_ALL=C sort); do
	i=$((i + 1))
	if [ $i -le $((n / 2)) ]; then cp "$T/fwd/$f" "$T/half1/"; else cp "$T/fwd/$f" "$T/half2/"; fi
done

# dump CASE OUT: OUT.entities and OUT.links, sorted, without ids; the ends
# of the undirected kinds in name order
dump() {
	sqlite3 -separator '|' "$1" "SELECT e.type, e.name, e.mentions, e.docs,
		(SELECT group_concat(alias || ':' || count, ';') FROM
		 (SELECT alias, count FROM aliases a WHERE a.entity = e.id ORDER BY alias))
		FROM entities e" | LC_ALL=C sort > "$2.entities" || fail "reading the entities of $1"
	sqlite3 -separator '|' "$1" "WITH l AS (SELECT ea.type || ':' || ea.name AS x, eb.type || ':' || eb.name AS y,
		 g.kind, g.docs, g.sentences, g.weight FROM edges g JOIN entities ea ON ea.id = g.a JOIN entities eb ON eb.id = g.b),
		u AS (SELECT kind IN ('co-occurs', 'same document', 'met') AND y < x AS swap, * FROM l)
		SELECT CASE WHEN swap THEN y ELSE x END, CASE WHEN swap THEN x ELSE y END, kind, docs, sentences,
		 printf('%.6f', weight) FROM u" | LC_ALL=C sort > "$2.links" || fail "reading the links of $1"
	# each link's evidence, best first: documents by content (sha256)
	sqlite3 -separator '|' "$1" "SELECT ea.type || ':' || ea.name, eb.type || ':' || eb.name, g.kind, v.rank,
		 d.sha256, v.sentence FROM edges g JOIN entities ea ON ea.id = g.a JOIN entities eb ON eb.id = g.b
		 JOIN evidence v ON v.edge = g.id JOIN documents d ON d.id = v.doc" | LC_ALL=C sort > "$2.evidence" ||
		fail "reading the evidence of $1"
}
ingest() { # ingest CASE ARGS...
	c=$1
	shift
	"$WEFT" ingest -q --case "$c" "$@" > "$T/out" 2>&1 || { cat "$T/out"; fail "ingest $* failed"; }
}
ingest "$T/a.weft" --jobs 1 "$T/fwd"
ingest "$T/b.weft" --jobs 1 "$T/rev"
ingest "$T/c.weft" "$T/half2"
ingest "$T/c.weft" "$T/half1"
for x in a b c; do dump "$T/$x.weft" "$T/$x"; done

# the premise: the documents really were numbered in other orders
first() { sqlite3 "$1" "SELECT p.path FROM paths p WHERE p.doc = (SELECT min(id) FROM documents WHERE parent IS NULL)" | sed 's|.*/||'; }
expect_in "walk order: the first document" "0001-" "$(first "$T/a.weft")"
expect_in "reversed: the first document" "$(printf %04d $((9999 - n)))-" "$(first "$T/b.weft")"
h=$(first "$T/c.weft" | cut -c1-4 | sed 's/^0*//')
[ "${h:-0}" -gt $((n / 2)) ] || fail "halves: the first document is $(first "$T/c.weft"), not of the second half"
ok "halves: the first document is of the second half"
ne=$(wc -l < "$T/a.entities")
nl=$(wc -l < "$T/a.links")
echo "$ne entities, $nl links"
[ "$ne" -ge 300 ] || fail "only $ne entities: the slice lost its names"
[ "$nl" -ge 1000 ] || fail "only $nl links"
for x in b c; do
	diff "$T/a.entities" "$T/$x.entities" > "$T/d" || { head -n 40 "$T/d"; fail "entities of $x differ from walk order's"; }
	ok "entities of $x as in walk order"
	diff "$T/a.links" "$T/$x.links" > "$T/d" || { head -n 40 "$T/d"; fail "links of $x differ from walk order's"; }
	ok "links of $x as in walk order"
	diff "$T/a.evidence" "$T/$x.evidence" > "$T/d" || { head -n 40 "$T/d"; fail "evidence of $x differs from walk order's"; }
	ok "evidence of $x as in walk order"
done
# the tie between the two spellings goes to the one not in capitals
grep -q '^PER|Fran Townsend|' "$T/a.entities" || fail "no entity named Fran Townsend: $(grep -i '|fran townsend|' "$T/a.entities")"
ok "Fran Townsend, not FRAN TOWNSEND"
echo "all ok"
