// Evidence for an outcome, mechanism, context or construct: the CMOCs of every study that
// involve it (or what is aligned with it), grouped by study, with quotes, informants and
// population.
import { h, label, highlight, words, quoteItem } from '../dom.js';

const REPORT = `query Evidence($id: ID!, $aligned: Boolean) {
  evidence(id: $id, includeAligned: $aligned) {
    target { id ... on Element { __typename name description study { id title } } ... on Construct { __typename name description theory { name } } }
    matched { id name study { id } }
    cmocCount quoteCount
    studies {
      study { id title year }
      population informants
      cmocs {
        cmoc { id code label statement programmeTheory { id name } }
        via { id name }
        supporting { quote { id text participant informantRole } }
        refuting { quote { id text participant informantRole } }
        refining { quote { id text participant informantRole } }
      }
    }
  }
}`;

export async function render(ctx, [id], query) {
  const q = query.get('q') || '';
  const input = h('input', { id: 'ev-q', type: 'search', name: 'q', value: q, placeholder: 'hope, trust, engagement…' });
  const form = h('form', { class: 'filters', role: 'search', onsubmit: (ev) => { ev.preventDefault(); ctx.go(`#/evidence?q=${encodeURIComponent(input.value)}`); } },
    h('div', { class: 'field wide' }, h('label', { for: 'ev-q' }, 'Find an outcome, mechanism, context or construct'), input),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Find')));
  if (!id) {
    const out = [h('h1', null, 'Evidence'), form];
    if (q) {
      const { search } = await ctx.gql(`query FindEvidenceTarget($q: String!) { search(text: $q, kinds: [OUTCOME, MECHANISM, CONTEXT, CONSTRUCT], first: 30) {
        kind snippet node { id ... on Element { name study { title year } } ... on Construct { name theory { name } } } } }`, { q });
      out.push(search.length ? h('ul', { class: 'results' }, search.map((r) => h('li', null, h('span', { class: 'kind' }, r.kind), ' ',
        h('a', { href: `#/evidence/${encodeURIComponent(r.node.id)}` }, highlight(r.node.name, words(q))),
        h('span', { class: 'meta' }, r.node.study ? ` · ${r.node.study.title.slice(0, 70)} (${r.node.study.year ?? 'n.d.'})` : ` · ${r.node.theory.name}`)))) : h('p', null, 'Nothing matches.'));
    } else {
      const { constructs } = await ctx.gql(`query Constructs { constructs(first: 100) { nodes { id name theory { name } instances { id } } } }`);
      out.push(h('h2', null, 'Constructs'), h('ul', { class: 'plain' }, constructs.nodes.map((c) => h('li', null,
        h('a', { href: `#/evidence/${encodeURIComponent(c.id)}` }, c.name), ` (${c.theory.name}; ${c.instances.length} element${c.instances.length === 1 ? '' : 's'})`))));
    }
    return h('div', null, out);
  }
  const aligned = query.get('aligned') !== 'false';
  const { evidence: r } = await ctx.gql(REPORT, { id, aligned });
  const t = r.target;
  const toggle = h('a', { href: `#/evidence/${encodeURIComponent(id)}?aligned=${!aligned}` }, aligned ? 'Show this element only' : 'Include aligned elements');
  return h('div', null,
    form,
    h('p', { class: 'kind' }, t.__typename),
    h('h1', null, t.name),
    t.description ? h('p', null, t.description) : null,
    h('p', { class: 'meta' }, `${r.cmocCount} CMOC${r.cmocCount === 1 ? '' : 's'} and ${r.quoteCount} quote${r.quoteCount === 1 ? '' : 's'} in ${r.studies.length} stud${r.studies.length === 1 ? 'y' : 'ies'}`,
      t.study ? [' · from ', h('a', { href: `#/study/${encodeURIComponent(t.study.id)}` }, t.study.title)] : null, ' · ', t.__typename !== 'Construct' ? toggle : null),
    r.matched.length > 1 ? h('p', { class: 'meta' }, 'Stands for: ', r.matched.map((m) => m.name).join('; ')) : null,
    r.studies.map((se) => h('section', { class: 'card', 'aria-labelledby': `ev-${se.study.id}` },
      h('h2', { id: `ev-${se.study.id}` }, h('a', { href: `#/study/${encodeURIComponent(se.study.id)}` }, se.study.title), ` (${se.study.year ?? 'n.d.'})`),
      h('p', { class: 'tags' }, h('span', { class: 'tag' }, h('span', { class: 'tag-name' }, 'Population: '), label(se.population)),
        h('span', { class: 'tag' }, h('span', { class: 'tag-name' }, 'Informants quoted: '), se.informants.map(label).join(', ') || 'none')),
      se.cmocs.map((ce) => h('div', { class: 'ev-cmoc' },
        h('h3', null, ce.cmoc.code, ce.cmoc.label ? `: ${ce.cmoc.label}` : ''),
        h('p', null, ce.cmoc.statement),
        h('p', { class: 'meta' }, 'Through: ', ce.via.map((v) => v.name).join('; ')),
        quotes('Supporting', ce.supporting), quotes('Refuting', ce.refuting), quotes('Refining', ce.refining))))));
}

function quotes(title, list) {
  if (!list.length) return null;
  return [h('h4', null, title), h('ul', { class: 'quotes' }, list.map((ev) => quoteItem(ev)))];
}
