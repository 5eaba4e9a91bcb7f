# The network end to end on the demo corpus: ingest builds it; weft graph,
# links and path read it; every exporter writes files that parse (xmllint
# for GEXF and GraphML, node for JSON lines) with node and edge counts equal
# to what 'weft graph --json' reports; the GraphML is read back by igraph
# (tests/tools/graphml_count.c) with the same counts; every NDJSON line is
# JSON, actions and sources in pairs; the Neo4j CSV headers are what
# neo4j-admin import expects.  Names are checked lightly: some link
# between two people must show a sentence naming both.
. "$(dirname "$0")/lib.sh"
MODEL=${WEFT_MODEL:-$WEFT_ROOT/models/ner.model}
[ -f "$MODEL" ] || skip "no NER model at $MODEL (train one: see README)"
export WEFT_MODEL="$MODEL"
command -v xmllint >/dev/null || skip "xmllint missing (apt-get install libxml2-utils, or make deps)"
command -v node >/dev/null || skip "node missing"

mkdir -p "$T/in"
cp -r "$WEFT_ROOT/samples"/. "$T/in/"
rm "$T/in/README.md"
"$WEFT" ingest -q --case "$CASE" "$T/in" >/dev/null || fail "ingest failed"

g=$("$WEFT" graph --case "$CASE" --json) || fail "weft graph"
nodes=$(printf "%s\n" "$g" | json 'v.nodes')
edges=$(printf "%s\n" "$g" | json 'v.edges')
echo "network: $nodes nodes, $edges edges"
[ "$nodes" -gt 10 ] 2>/dev/null || fail "too few nodes: $nodes"
[ "$edges" -ge "$nodes" ] 2>/dev/null || fail "too few edges: $edges"
expect_eq "every link has evidence" "$(printf "%s\n" "$g" | json 'v.evidence >= v.edges')" true
expect_eq "PageRank for the top entities" "$(printf "%s\n" "$g" | json 'v.top.length > 0 && v.top.every(t => t.pagerank > 0)')" true
expect_eq "communities" "$(printf "%s\n" "$g" | json 'v.communities >= 1')" true
again=$("$WEFT" graph --case "$CASE" --rebuild --json) || fail "weft graph --rebuild"
expect_eq "rebuild gives the same edges" "$(printf "%s\n" "$again" | json 'v.edges')" "$edges"
expect_eq "rebuild gives the same communities" "$(printf "%s\n" "$again" | json 'v.communities')" \
	"$(printf "%s\n" "$g" | json 'v.communities')"

# GEXF and GraphML: well-formed, one element per node and edge
"$WEFT" export --case "$CASE" --format gexf -o "$T/g.gexf" 2>/dev/null || fail "export gexf"
xmllint --noout "$T/g.gexf" || fail "gexf is not well-formed XML"
expect_eq "gexf nodes" "$(grep -c '<node ' "$T/g.gexf")" "$nodes"
expect_eq "gexf edges" "$(grep -c '<edge ' "$T/g.gexf")" "$edges"
expect_in "gexf 1.3" 'version="1.3"' "$(head -3 "$T/g.gexf")"
"$WEFT" export --case "$CASE" --format graphml > "$T/g.graphml" 2>/dev/null || fail "export graphml to stdout"
xmllint --noout "$T/g.graphml" || fail "graphml is not well-formed XML"
expect_eq "graphml nodes" "$(grep -c '<node ' "$T/g.graphml")" "$nodes"
expect_eq "graphml edges" "$(grep -c '<edge ' "$T/g.graphml")" "$edges"
# read back by igraph: an edge to a node the file lacks would add a node (so
# igraph would count more nodes than the elements counted above), a
# value that does not parse as its declared type would fail the read
pkg-config --exists igraph || fail "igraph's development files are missing (make deps)"
# shellcheck disable=SC2046
cc -std=gnu11 -o "$T/graphml_count" "$WEFT_ROOT/tests/tools/graphml_count.c" $(pkg-config --cflags --libs igraph) ||
	fail "tests/tools/graphml_count.c does not build"
back=$("$T/graphml_count" "$T/g.graphml") || fail "igraph cannot read the GraphML export"
expect_eq "igraph reads the graphml: nodes edges directed" "$(printf '%s\n' "$back" | head -1)" "$nodes $edges 0"
for attr in "node label" "node type" "node pagerank" "node community" "node betweenness" "edge kind" "edge weight"; do
	expect_in "igraph reads the $attr attribute" "$attr" "$back"
done
# pruned for Gephi: the 12 most central people, links of weight 2 or more
"$WEFT" export --case "$CASE" --format graphml --top 12 --type PER --min-weight 2 > "$T/p.graphml" 2>/dev/null ||
	fail "export graphml --top --type --min-weight"
back=$("$T/graphml_count" "$T/p.graphml") || fail "igraph cannot read the pruned GraphML"
pn=$(grep -c '<node ' "$T/p.graphml")
pe=$(grep -c '<edge ' "$T/p.graphml")
[ "$pn" -gt 1 ] && [ "$pn" -le 12 ] && [ "$pe" -gt 0 ] && [ "$pe" -lt "$edges" ] || fail "pruned: $pn nodes, $pe edges"
expect_eq "pruned graphml read back" "$(printf '%s\n' "$back" | head -1)" "$pn $pe 0"
expect_eq "pruned: only people" "$(grep -c '<data key="type">PER<' "$T/p.graphml")" "$pn"
expect_eq "pruned: no link under weight 2" \
	"$(grep -o '<data key="weight">[0-9.e+-]*<' "$T/p.graphml" | tr -dc '0-9.\n' | awk '$1 < 2' | wc -l)" 0

# into a pipe: written as it is, never replaced by a renamed file (as root, the
# same path would have replaced /dev/null with a regular file)
mkfifo "$T/fifo"
timeout 30 cat "$T/fifo" > "$T/from-fifo.graphml" &
"$WEFT" export --case "$CASE" --format graphml -o "$T/fifo" 2>/dev/null || fail "export into a FIFO"
wait
[ -p "$T/fifo" ] || fail "the FIFO was replaced by a file"
expect_eq "export through a FIFO" "$(grep -c '<node ' "$T/from-fifo.graphml")" "$nodes"

# CSV: a header and one line per row
"$WEFT" export --case "$CASE" --format csv -o "$T/csv" 2>/dev/null || fail "export csv"
expect_eq "nodes.csv rows" "$(($(wc -l < "$T/csv/nodes.csv") - 1))" "$nodes"
expect_eq "edges.csv rows" "$(($(wc -l < "$T/csv/edges.csv") - 1))" "$edges"
expect_eq "edges.csv header" "$(head -1 "$T/csv/edges.csv")" "id,source,target,kind,directed,docs,sentences,weight,score"
[ "$(wc -l < "$T/csv/evidence.csv")" -gt "$edges" ] || fail "evidence.csv has fewer rows than links"

# Neo4j: admin-import headers, LOAD CSV script
"$WEFT" export --case "$CASE" --format neo4j -o "$T/neo" 2>/dev/null || fail "export neo4j"
expect_in "neo4j node header" "entityId:ID(Entity)" "$(head -1 "$T/neo/nodes.csv")"
expect_in "neo4j relationship header" ":START_ID(Entity),:END_ID(Entity),:TYPE" "$(head -1 "$T/neo/relationships.csv")"
expect_eq "relationships rows" "$(($(wc -l < "$T/neo/relationships.csv") - 1))" "$edges"
expect_in "load.cypher" "LOAD CSV WITH HEADERS FROM 'file:///relationships.csv'" "$(cat "$T/neo/load.cypher")"
expect_in "relationship types" "CO_OCCURS" "$(cat "$T/neo/relationships.csv")"
# every header field is one neo4j-admin import understands; one id, label,
# start, end and type column; every row as wide as its header; every
# relationship's ends are nodes of the file
check=$(node -e '
const fs = require("fs");
const csv = f => { const rows = [], t = fs.readFileSync(f, "utf8"); let row = [], v = "", q = false;
  for (let i = 0; i < t.length; i++) { const c = t[i];
    if (q) { if (c === "\"" && t[i + 1] === "\"") { v += c; i++; } else if (c === "\"") q = false; else v += c; }
    else if (c === "\"") q = true; else if (c === ",") { row.push(v); v = ""; }
    else if (c === "\n") { row.push(v); rows.push(row); row = []; v = ""; } else v += c; }
  if (v.length || row.length) { row.push(v); rows.push(row); } return rows; };
const types = /^(int|long|float|double|boolean|byte|short|char|string|date|datetime|point)(\[\])?$/;
const field = h => { const m = h.match(/^([^:]*)(?::(.*))?$/); return {name: m[1], type: m[2]}; };
const check = (rows, special) => {
  const head = rows[0].map(field), seen = {};
  for (const f of head) {
    if (f.type === undefined) { if (!f.name) throw new Error("empty header field"); continue; }
    const s = special.find(x => x.test(":" + f.type));
    if (s) seen[s] = (seen[s] || 0) + 1;
    else if (!types.test(f.type) || !f.name) throw new Error("bad header field " + f.name + ":" + f.type);
  }
  for (const s of special) if (seen[s] !== 1) throw new Error("want one " + s.source + " column, got " + (seen[s] || 0));
  rows.slice(1).forEach((r, i) => { if (r.length !== head.length) throw new Error("row " + (i + 2) + " has " + r.length + " fields"); });
  return head; };
const nodes = csv(process.argv[1]), rels = csv(process.argv[2]);
const nh = check(nodes, [/^:ID\(Entity\)$/, /^:LABEL$/]);
const rh = check(rels, [/^:START_ID\(Entity\)$/, /^:END_ID\(Entity\)$/, /^:TYPE$/]);
const idc = nh.findIndex(f => f.type === "ID(Entity)"), ids = new Set(nodes.slice(1).map(r => r[idc]));
const sc = rh.findIndex(f => f.type === "START_ID(Entity)"), ec = rh.findIndex(f => f.type === "END_ID(Entity)");
const tc = rh.findIndex(f => f.type === "TYPE");
const bad = rels.slice(1).filter(r => !ids.has(r[sc]) || !ids.has(r[ec]) || !/^[A-Z][A-Z_]*$/.test(r[tc]));
console.log((nodes.length - 1) + " " + bad.length);' "$T/neo/nodes.csv" "$T/neo/relationships.csv") ||
	fail "neo4j CSV headers or rows are not what neo4j-admin import expects"
expect_eq "neo4j nodes, relationships with unknown ends or bad types" "$check" "$nodes 0"

# OpenSearch: bulk action + document per line pair, all JSON; mapping parses
"$WEFT" export --case "$CASE" --format opensearch -o "$T/os" 2>/dev/null || fail "export opensearch"
docs=$("$WEFT" stats --case "$CASE" --json | json 'v.documents')
check=$(node -e '
const fs = require("fs");
const text = fs.readFileSync(process.argv[1], "utf8");
if (!text.endsWith("\n")) throw new Error("the bulk body must end with a newline");
const lines = text.slice(0, -1).split("\n");
if (lines.length % 2) throw new Error("odd number of lines: an action without its document");
let docs = 0, withEnt = 0;
for (let i = 0; i < lines.length; i += 2) {
  const a = JSON.parse(lines[i]), d = JSON.parse(lines[i + 1]);
  if (Object.keys(a).length !== 1 || !a.index || !a.index._index || a.index._id !== String(d.id))
    throw new Error("bad action line " + (i + 1) + ": " + lines[i]);
  if (["index", "create", "update", "delete"].some(k => k in d)) throw new Error("line " + (i + 2) + " is an action, want a document");
  docs++;
  if (d.entities.length && d.persons.length + d.organizations.length + d.locations.length + d.misc.length === d.entities.length) withEnt++;
}
JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
console.log(docs + " " + (withEnt > 0));' "$T/os/documents.ndjson" "$T/os/mapping.json") || fail "opensearch output does not parse"
expect_eq "opensearch documents, some with entities" "$check" "$docs true"

# Aleph: FtM entities, one per line, every reference resolves
"$WEFT" export --case "$CASE" --format aleph -o "$T/case.ftm.json" 2>/dev/null || fail "export aleph"
check=$(node -e '
const fs = require("fs");
const ents = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(l => l.length).map(l => JSON.parse(l));
const ids = new Set(ents.map(e => e.id));
if (ids.size !== ents.length) throw new Error("duplicate ids");
const refs = {UnknownLink: ["subject", "object"], Associate: ["person", "associate"],
  Membership: ["member", "organization"]};
for (const e of ents)
  for (const r of (refs[e.schema] || []).concat(["parent"]))
    for (const id of e.properties[r] || [])
      if (!ids.has(id)) throw new Error(e.id + " refers to missing " + id);
const schemas = new Set(ents.map(e => e.schema));
console.log(["Person", "Organization", "UnknownLink"].every(s => schemas.has(s)) && [...schemas].some(s => /Text|Email/.test(s)));
' "$T/case.ftm.json") || fail "aleph output does not parse or refers to missing entities"
expect_eq "aleph schemas" "$check" true

# links: some link between two people shows a sentence naming both
pair=$(node -e '
const fs = require("fs");
const rows = f => fs.readFileSync(f, "utf8").trim().split("\n").slice(1).map(l => l.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map(x => x.replace(/,$/, "").replace(/^"|"$/g, "").replace(/""/g, "\"")));
const type = {};
for (const r of rows(process.argv[1])) type[r[0]] = r[2];
const e = rows(process.argv[2]).filter(r => r[3] === "co-occurs" && type[r[1]] === "PER" && type[r[2]] === "PER")
  .sort((x, y) => y[8] - x[8]);
if (!e.length) throw new Error("no link between two people");
console.log(e[0][1] + " " + e[0][2]);' "$T/csv/nodes.csv" "$T/csv/edges.csv") || fail "no PER-PER link"
a=${pair% *}
b=${pair#* }
"$WEFT" links --case "$CASE" --evidence 5 --json "$a" > "$T/links.json" || fail "weft links $a"
check=$(node -e '
const fs = require("fs");
const v = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const l = v.links.find(l => l.target_id === Number(process.argv[2]) && l.kinds.includes("co-occurs"));
if (!l || !l.evidence.length) throw new Error("link or evidence missing");
const words = s => new Set(s.toLowerCase().split(/[^\p{L}]+/u).filter(w => w.length >= 4));
const named = (name, ev) => { const w = words(name); return ev.marks.some(([s, e]) => {
  const t = Buffer.from(ev.sentence).subarray(s, e).toString(); return [...words(t)].some(x => w.has(x)); }); };
const ok = l.evidence.some(ev => ev.marks.length >= 2 && named(v.entity.name, ev) && named(l.target, ev));
console.log(ok + " " + l.evidence.every(ev => ev.path && ev.end > ev.start));' "$T/links.json" "$b") || fail "links json"
expect_eq "PER-PER evidence names both, with a path" "$check" "true true"
out=$("$WEFT" links --case "$CASE" "$a")
expect_in "links text shows a document path" "$T/in/" "$out"

# path between the two, and between one and an entity far away
p=$("$WEFT" path --case "$CASE" --json "$a" "$b") || fail "weft path"
expect_eq "direct path" "$(printf "%s\n" "$p" | json 'v.hops.length')" 1
expect_eq "path evidence" "$(printf "%s\n" "$p" | json 'v.hops[0].evidence.length > 0')" true
far=$(printf "%s\n" "$g" | json 'v.top.map(t => t.id).filter(id => id != '"$a"').pop()')
p=$("$WEFT" path --case "$CASE" --json -k 2 "$a" "$far") || fail "weft path $a $far"
expect_eq "path ends" "$(printf "%s\n" "$p" | json 'v.hops[0].source_id + "-" + v.hops.slice(-1)[0].target_id')" "$a-$far"
expect_eq "every hop has evidence" "$(printf "%s\n" "$p" | json '[v, ...v.alternatives].every(p => p.hops.every(h => h.evidence.length > 0))')" true

# errors are plain
out=$("$WEFT" links --case "$CASE" "Nobody Anywhere Zzz" 2>&1); rc=$?
expect_eq "unknown entity exit" "$rc" 1
expect_in "unknown entity message" "weft: links: no entity 'Nobody Anywhere Zzz'" "$out"
out=$("$WEFT" export --case "$CASE" --format pdf 2>&1); rc=$?
expect_eq "unknown format exit" "$rc" 2
echo "all ok"
