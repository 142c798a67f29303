// The peer benchmark's floor for the counts of gaps, written by hand: CMOCs without a quote,
// quoted only from staff, and without a context, mechanism or outcome (parts, in that order),
// and elements without an alignment or a construct.
MATCH (:Study)<-[:REPORTED_IN]-(:ProgrammeTheory)<-[:IN_THEORY]-(c:CMOC)
WITH c, COLLECT { MATCH (q:Quote)-[:EVIDENCES]->(c) RETURN coalesce(q.informantRole, '') } AS roles
WITH count(CASE WHEN size(roles) = 0 THEN 1 END) AS unquoted,
  count(CASE WHEN size(roles) > 0 AND all(r IN roles WHERE r = 'STAFF') THEN 1 END) AS staffOnly,
  count(CASE WHEN NOT EXISTS { (c)-[:HAS_CONTEXT]->(:Context) } THEN 1 END) AS noContext,
  count(CASE WHEN NOT EXISTS { (c)-[:HAS_MECHANISM]->(:Mechanism) } THEN 1 END) AS noMechanism,
  count(CASE WHEN NOT EXISTS { (c)-[:HAS_OUTCOME]->(:Outcome) } THEN 1 END) AS noOutcome
RETURN unquoted AS cmocsWithoutQuoteCount, staffOnly AS staffOnlyCmocsCount,
  COUNT {
    MATCH (:Study)<-[:REPORTED_IN]-(:ProgrammeTheory)<-[:DEFINED_IN]-(e)
    WHERE (e:Context OR e:Mechanism OR e:Outcome)
      AND NOT EXISTS { (e)-[:ALIGNS]-() } AND NOT EXISTS { (e)-[:INSTANCE_OF]->() }
  } AS unlinkedElementsCount,
  [{count: noContext}, {count: noMechanism}, {count: noOutcome}] AS parts
