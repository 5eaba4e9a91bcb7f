/*
 * app.js — weft's browser UI: search, documents, entities, the network.
 *
 * Plain JavaScript over weft's JSON API (/api/...).  Pages are hash routes:
 *   #/                       the case at a glance
 *   #/search?q=…&offset=…    hits with snippets and facets
 *   #/doc/ID?s=START-END     a document, names highlighted (and a sentence)
 *   #/entities?type=…        entity lists
 *   #/entity/ID              aliases, links with evidence, timeline, documents
 *   #/network/ID             the ego network (cytoscape), paths with evidence
 *
 * Documents are hostile: every string from the case reaches the page as a
 * text node (textContent, never innerHTML), and links are built only from
 * numeric ids.  Offsets from the API are UTF-8 byte offsets.
 */
'use strict';

const TYPES = ['PER', 'ORG', 'LOC', 'MISC'];
const TYPE_NAMES = {PER: 'people', ORG: 'organizations', LOC: 'places', MISC: 'other names'};
const TYPE_COLORS = {PER: '#c0392b', ORG: '#2e6da4', LOC: '#2e8b57', MISC: '#b7791f'};
const COMMUNITY_COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d',
	'#1f78b4', '#b2182b', '#5e3c99', '#01665e', '#8c510a', '#666666'];
const enc = new TextEncoder();
const dec = new TextDecoder();
let session = {edits: false, csrf: null, graph_view: false};

/* ---- DOM helpers: text only, never HTML -------------------------------- */

function h(tag, attrs, ...kids) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false) continue;
		if (k === 'class') el.className = v;
		else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
		else el.setAttribute(k, v === true ? '' : String(v));
	}
	append(el, kids);
	return el;
}

function append(el, kids) {
	for (const k of kids.flat(Infinity)) {
		if (k === null || k === undefined || k === false) continue;
		el.append(k instanceof Node ? k : document.createTextNode(String(k)));
	}
	return el;
}

function link(href, ...kids) {
	return h('a', {href}, ...kids);
}

const docHref = (id, s) => '#/doc/' + Number(id) + (s ? '?s=' + Number(s[0]) + '-' + Number(s[1]) : '');
const entityHref = id => '#/entity/' + Number(id);
const networkHref = id => '#/network/' + Number(id);
const searchHref = q => '#/search?q=' + encodeURIComponent(q);

function main() {
	return document.getElementById('main');
}

function show(...kids) {
	const m = main();
	m.replaceChildren();
	append(m, kids);
}

function errorBox(err) {
	return h('p', {class: 'error', role: 'alert'}, err && err.message ? err.message : String(err));
}

function baseName(p) {
	if (!p) return '';
	const s = String(p);
	return s.slice(s.lastIndexOf('/') + 1);
}

function fmtDate(d) {
	return d ? String(d).replace('T', ' ').replace(/:00Z$|Z$/, '').slice(0, 16) : '';
}

/* Splits text at UTF-8 byte ranges: items [{start, end}] sorted by start;
 * render(item, piece) makes the node for a covered piece, plain(piece) the
 * rest.  Overlapping items after the first are skipped. */
function byteSpans(text, items, render, plain) {
	const bytes = enc.encode(text || '');
	const out = [];
	let pos = 0;
	for (const it of items) {
		if (it.start < pos || it.end > bytes.length || it.end <= it.start) continue;
		if (it.start > pos) out.push(plain(dec.decode(bytes.subarray(pos, it.start)), pos));
		out.push(render(it, dec.decode(bytes.subarray(it.start, it.end))));
		pos = it.end;
	}
	if (pos < bytes.length) out.push(plain(dec.decode(bytes.subarray(pos)), pos));
	return out;
}

function marked(text, ranges) {
	const items = (ranges || []).map(([start, end]) => ({start, end})).sort((a, b) => a.start - b.start);
	return byteSpans(text, items, (it, piece) => h('mark', null, piece), piece => piece);
}

/* ---- the API ------------------------------------------------------------ */

class ApiError extends Error {
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

async function api(path, opts) {
	const r = await fetch('/api/' + path, Object.assign({credentials: 'same-origin'}, opts || {}));
	let body = null;
	try {
		body = await r.json();
	} catch (e) {
		body = null;
	}
	if (!r.ok) throw new ApiError(r.status, (body && body.error) || ('HTTP ' + r.status));
	return body;
}

async function post(kind, a, b) {
	return api(kind, {
		method: 'POST',
		headers: {'Content-Type': 'application/json', 'X-Weft-CSRF': session.csrf || ''},
		body: JSON.stringify(b === undefined ? {a} : {a, b}),
	});
}

/* ---- routing ------------------------------------------------------------ */

let routeSeq = 0;

function parseHash() {
	const raw = location.hash.replace(/^#/, '') || '/';
	const qi = raw.indexOf('?');
	const path = qi < 0 ? raw : raw.slice(0, qi);
	const params = new URLSearchParams(qi < 0 ? '' : raw.slice(qi + 1));
	return {parts: path.split('/').filter(Boolean).map(decodeURIComponent), params};
}

async function route() {
	const seq = ++routeSeq;
	const {parts, params} = parseHash();
	const page = parts[0] || '';
	const q = document.getElementById('q');
	if (page === 'search') q.value = params.get('q') || '';
	document.body.dataset.page = page || 'home';
	if (window.cy && page !== 'network') {
		window.cy.destroy();
		window.cy = undefined;
	}
	show(h('p', {class: 'loading'}, 'Loading…'));
	try {
		if (page === '') await pageHome(seq);
		else if (page === 'search') await pageSearch(seq, params);
		else if (page === 'doc' && parts[1]) await pageDoc(seq, parts[1], params);
		else if (page === 'entities') await pageEntities(seq, params);
		else if (page === 'entity' && parts[1]) await pageEntity(seq, parts[1]);
		else if (page === 'network' && parts[1]) await pageNetwork(seq, parts[1], params);
		else show(h('h1', null, 'Not found'), h('p', null, 'No such page. ', link('#/', 'Back to the case.')));
	} catch (err) {
		if (seq === routeSeq) show(errorBox(err));
	}
}

const stale = seq => seq !== routeSeq;

/* ---- home --------------------------------------------------------------- */

async function pageHome(seq) {
	const [stats, people, orgs] = await Promise.all([
		api('stats'), api('entities?type=PER&limit=12'), api('entities?type=ORG&limit=12')]);
	if (stale(seq)) return;
	document.title = 'weft';
	const types = Object.entries(stats.by_type || {}).map(([t, n]) =>
		h('li', null, link(searchHref('type:' + t), t), ' ', h('span', {class: 'count'}, n)));
	const net = stats.network || {};
	show(
		h('h1', null, 'The case'),
		h('p', {class: 'lede'}, `${stats.documents} documents`,
			stats.first_date ? ` from ${fmtDate(stats.first_date).slice(0, 10)} to ${fmtDate(stats.last_date).slice(0, 10)}` : '',
			`; ${net.entities || 0} entities, ${net.edges || 0} links, ${net.communities || 0} communities.`,
			stats.failed ? ` ${stats.failed} files could not be read ('weft failures').` : ''),
		h('div', {class: 'columns'},
			h('section', null, h('h2', null, 'Documents by type'), h('ul', {class: 'plain'}, types)),
			h('section', null, h('h2', null, 'Most central (PageRank)'),
				h('ol', {class: 'plain'}, (net.top || []).map(t =>
					h('li', null, typeBadge(t.type), ' ', link(entityHref(t.id), t.name), ' ',
						link(networkHref(t.id), h('span', {class: 'small'}, 'network')))))),
			h('section', null, h('h2', null, 'People'), entityList(people)),
			h('section', null, h('h2', null, 'Organizations'), entityList(orgs))));
}

function typeBadge(t) {
	return h('span', {class: 'badge t-' + (TYPES.includes(t) ? t : 'other'), title: TYPE_NAMES[t] || t}, t);
}

function entityList(list) {
	if (!list.length) return h('p', {class: 'muted'}, 'None yet (ingest with the NER model).');
	return h('ul', {class: 'plain'}, list.map(e =>
		h('li', null, link(entityHref(e.id), e.name), ' ', h('span', {class: 'count'}, e.mentions))));
}

/* ---- search ------------------------------------------------------------- */

async function pageSearch(seq, params) {
	const q = params.get('q') || '';
	const offset = Math.max(0, parseInt(params.get('offset') || '0', 10) || 0);
	if (!q.trim()) {
		show(h('p', null, 'Type a query above and press Enter.'));
		return;
	}
	document.title = 'weft: ' + q;
	let res;
	try {
		res = await api('search?q=' + encodeURIComponent(q) + '&limit=20&offset=' + offset);
	} catch (err) {
		if (stale(seq)) return;
		show(h('h1', {class: 'visually-hidden'}, 'Search'), errorBox(err), queryHelp());
		return;
	}
	if (stale(seq)) return;
	const facet = (name, obj, filter) => {
		const entries = Object.entries(obj || {});
		if (!entries.length) return null;
		return h('section', {class: 'facet'}, h('h2', null, name), h('ul', {class: 'plain'}, entries.map(([k, n]) =>
			h('li', null, link(searchHref(q + ' ' + filter(k)), k), ' ', h('span', {class: 'count'}, n)))));
	};
	const hits = res.hits.map(hit => h('li', {class: 'hit'},
		h('a', {class: 'hit-title', href: docHref(hit.id)}, hit.title || baseName(hit.path) || 'document ' + hit.id),
		h('div', {class: 'hit-meta'}, h('span', {class: 'path'}, hit.path || ''),
			hit.page ? ` · page ${hit.page}` : '', hit.date ? ' · ' + fmtDate(hit.date) : '', ' · ', hit.type || ''),
		h('p', {class: 'snippet'}, marked(hit.snippet, hit.highlights))));
	const more = [];
	if (offset > 0) more.push(link(searchHref(q) + '&offset=' + Math.max(0, offset - 20), '← previous'));
	if (offset + res.hits.length < res.total) more.push(link(searchHref(q) + '&offset=' + (offset + 20), 'next 20 →'));
	show(
		h('div', {class: 'with-side'},
			h('aside', {class: 'side', 'aria-label': 'Narrow the search'},
				facet('Type', res.facets && res.facets.type, k => 'type:' + k),
				facet('Year', res.facets && res.facets.year, k => 'date:' + k)),
			h('section', {class: 'results-wrap'},
				h('h1', {class: 'result-count'}, res.total === 1 ? '1 document' : `${res.total} documents`,
					res.total > res.hits.length ? ` (${offset + 1}–${offset + res.hits.length} shown)` : ''),
				res.hits.length ? h('ol', {class: 'results', id: 'results', start: offset + 1}, hits)
					: h('p', {class: 'muted'}, 'No document matches.'),
				h('nav', {class: 'pager'}, more))));
}

function queryHelp() {
	return h('details', {class: 'help'}, h('summary', null, 'Query language'),
		h('ul', null,
			h('li', null, 'iran iraq — both words; "prime minister" — the phrase'),
			h('li', null, 'iran OR iraq, iran -iraq, minist*, jabr NEAR/5 airspace, ( … )'),
			h('li', null, 'from:jabr to: subject: title: body: — fields'),
			h('li', null, 'type:email path:enron date:2014 date:2014-03..2015-06 — filters')));
}

/* ---- a document ----------------------------------------------------------- */

async function pageDoc(seq, ref, params) {
	const d = await api('doc/' + encodeURIComponent(ref));
	if (stale(seq)) return;
	document.title = 'weft: ' + (d.title || baseName((d.paths || [])[0]) || 'document ' + d.id);
	const sel = /^(\d+)-(\d+)$/.exec(params.get('s') || '');
	const hl = sel ? {start: Number(sel[1]), end: Number(sel[2])} : null;

	const meta = h('dl', {class: 'meta'});
	const row = (k, v) => {
		if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) return;
		meta.append(h('dt', null, k), h('dd', null, v));
	};
	row('type', d.type);
	row('date', d.date ? fmtDate(d.date) + (d.date_suspect ? ' (suspect)' : '') : null);
	row('from', d.from);
	row('to', d.to);
	row('cc', d.cc);
	row('subject', d.subject);
	row('author', d.author);
	row('size', d.size ? d.size + ' bytes' : null);
	row('paths', (d.paths || []).map(p => h('div', {class: 'path'}, p)));
	if (d.container) row('inside', link(docHref(d.container.id), d.container.title || baseName(d.container.path)));
	if (d.children && d.children.length)
		row('contains', h('ul', {class: 'plain'}, d.children.map(c =>
			h('li', null, link(docHref(c.id), c.title || c.subject || baseName(c.path))))));
	if (d.invalid_bytes) row('invalid bytes', String(d.invalid_bytes) + ' replaced');

	// the text, names highlighted and linked
	const mentions = (d.mentions || []).slice().sort((a, b) => a.start - b.start || b.end - a.end);
	const plain = (piece, at) => {
		if (!hl) return piece;
		// split the plain piece at the highlighted sentence
		const bytes = enc.encode(piece);
		const s = Math.max(hl.start - at, 0), e = Math.min(hl.end - at, bytes.length);
		if (e <= 0 || s >= bytes.length || s >= e) return piece;
		return [dec.decode(bytes.subarray(0, s)), h('mark', {class: 'ev'}, dec.decode(bytes.subarray(s, e))),
			dec.decode(bytes.subarray(e))];
	};
	const render = (m, piece) => {
		const cls = 'm t-' + m.type + (hl && m.start >= hl.start && m.end <= hl.end ? ' in-ev' : '');
		const title = m.type + (m.entity_name && m.entity_name !== m.text ? ': ' + m.entity_name : '') +
			(m.value ? ' (' + m.value + ')' : '');
		if (m.entity !== null && m.entity !== undefined)
			return h('a', {class: cls, href: entityHref(m.entity), title, 'data-entity': m.entity}, piece);
		return h('span', {class: cls, title}, piece);
	};
	const text = h('pre', {class: 'doctext', id: 'doctext'}, byteSpans(d.text || '', mentions, render, plain));

	// names in this document, by entity
	const ents = new Map();
	for (const m of mentions) {
		if (m.entity === null || m.entity === undefined) continue;
		const e = ents.get(m.entity) || {id: m.entity, name: m.entity_name || m.text, type: m.type, n: 0};
		e.n++;
		ents.set(m.entity, e);
	}
	const byType = TYPES.map(t => {
		const list = [...ents.values()].filter(e => e.type === t).sort((a, b) => b.n - a.n);
		if (!list.length) return null;
		return h('section', null, h('h3', null, TYPE_NAMES[t]), h('ul', {class: 'plain'}, list.map(e =>
			h('li', null, h('a', {class: 'm t-' + t, href: entityHref(e.id)}, e.name), ' ', h('span', {class: 'count'}, e.n)))));
	});

	const thread = d.thread && d.thread.length ? h('section', {class: 'thread'}, h('h2', null, 'Same thread'),
		h('ol', {class: 'plain'}, d.thread.map(t => h('li', {class: 'depth-' + Math.min(t.depth, 6) +
			(t.current ? ' current' : '')},
			t.current ? h('strong', null, t.subject || t.title || 'this message')
				: link(docHref(t.id), t.subject || t.title || baseName(t.path)),
			h('span', {class: 'muted'}, ' ', t.from || '', ' ', fmtDate(t.date)))))) : null;

	show(h('div', {class: 'with-side'},
		h('article', {class: 'doc'},
			h('h1', null, d.title || d.subject || baseName((d.paths || [])[0]) || 'document ' + d.id),
			meta, thread, text),
		h('aside', {class: 'side', 'aria-label': 'Names in this document'},
			h('h2', null, 'Names in this document'), ents.size ? byType : h('p', {class: 'muted'}, 'None found.'))));
	if (hl) {
		const ev = document.querySelector('#doctext mark.ev');
		if (ev) ev.scrollIntoView({block: 'center'});
	}
}

/* ---- entity lists --------------------------------------------------------- */

async function pageEntities(seq, params) {
	const type = params.get('type') || '';
	const sort = params.get('sort') || 'mentions';
	const list = await api('entities?limit=200&sort=' + encodeURIComponent(sort) +
		(type ? '&type=' + encodeURIComponent(type) : ''));
	if (stale(seq)) return;
	document.title = 'weft: entities';
	const tabs = ['', ...TYPES].map(t => t === type ? h('strong', null, t || 'all')
		: link('#/entities?type=' + t + '&sort=' + sort, t || 'all'));
	const sorts = ['mentions', 'documents', 'pagerank', 'betweenness', 'name'].map(s => s === sort ? h('strong', null, s)
		: link('#/entities?type=' + type + '&sort=' + s, s));
	show(h('h1', null, 'Entities'),
		h('p', {class: 'tabs'}, 'type: ', tabs.map((t, i) => [i ? ' · ' : '', t]), '   sort: ', sorts.map((t, i) => [i ? ' · ' : '', t])),
		h('table', {class: 'entities'},
			h('thead', null, h('tr', null, h('th', null, 'type'), h('th', null, 'name'), h('th', null, 'mentions'),
				h('th', null, 'docs'), h('th', null, 'also written'))),
			h('tbody', null, list.map(e => h('tr', null, h('td', null, typeBadge(e.type)),
				h('td', null, link(entityHref(e.id), e.name)), h('td', {class: 'num'}, e.mentions),
				h('td', {class: 'num'}, e.documents),
				h('td', {class: 'aka'}, (e.aliases || []).filter(a => a !== e.name).slice(0, 5).join('; ')))))));
}

/* ---- one entity ------------------------------------------------------------ */

/* A link's kinds, directed ones as "X head of Y" from its relations. */
function kindsText(l) {
	const rel = new Map((l.relations || []).map(r => [r.kind, r]));
	return l.kinds.map(k => rel.has(k) ? `${rel.get(k).from} ${k} ${rel.get(k).to}` : k).join(' · ');
}

function evidenceList(evs) {
	return h('ul', {class: 'evidence'}, (evs || []).map(v => h('li', null,
		h('q', null, marked(v.sentence, v.marks)), ' ',
		link(docHref(v.doc, [v.start, v.end]), h('span', {class: 'src'}, baseName(v.path) || 'document ' + v.doc)))));
}

function aliasQuery(e) {
	const names = new Set([e.name, ...(e.aliases || [])]);
	return [...names].slice(0, 8).map(n => '"' + String(n).replace(/"/g, ' ').trim() + '"').join(' OR ');
}

async function pageEntity(seq, ref) {
	const e = await api('entity/' + encodeURIComponent(ref));
	const [links, tl] = await Promise.all([api('links/' + e.id + '?limit=25&evidence=2'), api('timeline?entity=' + e.id)]);
	if (stale(seq)) return;
	document.title = 'weft: ' + e.name;
	const aliases = h('ul', {class: 'aliases', id: 'aliases'}, (e.aliases || []).map(a =>
		h('li', null, h('span', {class: 'alias'}, a), ' ', h('span', {class: 'count'}, (e.alias_counts || {})[a]))));
	const linkItems = links.links.map(l => h('li', {class: 'link'},
		h('div', null,
			h('span', {class: 'kind'}, kindsText(l)), ' ',
			typeBadge(l.target_type), ' ', link(entityHref(l.target_id), l.target), ' ',
			h('span', {class: 'muted'}, `${l.docs} doc${l.docs === 1 ? '' : 's'}, ${l.sentences} sentence${l.sentences === 1 ? '' : 's'}`), ' ',
			link(networkHref(e.id) + '?path=' + Number(l.target_id), h('span', {class: 'small'}, 'on the map'))),
		evidenceList(l.evidence)));
	show(
		h('div', {class: 'entity-head'},
			h('h1', null, typeBadge(e.type), ' ', e.name),
			h('p', {class: 'lede'}, `${e.mentions} mentions in ${e.documents} documents`,
				e.pagerank !== null && e.pagerank !== undefined ? ` · PageRank ${Number(e.pagerank).toFixed(4)}` : '',
				e.community !== null && e.community !== undefined ? ` · community ${e.community}` : ''),
			h('p', {class: 'actions'},
				h('a', {class: 'button', href: networkHref(e.id), id: 'open-network'}, 'Network'), ' ',
				h('a', {class: 'button', href: searchHref(aliasQuery(e))}, 'Search every spelling'))),
		h('div', {class: 'with-side'},
			h('section', {class: 'links'},
				h('h2', null, 'Links'),
				linkItems.length ? h('ol', {class: 'plain links-list'}, linkItems) : h('p', {class: 'muted'}, 'No links.'),
				h('h2', null, 'Timeline'), timeline(tl.documents)),
			h('aside', {class: 'side'},
				h('h2', null, 'Also written'), aliases,
				session.edits ? editTools(e) : null,
				h('h2', null, 'Documents'),
				h('ol', {class: 'plain docs'}, e.top_documents.map(d => h('li', null,
					link(docHref(d.id), d.title || baseName(d.path)), ' ',
					h('span', {class: 'muted'}, fmtDate(d.date).slice(0, 10), ' ', `(${d.mentions})`)))))));
}

/* Documents by month: a bar per month with documents, then the list. */
function timeline(docs) {
	const dated = docs.filter(d => d.date && !d.date_suspect);
	const undated = docs.length - dated.length;
	if (!dated.length) return h('p', {class: 'muted'}, 'No dated documents.');
	const months = new Map();
	for (const d of dated) {
		const m = String(d.date).slice(0, 7);
		months.set(m, (months.get(m) || 0) + 1);
	}
	const max = Math.max(...months.values());
	const bars = h('div', {class: 'tl-bars', role: 'img', 'aria-label': 'documents per month'},
		[...months.entries()].map(([m, n]) => h('div', {class: 'tl-bar', title: `${m}: ${n}`},
			h('div', {class: 'tl-fill', style: `height:${Math.round(8 + 72 * n / max)}px`}),
			h('div', {class: 'tl-label'}, m))));
	return h('div', {class: 'timeline', id: 'timeline'}, bars,
		h('ol', {class: 'plain tl-list'}, dated.map(d => h('li', null, h('span', {class: 'tl-date'}, fmtDate(d.date).slice(0, 10)), ' ',
			link(docHref(d.id), d.title || baseName(d.path))))),
		undated ? h('p', {class: 'muted'}, `and ${undated} undated document${undated === 1 ? '' : 's'}`) : null);
}

function editTools(e) {
	const status = h('p', {class: 'edit-status', role: 'status'});
	const run = async (kind, a, b) => {
		status.textContent = 'Working…';
		try {
			const r = await post(kind, a, b);
			status.textContent = `${kind}: done (decision ${r.decision}; 'weft decisions --undo ${r.decision}' takes it back)`;
			const next = r.entity ? entityHref(r.entity) : '#/entities';
			if (location.hash === next) route(); // same id, new content
			else location.hash = next;
		} catch (err) {
			status.textContent = err.message;
		}
	};
	const input = (id, label) => [h('label', {for: id}, label), h('input', {id, type: 'text'})];
	const val = id => document.getElementById(id).value.trim();
	return h('section', {class: 'edit'}, h('h2', null, 'Correct'),
		h('form', {onsubmit: ev => { ev.preventDefault(); if (val('ed-rename')) run('rename', String(e.id), val('ed-rename')); }},
			input('ed-rename', 'Rename to'), h('button', null, 'Rename')),
		h('form', {onsubmit: ev => { ev.preventDefault(); if (val('ed-merge')) run('merge', String(e.id), val('ed-merge')); }},
			input('ed-merge', 'Same as (id or name)'), h('button', null, 'Merge')),
		h('form', {onsubmit: ev => { ev.preventDefault(); const a = document.getElementById('ed-split').value; if (a) run('split', String(e.id), a); }},
			h('label', {for: 'ed-split'}, 'Someone else'),
			h('select', {id: 'ed-split'}, (e.aliases || []).map(a => h('option', {value: a}, a))),
			h('button', null, 'Split')),
		h('form', {onsubmit: ev => { ev.preventDefault(); if (confirm('Drop this entity? It is not a name.')) run('drop', String(e.id)); }},
			h('button', null, 'Not a name: drop')),
		status);
}

/* ---- the network ------------------------------------------------------------ */

const netState = {colorBy: 'type', minWeight: 0.5, hidden: new Set(), expanded: new Set()};

function nodeColor(d) {
	if (netState.colorBy === 'community')
		return d.community === null || d.community === undefined ? '#999' : COMMUNITY_COLORS[d.community % COMMUNITY_COLORS.length];
	return TYPE_COLORS[d.type] || '#777';
}

function nodeElement(n, center) {
	return {group: 'nodes', data: {id: String(n.id), eid: n.id, label: n.name, type: n.type, community: n.community,
		pagerank: n.pagerank || 0, mentions: n.mentions, center: center ? 1 : 0}};
}

function edgeElement(e) {
	const typed = e.kinds.filter(k => k !== 'co-occurs' && k !== 'same document');
	return {group: 'edges', data: {id: 'e' + e.id, source: String(e.source), target: String(e.target),
		kind: typed.length ? typed.join(', ') : e.kinds[0], weight: e.weight, docs: e.docs, typed: typed.length ? 1 : 0}};
}

/* Node sizes from PageRank, relative to what is on screen. */
function restyle(cy) {
	const prs = cy.nodes().map(n => n.data('pagerank'));
	const lo = Math.min(...prs), hi = Math.max(...prs);
	cy.batch(() => {
		cy.nodes().forEach(n => {
			const t = hi > lo ? (n.data('pagerank') - lo) / (hi - lo) : 0.5;
			n.data('size', Math.round(14 + 34 * Math.sqrt(t)));
			n.data('color', nodeColor(n.data()));
		});
		cy.edges().forEach(e => e.data('w', Math.min(10, 1 + Math.log2(1 + e.data('weight')) * 2)));
	});
	applyFilters(cy);
}

function applyFilters(cy) {
	cy.batch(() => {
		cy.nodes().forEach(n => {
			const hide = !n.data('center') && netState.hidden.has(n.data('type'));
			n.style('display', hide ? 'none' : 'element');
		});
		cy.edges().forEach(e => e.style('display', e.data('weight') >= netState.minWeight ? 'element' : 'none'));
	});
}

/* Rings around the centre: each node on the ring of its distance from it
 * (expanding a node puts its new neighbours one ring further out), the
 * most central (PageRank) first on each ring.  The same every time. */
function ringLayout() {
	let dist = null, far = 1;
	const level = n => {
		if (!dist) {
			dist = new Map();
			const center = n.cy().nodes('[center = 1]');
			if (center.nonempty())
				n.cy().elements().bfs({roots: center, visit: (v, e, u, i, depth) => { dist.set(v.id(), depth); }});
			far = Math.max(0, ...dist.values()) + 1;
		}
		return dist.has(n.id()) ? dist.get(n.id()) : far;
	};
	return {name: 'concentric', animate: false, fit: true, padding: 30, minNodeSpacing: 12, avoidOverlap: true,
		startAngle: -Math.PI / 2, concentric: n => 1000 * (10 - level(n)) + Math.min(1, n.data('pagerank')) * 100, levelWidth: () => 500};
}

function runLayout(cy) {
	cy.layout(ringLayout()).run();
}

/* cytoscape (443 KB) is loaded for the network view only, so that the
 * search page paints without waiting for it; false when it is not built in. */
let cyLoading = null;
function loadCytoscape() {
	if (typeof window.cytoscape === 'function') return Promise.resolve(true);
	if (!cyLoading) cyLoading = new Promise(resolve => {
		const s = document.createElement('script');
		s.src = 'vendor/cytoscape.min.js';
		s.onload = () => resolve(typeof window.cytoscape === 'function');
		s.onerror = () => { cyLoading = null; s.remove(); resolve(false); };
		document.head.append(s);
	});
	return cyLoading;
}

async function pageNetwork(seq, ref, params) {
	const depth = params.get('depth') === '2' ? 2 : 1;
	const [g] = await Promise.all([
		api('graph?center=' + encodeURIComponent(ref) + '&depth=' + depth + '&limit=' + (depth === 2 ? 80 : 40)),
		loadCytoscape()]);
	if (stale(seq)) return;
	const center = g.nodes.find(n => n.id === g.center) || {name: String(ref)};
	document.title = 'weft: network of ' + center.name;
	const info = h('div', {id: 'node-info', class: 'node-info'},
		h('p', {class: 'muted'}, 'Click a node to expand its links. Shift+click a second node to see the path between the two, with the sentences that show each step.'));
	const pathBox = h('div', {id: 'path', class: 'path-panel', 'aria-live': 'polite'});
	const fromSel = h('select', {id: 'path-from', 'aria-label': 'path from'});
	const toSel = h('select', {id: 'path-to', 'aria-label': 'path to'});
	const controls = h('form', {class: 'net-controls', onsubmit: ev => ev.preventDefault()},
		h('label', null, 'colour by ', h('select', {id: 'color-by', onchange: ev => {
			netState.colorBy = ev.target.value;
			if (window.cy) restyle(window.cy);
		}}, h('option', {value: 'type', selected: netState.colorBy === 'type'}, 'type'),
		h('option', {value: 'community', selected: netState.colorBy === 'community'}, 'community'))),
		h('label', null, 'min weight ', h('input', {id: 'min-weight', type: 'number', min: 0, step: 0.25, value: netState.minWeight,
			onchange: ev => {
				netState.minWeight = Number(ev.target.value) || 0;
				if (window.cy) applyFilters(window.cy);
			}})),
		TYPES.map(t => h('label', {class: 'chk'}, h('input', {type: 'checkbox', checked: !netState.hidden.has(t), 'data-type': t,
			onchange: ev => {
				if (ev.target.checked) netState.hidden.delete(t); else netState.hidden.add(t);
				if (window.cy) applyFilters(window.cy);
			}}), ' ', typeBadge(t))),
		h('label', null, 'depth ', h('select', {id: 'depth', onchange: ev => {
			location.hash = networkHref(g.center) + (ev.target.value === '2' ? '?depth=2' : '');
		}}, h('option', {value: '1', selected: depth === 1}, '1'), h('option', {value: '2', selected: depth === 2}, '2'))));
	const pathForm = h('form', {class: 'path-form', onsubmit: ev => {
		ev.preventDefault();
		if (fromSel.value && toSel.value) showPath(fromSel.value, toSel.value, pathBox);
	}}, h('label', {for: 'path-from'}, 'Path from '), fromSel, h('label', {for: 'path-to'}, ' to '), toSel, ' ',
	h('button', {type: 'submit'}, 'Show path'));
	const canvas = h('div', {id: 'graph', class: 'cy', role: 'img', 'aria-label': 'network of ' + center.name});
	show(h('div', {class: 'net-head'}, h('h1', null, 'Network of ', link(entityHref(g.center), center.name)),
		h('p', {class: 'muted'}, `${g.nodes.length} entities, ${g.edges.length} links`)),
	controls,
	h('div', {class: 'net-wrap'}, canvas, h('aside', {class: 'side net-side'}, info, pathForm, pathBox)));
	const fillSelects = () => {
		const opts = nodes => nodes.sort((a, b) => a.label.localeCompare(b.label)).map(n => h('option', {value: n.eid}, n.label));
		const list = window.cy ? window.cy.nodes().map(n => n.data()) : g.nodes.map(n => ({eid: n.id, label: n.name}));
		const keepF = fromSel.value || String(g.center), keepT = toSel.value;
		fromSel.replaceChildren(...opts(list.slice()));
		toSel.replaceChildren(...opts(list.slice()));
		fromSel.value = keepF;
		if (keepT) toSel.value = keepT;
	};

	if (typeof window.cytoscape !== 'function') {
		canvas.classList.add('no-graph');
		canvas.append(h('p', {class: 'error'}, 'The graph view is not built into this weft: in its source folder run ',
			h('code', null, 'npm ci'), ', then ', h('code', null, 'make'), '. Meanwhile, the neighbours:'),
		h('ul', {class: 'plain'}, g.nodes.filter(n => n.id !== g.center).map(n =>
			h('li', null, typeBadge(n.type), ' ', link(entityHref(n.id), n.name)))));
		fillSelects();
		return;
	}
	netState.expanded = new Set([g.center]);
	const cy = window.cytoscape({
		container: canvas,
		elements: [...g.nodes.map(n => nodeElement(n, n.id === g.center)), ...g.edges.map(edgeElement)],
		boxSelectionEnabled: false,
		minZoom: 0.2,
		maxZoom: 3,
		style: [
			{selector: 'node', style: {'background-color': 'data(color)', width: 'data(size)', height: 'data(size)',
				label: 'data(label)', 'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 3, color: '#222',
				'text-outline-color': '#fff', 'text-outline-width': 2, 'min-zoomed-font-size': 6}},
			{selector: 'node[center = 1]', style: {'border-width': 3, 'border-color': '#111'}},
			{selector: 'node:selected', style: {'border-width': 4, 'border-color': '#f1c40f'}},
			{selector: 'edge', style: {width: 'data(w)', 'line-color': '#b9c2cc', 'curve-style': 'bezier', opacity: 0.75}},
			{selector: 'edge[kind = "same document"]', style: {'line-style': 'dashed', opacity: 0.45}},
			{selector: 'edge[typed = 1]', style: {'line-color': '#555', label: 'data(kind)', 'font-size': 9, 'text-rotation': 'autorotate',
				'text-background-color': '#fff', 'text-background-opacity': 0.8}},
			{selector: '.faded', style: {opacity: 0.12}},
			{selector: 'node.path', style: {'border-color': '#e67e22', 'border-width': 5}},
			{selector: 'edge.path', style: {'line-color': '#e67e22', width: 5, opacity: 1, 'z-index': 10}},
		],
		layout: ringLayout(),
	});
	window.cy = cy;
	restyle(cy);
	fillSelects();

	cy.on('tap', evt => {
		if (evt.target === cy) cy.elements().removeClass('path faded');   // a click on the background
	});
	cy.on('tap', 'node', async evt => {
		const node = evt.target;
		const oe = evt.originalEvent || {};
		showNode(node, info);
		if (oe.shiftKey || oe.ctrlKey || oe.metaKey) return;
		const id = node.data('eid');
		if (netState.expanded.has(id)) return;
		netState.expanded.add(id);
		try {
			const more = await api('graph?center=' + id + '&depth=1&limit=15');
			if (window.cy !== cy) return;
			const pos = node.position();
			const added = cy.add([
				...more.nodes.filter(n => cy.getElementById(String(n.id)).empty()).map((n, i, all) => Object.assign(nodeElement(n, false),
					{position: {x: pos.x + 80 * Math.cos(2 * Math.PI * i / all.length), y: pos.y + 80 * Math.sin(2 * Math.PI * i / all.length)}})),
			]);
			cy.add(more.edges.filter(e => cy.getElementById('e' + e.id).empty() &&
				!cy.getElementById(String(e.source)).empty() && !cy.getElementById(String(e.target)).empty()).map(edgeElement));
			if (added.length) {
				restyle(cy);
				runLayout(cy);
				fillSelects();
			}
		} catch (err) {
			info.append(errorBox(err));
		}
	});
	// the path runs from the first node selected to the second
	let order = [];
	cy.on('select', 'node', evt => {
		order = order.filter(id => id !== evt.target.id() && cy.getElementById(id).selected());
		order.push(evt.target.id());
		if (order.length === 2 && cy.$('node:selected').length === 2) {
			const [a, b] = order.map(id => cy.getElementById(id).data('eid'));
			fromSel.value = a;
			toSel.value = b;
			showPath(a, b, pathBox);
		}
	});
	cy.on('unselect', 'node', evt => { order = order.filter(id => id !== evt.target.id()); });
	const pathTo = params.get('path');
	if (pathTo) {
		toSel.value = pathTo;
		showPath(g.center, pathTo, pathBox);
	}
}

function showNode(node, info) {
	const d = node.data();
	info.replaceChildren(h('h2', null, typeBadge(d.type), ' ', d.label),
		h('p', null, `${d.mentions} mentions · PageRank ${Number(d.pagerank).toFixed(4)}`,
			d.community !== null && d.community !== undefined ? ` · community ${d.community}` : ''),
		h('p', null, link(entityHref(d.eid), 'Open the entity'), ' · ', link(networkHref(d.eid), 'Centre the network here')));
}

async function showPath(from, to, box) {
	box.replaceChildren(h('p', {class: 'loading'}, 'Finding the path…'));
	let res;
	try {
		res = await api('path?from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(to) + '&evidence=2');
	} catch (err) {
		box.replaceChildren(errorBox(err));
		return;
	}
	const cy = window.cy;
	if (cy) cy.elements().removeClass('path faded');
	if (!res.hops.length) {
		box.replaceChildren(h('p', {class: 'muted'}, String(from) === String(to) ? 'That is the same entity.'
			: `No chain of links connects ${res.from.name} and ${res.to.name}.`));
		return;
	}
	// the chain's entities: the first hop's source, then every target
	const hops = [{id: res.hops[0].source_id, name: res.hops[0].source, type: res.hops[0].source_type},
		...res.hops.map(l => ({id: l.target_id, name: l.target, type: l.target_type, link: l}))];
	const steps = [h('li', {class: 'hop'}, typeBadge(hops[0].type), ' ', link(entityHref(hops[0].id), hops[0].name))];
	for (let i = 1; i < hops.length; i++) {
		const hp = hops[i], l = hp.link;
		steps.push(h('li', {class: 'step'},
			h('div', {class: 'kind'}, '↓ ', kindsText(l), ' ',
				h('span', {class: 'muted'}, `(${l.docs} doc${l.docs === 1 ? '' : 's'})`)),
			evidenceList(l.evidence)));
		steps.push(h('li', {class: 'hop'}, typeBadge(hp.type), ' ', link(entityHref(hp.id), hp.name)));
	}
	box.replaceChildren(h('h2', null, 'Path: ', res.from.name, ' → ', res.to.name),
		h('ol', {class: 'plain path-steps'}, steps));
	if (cy) {
		// draw the chain on the map, adding what is not there yet
		let added = false;
		for (let i = 0; i < hops.length; i++) {
			let n = cy.getElementById(String(hops[i].id));
			if (n.empty()) {
				n = cy.add(nodeElement({id: hops[i].id, name: hops[i].name, type: hops[i].type, pagerank: 0, mentions: 0}, false));
				added = true;
			}
			n.addClass('path');
			if (i > 0) {
				let e = cy.getElementById(String(hops[i - 1].id)).edgesWith(cy.getElementById(String(hops[i].id)));
				if (e.empty()) {
					const l = hops[i].link;
					e = cy.add(edgeElement({id: l.edge, source: hops[i - 1].id, target: hops[i].id, kinds: l.kinds,
						weight: l.weight, docs: l.docs}));
					added = true;
				}
				e.addClass('path');
			}
		}
		if (added) {
			restyle(cy);
			runLayout(cy);
		}
		cy.elements().not('.path').addClass('faded');
	}
}

/* ---- start ------------------------------------------------------------------ */

document.getElementById('search-form').addEventListener('submit', ev => {
	ev.preventDefault();
	const q = document.getElementById('q').value.trim();
	if (!q) return;
	const target = searchHref(q);
	if (location.hash === target) route();
	else location.hash = target;
});

window.addEventListener('hashchange', route);

(async () => {
	try {
		session = await api('session');
		document.getElementById('case-name').textContent = session.case || '';
	} catch (err) {
		show(errorBox(err));
		return;
	}
	await route();
	document.getElementById('q').focus();
})();
