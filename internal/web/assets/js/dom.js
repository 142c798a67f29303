// Small DOM helpers: pages build nodes, never HTML strings, so text from the API is never
// parsed as markup.

const SVGNS = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// h('a', {href: '#/'}, 'text', child…) builds an HTML element.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

// s('rect', {...}) builds an SVG element.
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  apply(el, attrs);
  append(el, children);
  return el;
}

// label('YOUNG_PEOPLE') is "Young people".
export function label(v) {
  if (v === null || v === undefined || v === '') return 'not stated';
  const t = String(v).toLowerCase().replaceAll('_', ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

// citation writes a study as a reference list would.
export function citation(st) {
  const authors = (st.authors || []).join(', ');
  const parts = [];
  if (authors) parts.push(authors);
  if (st.year) parts.push(`(${st.year}).`);
  parts.push(st.title.endsWith('.') ? st.title : st.title + '.');
  let where = st.journal || '';
  if (st.volume) where += ` ${st.volume}`;
  if (st.issue) where += `(${st.issue})`;
  if (st.pages) where += `:${st.pages}`;
  if (where) parts.push(where.trim() + '.');
  if (st.doi) parts.push(`doi:${st.doi}`);
  return parts.join(' ');
}

// words splits a query into the terms to highlight.
export function words(q) {
  return [...new Set((q || '').toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) || [])];
}

// highlight marks every occurrence of the terms (and words starting with them, as search
// matches by stem) in text.
export function highlight(text, terms) {
  if (!terms.length) return [text];
  const esc = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`(${esc.join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const out = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(h('mark', null, m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

// naturalCompare orders "CMOC 2" before "CMOC 10".
export function naturalCompare(a, b) {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' });
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
}

// field wraps a control with its label and the place its error is shown.
export function field(id, text, control, hint) {
  control.id = id;
  const err = h('p', { class: 'field-error', id: id + '-error', role: 'alert', hidden: true });
  control.setAttribute('aria-describedby', id + '-error' + (hint ? ` ${id}-hint` : ''));
  return h('div', { class: 'field', dataset: { field: id } },
    h('label', { for: id }, text),
    hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null,
    control, err);
}

export function select(options, value, attrs) {
  return h('select', attrs, options.map(([v, t]) => h('option', { value: v, selected: v === value }, t)));
}

export function enumOptions(values, blank) {
  const opts = values.map((v) => [v, label(v)]);
  return blank === undefined ? opts : [['', blank], ...opts];
}

// quoteItem shows one piece of evidence as the CMOC tables print it: the words, then who said
// them (participant id, role) and the stance when it is not support; extra nodes follow.
export function quoteItem(ev, ...extra) {
  const q = ev.quote;
  const who = [q.participant || 'unnamed', q.informantRole ? label(q.informantRole) : null, ev.stance && ev.stance !== 'SUPPORTS' ? label(ev.stance) : null];
  return h('li', { class: ev.stance ? `stance-${ev.stance.toLowerCase()}` : null }, h('blockquote', null, `“${q.text}”`),
    h('span', { class: 'who' }, who.filter(Boolean).join(' · ')), extra);
}
