// Suggestions to review: for each element of a programme theory, its likely counterparts in
// other studies, with why they were suggested. Accepting records ALIGNS links, several at once
// through applyBatch (all or nothing); rejecting hides a suggestion in this browser.
import { h, label, select, enumOptions, highlight } from '../dom.js';
import { theories, theorySelect } from '../theories.js';
import { REASONS, reasonsView } from '../reasons.js';

const RELATIONS = ['SAME_AS', 'BROADER', 'NARROWER', 'RELATED', 'CONTRADICTS'];
const REJECTED_KEY = 'cmograph.rejectedSuggestions';

function rejected() {
  try { return new Set(JSON.parse(localStorage.getItem(REJECTED_KEY) || '[]')); } catch { return new Set(); }
}

export async function render(ctx, rest, query) {
  const list = await theories(ctx);
  const ptId = query.get('theory') || list.find((t) => t.id.includes('youth'))?.id || list[0]?.id;
  const ts = theorySelect(list, ptId, { id: 'sg-theory', name: 'theory' });
  const out = [h('h1', null, 'Suggestions to review'),
    h('form', { class: 'filters', onsubmit: (ev) => { ev.preventDefault(); ctx.go(`#/suggestions?theory=${encodeURIComponent(ts.value)}`); } },
      h('div', { class: 'field wide' }, h('label', { for: 'sg-theory' }, 'Programme theory'), ts),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show'))),
    h('p', { class: 'meta' }, 'Likely counterparts in other studies: ranked by BM25 over the elements’ words and quotes, raised when their neighbours match, halved when their CMOCs are about different people. Pairs already aligned are left out.')];
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
  const hidden = rejected();
  const rows = [];
  elements.forEach((e, i) => {
    for (const sg of data[`e${i}`]) {
      if (sg.aligned || hidden.has(`${e.id}→${sg.element.id}`)) continue;
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
  const accept = async () => {
    const sel = chosen();
    if (!sel.length) { status.textContent = 'Select at least one suggestion first.'; return; }
    const operations = sel.map(({ r, rel }) => ({ alignElements: { fromId: r.from.id, toId: r.sg.element.id, relation: rel.value, rationale: `Accepted from suggestions (BM25 ${r.sg.score.toFixed(1)}; shared: ${r.sg.sharedTerms.join(', ')})` } }));
    try {
      const { applyBatch } = await ctx.gql(`mutation AcceptSuggestions($input: BatchInput!) { applyBatch(input: $input) { operations linked relinked unchanged } }`, { input: { operations } });
      for (const { cb } of sel) cb.closest('tr').remove();
      status.textContent = `Recorded ${applyBatch.linked + applyBatch.relinked} alignment${applyBatch.operations === 1 ? '' : 's'}.`;
    } catch (e) {
      status.textContent = `Nothing was recorded: ${e.message}`;
      // the batch names the operation at fault (input.operations[3].alignElements.toId): mark its row
      for (const err of e.errors || []) {
        const m = /operations\[(\d+)\]/.exec(err.extensions?.field || '');
        const row = m && sel[Number(m[1])]?.cb.closest('tr');
        if (!row) continue;
        row.classList.add('row-error');
        row.querySelector('td:last-child').append(h('p', { class: 'field-error' }, err.message.replace(/^input\.[^:]*:\s*/, '')));
      }
    }
  };
  const reject = () => {
    const sel = chosen();
    if (!sel.length) { status.textContent = 'Select at least one suggestion first.'; return; }
    const set = rejected();
    for (const { cb, r } of sel) { set.add(`${r.from.id}→${r.sg.element.id}`); cb.closest('tr').remove(); }
    localStorage.setItem(REJECTED_KEY, JSON.stringify([...set]));
    status.textContent = `Hid ${sel.length} suggestion${sel.length === 1 ? '' : 's'} in this browser.`;
  };
  const all = h('input', { type: 'checkbox', id: 'sg-all', 'aria-label': 'Select all suggestions', onchange: (ev) => { for (const c of checkboxes) if (c.cb.isConnected) c.cb.checked = ev.target.checked; } });
  const controls = ctx.canEdit
    ? h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'primary', onclick: accept }, 'Accept selected'),
      h('button', { type: 'button', onclick: reject }, 'Reject selected'))
    : h('p', { class: 'hint' }, 'Sign in as an editor to accept suggestions.');
  out.push(rows.length ? [controls, status, h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Suggestions' }, h('table', { class: 'suggestions' },
    h('thead', null, h('tr', null, ctx.canEdit ? h('th', { scope: 'col' }, all) : null, (ctx.canEdit ? ['Element', 'Relation', 'Suggested counterpart', 'Why'] : ['Element', 'Suggested counterpart', 'Why']).map((t) => h('th', { scope: 'col' }, t)))),
    body))] : h('p', null, 'No open suggestions: every likely counterpart is aligned or rejected.'));
  return h('div', null, out);
}
