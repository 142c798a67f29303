// The programme theories a page may pick from, for its selects: every page of them.
import { select } from './dom.js';

export async function theories(ctx) {
  const all = [];
  let after = null;
  for (;;) {
    const { programmeTheories: page } = await ctx.gql(`query Theories($after: String) {
      programmeTheories(first: 500, after: $after, sort: [{field: NAME}]) { pageInfo { hasNextPage endCursor } nodes { id name study { id title year } } } }`, { after });
    all.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return all;
    after = page.pageInfo.endCursor;
  }
}

export function theorySelect(list, value, attrs) {
  return select(list.map((t) => [t.id, `${t.name} (${t.study.year ?? 'n.d.'})`]), value, attrs);
}
