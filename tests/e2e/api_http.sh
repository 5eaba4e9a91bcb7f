# weft serve's HTTP API end to end: JSON shapes (the same as the CLI's
# --json), status codes, the parser's message for a bad query, byte offsets
# of mentions, threads, refused path traversal (also when serving files
# from disk), bounded requests, the Host check, tokens off loopback and with
# --token, CSRF on edits, errors that never show internals, and readers that
# never block an ingest.  Every address used is loopback.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || skip "node is needed to send raw requests and read JSON"
MODEL=${WEFT_MODEL:-$WEFT_ROOT/models/ner.model}
[ -f "$MODEL" ] || skip "no NER model at $MODEL: the entity endpoints need one"
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM HUP PIPE

# http PORT METHOD PATH [-H 'K: V']... [--host H|--no-host] [--body S] [--body-size N] [--headers]
# prints the status code, then (with --headers) the headers and a blank line, then the body
cat > "$T/http.mjs" <<'EOF'
import net from 'node:net';
const [port, method, path, ...rest] = process.argv.slice(2);
let host = `127.0.0.1:${port}`, body = '', headers = [], show = false, to = '127.0.0.1';
for (let i = 0; i < rest.length; i++) {
	const a = rest[i];
	if (a === '-H') headers.push(rest[++i]);
	else if (a === '--host') host = rest[++i];
	else if (a === '--no-host') host = null;
	else if (a === '--body') body = rest[++i];
	else if (a === '--body-size') body = 'x'.repeat(Number(rest[++i]));
	else if (a === '--headers') show = true;
	else if (a === '--to') to = rest[++i];
}
const lines = [`${method} ${path} HTTP/1.1`];
if (host !== null) lines.push(`Host: ${host}`);
lines.push(...headers, 'Connection: close');
if (body || method === 'POST') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
const s = net.connect(Number(port), to, () => s.end(lines.join('\r\n') + '\r\n\r\n' + body));
const chunks = [];
s.on('data', d => chunks.push(d));
s.on('error', e => { if (!chunks.length) { console.log('000'); console.log(String(e)); } });
s.on('close', () => {
	if (!chunks.length) return;
	const raw = Buffer.concat(chunks).toString('utf8');
	const cut = raw.indexOf('\r\n\r\n');
	const head = raw.slice(0, cut), rest = raw.slice(cut + 4);
	console.log(head.split(' ')[1]);
	if (show) console.log(head.split('\r\n').slice(1).join('\n') + '\n');
	process.stdout.write(rest);
});
setTimeout(() => { console.log('000\ntimeout'); process.exit(0); }, 20000).unref();
EOF
http() { node "$T/http.mjs" "$@"; }
status() { printf '%s\n' "$1" | head -n 1; }
# same WHAT GOT WANT: like expect_eq, without printing long values
same() { [ "$2" = "$3" ] || fail "$1: got $(printf '%s' "$2" | head -c 500) ... want $(printf '%s' "$3" | head -c 500)"; ok "$1"; }
body() { printf '%s\n' "$1" | tail -n +2; }

# expect PORT STATUS WHAT METHOD PATH [options]: the status, and a JSON error
# body that names no file path and no SQL when it is an error
expect() {
	port=$1 want=$2 what=$3; shift 3
	r=$(http "$port" "$@")
	got=$(status "$r")
	[ "$got" = "$want" ] || fail "$what: status $got, want $want: $(body "$r" | head -c 300)"
	if [ "$want" -ge 400 ] && [ "$want" != 414 ] && [ "$want" != 431 ]; then
		b=$(body "$r")
		[ "$(printf '%s' "$b" | json 'Object.keys(v).join(",")')" = error ] || fail "$what: not a JSON error: $b"
		case $b in *"$T"*|*/tmp/*|*sqlite*|*SQLITE*|*SELECT*|*"$WEFT_ROOT"*) fail "$what: error shows internals: $b";; esac
	fi
	ok "$what ($got)"
}

# start NAME ARGS...: runs weft serve --port 0, sets PORT and URL
start() {
	name=$1; shift
	"$WEFT" serve --port 0 "$@" > "$T/$name.out" 2> "$T/$name.err" &
	pids="$pids $!"
	i=0
	while [ $i -lt 100 ]; do
		URL=$(head -n 1 "$T/$name.out" 2>/dev/null)
		case $URL in http://*) break;; esac
		sleep 0.1; i=$((i + 1))
	done
	case $URL in http://*) ;; *) fail "$name: weft serve printed no address: $(cat "$T/$name.err")";; esac
	PORT=$(printf '%s' "$URL" | sed 's|^http://[^/]*:\([0-9]*\)/.*|\1|')
}

# the case: the samples, with names
mkdir -p "$T/in"
cp -r "$WEFT_ROOT/samples/." "$T/in/"
rm "$T/in/README.md"
"$WEFT" ingest -q --case "$CASE" --model "$MODEL" "$T/in" > /dev/null || fail "ingest"

start main --case "$CASE"
P=$PORT
expect_in "prints its address" "http://127.0.0.1:$P/" "$URL"

# ---- shapes and the same fields as the CLI -------------------------------
r=$(http $P GET /api/stats)
expect_eq "stats status" "$(status "$r")" 200
same "stats as weft stats --json" "$(body "$r" | json 'delete v.network, JSON.stringify(v)')" \
	"$("$WEFT" stats --case "$CASE" --json | json 'JSON.stringify(v)')"
expect_eq "stats has the network" "$(body "$r" | json 'v.network.edges > 0 && v.network.top.length > 0')" true

r=$(http $P GET '/api/search?q=%22corridor%20in%20the%20sky%22')
expect_eq "search status" "$(status "$r")" 200
expect_eq "search hit" "$(body "$r" | json 'v.total + " " + v.hits[0].path.replace(/.*\//, "")')" "1 03_jabr_airspace.txt"
same "search hits as weft search --json" "$(body "$r" | json 'JSON.stringify(v.hits)')" \
	"$("$WEFT" search --case "$CASE" --json '"corridor in the sky"' | json 'JSON.stringify(v)')"
expect_eq "search facets" "$(body "$r" | json 'JSON.stringify(v.facets.type)')" '{"text":1}'
r=$(http $P GET '/api/search?q=maliki&limit=2&offset=1')
expect_eq "search paging" "$(body "$r" | json 'v.hits.length + " " + v.offset + " " + (v.total > 3)')" "2 1 true"
expect_eq "year facets add up" "$(body "$r" | json 'Object.keys(v.facets.year).every(y => /^\d{4}$/.test(y))')" true

# a bad query: 400 with the parser's own words
cli=$("$WEFT" search --case "$CASE" '"unbalanced' 2>&1 | sed 's/^weft: search: //')
r=$(http $P GET '/api/search?q=%22unbalanced')
expect_eq "bad query status" "$(status "$r")" 400
expect_eq "bad query message is the parser's" "$(body "$r" | json 'v.error')" "$cli"
expect $P 400 "search without q" GET /api/search
expect $P 400 "limit not a number" GET '/api/search?q=iran&limit=ten'
expect $P 400 "limit out of range" GET '/api/search?q=iran&limit=0'

# a document: mentions are byte offsets into its text
id=$("$WEFT" search --case "$CASE" --json '"corridor in the sky"' | json 'v[0].id')
r=$(http $P GET "/api/doc/$id")
expect_eq "doc status" "$(status "$r")" 200
same "doc as weft show --json" "$(body "$r" | json 'for (const k of ["mentions","thread","children","container"]) delete v[k]; JSON.stringify(v)')" \
	"$("$WEFT" show --case "$CASE" --json "$id" | json 'JSON.stringify(v)')"
expect_eq "mentions are byte offsets of their text" "$(body "$r" | json 'v.mentions.length > 5 && v.mentions.every(m => Buffer.from(v.text).subarray(m.start, m.end).toString() === m.text)')" true
expect_eq "mentions carry entity ids" "$(body "$r" | json 'v.mentions.some(m => m.type === "PER" && m.entity > 0 && /Jabr/.test(m.entity_name))')" true
tid=$("$WEFT" search --case "$CASE" --json 'from:okonkwo subject:plan' | json 'v[0].id')
r=$(http $P GET "/api/doc/$tid")
expect_eq "email thread" "$(body "$r" | json 'v.thread.map(t => t.path.replace(/.*\//, "")).filter(p => /^1[567]_/.test(p)).sort().join(" ")')" \
	"15_thread_kickoff.eml 16_thread_reply_dev.eml 17_thread_reply_style.eml"
expect_eq "thread marks the document" "$(body "$r" | json 'v.thread.filter(t => t.current).map(t => t.id).join()')" "$tid"
expect $P 404 "unknown document" GET /api/doc/999999
expect $P 404 "document id missing" GET /api/doc/

# entities, links, paths, graph, timeline: as the CLI
jabr=$("$WEFT" entities --case "$CASE" --json --type PER 'Bayan Jabr' | json 'v[0].id')
soleimani=$("$WEFT" entities --case "$CASE" --json --type PER Soleimani | json 'v[0].id')
[ -n "$jabr" ] && [ -n "$soleimani" ] || fail "the demo people are not entities"
r=$(http $P GET '/api/entities?type=PER&limit=5')
same "entities as weft entities --json" "$(body "$r" | json 'JSON.stringify(v)')" \
	"$("$WEFT" entities --case "$CASE" --json --type PER --limit 5 | json 'JSON.stringify(v)')"
r=$(http $P GET '/api/entities?q=jabr&sort=name')
expect_eq "entities by name" "$(body "$r" | json 'v.some(e => e.id === '"$jabr"')')" true
expect $P 400 "entities: bad sort" GET '/api/entities?sort=age'
r=$(http $P GET "/api/entity/$jabr")
same "entity as weft entity --json" "$(body "$r" | json 'JSON.stringify(v)')" \
	"$("$WEFT" entity --case "$CASE" --json "$jabr" | json 'JSON.stringify(v)')"
expect_eq "entity aliases" "$(body "$r" | json 'v.aliases.length >= 2 && v.aliases.includes("Bayan Jabr") && v.alias_counts["Bayan Jabr"] > 0 && v.documents === v.top_documents.length && v.links.length > 0')" true
expect $P 404 "unknown entity" GET /api/entity/999999
r=$(http $P GET "/api/links/$jabr?limit=10&evidence=2")
same "links as weft links --json" "$(body "$r" | json 'JSON.stringify(v)')" \
	"$("$WEFT" links --case "$CASE" --json --limit 10 --evidence 2 "$jabr" | json 'JSON.stringify(v)')"
expect_eq "links have evidence" "$(body "$r" | json 'v.links[0].evidence.length > 0 && v.links.every(l => l.source === v.entity.name && l.target && l.kinds.length > 0 && l.evidence.every(x => typeof x.sentence === "string" && x.doc > 0 && "path" in x))')" true
r=$(http $P GET "/api/links/$jabr?min_weight=2&limit=0")
expect_eq "links min_weight" "$(body "$r" | json 'v.links.length > 0 && v.links.every(l => l.weight >= 2)')" true
same "links min_weight as weft links --min-weight" "$(body "$r" | json 'v.links.length')" \
	"$("$WEFT" links --case "$CASE" --json --limit 0 --evidence 2 --min-weight 2 "$jabr" | json 'v.links.length')"
expect $P 400 "links: unknown kind" GET "/api/links/$jabr?kind=married"
r=$(http $P GET "/api/communities?limit=3")
same "communities as weft communities --json" "$(body "$r" | json 'JSON.stringify(v)')" \
	"$("$WEFT" communities --case "$CASE" --json --top 3 | json 'JSON.stringify(v)')"
expect_eq "communities" "$(body "$r" | json 'v.length === 3 && v[0].size >= v[1].size && v[0].members.length > 0')" true
r=$(http $P GET '/api/entities?sort=betweenness&limit=3')
expect_eq "entities by betweenness" "$(body "$r" | json 'v.length === 3 && v[0].betweenness >= v[1].betweenness && v[1].betweenness >= v[2].betweenness')" true
r=$(http $P GET "/api/path?from=$jabr&to=$soleimani")
same "path as weft path --json" "$(body "$r" | json 'JSON.stringify(v)')" \
	"$("$WEFT" path --case "$CASE" --json --evidence 2 "$jabr" "$soleimani" | json 'JSON.stringify(v)')"
expect_eq "path evidence" "$(body "$r" | json 'v.hops.length > 0 && v.hops.every(h => h.evidence.length > 0) && v.hops[0].source_id === '"$jabr"' && v.hops[v.hops.length - 1].target_id === '"$soleimani"' && v.hops.every((h, i) => !i || h.source_id === v.hops[i - 1].target_id)')" true
strongest=$(body "$r" | json 'v.hops.length')
r=$(http $P GET "/api/path?from=$jabr&to=$soleimani&mode=fewest")
same "fewest-links path as weft path --fewest" "$(body "$r" | json 'JSON.stringify(v)')" \
	"$("$WEFT" path --case "$CASE" --json --fewest --evidence 2 "$jabr" "$soleimani" | json 'JSON.stringify(v)')"
expect_eq "fewest links: no longer than the strongest chain" "$(body "$r" | json 'v.hops.length > 0 && v.hops.length <= '"$strongest")" true
expect $P 400 "path: bad mode" GET "/api/path?from=$jabr&to=$soleimani&mode=longest"
expect $P 400 "path without to" GET "/api/path?from=$jabr"
r=$(http $P GET "/api/graph?center=$jabr&depth=1&limit=12")
expect_eq "graph status" "$(status "$r")" 200
expect_eq "graph nodes" "$(body "$r" | json 'v.nodes.length === 12 && v.nodes.some(n => n.id === '"$jabr"' && n.level === 0) && v.nodes.every(n => n.type && "pagerank" in n && "community" in n && n.mentions > 0)')" true
expect_eq "graph edges join shown nodes" "$(body "$r" | json 'const ids = new Set(v.nodes.map(n => n.id)); v.edges.length > 0 && v.edges.every(e => ids.has(e.source) && ids.has(e.target) && e.kinds.length > 0 && e.weight > 0)')" true
r=$(http $P GET "/api/graph?center=$jabr&depth=2&limit=60&min_weight=1")
expect_eq "graph depth 2, min weight" "$(body "$r" | json 'v.nodes.some(n => n.level === 2) && v.edges.every(e => e.weight >= 1)')" true
r=$(http $P GET "/api/graph?center=$jabr&depth=2&limit=9")
expect_eq "graph depth 2 leaves room for the second level" "$(body "$r" | json 'v.nodes.filter(n => n.level === 1).length <= 6 && v.nodes.some(n => n.level === 2)')" true
expect $P 400 "graph depth 3" GET "/api/graph?center=$jabr&depth=3"
expect $P 400 "graph min_weight" GET "/api/graph?center=$jabr&min_weight=-1"
r=$(http $P GET "/api/timeline?entity=$jabr")
expect_eq "timeline by date" "$(body "$r" | json 'const d = v.documents.filter(x => x.date && !x.date_suspect).map(x => x.date); d.length > 2 && d.every((x, i) => !i || d[i - 1] <= x)')" true

# ---- methods, unknown paths, static files --------------------------------
expect $P 404 "unknown API" GET /api/nope
expect $P 404 "API with extra path" GET /api/stats/more
expect $P 404 "unknown file" GET /nothing-here.html
expect $P 405 "POST to a GET endpoint" POST /api/search
expect $P 405 "DELETE" DELETE /api/stats
expect $P 403 "edits are off by default" POST /api/merge -H 'Content-Type: application/json' --body '{"a":"1","b":"2"}'
r=$(http $P GET / --headers)
expect_eq "the page" "$(status "$r")" 200
expect_in "page is HTML" "text/html" "$r"
expect_in "page has a content security policy" "Content-Security-Policy: default-src 'none'; script-src 'self'" "$r"
r=$(http $P HEAD /api/stats)
expect_eq "HEAD" "$(status "$r")$(body "$r")" 200

# ---- path traversal --------------------------------------------------------
for p in '/../Makefile' '/../../../../etc/passwd' '/%2e%2e/Makefile' '/%2e%2e%2fMakefile' '/..%2fMakefile' \
	'/%2E%2E/%2E%2E/etc/passwd' '/vendor/../app.js' '/app.js%00.png' '/%00' '/web%5c..%5cMakefile' \
	'/web\..\Makefile' '/./app.js' '/%252e%252e/Makefile' '/api/../Makefile' '/api/doc/..%2f..%2fMakefile'; do
	r=$(http $P GET "$p")
	case $(status "$r") in 400|404) ;; *) fail "traversal $p: status $(status "$r")";; esac
	case $r in *root:*|*PKGS*|*"use strict"*) fail "traversal $p: served a file";; esac
	ok "traversal $p refused ($(status "$r"))"
done
# the same against a UI served from disk, with a symlink out of it
cp -r "$WEFT_ROOT/web" "$T/web"
ln -s /etc/passwd "$T/web/leak.txt"
ln -s "$WEFT_ROOT" "$T/web/root"
start disk --case "$CASE" --web "$T/web"
D=$PORT
expect_eq "disk UI serves its files" "$(status "$(http $D GET /app.js)")" 200
for p in '/../Makefile' '/%2e%2e/Makefile' '/..%2fMakefile' '/leak.txt' '/root/Makefile' '/root/../Makefile' '/app.js%00'; do
	r=$(http $D GET "$p")
	case $(status "$r") in 400|404) ;; *) fail "disk traversal $p: status $(status "$r")";; esac
	case $r in *root:*|*PKGS*) fail "disk traversal $p: served a file";; esac
	ok "disk traversal $p refused ($(status "$r"))"
done

# ---- bounded requests --------------------------------------------------------
long=$(node -e 'process.stdout.write("a".repeat(5000))')
expect $P 413 "query over 4096 bytes" GET "/api/search?q=$long"
expect $P 413 "body over the limit" POST /api/merge -H 'Content-Type: application/json' --body-size 100000
huge=$(node -e 'process.stdout.write("a".repeat(20000))')
expect $P 414 "URI over the limit" GET "/api/search?q=$huge"
r=$(http $P GET /api/stats -H "X-Filler: $(node -e 'process.stdout.write("b".repeat(70000))')")
case $(status "$r") in 4*) ok "oversized headers refused ($(status "$r"))";; *) fail "oversized headers: $(status "$r")";; esac
expect_eq "still serving after all that" "$(status "$(http $P GET /api/stats)")" 200

# ---- Host check on loopback (DNS rebinding) ------------------------------
expect $P 403 "foreign Host" GET /api/stats --host "evil.example:$P"
expect $P 403 "Host with another port" GET /api/stats --host "127.0.0.1:1"
expect $P 403 "no Host" GET /api/stats --no-host
expect $P 200 "Host localhost" GET /api/stats --host "localhost:$P"

# ---- tokens ------------------------------------------------------------------
TOK=s3cret-token_123
start tok --case "$CASE" --token "$TOK"
K=$PORT
expect_in "address carries the token" "http://127.0.0.1:$K/?token=$TOK" "$URL"
expect $K 401 "no token" GET /api/stats
expect $K 401 "wrong token" GET /api/stats -H "Authorization: Bearer s3cret-token_124"
expect $K 401 "no token for the page either" GET /
expect $K 200 "bearer token" GET /api/stats -H "Authorization: Bearer $TOK"
r=$(http $K GET "/?token=$TOK" --headers)
expect_eq "?token= redirects" "$(status "$r")" 303
expect_in "?token= sets a cookie" "Set-Cookie: weft_token_$K=$TOK; Path=/; HttpOnly; SameSite=Strict" "$r"
expect $K 200 "cookie" GET /api/stats -H "Cookie: weft_token_$K=$TOK"
expect $K 401 "?token= wrong" GET "/?token=nope-nope-nope"
expect $K 401 "?token= is not for the API" GET "/api/stats?token=$TOK"

# off loopback a token is required; one is made when none is given
start any --case "$CASE" --bind 0.0.0.0
A=$PORT
gen=$(printf '%s' "$URL" | sed -n 's|.*?token=\([0-9a-f]*\)$|\1|p')
[ ${#gen} -eq 32 ] || fail "--bind 0.0.0.0 printed no token: $URL"
ok "--bind 0.0.0.0 generates a token"
expect $A 401 "0.0.0.0: no token" GET /api/stats
expect $A 200 "0.0.0.0: token (any Host)" GET /api/stats -H "Authorization: Bearer $gen" --host "weft.lan:$A"
# 127.0.0.2 is loopback: no token, Host must name it
start lo2 --case "$CASE" --bind 127.0.0.2
L=$PORT
expect_eq "127.0.0.2 is loopback: no token" "$URL" "http://127.0.0.2:$L/"
expect $L 200 "127.0.0.2" GET /api/stats --to 127.0.0.2 --host "127.0.0.2:$L"
expect $L 403 "127.0.0.2: Host 127.0.0.1" GET /api/stats --to 127.0.0.2 --host "127.0.0.1:$L"
out=$("$WEFT" serve --case "$CASE" --port 0 --token short 2>&1); rc=$?
[ $rc -ne 0 ] || fail "a short token is accepted"
expect_in "short token refused" "weft: serve: --token takes" "$out"
out=$("$WEFT" serve --case "$CASE" --port "$P" 2>&1); rc=$?
[ $rc -ne 0 ] || fail "a busy port is accepted"
expect_in "busy port" "127.0.0.1:$P: Address already in use" "$out"
out=$("$WEFT" serve --case "$T/none.weft" --port 0 2>&1); rc=$?
[ $rc -ne 0 ] || fail "a missing case is served"
expect_in "missing case" "weft: serve:" "$out"

# ---- edits: --allow-edits, CSRF token, Origin ----------------------------------
start edit --case "$CASE" --allow-edits
E=$PORT
csrf=$(http $E GET /api/session | tail -n +2 | json 'v.csrf')
[ ${#csrf} -eq 64 ] || fail "no CSRF token in /api/session"
ok "session gives a CSRF token"
J='Content-Type: application/json'
expect $E 403 "edit without CSRF token" POST /api/rename -H "$J" --body "{\"a\":\"$jabr\",\"b\":\"Bayan Jabr\"}"
expect $E 403 "edit with a wrong CSRF token" POST /api/rename -H "$J" -H "X-Weft-CSRF: 0$csrf" --body "{\"a\":\"$jabr\",\"b\":\"Bayan Jabr\"}"
expect $E 403 "edit from another origin" POST /api/rename -H "$J" -H "X-Weft-CSRF: $csrf" -H "Origin: http://evil.example" --body "{\"a\":\"$jabr\",\"b\":\"Bayan Jabr\"}"
expect $E 403 "edit as a form" POST /api/rename -H "Content-Type: application/x-www-form-urlencoded" -H "X-Weft-CSRF: $csrf" --body "a=$jabr&b=x"
expect $E 400 "edit without b" POST /api/rename -H "$J" -H "X-Weft-CSRF: $csrf" --body "{\"a\":\"$jabr\"}"
expect $E 404 "merge with no such entity" POST /api/merge -H "$J" -H "X-Weft-CSRF: $csrf" --body "{\"a\":\"$jabr\",\"b\":\"Nobody Atall Zzyzx\"}"
expect $E 405 "GET an edit" GET /api/rename
r=$(http $E POST /api/rename -H "$J" -H "X-Weft-CSRF: $csrf" -H "Origin: http://127.0.0.1:$E" --body "{\"a\":\"$jabr\",\"b\":\"Bayan Jabr the Minister\"}")
expect_eq "rename status" "$(status "$r")" 200
new=$(body "$r" | json 'v.entity')
expect_eq "renamed" "$(http $E GET "/api/entity/$new" | tail -n +2 | json 'v.name')" "Bayan Jabr the Minister"
expect_in "the decision is recorded" "rename" "$("$WEFT" decisions --case "$CASE")"
# a merge: the answer names the merged entity (ids change when entities are rebuilt)
sol=$("$WEFT" entities --case "$CASE" --json --type PER Soleimani | json 'v[0].id')
r=$(http $E POST /api/merge -H "$J" -H "X-Weft-CSRF: $csrf" --body "{\"a\":\"$new\",\"b\":\"$sol\"}")
expect_eq "merge status" "$(status "$r")" 200
merged=$(body "$r" | json 'v.entity')
expect_eq "merged" "$(http $E GET "/api/entity/$merged" | tail -n +2 | json 'v.name + " / " + v.aliases.some(a => /Soleimani|Suleimani/.test(a))')" "Bayan Jabr the Minister / true"

# ---- readers never block an ingest ----------------------------------------
mkdir -p "$T/more"
printf 'A late memo: the quartermaster of the zephyrine depot met Bayan Jabr.\n' > "$T/more/late.txt"
( i=0; while [ $i -lt 40 ]; do http $P GET '/api/search?q=iran' > /dev/null; i=$((i + 1)); done ) &
readers=$!
"$WEFT" ingest -q --case "$CASE" --model "$MODEL" "$T/more" > /dev/null; rc=$?
wait $readers
expect_eq "ingest while the server reads" "$rc" 0
expect_eq "the server sees the new document" "$(http $P GET '/api/search?q=zephyrine' | tail -n +2 | json 'v.total')" 1
echo "all API checks passed"
