// Full-text search over studies, theories, CMOCs, elements and quotes, with the words found
// highlighted in each snippet.
import { h, highlight, words, select } from '../dom.js';

const KINDS = ['STUDY', 'PROGRAMME_THEORY', 'CMOC', 'CONTEXT', 'MECHANISM', 'OUTCOME', 'QUOTE', 'THEORY', 'CONSTRUCT', 'SETTING'];

export async function render(ctx, rest, query) {
  const q = query.get('q') || '';
  const kind = query.get('kind') || '';
  const input = h('input', { id: 's-q', type: 'search', name: 'q', value: q, placeholder: 'e.g. lived experience' });
  const ks = select([['', 'Everything'], ...KINDS.map((k) => [k, k.charAt(0) + k.slice(1).toLowerCase().replaceAll('_', ' ')])], kind, { id: 's-kind' });
  const out = [h('h1', null, 'Search'),
    h('form', { class: 'filters', role: 'search', onsubmit: (ev) => {
      ev.preventDefault();
      ctx.go(`#/search?q=${encodeURIComponent(input.value)}${ks.value ? '&kind=' + ks.value : ''}`);
    } },
    h('div', { class: 'field wide' }, h('label', { for: 's-q' }, 'Words to find'), input),
    h('div', { class: 'field' }, h('label', { for: 's-kind' }, 'In'), ks),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Search')))];
  if (!q.trim()) return h('div', null, out);
  const { search } = await ctx.gql(`query Search($q: String!, $kinds: [SearchKind!]) { search(text: $q, kinds: $kinds, first: 50) {
    kind score snippet
    node { id
      ... on Study { title }
      ... on ProgrammeTheory { name }
      ... on CMOC { code study { id } }
      ... on Element { name }
      ... on Quote { participant study { id } }
      ... on Construct { name }
      ... on Theory { name }
      ... on Setting { name study { id } }
    } } }`, { q, kinds: kind ? [kind] : null });
  const terms = words(q);
  out.push(h('p', { role: 'status', class: 'count' }, `${search.length} result${search.length === 1 ? '' : 's'}`),
    h('ol', { class: 'results' }, search.map((r) => h('li', { class: 'card' },
      h('p', { class: 'kind' }, r.kind),
      h('h2', null, link(r)),
      h('p', { class: 'snippet' }, highlight(r.snippet, terms))))));
  return h('div', null, out);
}

function link(r) {
  const n = r.node;
  const title = n.title || n.name || n.code || (n.participant ? `Quote of ${n.participant}` : 'Quote') || n.id;
  const at = {
    Study: `#/study/${encodeURIComponent(n.id)}`,
    ProgrammeTheory: `#/theory/${encodeURIComponent(n.id)}`,
    CMOC: n.study && `#/study/${encodeURIComponent(n.study.id)}`,
    Quote: n.study && `#/study/${encodeURIComponent(n.study.id)}`,
    Setting: n.study && `#/study/${encodeURIComponent(n.study.id)}`,
    Context: `#/evidence/${encodeURIComponent(n.id)}`,
    Mechanism: `#/evidence/${encodeURIComponent(n.id)}`,
    Outcome: `#/evidence/${encodeURIComponent(n.id)}`,
    Construct: `#/evidence/${encodeURIComponent(n.id)}`,
  }[r.kind];
  return at ? h('a', { href: at }, title) : title;
}
