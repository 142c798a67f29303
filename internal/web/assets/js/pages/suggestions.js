// Suggestions to review: for each element of a programme theory, its likely counterparts in
// other studies, with why they were suggested. Accepting records ALIGNS links and rejecting
// records REJECTS links (which keep the pair out of suggestions and comparisons), several at
// once through applyBatch: all or nothing.
import { h, label, select, enumOptions, highlight } from '../dom.js';
import { theories, theorySelect } from '../theories.js';
import { REASONS, reasonsView } from '../reasons.js';

const RELATIONS = ['SAME_AS', 'BROADER', 'NARROWER', 'RELATED', 'CONTRADICTS'];
export async function render(ctx, rest, query) {
  const list = await theories(ctx);
  const ptId = query.get('theory') || list.find((t) => t.id.includes('youth'))?.id || list[0]?.id;
  const ts = theorySelect(list, ptId, { id: 'sg-theory', name: 'theory' });
  const out = [h('h1', null, 'Suggestions to review'),
    h('form', { class: 'filters', onsubmit: (ev) => { ev.preventDefault(); ctx.go(`#/suggestions?theory=${encodeURIComponent(ts.value)}`); } },
      h('div', { class: 'field wide' }, h('label', { for: 'sg-theory' }, 'Programme theory'), ts),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show'))),
    h('p', { class: 'meta' }, 'Likely counterparts in other studies: ranked by BM25 over the elements’ words and quotes, raised when their neighbours match, halved when their CMOCs are about different people. Pairs already aligned or rejected are left out.')];
  if (!ptId) return h('div', null, out);

  const { programmeTheory: pt } = await ctx.gql(`query TheoryElements($id: ID!) { programmeTheory(id: $id) {
    contexts { id name } mechanisms { id name } outcomes { id name } } }`, { id: ptId });
  const elements = [...pt.contexts.map((e) => ({ ...e, kind: 'Context' })), ...pt.mechanisms.map((e) => ({ ...e, kind: 'Mechanism' })), ...pt.outcomes.map((e) => ({ ...e, kind: 'Outcome' }))];
  if (!elements.length) return h('div', null, out, h('p', null, 'This theory has no elements.'));
  // a few elements' suggestions per request (aliases), the requests side by side: one
  // request for them all would pass the server's complexity limit on a large theory
  const CHUNK = 5;
  const parts = [];
  for (let i = 0; i < elements.length; i += CHUNK) {
    const fields = elements.slice(i, i + CHUNK).map((e, j) => `e${i + j}: suggestAlignments(elementId: ${JSON.stringify(e.id)}, first: 3) {
      score textScore sharedTerms aligned element { id name } study { id title year } ${REASONS} }`).join('\n');
    parts.push(ctx.gql(`query Suggestions { ${fields} }`));
  }
  const data = Object.assign({}, ...(await Promise.all(parts)));
  const rows = [];
  elements.forEach((e, i) => {
    for (const sg of data[`e${i}`]) {
      if (sg.aligned) continue;
      rows.push({ from: e, sg });
    }
  });

  const status = h('p', { role: 'status', class: 'status-line' });
  const body = h('tbody');
  const checkboxes = [];
  rows.forEach((r, i) => {
    const cb = h('input', { type: 'checkbox', id: `sg-${i}`, 'aria-label': `Select: ${r.from.name} and ${r.sg.element.name}` });
    const rel = select(enumOptions(RELATIONS), 'SAME_AS', { 'aria-label': `Relation of ${r.from.name} to ${r.sg.element.name}` });
    checkboxes.push({ cb, rel, r });
    body.append(h('tr', { dataset: { from: r.from.id, to: r.sg.element.id } },
      ctx.canEdit ? h('td', null, cb) : null,
      h('td', null, h('span', { class: 'kind' }, r.from.kind), ' ', ctx.canEdit ? h('label', { for: `sg-${i}` }, r.from.name) : r.from.name),
      ctx.canEdit ? h('td', null, rel) : null,
      h('td', null, h('a', { href: `#/evidence/${encodeURIComponent(r.sg.element.id)}` }, r.sg.element.name), h('span', { class: 'meta' }, ` ${r.sg.study.title.slice(0, 50)}… (${r.sg.study.year ?? 'n.d.'})`)),
      h('td', null, h('span', { class: 'num' }, r.sg.score.toFixed(1)), r.sg.textScore !== r.sg.score ? h('span', { class: 'meta' }, ` (words alone ${r.sg.textScore.toFixed(1)})`) : null,
        h('p', { class: 'terms' }, 'Shared words: ', highlight(r.sg.sharedTerms.join(', '), r.sg.sharedTerms)), reasonsView(r.sg))));
  });
  const chosen = () => checkboxes.filter((c) => c.cb.checked);
  const reason = h('input', { type: 'text', id: 'sg-reason', placeholder: 'e.g. different populations' });
  // decide sends one batch for the chosen rows: all are recorded or none, and a refusal names
  // the operation at fault (input.operations[3].alignElements.toId), whose row is marked
  const decide = async (verb, op) => {
    const sel = chosen();
    if (!sel.length) { status.textContent = 'Select at least one suggestion first.'; return; }
    for (const r of body.querySelectorAll('tr.row-error')) { r.classList.remove('row-error'); r.querySelector('td:last-child .field-error')?.remove(); }
    const operations = sel.map(op);
    try {
      const { applyBatch } = await ctx.gql(`mutation DecideSuggestions($input: BatchInput!) { applyBatch(input: $input) { operations linked relinked unchanged } }`, { input: { operations } });
      for (const { cb } of sel) cb.closest('tr').remove();
      const n = applyBatch.linked + applyBatch.relinked + applyBatch.unchanged;
      status.textContent = `${verb} ${n} suggestion${n === 1 ? '' : 's'}.`;
    } catch (e) {
      status.textContent = `Nothing was recorded: ${e.message}`;
      for (const err of e.errors || []) {
        const m = /operations\[(\d+)\]/.exec(err.extensions?.field || '');
        const row = m && sel[Number(m[1])]?.cb.closest('tr');
        if (!row) continue;
        row.classList.add('row-error');
        row.querySelector('td:last-child').append(h('p', { class: 'field-error' }, err.message.replace(/^input\.[^:]*:\s*/, '')));
      }
    }
  };
  const accept = () => decide('Accepted', ({ r, rel }) => ({ alignElements: { fromId: r.from.id, toId: r.sg.element.id, relation: rel.value,
    rationale: reason.value.trim() || `Accepted from suggestions (score ${r.sg.score.toFixed(1)}; shared: ${r.sg.sharedTerms.join(', ')})` } }));
  const reject = () => decide('Rejected', ({ r }) => ({ rejectSuggestion: { fromId: r.from.id, toId: r.sg.element.id, ...(reason.value.trim() ? { rationale: reason.value.trim() } : {}) } }));
  const all = h('input', { type: 'checkbox', id: 'sg-all', 'aria-label': 'Select all suggestions', onchange: (ev) => { for (const c of checkboxes) if (c.cb.isConnected) c.cb.checked = ev.target.checked; } });
  const controls = ctx.canEdit
    ? h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'primary', onclick: accept }, 'Accept selected'),
      h('button', { type: 'button', onclick: reject }, 'Reject selected'),
      h('label', { for: 'sg-reason' }, 'Reason (kept with each decision)'), reason)
    : h('p', { class: 'hint' }, 'Sign in as an editor to accept suggestions.');
  out.push(rows.length ? [controls, status, h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Suggestions' }, h('table', { class: 'suggestions' },
    h('thead', null, h('tr', null, ctx.canEdit ? h('th', { scope: 'col' }, all) : null, (ctx.canEdit ? ['Element', 'Relation', 'Suggested counterpart', 'Why'] : ['Element', 'Suggested counterpart', 'Why']).map((t) => h('th', { scope: 'col' }, t)))),
    body))] : h('p', null, 'No open suggestions: every likely counterpart is aligned or rejected.'));
  return h('div', null, out);
}
