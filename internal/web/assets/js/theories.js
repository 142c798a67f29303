// The programme theories a page may pick from, for its selects.
import { select } from './dom.js';

export async function theories(ctx) {
  const data = await ctx.gql(`query Theories { programmeTheories(first: 500, sort: [{field: NAME}]) { nodes { id name study { id title year } } } }`);
  return data.programmeTheories.nodes;
}

export function theorySelect(list, value, attrs) {
  return select(list.map((t) => [t.id, `${t.name} (${t.study.year ?? 'n.d.'})`]), value, attrs);
}
