// The CMOCs of the studies $studyIds (all when empty) that have a gap: id, programmeTheoryId,
// code (what orders CMOCs), unquoted (no quote evidences it), staffOnly (quoted, and every
// quote's informant role is $staff) and noContext, noMechanism, noOutcome.
MATCH (s:Study)<-[:REPORTED_IN]-(pt:ProgrammeTheory)<-[:IN_THEORY]-(c:CMOC)
WHERE size($studyIds) = 0 OR s.id IN $studyIds
WITH pt, c,
  COLLECT { MATCH (q:Quote)-[:EVIDENCES]->(c) RETURN coalesce(q.informantRole, '') } AS roles,
  NOT EXISTS { (c)-[:HAS_CONTEXT]->(:Context) } AS noContext,
  NOT EXISTS { (c)-[:HAS_MECHANISM]->(:Mechanism) } AS noMechanism,
  NOT EXISTS { (c)-[:HAS_OUTCOME]->(:Outcome) } AS noOutcome
WITH pt, c, noContext, noMechanism, noOutcome, size(roles) = 0 AS unquoted,
  size(roles) > 0 AND all(r IN roles WHERE r = $staff) AS staffOnly
WHERE unquoted OR staffOnly OR noContext OR noMechanism OR noOutcome
RETURN c.id AS id, pt.id AS programmeTheoryId, c.code AS code, unquoted, staffOnly,
  noContext, noMechanism, noOutcome
