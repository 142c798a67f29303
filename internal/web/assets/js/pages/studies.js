// Studies: a list filtered by population, framing, year and country, each with its citation.
import { h, label, citation, select, enumOptions } from '../dom.js';

const POPULATIONS = ['CHILDREN', 'YOUNG_PEOPLE', 'ADULTS', 'MIXED'];
const FRAMINGS = ['REALIST_EVALUATION', 'REALIST_REVIEW', 'GROUNDED_THEORY', 'THEMATIC_ANALYSIS', 'TRIAL', 'OTHER'];

const PAGE = 50;
const QUERY = `query Studies($where: StudyWhere, $after: String) {
  studies(where: $where, sort: [{field: YEAR}, {field: TITLE}], first: ${PAGE}, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id title authors year journal volume issue pages doi framing country population informants sampleSize
      programmeTheories { id name stage cmocs { id } }
    }
  }
}`;

export async function render(ctx, rest, query) {
  const f = {
    population: query.get('population') || '',
    framing: query.get('framing') || '',
    from: query.get('from') || '',
    to: query.get('to') || '',
    country: query.get('country') || '',
  };
  const where = {};
  if (f.population) where.population = { eq: f.population };
  if (f.framing) where.framing = { eq: f.framing };
  if (f.from || f.to) where.year = { ...(f.from ? { gte: Number(f.from) } : {}), ...(f.to ? { lte: Number(f.to) } : {}) };
  if (f.country) where.country = { contains: f.country };
  const data = await ctx.gql(QUERY, { where });

  const pop = select(enumOptions(POPULATIONS, 'Any'), f.population, { id: 'f-population', name: 'population' });
  const fr = select(enumOptions(FRAMINGS, 'Any'), f.framing, { id: 'f-framing', name: 'framing' });
  const from = h('input', { id: 'f-from', name: 'from', type: 'number', inputmode: 'numeric', min: 1900, max: 2100, value: f.from });
  const to = h('input', { id: 'f-to', name: 'to', type: 'number', inputmode: 'numeric', min: 1900, max: 2100, value: f.to });
  const country = h('input', { id: 'f-country', name: 'country', type: 'search', value: f.country });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter studies', onsubmit: (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams();
    for (const [k, el] of Object.entries({ population: pop, framing: fr, from, to, country })) if (el.value) q.set(k, el.value);
    ctx.go(`#/studies?${q}`);
  } },
  h('div', { class: 'field' }, h('label', { for: 'f-population' }, 'Population'), pop),
  h('div', { class: 'field' }, h('label', { for: 'f-framing' }, 'Framing'), fr),
  h('div', { class: 'field narrow' }, h('label', { for: 'f-from' }, 'Year from'), from),
  h('div', { class: 'field narrow' }, h('label', { for: 'f-to' }, 'Year to'), to),
  h('div', { class: 'field' }, h('label', { for: 'f-country' }, 'Country'), country),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Filter'), ' ',
    h('a', { href: '#/studies', class: 'button' }, 'Clear')));

  const item = (st) => h('li', { class: 'card study' },
    h('h2', null, h('a', { href: `#/study/${encodeURIComponent(st.id)}` }, st.title)),
    h('p', { class: 'citation' }, citation(st)),
    h('p', { class: 'tags' },
      tag('Framing', label(st.framing)), tag('Population', label(st.population)),
      tag('Country', st.country || 'not stated'), tag('Year', st.year ?? 'not stated'),
      st.informants.length ? tag('Informants', st.informants.map(label).join(', ')) : null),
    h('ul', { class: 'theories' }, st.programmeTheories.map((pt) => h('li', null,
      h('a', { href: `#/theory/${encodeURIComponent(pt.id)}` }, pt.name),
      ` · ${pt.stage ? label(pt.stage) : 'stage not stated'} · ${pt.cmocs.length} CMOC${pt.cmocs.length === 1 ? '' : 's'}`))));
  const list = h('ol', { class: 'studies' }, data.studies.nodes.map(item));
  // the next page, appended where the reader is
  let page = data.studies.pageInfo;
  const shown = h('span', null, `${data.studies.nodes.length}`);
  const more = h('button', { type: 'button', hidden: !page.hasNextPage, onclick: async () => {
    const next = await ctx.gql(QUERY, { where, after: page.endCursor });
    const first = item(next.studies.nodes[0]);
    list.append(first, ...next.studies.nodes.slice(1).map(item));
    page = next.studies.pageInfo;
    more.hidden = !page.hasNextPage;
    shown.textContent = String(list.children.length);
    first.querySelector('a')?.focus(); // keyboard users carry on from the first new study
  } }, 'Show more studies');

  return h('div', null,
    h('h1', null, 'Studies'),
    form,
    h('p', { role: 'status', class: 'count' }, `${data.studies.totalCount} stud${data.studies.totalCount === 1 ? 'y' : 'ies'}`,
      data.studies.pageInfo.hasNextPage ? [', showing ', shown] : null),
    list, more);
}

function tag(name, value) {
  return h('span', { class: 'tag' }, h('span', { class: 'tag-name' }, `${name}: `), String(value));
}
