// Mechanism -> outcome pairs shown by CMOCs of at least $minStudies studies: mechanism and
// outcome (keys: $mechanisms[id] or $outcomes[id] for the elements a cluster joins, else the
// element's id), studies, cmocs and cmocStudies (each CMOC's study, lined up with cmocs); at
// most $limit, most studies first, then most CMOCs, then by the keys.
MATCH (s:Study)<-[:REPORTED_IN]-(:ProgrammeTheory)<-[:IN_THEORY]-(c:CMOC)-[:HAS_MECHANISM]->(m:Mechanism)
MATCH (c)-[:HAS_OUTCOME]->(o:Outcome)
WITH DISTINCT s, c, coalesce($mechanisms[m.id], m.id) AS mechanism, coalesce($outcomes[o.id], o.id) AS outcome
WITH mechanism, outcome, count(DISTINCT s) AS studies, collect(c.id) AS cmocs, collect(s.id) AS cmocStudies
WHERE studies >= $minStudies
RETURN mechanism, outcome, studies, cmocs, cmocStudies
ORDER BY studies DESC, size(cmocs) DESC, mechanism, outcome
LIMIT $limit
