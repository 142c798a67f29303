// Editing a CMOC, an element or a quote. The form sends only what changed, with the revision
// it read: the API's validation errors are shown at their field (extensions.field), and a
// change someone else made meanwhile (CONFLICT) is explained, their values beside yours.
import { h, label, field, clear } from '../dom.js';
import { ApiError } from '../api.js';

const ACTORS = ['SERVICE_USER', 'PEER_WORKER', 'STAFF', 'CARER', 'ORGANISATION', 'COMMUNITY'];
const SPECS = {
  CMOC: [
    { name: 'code', label: 'Code', type: 'text', hint: 'As the paper numbers it, e.g. “CMOC 3”.' },
    { name: 'label', label: 'Label', type: 'text' },
    { name: 'statement', label: 'Statement', type: 'textarea', hint: '“When … (C), … (O) because … (M)”.' },
    { name: 'status', label: 'Status', type: 'enum', values: ['PROPOSED', 'SUPPORTED', 'REFUTED', 'REFINED', 'RETIRED'] },
    { name: 'actors', label: 'Actors', type: 'multi', values: ACTORS },
    { name: 'roles', label: 'Roles, as the study names them', type: 'lines', hint: 'One per line, e.g. “peer supporter with diabetes”.' },
    { name: 'intervention', label: 'Intervention', type: 'text', hint: 'The programme component it is about (ICAMO’s I).' },
    { name: 'source', label: 'Source in the paper', type: 'text', hint: 'e.g. “Fig. 4”.' },
    { name: 'caveats', label: 'Caveats', type: 'lines', hint: 'One per line.' },
  ],
  Context: [
    { name: 'name', label: 'Name', type: 'text' },
    { name: 'description', label: 'Description', type: 'textarea' },
    { name: 'kind', label: 'Kind', type: 'enum', values: ['CONDITION', 'INTERVENTION_COMPONENT'] },
    { name: 'level', label: 'Level', type: 'enum', values: ['INDIVIDUAL', 'INTERPERSONAL', 'INSTITUTIONAL', 'INFRASTRUCTURAL'] },
  ],
  Mechanism: [
    { name: 'name', label: 'Name', type: 'text' },
    { name: 'description', label: 'Description', type: 'textarea' },
    { name: 'resource', label: 'Resource (what the programme offers)', type: 'textarea' },
    { name: 'reasoning', label: 'Reasoning (how people respond)', type: 'textarea' },
  ],
  Outcome: [
    { name: 'name', label: 'Name', type: 'text' },
    { name: 'description', label: 'Description', type: 'textarea' },
    { name: 'proximity', label: 'Proximity', type: 'enum', values: ['PROXIMAL', 'INTERMEDIATE', 'DISTAL'] },
    { name: 'intended', label: 'Intended', type: 'bool' },
  ],
  Quote: [
    { name: 'text', label: 'Text, verbatim', type: 'textarea' },
    { name: 'participant', label: 'Participant id', type: 'text', hint: 'As the paper identifies the speaker, e.g. “#13”.' },
    { name: 'informantRole', label: 'Informant role', type: 'enum', values: ['SERVICE_USERS', 'PEER_WORKERS', 'STAFF', 'CARERS'] },
    { name: 'location', label: 'Location (page or section)', type: 'text' },
    { name: 'startOffset', label: 'Start offset', type: 'int' },
    { name: 'endOffset', label: 'End offset', type: 'int' },
  ],
};
const TRACKED = 'revision updatedAt updatedBy';
const FIELDS = {
  CMOC: `code label statement status actors roles intervention source caveats study { id } programmeTheory { name }`,
  Context: 'name description kind level study { id } programmeTheory { name }',
  Mechanism: 'name description resource reasoning study { id } programmeTheory { name }',
  Outcome: 'name description proximity intended study { id } programmeTheory { name }',
  Quote: 'text participant informantRole location startOffset endOffset study { id title }',
};
const LOAD = `query Editable($id: ID!) { node(id: $id) { id __typename
  ${Object.entries(FIELDS).map(([t, f]) => `... on ${t} { ${f} ${TRACKED} }`).join('\n  ')} } }`;

async function load(ctx, id) {
  const { node } = await ctx.gql(LOAD, { id });
  return node && SPECS[node.__typename] ? node : null;
}

function control(f, id) {
  switch (f.type) {
    case 'textarea': return h('textarea', { rows: 3, name: f.name });
    case 'lines': return h('textarea', { rows: 3, name: f.name });
    case 'int': return h('input', { type: 'text', inputmode: 'numeric', name: f.name });
    case 'enum': return h('select', { name: f.name }, h('option', { value: '' }, 'not stated'), f.values.map((v) => h('option', { value: v }, label(v))));
    case 'bool': return h('select', { name: f.name }, h('option', { value: '' }, 'not stated'), h('option', { value: 'true' }, 'Yes'), h('option', { value: 'false' }, 'No'));
    case 'multi': return h('fieldset', { class: 'checks', name: f.name }, f.values.map((v) => h('label', null, h('input', { type: 'checkbox', value: v, id: `${id}-${v}` }), ' ', label(v))));
    default: return h('input', { type: 'text', name: f.name });
  }
}

function setValue(f, el, v) {
  if (f.type === 'multi') for (const cb of el.querySelectorAll('input')) cb.checked = (v || []).includes(cb.value);
  else if (f.type === 'lines') el.value = (v || []).join('\n');
  else if (f.type === 'bool') el.value = v === true ? 'true' : v === false ? 'false' : '';
  else el.value = v ?? '';
}

// getValue reads a control as the API takes it; a number that is not a whole number stays
// text, and submit refuses it at its field without asking the API.
function getValue(f, el) {
  switch (f.type) {
    case 'multi': return [...el.querySelectorAll('input:checked')].map((c) => c.value);
    case 'lines': return el.value.split('\n').map((l) => l.trim()).filter(Boolean);
    case 'enum': return el.value || null;
    case 'bool': return el.value === '' ? null : el.value === 'true';
    case 'int': { const t = el.value.trim(); return t === '' ? null : /^-?\d+$/.test(t) ? Number(t) : t; }
    default: return el.value;
  }
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const show = (f, v) => (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length) ? '(empty)' : f.type === 'multi' ? v.map(label).join(', ') : Array.isArray(v) ? v.join(' / ') : f.type === 'enum' ? label(v) : String(v));

export async function render(ctx, [, id]) {
  let base = await load(ctx, id);
  if (!base) return h('div', { class: 'card' }, h('h1', null, 'Nothing to edit'), h('p', null, `No CMOC, context, mechanism, outcome or quote has the id ${id}.`));
  const type = base.__typename;
  const spec = SPECS[type];
  const title = type === 'CMOC' ? `Edit ${base.code}` : type === 'Quote' ? `Edit a quote of ${base.participant || 'an unnamed participant'}` : `Edit ${type.toLowerCase()}: ${base.name}`;
  if (!ctx.canEdit) return h('div', { class: 'card' }, h('h1', null, title), h('p', null, 'Your role may read but not edit. Sign in with an editor’s token to change the review.'));

  const controls = {};
  const fieldsEl = spec.map((f) => {
    const el = control(f, `ed-${f.name}`);
    controls[f.name] = el;
    const wrap = field(`ed-${f.name}`, f.label, el, f.hint);
    if (f.type === 'multi') { // a fieldset is labelled by its legend, not a label element
      const lab = wrap.querySelector('label[for]');
      el.prepend(h('legend', { class: 'sr-only' }, f.label));
      lab.replaceWith(h('span', { class: 'label', 'aria-hidden': 'true' }, f.label));
    }
    return wrap;
  });
  const fill = (node) => spec.forEach((f) => setValue(f, controls[f.name], node[f.name]));
  fill(base);

  const status = h('div', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  const revLine = h('p', { class: 'meta' });
  const showRev = () => { revLine.textContent = `Revision ${base.revision}, last changed ${new Date(base.updatedAt).toLocaleString()}${base.updatedBy ? ' by ' + base.updatedBy : ''}.`; };
  showRev();

  const clearErrors = () => {
    for (const e of form.querySelectorAll('.field-error')) { e.hidden = true; e.textContent = ''; }
    for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
    clear(status);
  };

  const submit = async (ev) => {
    ev.preventDefault();
    clearErrors();
    const input = { id: base.id, expectedRevision: base.revision };
    let changed = 0;
    const notNumbers = spec.filter((f) => f.type === 'int' && typeof getValue(f, controls[f.name]) === 'string');
    if (notNumbers.length) {
      showErrors(new ApiError(notNumbers.map((f) => ({ message: 'must be a whole number, or empty', extensions: { code: 'BAD_USER_INPUT', field: `input.${f.name}` } }))), input);
      return;
    }
    for (const f of spec) {
      const v = getValue(f, controls[f.name]);
      if (!same(v, base[f.name])) { input[f.name] = v; changed++; }
    }
    if (!changed) { status.append(h('p', null, 'Nothing changed.')); return; }
    try {
      const data = await ctx.gql(`mutation Update${type}($input: Update${type}Input!) { update${type}(input: $input) { id ${FIELDS[type]} ${TRACKED} } }`, { input });
      base = { ...data[`update${type}`], __typename: type };
      fill(base);
      showRev();
      status.append(h('p', { class: 'ok' }, `Saved: now at revision ${base.revision}.`));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      await showErrors(e, input);
    }
  };

  const showErrors = async (e, input) => {
    let first = null;
    for (const err of e.errors) {
      // a domain error names its field (input.code); a value the schema refuses has its path
      const path = err.extensions?.field || (err.path?.[0] === 'variable' ? 'input.' + err.path.slice(2).join('.') : '');
      const name = path.replace(/^input\./, '').split(/[.[]/)[0];
      if (err.extensions?.code === 'CONFLICT' && name === 'expectedRevision') { await conflict(input); continue; }
      const f = spec.find((x) => x.name === name);
      if (f) {
        const box = form.querySelector(`#ed-${f.name}-error`);
        box.textContent = `${f.label}: ${err.message.replace(/^input\.[^:]*:\s*/, '')}`;
        box.hidden = false;
        controls[f.name].setAttribute('aria-invalid', 'true');
        first ??= controls[f.name].matches('fieldset') ? controls[f.name].querySelector('input') : controls[f.name];
      } else {
        status.append(h('p', { class: 'field-error' }, err.message));
      }
    }
    first?.focus();
  };

  // conflict: someone saved since this form was read. Show what they changed next to what
  // this reviewer typed, and let them choose.
  const conflict = async (input) => {
    const now = await load(ctx, base.id);
    if (!now) { status.append(h('p', { class: 'field-error' }, 'It was deleted since you opened it.')); return; }
    const theirs = spec.filter((f) => !same(now[f.name], base[f.name]));
    const box = h('div', { class: 'conflict card', role: 'alert' },
      h('h2', null, 'Someone else changed this meanwhile'),
      h('p', null, `You opened revision ${base.revision}; it is now at revision ${now.revision}${now.updatedBy ? ', saved by ' + now.updatedBy : ''} ${new Date(now.updatedAt).toLocaleString()}. Nothing of yours was saved, and your edits are still in the form.`),
      theirs.length ? h('table', null, h('thead', null, h('tr', null, ['Field', 'When you opened it', 'Now', 'Yours'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, theirs.map((f) => h('tr', null, h('th', { scope: 'row' }, f.label), h('td', null, show(f, base[f.name])), h('td', null, show(f, now[f.name])),
          h('td', null, f.name in input ? show(f, input[f.name]) : '(unchanged)'))))) : h('p', null, 'They changed nothing this form shows.'),
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'primary', onclick: () => { base = now; showRev(); clearErrors(); status.append(h('p', null, `Now editing over revision ${now.revision}: save again to keep your edits, replacing theirs in the fields you changed.`)); } }, 'Keep my edits and save over theirs'),
        h('button', { type: 'button', onclick: () => { base = now; fill(now); showRev(); clearErrors(); status.append(h('p', null, `Loaded revision ${now.revision}; your edits were discarded.`)); } }, 'Discard my edits and load theirs')));
    status.append(box);
    box.querySelector('button').focus();
  };

  const back = `#/study/${encodeURIComponent(base.study.id)}`;
  const form = h('form', { class: 'card edit-form', novalidate: true, onsubmit: submit, dataset: { type, id: base.id } },
    fieldsEl, status,
    h('div', { class: 'toolbar' }, h('button', { type: 'submit', class: 'primary' }, 'Save'), h('a', { class: 'button', href: back }, 'Back to the study')));
  return h('div', null,
    h('p', { class: 'crumbs' }, h('a', { href: back }, type === 'Quote' ? base.study.title : base.programmeTheory.name), ' › '),
    h('h1', null, title), revLine, form);
}
