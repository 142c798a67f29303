// Why the API pairs two elements beyond their words: the reviewer's alignments they pass
// through, their neighbours' match, the constructs they stand for, the people their CMOCs are
// about, the studies' population and informants, and the words other accepted links bridged.
import { h, label } from './dom.js';

export const REASONS = `path { id name } reasons { neighbours { left { id name } right { id name } score } sharedActors otherActors
  sharedConstructs { id name } samePopulation sharedRoles sharedInformants bridgedTerms { left right } }`;

export function reasonsView(p) {
  const r = p.reasons || {};
  return [
    p.path?.length ? h('p', { class: 'terms' }, 'Through your alignments: ', p.path.map((e) => e.name).join(' → ')) : null,
    r.neighbours ? h('p', { class: 'terms' }, `Neighbours match (${r.neighbours.score.toFixed(2)}): `, r.neighbours.left.name, ' ↔ ', r.neighbours.right.name) : null,
    r.sharedActors?.length ? h('p', { class: 'terms' }, 'Both about: ', r.sharedActors.map(label).join(', ')) : null,
    r.otherActors ? h('p', { class: 'terms' }, 'Their CMOCs are about different people: ranked at half.') : null,
    r.sharedRoles?.length ? h('p', { class: 'terms' }, 'Both about the role: ', r.sharedRoles.join(', ')) : null,
    r.sharedConstructs?.length ? h('p', { class: 'terms' }, 'Both stand for: ', r.sharedConstructs.map((c) => c.name).join(', ')) : null,
    r.samePopulation ? h('p', { class: 'terms' }, 'Studies of the same population.') : null,
    r.sharedInformants?.length ? h('p', { class: 'terms' }, 'Both studies heard: ', r.sharedInformants.map(label).join(', ')) : null,
    r.bridgedTerms?.length ? h('p', { class: 'terms' }, 'Words your other alignments bridged: ', r.bridgedTerms.map((t) => `${t.left} ↔ ${t.right}`).join(', ')) : null,
  ];
}
