// tests/e2e/serve_cache.mjs — weft serve's answer cache: an API answer asked
// again is the same, a change to the case (an ingest by another process while
// the server runs) is seen at once by every worker thread, distinct URIs
// never get each other's answer, and more URIs than the cache has slots
// (512 per thread) still get their own.  Env: WEFT (binary), WEFT_ROOT.
// Exit 0 ok, 1 failed, 77 skipped.
import {spawn, execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const ROOT = process.env.WEFT_ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WEFT = process.env.WEFT || path.join(ROOT, 'build/weft');
if (!fs.existsSync(WEFT)) {
	console.log(`SKIP: no weft binary at ${WEFT}`);
	process.exit(77);
}
const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'weft-cache-'));
const CASE = path.join(tmp, 'case.weft');
let server = null;
function cleanup() {
	if (server) server.kill('SIGTERM');
	fs.rmSync(tmp, {recursive: true, force: true});
}
function fail(why) {
	console.log('FAIL: ' + why);
	cleanup();
	process.exit(1);
}
function check(cond, what, detail) {
	if (!cond) fail(what + (detail !== undefined ? ': ' + JSON.stringify(detail).slice(0, 400) : ''));
	console.log('ok: ' + what);
}
setTimeout(() => fail('timed out'), 240000).unref();

const ingest = dir => execFileSync(WEFT, ['ingest', '-q', '--no-ner', '--case', CASE, dir], {stdio: 'pipe'});
const docs = path.join(tmp, 'in');
fs.mkdirSync(docs);
fs.writeFileSync(path.join(docs, 'a.txt'), 'The ambassador met the minister of oil in Basra on Tuesday.\n');
fs.writeFileSync(path.join(docs, 'b.txt'), 'A second memo about the minister and the ambassador.\n');
ingest(docs);

server = spawn(WEFT, ['serve', '--case', CASE, '--port', '0', '--threads', '4'], {stdio: ['ignore', 'pipe', 'pipe']});
const url = await new Promise((resolve, reject) => {
	let out = '';
	server.stdout.on('data', d => {
		out += d;
		const m = out.match(/http:\/\/127\.0\.0\.1:\d+/);
		if (m) resolve(m[0]);
	});
	server.on('exit', code => reject(new Error(`weft serve exited (${code})`)));
}).catch(e => fail(e.message));

async function get(p) {
	const r = await fetch(url + p);
	return {status: r.status, text: await r.text()};
}
// every worker thread has a cache of its own: ask often enough, in parallel,
// to reach all four
const many = (p, n = 16) => Promise.all(Array.from({length: n}, () => get(p)));

let rs = await many('/api/search?q=minister');
check(rs.every(r => r.status === 200 && r.text === rs[0].text), 'the same search asked 16 times, in parallel: the same answer');
check(JSON.parse(rs[0].text).total === 2, 'two documents mention the minister', rs[0].text);
rs = await many('/api/search?q=zephyrine');
check(rs.every(r => JSON.parse(r.text).total === 0), 'zephyrine: no hit yet');
const stats0 = JSON.parse((await get('/api/stats')).text);
await many('/api/stats');
const other = await get('/api/search?q=basra');
check(JSON.parse(other.text).total === 1 && other.text !== rs[0].text, 'another URI gets its own answer', other.text);

// another process changes the case while the server runs
fs.writeFileSync(path.join(docs, 'c.txt'), 'Zephyrine wrote to the minister.\n');
ingest(docs);
rs = await many('/api/search?q=zephyrine');
check(rs.every(r => JSON.parse(r.text).total === 1), 'after the ingest, every thread finds zephyrine', rs.map(r => r.text.slice(0, 80)));
rs = await many('/api/search?q=minister');
check(rs.every(r => JSON.parse(r.text).total === 3), 'and the minister in three documents');
const stats1 = JSON.parse((await get('/api/stats')).text);
check(stats1.documents === stats0.documents + 1, 'stats count the new document', [stats0.documents, stats1.documents]);

// more distinct URIs than slots: each still answers for itself
const words = ['minister', 'ambassador', 'basra', 'memo', 'zephyrine', 'tuesday', 'oil'];
const want = {};
for (const w of words) want[w] = JSON.parse((await get('/api/search?q=' + w)).text).total;
let bad = 0;
for (let i = 0; i < 1400; i += 20) {
	const batch = await Promise.all(Array.from({length: 20}, (_, j) => {
		const w = words[(i + j) % words.length];
		return get(`/api/search?q=${w}&limit=${1 + ((i + j) % 50)}&offset=${(i + j) % 29}`).then(r => ({w, r}));
	}));
	for (const {w, r} of batch)
		if (r.status !== 200 || JSON.parse(r.text).total !== want[w] || JSON.parse(r.text).query !== w) bad++;
}
check(bad === 0, '1,400 distinct URIs (more than the 512 slots of a thread): each answer is its own', bad);
const again = await many('/api/search?q=basra');
check(again.every(r => JSON.parse(r.text).total === 1), 'an early URI still answers right after the churn');
const err = await get('/api/search?q=');
check(err.status === 400, 'an error is an error (not cached as an answer)', err);
cleanup();
