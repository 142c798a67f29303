// The peer benchmark's floor for its nested read, written by hand: 20 studies by id with their
// programme theories, CMOCs, elements and evidence quotes, as one map projection.
MATCH (s:Study)
WITH s ORDER BY s.id LIMIT 20
RETURN s { .id, .title,
  programmeTheories: [(s)<-[:REPORTED_IN]-(pt:ProgrammeTheory) | pt { .id, .name,
    cmocs: [(pt)<-[:IN_THEORY]-(c:CMOC) | c { .id, .code,
      contexts:   [(c)-[:HAS_CONTEXT]->(x:Context) | x {.name}],
      mechanisms: [(c)-[:HAS_MECHANISM]->(x:Mechanism) | x {.name}],
      outcomes:   [(c)-[:HAS_OUTCOME]->(x:Outcome) | x {.name}],
      evidence:   [(q:Quote)-[:EVIDENCES]->(c) | {quote: q {.text, .participant}}] }] }] } AS study
