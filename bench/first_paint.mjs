// bench/first_paint.mjs — how soon weft's search page paints, in headless
// Chromium (Debian's /usr/bin/chromium driven by playwright-core from npm),
// against `weft serve` on the demo case (samples/, ingested with names).
//
// Each load is a first visit: a new Chromium with a fresh user-data-dir (no
// HTTP cache), opening http://127.0.0.1:PORT/#/search?q=QUERY.  Recorded in
// the page (performance API; times from navigation start, in ms):
//   ttfb        responseStart of the HTML
//   fcp         first-contentful-paint (PerformanceObserver 'paint')
//   box         first animation frame in which the search box is laid out
//   results     first animation frame in which the result list has a hit
//               (what the search page is for: its first meaningful paint)
//   lcp         last largest-contentful-paint entry before the results
//   dcl, load   DOMContentLoaded and load events
// Prints each load, then the median of each; the target of issue 5 is a first
// meaningful paint (results) under 1 s.  Exit 0, or 1 when a load failed,
// 77 when Chromium or playwright-core is missing.
//
//   node bench/first_paint.mjs [CASE]     (CASE: reuse a case; default: ingest samples/)
// Env: WEFT (default build/weft), WEFT_MODEL, FP_LOADS (10), FP_QUERY
// ("Soleimani"), FP_OUT (a file for the per-load rows as TSV).
import {spawn, execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEFT = process.env.WEFT || path.join(ROOT, 'build/weft');
const MODEL = process.env.WEFT_MODEL || path.join(ROOT, 'models/ner.model');
const CHROMIUM = '/usr/bin/chromium';
const LOADS = Number(process.env.FP_LOADS || 10);
const QUERY = process.env.FP_QUERY || 'Soleimani';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

function skip(why) {
	console.log('SKIP: ' + why);
	process.exit(77);
}
if (!fs.existsSync(WEFT)) skip(`no weft binary at ${WEFT} (make, or set WEFT)`);
if (!fs.existsSync(CHROMIUM)) skip('no /usr/bin/chromium (scripts/install-deps.sh installs it)');
if (!fs.existsSync(path.join(ROOT, 'node_modules/playwright-core'))) skip('node_modules/playwright-core missing (npm ci)');
const {chromium} = createRequire(path.join(ROOT, 'package.json'))('playwright-core');

const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'weft-paint-'));
let server = null, browser = null;
async function cleanup() {
	if (browser) await browser.close().catch(() => {});
	if (server && server.exitCode === null) server.kill('SIGTERM');
	fs.rmSync(tmp, {recursive: true, force: true});
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
	process.on(sig, async () => { await cleanup(); process.exit(1); });

// Runs in the page before its own scripts: marks the first frame in which
// the search box, then a result, is laid out.
function probe() {
	const t = {lcp: null};
	window.__paint = t;
	new PerformanceObserver(list => {
		for (const e of list.getEntries()) if (t.results == null) t.lcp = e.startTime;
	}).observe({type: 'largest-contentful-paint', buffered: true});
	const frame = now => {
		const q = document.getElementById('q');
		if (t.box == null && q && q.offsetHeight > 0) t.box = now;
		const hit = document.querySelector('#results li.hit');
		if (t.results == null && hit && hit.offsetHeight > 0) t.results = now;
		if (t.results == null) requestAnimationFrame(frame);
	};
	requestAnimationFrame(frame);
}

function serve(kase) {
	return new Promise((resolve, reject) => {
		server = spawn(WEFT, ['serve', '--port', '0', '--case', kase], {stdio: ['ignore', 'pipe', 'pipe']});
		let out = '', err = '';
		server.stdout.on('data', d => {
			out += d;
			const m = /^(http:\/\/127\.0\.0\.1:\d+\/)\S*$/m.exec(out);
			if (m) resolve(m[1]);
		});
		server.stderr.on('data', d => { err += d; });
		server.on('exit', code => reject(new Error(`weft serve exited (${code}): ${err}`)));
	});
}

async function load(url, i) {
	const userData = fs.mkdtempSync(path.join(tmp, `profile-${i}-`));
	const context = await chromium.launchPersistentContext(userData, {
		executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: {width: 1400, height: 900},
	});
	browser = context;
	try {
		const page = context.pages()[0] || await context.newPage();
		await page.addInitScript(probe);
		await page.goto(url + '#/search?q=' + encodeURIComponent(QUERY), {waitUntil: 'load'});
		await page.waitForFunction(() => window.__paint && window.__paint.results != null, null, {timeout: 30000});
		return await page.evaluate(() => {
			const nav = performance.getEntriesByType('navigation')[0];
			const fcp = performance.getEntriesByName('first-contentful-paint')[0];
			const t = window.__paint;
			return {
				ttfb: nav.responseStart, fcp: fcp ? fcp.startTime : null, box: t.box, results: t.results, lcp: t.lcp,
				dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
				hits: document.querySelectorAll('#results li.hit').length,
			};
		});
	} finally {
		await context.close();
		browser = null;
	}
}

const median = xs => {
	const v = xs.filter(x => x != null).sort((a, b) => a - b);
	if (!v.length) return null;
	return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const COLS = ['ttfb', 'fcp', 'box', 'results', 'lcp', 'dcl', 'load'];
const fmt = x => (x == null ? '-' : x.toFixed(1)).padStart(8);

try {
	let kase = process.argv[2];
	if (!kase) {
		if (!fs.existsSync(MODEL)) skip(`no NER model at ${MODEL}`);
		kase = path.join(tmp, 'demo.weft');
		execFileSync(WEFT, ['ingest', '-q', '--case', kase, '--model', MODEL, path.join(ROOT, 'samples')], {stdio: 'inherit'});
	}
	const url = await serve(kase);
	console.log(`weft serve: ${url}; ${LOADS} loads of #/search?q=${QUERY}, each in a new Chromium with a fresh profile`);
	console.log('load' + COLS.map(c => c.padStart(8)).join('') + '    hits   (ms from navigation start)');
	const rows = [];
	for (let i = 0; i < LOADS; i++) {
		const r = await load(url, i);
		if (!r.hits) throw new Error(`load ${i + 1}: no result for ${QUERY}`);
		rows.push(r);
		console.log(String(i + 1).padStart(4) + COLS.map(c => fmt(r[c])).join('') + String(r.hits).padStart(8));
	}
	const med = Object.fromEntries(COLS.map(c => [c, median(rows.map(r => r[c]))]));
	console.log('med ' + COLS.map(c => fmt(med[c])).join(''));
	console.log(`first meaningful paint (results) median ${med.results.toFixed(0)} ms: target < 1000 ms ${med.results < 1000 ? 'met' : 'NOT met'}` +
		`; load average ${os.loadavg().map(x => x.toFixed(2)).join(' ')}`);
	if (process.env.FP_OUT)
		fs.writeFileSync(process.env.FP_OUT, ['load\t' + COLS.join('\t') + '\thits',
			...rows.map((r, i) => [i + 1, ...COLS.map(c => r[c] == null ? '' : r[c].toFixed(1)), r.hits].join('\t')),
			'median\t' + COLS.map(c => med[c] == null ? '' : med[c].toFixed(1)).join('\t') + '\t'].join('\n') + '\n');
	await cleanup();
} catch (err) {
	console.log('FAIL: ' + (err && err.stack || err));
	await cleanup();
	process.exit(1);
}
