// tests/e2e/web_ui.mjs — weft's browser UI end to end, in headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core from npm).
//
// Builds a case from samples/ (plus one hostile document), starts
// `weft serve --port 0`, then as a user would: the search box has focus,
// typing a phrase and Enter lists 03_jabr_airspace.txt, the document shows
// Jabr highlighted, his entity page lists his aliases, the network view has
// as many nodes as /api/graph says, a click expands a node, two selected
// people show the path with evidence sentences; the hostile document's
// markup stays text; without cytoscape the page says how to build it; and
// no request leaves 127.0.0.1.  Screenshots go to <dir of $WEFT>/screenshots.
// Env: WEFT (binary), WEFT_ROOT, WEFT_MODEL.  Exit 0 ok, 1 failed, 77 skipped.
import {spawn, execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';

const ROOT = process.env.WEFT_ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const WEFT = process.env.WEFT || path.join(ROOT, 'build/weft');
const MODEL = process.env.WEFT_MODEL || path.join(ROOT, 'models/ner.model');
const CHROMIUM = '/usr/bin/chromium';

function skip(why) {
	console.log('SKIP: ' + why);
	process.exit(77);
}
let failed = false;
function fail(why) {
	console.log('FAIL: ' + why);
	failed = true;
	throw new Error(why);
}
const t0 = Date.now();
function ok(what) {
	console.log(`ok: ${what} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
}
function check(cond, what, detail) {
	if (!cond) fail(what + (detail !== undefined ? ': ' + JSON.stringify(detail).slice(0, 400) : ''));
	ok(what);
}

if (!fs.existsSync(WEFT)) skip(`no weft binary at ${WEFT}`);
if (!fs.existsSync(CHROMIUM)) skip('no /usr/bin/chromium (scripts/install-deps.sh installs it)');
if (!fs.existsSync(path.join(ROOT, 'node_modules/playwright-core'))) skip('node_modules/playwright-core missing (run npm ci)');
if (!fs.existsSync(MODEL)) skip(`no NER model at ${MODEL}: no entities to browse`);
const require = createRequire(path.join(ROOT, 'package.json'));
const {chromium} = require('playwright-core');

const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'weft-web-'));
const shots = process.env.WEFT_SCREENSHOTS || path.join(path.dirname(WEFT), 'screenshots');
fs.mkdirSync(shots, {recursive: true});
const servers = [];
let context = null;

const watchdog = setTimeout(() => {
	console.log('FAIL: timed out');
	cleanup();
	process.exit(1);
}, 240000);

function cleanup() {
	for (const s of servers) if (s.exitCode === null) s.kill('SIGTERM');
	fs.rmSync(tmp, {recursive: true, force: true});
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
	process.on(sig, () => {
		console.log('FAIL: stopped by ' + sig);
		cleanup();
		process.exit(1);
	});

/* Starts weft serve and resolves with the URL it prints. */
function serve(args) {
	return new Promise((resolve, reject) => {
		const p = spawn(WEFT, ['serve', '--port', '0', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
		servers.push(p);
		let out = '', err = '';
		p.stdout.on('data', d => {
			out += d;
			const m = /^(http:\/\/127\.0\.0\.1:\d+\/)\S*$/m.exec(out);
			if (m) resolve(m[1]);
		});
		p.stderr.on('data', d => { err += d; });
		p.on('exit', code => reject(new Error(`weft serve exited (${code}): ${err}`)));
	});
}

async function main() {
	// the case: samples minus README.md, plus a document full of markup
	const input = path.join(tmp, 'in');
	fs.mkdirSync(input);
	for (const f of fs.readdirSync(path.join(ROOT, 'samples')))
		if (f !== 'README.md') fs.cpSync(path.join(ROOT, 'samples', f), path.join(input, f), {recursive: true});
	fs.writeFileSync(path.join(input, 'zz_hostile_note.txt'),
		'Desk note on a scraped page.\n\nThe page carried this markup, quoted here as found:\n' +
		'<img src=x onerror="window.__xss=1"> and <script>window.__xss=2</script> and ' +
		'<a href="javascript:window.__xss=3">click</a>.\nBayan Jabr was named in the same page.\n');
	const kase = path.join(tmp, 'case.weft');
	execFileSync(WEFT, ['ingest', '-q', '--case', kase, '--model', MODEL, input], {stdio: 'inherit'});
	ok('ingested samples/');

	const url = await serve(['--case', kase]);
	ok('weft serve printed ' + url);

	const userData = fs.mkdtempSync(path.join(tmp, 'chromium-'));
	context = await chromium.launchPersistentContext(userData, {
		executablePath: CHROMIUM,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		viewport: {width: 1400, height: 900},
	});
	const page = context.pages()[0] || await context.newPage();
	const offsite = [], jsErrors = [];
	page.on('request', req => {
		const u = new URL(req.url());
		if (!(u.protocol === 'data:' || u.protocol === 'blob:' || (u.protocol === 'http:' && u.hostname === '127.0.0.1')))
			offsite.push(req.url());
	});
	page.on('pageerror', err => jsErrors.push(String(err)));
	page.on('dialog', d => { jsErrors.push('dialog: ' + d.message()); d.dismiss(); });
	const apiGet = p => page.evaluate(async q => (await fetch('/api/' + q)).json(), p);

	// 1. search with the keyboard only
	await page.goto(url);
	await page.waitForFunction(() => document.body.dataset.page === 'home');
	check(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'q', 'search box has focus at load');
	await page.keyboard.type('"corridor in the sky"');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#results li.hit');
	const hits = await page.$$eval('#results li.hit', lis => lis.map(li => ({
		href: li.querySelector('a.hit-title').getAttribute('href'),
		path: li.querySelector('.path').textContent,
		marks: [...li.querySelectorAll('.snippet mark')].map(m => m.textContent),
	})));
	check(hits.some(x => x.path.endsWith('/03_jabr_airspace.txt')), 'the phrase finds 03_jabr_airspace.txt', hits);
	check(hits.every(x => /^#\/doc\/\d+$/.test(x.href)), 'results are links to documents');
	check(hits[0].marks.join(' ').toLowerCase().includes('corridor in the sky'), 'snippet highlights the phrase', hits[0]);
	const facets = await page.$$eval('.facet a', as => as.map(a => a.textContent));
	check(facets.includes('text'), 'type facet', facets);
	await page.screenshot({path: path.join(shots, '1-search.png')});

	// 2. the document, by keyboard: Tab to the first result, Enter
	const target = hits.find(x => x.path.endsWith('/03_jabr_airspace.txt'));
	await page.focus(`#results a.hit-title[href="${target.href}"]`);
	await page.keyboard.press('Enter');
	await page.waitForSelector('#doctext');
	const jabr = await page.$$eval('#doctext a.m.t-PER', as => as.filter(a => /Jabr/i.test(a.textContent))
		.map(a => ({text: a.textContent, href: a.getAttribute('href')})));
	check(jabr.length > 0, 'the document highlights Jabr as a person', jabr);
	await page.screenshot({path: path.join(shots, '2-document.png')});

	// 3. his entity page: aliases as the API gives them
	await page.click(`#doctext a.m.t-PER[href="${jabr[0].href}"]`);
	await page.waitForSelector('#aliases li');
	const entityId = Number(jabr[0].href.replace(/\D+/g, ''));
	const ent = await apiGet('entity/' + entityId);
	const shown = await page.$$eval('#aliases .alias', s => s.map(x => x.textContent));
	check(shown.length >= 2 && shown.length === ent.aliases.length, `entity page lists ${ent.aliases.length} aliases`, shown);
	check(shown.some(a => /Jabr/.test(a)) && shown.every(a => ent.aliases.includes(a)), 'aliases match /api/entity', shown);
	check(await page.$$eval('.links-list li.link ul.evidence li', l => l.length) > 0, 'entity page shows links with evidence');
	check(await page.$$eval('#timeline .tl-bar', l => l.length) > 0, 'entity page shows a timeline');
	await page.screenshot({path: path.join(shots, '3-entity.png'), fullPage: false});

	// 4. the network: cytoscape holds what /api/graph returns
	await page.click('#open-network');
	await page.waitForFunction(() => window.cy && window.cy.nodes().length > 0);
	const graph = await apiGet(`graph?center=${entityId}&depth=1&limit=40`);
	const nodes = await page.evaluate(() => window.cy.nodes().length);
	check(graph.nodes.length > 1 && nodes === graph.nodes.length, `network shows ${graph.nodes.length} nodes as /api/graph`, {nodes, api: graph.nodes.length});
	const edges = await page.evaluate(() => window.cy.edges().length);
	check(edges === graph.edges.length, `network shows ${graph.edges.length} edges`, {edges});
	const drawn = await page.evaluate(() => {
		const c = document.querySelector('#graph canvas');
		return c ? c.width * c.height : 0;
	});
	check(drawn > 0, 'the graph is drawn on a canvas');

	// click a neighbour: it expands.  Real mouse clicks, on nodes that no
	// other node covers.
	const clickNode = async (id, modifiers) => {
		const p = await page.evaluate(nid => {
			const n = window.cy.getElementById(String(nid));
			const r = n.renderedPosition(), box = window.cy.container().getBoundingClientRect();
			return {x: box.left + r.x, y: box.top + r.y};
		}, id);
		for (const m of modifiers || []) await page.keyboard.down(m);
		await page.mouse.click(p.x, p.y);
		for (const m of modifiers || []) await page.keyboard.up(m);
	};
	// ids ordered by how clear of other nodes they are drawn (best first), if clear at all
	const clearNodes = ids => page.evaluate(list => {
		const cy = window.cy, box = cy.container().getBoundingClientRect();
		const all = cy.nodes().map(n => ({id: n.data('eid'), p: n.renderedPosition(), r: n.renderedOuterWidth() / 2}));
		return list.map(id => {
			const me = all.find(a => a.id === id);
			if (!me || me.p.x < 10 || me.p.y < 10 || me.p.x > box.width - 10 || me.p.y > box.height - 10) return null;
			let gap = Infinity;
			for (const o of all) if (o.id !== id) gap = Math.min(gap, Math.hypot(o.p.x - me.p.x, o.p.y - me.p.y) - o.r - 2);
			return gap > 3 ? {id, gap} : null;
		}).filter(Boolean).sort((a, b) => b.gap - a.gap).map(a => a.id);
	}, ids);
	const byMentions = graph.nodes.filter(n => n.id !== entityId).sort((a, b) => b.mentions - a.mentions);
	const clear = await clearNodes(byMentions.slice(0, 10).map(n => n.id));
	check(clear.length > 0, 'some neighbour can be clicked');
	const neighbour = graph.nodes.find(n => n.id === clear[0]);
	const more = await apiGet(`graph?center=${neighbour.id}&depth=1&limit=15`);
	const expected = new Set([...graph.nodes.map(n => n.id), ...more.nodes.map(n => n.id)]).size;
	await clickNode(neighbour.id);
	await page.waitForFunction(n => window.cy.nodes().length >= n, expected, {timeout: 15000});
	check(await page.evaluate(() => window.cy.nodes().length) === expected, `clicking ${neighbour.name} expands the network to ${expected} nodes`);
	check((await page.textContent('#node-info')).includes(neighbour.name), 'the clicked node is described');

	// two people selected (Shift+click): the path with evidence
	const people = await page.evaluate(() => window.cy.nodes('[type = "PER"]').sort((a, b) => b.data('pagerank') - a.data('pagerank')).map(n => n.data('eid')));
	const pair = await clearNodes(people.slice(0, 12));
	check(pair.length >= 2, 'two people can be clicked', pair);
	const [from, to] = pair;
	const name = async id => page.evaluate(i => window.cy.getElementById(String(i)).data('label'), id);
	const fromName = await name(from), toName = await name(to);
	await page.evaluate(() => { window.cy.elements().unselect(); });
	// (Shift on both: a plain click would also expand the first and move the rest)
	await clickNode(from, ['Shift']);
	await clickNode(to, ['Shift']);
	await page.waitForSelector('#path .path-steps li.step ul.evidence li', {timeout: 15000});
	const pathText = await page.textContent('#path');
	const apiPath = await apiGet(`path?from=${from}&to=${to}&evidence=2`);
	const apiEv = apiPath.hops.flatMap(hp => hp.evidence.map(v => v.sentence));
	const pageEv = await page.$$eval('#path ul.evidence q', qs => qs.map(q => q.textContent));
	check(pathText.includes(fromName) && pathText.includes(toName) && apiEv.length > 0 && pageEv.length === apiEv.length &&
		pageEv.every((t, i) => t === apiEv[i]), `path ${fromName} → ${toName} shows the ${apiEv.length} evidence sentences of /api/path`,
	{pageEv, apiEv});
	check(await page.$$eval('#path ul.evidence li', l => l.length) >= 1, 'evidence sentences are listed');
	check(await page.evaluate(() => window.cy.$('.path').length) >= 3, 'the path is drawn on the map');
	await page.screenshot({path: path.join(shots, '4-network-path.png')});

	// 5. hostile markup stays text
	await page.fill('#q', 'onerror');
	await page.keyboard.press('Enter');
	await page.waitForSelector('#results li.hit');
	await page.click('#results a.hit-title');
	await page.waitForSelector('#doctext');
	const hostile = await page.evaluate(() => ({
		xss: window.__xss,
		imgs: document.querySelectorAll('#doctext img, #doctext script, #doctext a[href^="javascript"]').length,
		text: document.getElementById('doctext').textContent,
	}));
	check(hostile.xss === undefined && hostile.imgs === 0 && hostile.text.includes('<img src=x onerror='),
		'markup in a document is shown as text, never run', hostile);

	// 6. a weft without cytoscape says how to build the graph view
	const bare = path.join(tmp, 'web-bare');
	fs.cpSync(path.join(ROOT, 'web'), bare, {recursive: true});
	fs.rmSync(path.join(bare, 'vendor'), {recursive: true, force: true});
	const url2 = await serve(['--case', kase, '--web', bare]);
	await page.goto(url2 + '#/network/' + entityId);
	await page.waitForSelector('.cy.no-graph');
	const msg = await page.textContent('.cy.no-graph');
	check(msg.includes('npm ci') && msg.includes(neighbour.name), 'without cytoscape the page says to run npm ci and lists the neighbours');

	// 7. with --allow-edits, a rename from the entity page (CSRF header, same origin)
	const url3 = await serve(['--case', kase, '--allow-edits']);
	await page.goto(url3 + '#/entity/' + entityId);
	await page.waitForSelector('#ed-rename');
	await page.fill('#ed-rename', 'Bayan Jabr, minister');
	await page.press('#ed-rename', 'Enter');
	// (the page re-renders after the rebuild: the heading is briefly absent)
	await page.waitForFunction(() => /Bayan Jabr, minister/.test((document.querySelector('.entity-head h1') || {}).textContent || ''), null, {timeout: 30000});
	check(true, 'a rename from the page (with --allow-edits) shows the renamed entity');
	const readOnly = await (await fetch(url + 'api/session')).json();
	check(readOnly.edits === false && readOnly.csrf === null, 'the read-only server offers no edits');

	check(jsErrors.length === 0, 'no JavaScript errors', jsErrors);
	check(offsite.length === 0, 'no request left 127.0.0.1', offsite);
}

try {
	await main();
	console.log(`screenshots in ${shots}`);
} catch (err) {
	if (!failed) console.log('FAIL: ' + (err && err.stack ? err.stack : err));
	failed = true;
} finally {
	if (context) await context.close().catch(() => {});
	cleanup();
	clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
