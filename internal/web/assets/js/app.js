// The reviewers' pages: a hash router over page modules, and sign-in when the server wants a
// token. Everything is read and written through /graphql.

import { gql, setToken, token, ApiError } from './api.js';
import { h, clear } from './dom.js';
import * as studies from './pages/studies.js';
import * as study from './pages/study.js';
import * as theory from './pages/theory.js';
import * as compare from './pages/compare.js';
import * as suggestions from './pages/suggestions.js';
import * as evidence from './pages/evidence.js';
import * as dashboard from './pages/dashboard.js';
import * as search from './pages/search.js';
import * as edit from './pages/edit.js';

// routes: the first path segment after #/ picks the page; the rest is its id.
const routes = {
  '': studies, studies, study, theory, compare, suggestions, evidence, dashboard, search, edit,
};

const main = document.getElementById('main');
const who = document.getElementById('who');
const ctx = { gql, viewer: null, canEdit: false, go };

function go(hash) {
  document.documentElement.dataset.state = 'loading'; // at once, not at the hashchange event
  if (location.hash === hash) render();
  else location.hash = hash;
}

// parse turns "#/edit/cmoc/x.y?z=1" into {page: 'edit', rest: ['cmoc', 'x.y'], query}.
function parse() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const parts = path.split('/').map(decodeURIComponent);
  return { page: parts[0] || '', rest: parts.slice(1), query: new URLSearchParams(qs || '') };
}

async function loadViewer() {
  try {
    const data = await gql('query Viewer { viewer { actor role via } }');
    ctx.viewer = data.viewer;
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'UNAUTHENTICATED') throw e;
    // a refused token is forgotten: the reader is asked for another, and told why
    ctx.viewer = { role: null, actor: '', via: 'ANONYMOUS', error: token() ? e.message : '' };
    setToken('');
  }
  ctx.canEdit = ctx.viewer.role === 'EDITOR' || ctx.viewer.role === 'ADMIN';
  showWho();
}

function showWho() {
  clear(who);
  const v = ctx.viewer;
  if (!v) return;
  if (v.via === 'ANONYMOUS' && v.role === 'ADMIN') {
    who.append(h('span', { class: 'badge' }, 'open server: you may edit'));
    return;
  }
  if (token()) {
    who.append(h('span', null, `${v.actor || 'signed in'} · ${(v.role || 'no role').toLowerCase()}`), ' ',
      h('button', { type: 'button', class: 'link', onclick: () => { setToken(''); start(); } }, 'Sign out'));
  } else if (v.role) {
    who.append(h('span', null, `reading as guest · ${v.role.toLowerCase()}`), ' ',
      h('button', { type: 'button', class: 'link', onclick: () => signIn() }, 'Sign in to edit'));
  }
}

// signIn asks for a token; it is kept in sessionStorage, for this tab only.
function signIn(message) {
  clear(main);
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const err = h('p', { class: 'field-error', id: 'token-error', role: 'alert', hidden: !message }, message || '');
  input.setAttribute('aria-describedby', 'token-error token-hint');
  const form = h('form', { class: 'card signin', onsubmit: async (ev) => {
    ev.preventDefault();
    setToken(input.value.trim());
    await start();
  } },
  h('h1', { tabindex: '-1' }, 'Sign in'),
  h('p', { id: 'token-hint' }, 'This server needs an API token (ask its admin, who creates one with “cmograph token create”). It is kept for this browser tab only and sent as Authorization: Bearer.'),
  h('div', { class: 'field' }, h('label', { for: 'token' }, 'API token'), input, err),
  h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  main.append(form);
  document.title = 'Sign in · cmograph';
  input.focus();
  ready('signin');
}

// ready marks the page drawn (html[data-state=ready][data-page=…]), for tests and for anyone
// scripting the pages.
function ready(page) {
  document.documentElement.dataset.page = page;
  document.documentElement.dataset.state = 'ready';
}

let renderSeq = 0;

async function render() {
  const seq = ++renderSeq;
  document.documentElement.dataset.state = 'loading';
  const v = ctx.viewer;
  if (!v || !v.role) {
    signIn(v?.error ? `That token was refused: ${v.error}` : '');
    return;
  }
  const { page, rest, query } = parse();
  const mod = routes[page];
  clear(main);
  main.append(h('p', { class: 'loading', role: 'status' }, 'Loading…'));
  markNav(page);
  let node;
  try {
    node = mod ? await mod.render(ctx, rest, query) : notFound();
  } catch (e) {
    node = h('div', { class: 'card error', role: 'alert' }, h('h1', { tabindex: '-1' }, 'Something went wrong'), h('p', null, e.message));
    if (!(e instanceof ApiError)) console.warn(e); // a page bug: keep the stack for whoever looks
  }
  if (seq !== renderSeq) return; // the reader moved on while this page loaded
  clear(main);
  main.append(node);
  const h1 = main.querySelector('h1');
  document.title = `${h1 ? h1.textContent : 'cmograph'} · cmograph`;
  // after a navigation, move focus to the new page's heading so keyboard and screen-reader
  // users land on it; the first load leaves focus where the browser put it
  if (h1 && rendered) {
    h1.setAttribute('tabindex', '-1');
    h1.focus({ preventScroll: true });
  }
  rendered = true;
  ready(mod ? page || 'studies' : 'not-found');
}
let rendered = false;

function markNav(page) {
  for (const a of document.querySelectorAll('header nav a[href^="#"]')) {
    const target = a.getAttribute('href').replace(/^#\/?/, '').split(/[/?]/)[0];
    const current = target === page || (target === '' && (page === 'study' || page === 'theory' || page === 'studies'));
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function notFound() {
  return h('div', { class: 'card' }, h('h1', null, 'No such page'), h('p', null, h('a', { href: '#/' }, 'Back to the studies')));
}

async function start() {
  try {
    await loadViewer();
  } catch (e) {
    clear(main);
    main.append(h('div', { class: 'card error', role: 'alert' }, h('h1', null, 'The API does not answer'), h('p', null, e.message)));
    ready('error');
    return;
  }
  await render();
}

window.addEventListener('hashchange', render);
window.addEventListener('cmograph:unauthenticated', (ev) => {
  if (ctx.viewer?.role && token()) { setToken(''); ctx.viewer = { role: null, error: ev.detail }; showWho(); signIn(`Your token was refused: ${ev.detail}`); }
});
start();
