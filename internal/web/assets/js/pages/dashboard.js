// The dashboard: CMOC counts as charts, the element × study matrix as a heat map, the gaps as
// lists. The same questions any dashboard author can ask of /graphql.
import { h, label, select, enumOptions } from '../dom.js';
import { bars, heat } from '../charts.js';

const DIMS = [['OUTCOME', 'CMOCs by outcome'], ['MECHANISM', 'CMOCs by mechanism'], ['ACTOR', 'CMOCs by actor'], ['POPULATION', 'CMOCs by population'], ['INFORMANT', 'CMOCs by informant']];
const CMOC = `id code label study { id title year }`;

export async function render(ctx, rest, query) {
  const kind = query.get('kind') || 'OUTCOME';
  const chosen = (query.get('studies') || '').split(',').filter(Boolean);
  const studyIds = chosen.length ? chosen : null;
  const counts = DIMS.map(([d]) => `${d.toLowerCase()}: cmocCounts(by: ${d}, studyIds: $studyIds, first: 50) { key label count studyCount }`).join('\n');
  const data = await ctx.gql(`query Dashboard($kind: ElementKind!, $studyIds: [ID!]) {
    studies(first: 200, sort: [{field: YEAR}, {field: TITLE}]) { nodes { id title year } }
    ${counts}
    elementMatrix(kind: $kind, studyIds: $studyIds, first: 25) { studies { id title year } rows { cluster { key label } counts total studyCount } }
    gaps(studyIds: $studyIds, first: 50) {
      cmocsWithoutQuoteCount staffOnlyCmocsCount unlinkedElementsCount
      cmocsWithoutQuote { ${CMOC} } staffOnlyCmocs { ${CMOC} }
      unlinkedElements { id name __typename study { id title year } }
      cmocsWithoutContext { count cmocs { ${CMOC} } }
      cmocsWithoutMechanism { count cmocs { ${CMOC} } }
      cmocsWithoutOutcome { count cmocs { ${CMOC} } }
    }
  }`, { kind, studyIds });
  const link = (k, ids) => `#/dashboard?kind=${k}${ids.length ? '&studies=' + ids.map(encodeURIComponent).join(',') : ''}`;
  const ks = select(enumOptions(['CONTEXT', 'MECHANISM', 'OUTCOME']), kind, { id: 'hm-kind', onchange: (ev) => ctx.go(link(ev.target.value, chosen)) });
  const boxes = data.studies.nodes.map((st) => h('input', { type: 'checkbox', value: st.id, checked: chosen.includes(st.id) }));
  const picker = h('form', { class: 'filters', onsubmit: (ev) => { ev.preventDefault(); ctx.go(link(kind, boxes.filter((b) => b.checked).map((b) => b.value))); } },
    h('fieldset', { class: 'checks' }, h('legend', null, 'Studies (none ticked: all)'),
      data.studies.nodes.map((st, i) => h('label', null, boxes[i], ` ${st.title.length > 48 ? st.title.slice(0, 47) + '…' : st.title} (${st.year ?? 'n.d.'})`))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Apply')));
  const g = data.gaps;
  return h('div', null,
    h('h1', null, 'Dashboard'),
    picker,
    h('section', { 'aria-labelledby': 'd-counts' }, h('h2', { id: 'd-counts' }, 'CMOC counts'),
      h('div', { class: 'charts' }, DIMS.map(([d, title]) => bars(title, data[d.toLowerCase()].map((b) => ({
        label: ['ACTOR', 'POPULATION', 'INFORMANT'].includes(d) ? label(b.key === 'NOT_STATED' ? '' : b.label || b.key) : b.label,
        count: b.count, sub: `${b.studyCount} stud${b.studyCount === 1 ? 'y' : 'ies'}`,
    })))))),
    h('section', { 'aria-labelledby': 'd-matrix' }, h('h2', { id: 'd-matrix' }, 'Which studies report which elements'),
      h('div', { class: 'filters' }, h('div', { class: 'field' }, h('label', { for: 'hm-kind' }, 'Elements'), ks)),
      heat(data.elementMatrix, `${label(kind)}s × studies: CMOCs of each study that use the element (aligned elements count as one)`)),
    h('section', { 'aria-labelledby': 'd-gaps' }, h('h2', { id: 'd-gaps' }, 'Gaps'),
      h('div', { class: 'gaps' },
        gapList('CMOCs without a quote', g.cmocsWithoutQuoteCount, g.cmocsWithoutQuote),
        gapList('CMOCs with staff voices only', g.staffOnlyCmocsCount, g.staffOnlyCmocs),
        gapList('CMOCs with no context', g.cmocsWithoutContext.count, g.cmocsWithoutContext.cmocs),
        gapList('CMOCs with no mechanism', g.cmocsWithoutMechanism.count, g.cmocsWithoutMechanism.cmocs),
        gapList('CMOCs with no outcome', g.cmocsWithoutOutcome.count, g.cmocsWithoutOutcome.cmocs),
        h('div', { class: 'card' }, h('h3', null, `Elements with no alignment and no construct (${g.unlinkedElementsCount})`),
          g.unlinkedElements.length ? h('ul', { class: 'plain scroll' }, g.unlinkedElements.map((e) => h('li', null,
            h('a', { href: `#/evidence/${encodeURIComponent(e.id)}` }, e.name), h('span', { class: 'meta' }, ` · ${e.__typename} · ${studyName(e.study)}`)))) : h('p', { class: 'none' }, 'None.')))));
}

function studyName(st) {
  return `${st.title.length > 40 ? st.title.slice(0, 39) + '…' : st.title} (${st.year ?? 'n.d.'})`;
}

function gapList(title, count, cmocs) {
  return h('div', { class: 'card' }, h('h3', null, `${title} (${count})`),
    cmocs.length ? h('ul', { class: 'plain scroll' }, cmocs.map((c) => h('li', null,
      h('a', { href: `#/study/${encodeURIComponent(c.study.id)}` }, c.code), c.label ? `: ${c.label}` : '', h('span', { class: 'meta' }, ` · ${studyName(c.study)}`)))) : h('p', { class: 'none' }, 'None.'));
}
