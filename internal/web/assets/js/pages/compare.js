// Two programme theories side by side: aligned pairs with their basis, score and evidence, and
// what only one side has.
import { h, label } from '../dom.js';
import { theories, theorySelect } from '../theories.js';
import { REASONS, reasonsView } from '../reasons.js';

const ELEMENT = `id name study { id }`;
const KIND = `pairs { basis relation confidence rationale score sharedTerms construct { id name } left { ${ELEMENT} } right { ${ELEMENT} } ${REASONS} }
  leftOnly { ${ELEMENT} } rightOnly { ${ELEMENT} } leftCount rightCount pairedLeft pairedRight`;
const QUERY = `query Compare($left: ID!, $right: ID!) {
  compareTheories(left: $left, right: $right) {
    threshold
    left { id name study { title year } }
    right { id name study { title year } }
    contexts { ${KIND} } mechanisms { ${KIND} } outcomes { ${KIND} }
  }
}`;

export async function render(ctx, rest, query) {
  const list = await theories(ctx);
  const left = query.get('left') || list[0]?.id;
  const right = query.get('right') || list.filter((t) => t.id !== left).at(-1)?.id;
  const ls = theorySelect(list, left, { id: 'cmp-left', name: 'left' });
  const rs = theorySelect(list, right, { id: 'cmp-right', name: 'right' });
  const form = h('form', { class: 'filters', onsubmit: (ev) => {
    ev.preventDefault();
    ctx.go(`#/compare?left=${encodeURIComponent(ls.value)}&right=${encodeURIComponent(rs.value)}`);
  } },
  h('div', { class: 'field wide' }, h('label', { for: 'cmp-left' }, 'Left theory'), ls),
  h('div', { class: 'field wide' }, h('label', { for: 'cmp-right' }, 'Right theory'), rs),
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Compare')));
  const out = [h('h1', null, 'Compare programme theories'), form];
  if (!left || !right) return h('div', null, out, h('p', null, 'There are not two theories to compare yet.'));
  const { compareTheories: c } = await ctx.gql(QUERY, { left, right });
  out.push(h('p', { class: 'meta' }, `${c.left.name} (${c.left.study.year ?? 'n.d.'}) and ${c.right.name} (${c.right.study.year ?? 'n.d.'}). Explicit pairs are alignments a reviewer recorded; construct pairs share a construct; transitive pairs are joined through other theories by your alignments; suggestions are mutual best matches by words and neighbours, similarity at least ${c.threshold}.`));
  const kinds = [['Contexts', c.contexts], ['Mechanisms', c.mechanisms], ['Outcomes', c.outcomes]];
  // every basis the answer uses, known ones in the API's order first
  const known = ['EXPLICIT', 'CONSTRUCT', 'TRANSITIVE', 'SUGGESTION'];
  const used = new Set(kinds.flatMap(([, k]) => k.pairs.map((p) => p.basis)));
  const bases = [...known.filter((b) => used.has(b)), ...[...used].filter((b) => !known.includes(b))];
  out.push(h('table', { class: 'summary' }, h('caption', null, 'In short'),
    h('thead', null, h('tr', null, ['', ...bases.map((b) => `${label(b)} pairs`), 'Only left', 'Only right'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, kinds.map(([kind, k]) => h('tr', null, h('th', { scope: 'row' }, h('a', { href: `#cmp-${kind}`, onclick: (ev) => { ev.preventDefault(); document.getElementById(`cmp-${kind}`).scrollIntoView(); } }, kind)),
      bases.map((b) => h('td', { class: 'num' }, String(k.pairs.filter((p) => p.basis === b).length))),
      h('td', { class: 'num' }, String(k.leftOnly.length)), h('td', { class: 'num' }, String(k.rightOnly.length)))))));
  for (const [kind, k] of kinds) {
    out.push(h('section', { class: 'compare-kind', 'aria-labelledby': `cmp-${kind}` },
      h('h2', { id: `cmp-${kind}` }, kind),
      h('p', { class: 'meta' }, `${k.pairedLeft} of ${k.leftCount} left and ${k.pairedRight} of ${k.rightCount} right ${kind.toLowerCase()} are paired.`),
      k.pairs.length ? h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': `${kind} pairs` }, h('table', { class: 'pairs' },
        h('thead', null, h('tr', null, ['Left', 'Right', 'Basis', 'Score', 'Evidence'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', null, k.pairs.map((p) => h('tr', { class: `basis-${p.basis.toLowerCase()}`, dataset: { left: p.left.id, right: p.right.id } },
          h('td', null, h('a', { href: `#/evidence/${encodeURIComponent(p.left.id)}` }, p.left.name)),
          h('td', null, h('a', { href: `#/evidence/${encodeURIComponent(p.right.id)}` }, p.right.name)),
          h('td', null, h('span', { class: `badge basis` }, label(p.basis)), p.relation ? h('span', { class: 'relation' }, ` ${label(p.relation)}`) : null,
            p.confidence != null ? h('span', { class: 'conf' }, ` · confidence ${p.confidence}`) : null),
          h('td', { class: 'num' }, p.score.toFixed(2)),
          h('td', null,
            p.construct ? h('p', null, 'Both instances of ', h('a', { href: `#/evidence/${encodeURIComponent(p.construct.id)}` }, p.construct.name)) : null,
            p.rationale ? h('p', { class: 'rationale' }, p.rationale) : null,
            p.sharedTerms.length ? h('p', { class: 'terms' }, 'Shared words: ', p.sharedTerms.join(', ')) : null, reasonsView(p),
            p.basis !== 'EXPLICIT' && ctx.canEdit ? decide(ctx, p) : null)))))) : h('p', { class: 'none' }, 'No pairs.'),
      h('div', { class: 'only' },
        h('div', null, h('h3', null, `Only in ${c.left.name}`), onlyList(k.leftOnly)),
        h('div', null, h('h3', null, `Only in ${c.right.name}`), onlyList(k.rightOnly)))));
  }
  return h('div', null, out);
}

function onlyList(items) {
  return items.length ? h('ul', { class: 'plain' }, items.map((e) => h('li', null, h('a', { href: `#/evidence/${encodeURIComponent(e.id)}` }, e.name)))) : h('p', { class: 'none' }, 'Nothing.');
}

// decide lets an editor settle a pair the API inferred: record it as an alignment, or reject
// it so that comparisons and suggestions no longer offer it.
function decide(ctx, p) {
  const out = h('div', { class: 'toolbar decide' });
  const send = async (op, done) => {
    try {
      await ctx.gql(`mutation DecidePair($input: BatchInput!) { applyBatch(input: $input) { operations } }`, { input: { operations: [op] } });
      out.replaceChildren(h('p', { class: 'ok', role: 'status' }, done));
    } catch (e) {
      out.append(h('p', { class: 'field-error', role: 'alert' }, e.message));
    }
  };
  const what = `${p.left.name} and ${p.right.name}`;
  out.append(
    h('button', { type: 'button', 'aria-label': `Record ${what} as the same`, onclick: () => send({ alignElements: { fromId: p.left.id, toId: p.right.id, relation: 'SAME_AS', rationale: `Accepted from the comparison (${label(p.basis)}, score ${p.score.toFixed(2)})` } }, 'Recorded as the same.') }, 'Same as'),
    h('button', { type: 'button', 'aria-label': `Record ${what} as related`, onclick: () => send({ alignElements: { fromId: p.left.id, toId: p.right.id, relation: 'RELATED', rationale: `Accepted from the comparison (${label(p.basis)}, score ${p.score.toFixed(2)})` } }, 'Recorded as related.') }, 'Related'),
    h('button', { type: 'button', 'aria-label': `Reject the pair ${what}`, onclick: () => send({ rejectSuggestion: { fromId: p.left.id, toId: p.right.id } }, 'Rejected: it will not be offered again.') }, 'Reject'));
  return out;
}
