// A study and its programme theories, each with its CMOC table as papers print it: CMOC,
// context, mechanism (resource and reasoning), outcome and the supporting quotes with the
// participants' ids.
import { h, label, citation, naturalCompare, quoteItem } from '../dom.js';

const QUERY = `query Study($id: ID!) {
  study(id: $id) {
    id title authors year journal volume issue pages doi framing country population informants sampleSize design abstract
    settings { id name serviceType location modality description }
    programmeTheories {
      id name stage version description
      drawsOn { id name kind citation }
      cmocs {
        id code label statement status actors roles caveats
        contexts { id name description }
        mechanisms { id name resource reasoning }
        outcomes { id name }
        evidence { stance quote { id text participant informantRole location } }
      }
    }
  }
}`;

export async function render(ctx, [id]) {
  const { study: st } = await ctx.gql(QUERY, { id });
  if (!st) return h('div', { class: 'card' }, h('h1', null, 'No such study'), h('p', null, `Nothing has the id ${id}.`));
  return h('div', null,
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Studies'), ' › '),
    h('h1', null, st.title),
    h('p', { class: 'citation' }, citation(st)),
    h('dl', { class: 'facts' },
      fact('Framing', label(st.framing)), fact('Population', label(st.population)),
      fact('Country', st.country || 'not stated'), fact('Informants', st.informants.map(label).join(', ') || 'not stated'),
      fact('Sample size', st.sampleSize ?? 'not stated')),
    st.design ? h('details', null, h('summary', null, 'Design'), h('p', null, st.design)) : null,
    st.abstract ? h('details', null, h('summary', null, 'Abstract'), h('p', null, st.abstract)) : null,
    st.settings.length ? h('details', null, h('summary', null, `Settings (${st.settings.length})`),
      h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Settings' }, h('table', null,
        h('thead', null, h('tr', null, ['Setting', 'Service type', 'Location', 'Modality', 'Notes'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, st.settings.map((se) => h('tr', null, h('th', { scope: 'row' }, se.name), h('td', null, se.serviceType), h('td', null, se.location),
          h('td', null, se.modality.join(', ')), h('td', null, se.description))))))) : null,
    st.programmeTheories.map((pt) => theorySection(ctx, pt)));
}

function fact(k, v) {
  return [h('dt', null, k), h('dd', null, String(v))];
}

function theorySection(ctx, pt) {
  const cmocs = [...pt.cmocs].sort((a, b) => naturalCompare(a.code, b.code));
  return h('section', { class: 'theory', 'aria-labelledby': `pt-${pt.id}` },
    h('h2', { id: `pt-${pt.id}` }, pt.name),
    h('p', { class: 'meta' }, `${label(pt.stage)}${pt.version ? ' · ' + pt.version : ''} · ${cmocs.length} CMOCs · `,
      h('a', { href: `#/theory/${encodeURIComponent(pt.id)}` }, 'Diagram'), ' · ',
      h('a', { href: `#/compare?right=${encodeURIComponent(pt.id)}` }, 'Compare'), ' · ',
      h('a', { href: `#/suggestions?theory=${encodeURIComponent(pt.id)}` }, 'Suggestions')),
    pt.description ? h('p', null, pt.description) : null,
    pt.drawsOn.length ? h('p', { class: 'meta' }, 'Draws on: ', pt.drawsOn.map((th) => th.name).join('; ')) : null,
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `CMOC table of ${pt.name}` },
      h('table', { class: 'cmoc-table' },
        h('caption', null, `CMOCs of ${pt.name}`),
        h('thead', null, h('tr', null, ['CMOC', 'Context (C)', 'Mechanism (M): resource · reasoning', 'Outcome (O)', 'Supporting quotes']
          .map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, cmocs.map((c) => row(ctx, c))))));
}

function editLink(ctx, kind, id, what) {
  if (!ctx.canEdit) return null;
  return h('a', { class: 'edit', href: `#/edit/${kind}/${encodeURIComponent(id)}`, 'aria-label': `Edit ${what}` }, 'Edit');
}

function row(ctx, c) {
  return h('tr', { id: `cmoc-${c.id}` },
    h('th', { scope: 'row' },
      h('span', { class: 'code' }, c.code), h('span', { class: 'cmoc-label' }, c.label),
      c.status ? h('span', { class: 'status' }, label(c.status)) : null,
      c.actors.length + c.roles.length ? h('span', { class: 'actors' }, [...c.actors.map(label), ...c.roles].join(', ')) : null,
      c.caveats.length ? h('span', { class: 'caveats' }, 'Caveats: ' + c.caveats.join('; ')) : null,
      editLink(ctx, 'cmoc', c.id, c.code)),
    h('td', null, list(c.contexts.map((e) => [h('a', { href: `#/evidence/${encodeURIComponent(e.id)}` }, e.name), ' ', editLink(ctx, 'element', e.id, e.name)]))),
    h('td', null, list(c.mechanisms.map((m) => [
      h('a', { href: `#/evidence/${encodeURIComponent(m.id)}`, class: 'mech-name' }, m.name), ' ', editLink(ctx, 'element', m.id, m.name),
      m.resource ? h('p', { class: 'resource' }, h('span', { class: 'tag-name' }, 'Resource: '), m.resource) : null,
      m.reasoning ? h('p', { class: 'reasoning' }, h('span', { class: 'tag-name' }, 'Reasoning: '), m.reasoning) : null]))),
    h('td', null, list(c.outcomes.map((o) => [h('a', { href: `#/evidence/${encodeURIComponent(o.id)}` }, o.name), ' ', editLink(ctx, 'element', o.id, o.name)]))),
    h('td', null, c.evidence.length ? h('ul', { class: 'quotes' }, c.evidence.map((ev) => quoteItem(ev, ' ', editLink(ctx, 'quote', ev.quote.id, `quote of ${ev.quote.participant || 'unnamed'}`)))) : h('span', { class: 'none' }, 'no quote')));
}

function list(items) {
  if (!items.length) return h('span', { class: 'none' }, '—');
  return h('ul', { class: 'plain' }, items.map((i) => h('li', null, i)));
}
