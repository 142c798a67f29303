// The peer benchmark's floor for cmocCounts(by: OUTCOME), written by hand: CMOCs and studies
// per outcome, the 100 largest. A lower bound rather than the same answer: it counts each
// outcome alone, where cmograph merges aligned outcomes and a construct's instances.
MATCH (s:Study)<-[:REPORTED_IN]-(:ProgrammeTheory)<-[:IN_THEORY]-(c:CMOC)-[:HAS_OUTCOME]->(o:Outcome)
RETURN o.id AS key, count(DISTINCT c) AS count, count(DISTINCT s) AS studyCount
ORDER BY count DESC, key
LIMIT 100
