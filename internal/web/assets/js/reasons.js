// Why the API pairs two elements beyond their words: the reviewer's alignments they pass
// through, their neighbours' match and the people their CMOCs are about.
import { h, label } from './dom.js';

export const REASONS = `path { id name } reasons { neighbours { left { id name } right { id name } score } sharedActors otherActors }`;

export function reasonsView(p) {
  const r = p.reasons || {};
  return [
    p.path?.length ? h('p', { class: 'terms' }, 'Through your alignments: ', p.path.map((e) => e.name).join(' → ')) : null,
    r.neighbours ? h('p', { class: 'terms' }, `Neighbours match (${r.neighbours.score.toFixed(2)}): `, r.neighbours.left.name, ' ↔ ', r.neighbours.right.name) : null,
    r.sharedActors?.length ? h('p', { class: 'terms' }, 'Both about: ', r.sharedActors.map(label).join(', ')) : null,
    r.otherActors ? h('p', { class: 'terms' }, 'Their CMOCs are about different people: ranked at half.') : null,
  ];
}
