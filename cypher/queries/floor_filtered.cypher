// The peer benchmark's floor for its filtered list, written by hand: the first $first CMOCs by
// id whose outcome's name or description contains $w (ignoring case), with the total.
MATCH (c:CMOC)
WHERE EXISTS {
  MATCH (c)-[:HAS_OUTCOME]->(o:Outcome)
  WHERE toLower(o.name) CONTAINS toLower($w) OR toLower(o.description) CONTAINS toLower($w)
}
WITH c ORDER BY c.id
WITH collect(c) AS matched
RETURN size(matched) AS totalCount,
  [c IN matched[0..$first] | c { .id, .code,
    mechanisms: [(c)-[:HAS_MECHANISM]->(x:Mechanism) | x {.name}],
    outcomes:   [(c)-[:HAS_OUTCOME]->(x:Outcome) | x {.name}] }] AS nodes
