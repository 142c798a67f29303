// The peer benchmark's floor for cmocCounts(by: INFORMANT), written by hand: CMOCs and
// studies per role of the people quoted, NOT_STATED for CMOCs with no quote of a known role.
MATCH (s:Study)<-[:REPORTED_IN]-(:ProgrammeTheory)<-[:IN_THEORY]-(c:CMOC)
OPTIONAL MATCH (q:Quote)-[:EVIDENCES]->(c)
WITH s, c, [r IN collect(DISTINCT q.informantRole) WHERE r IN ['SERVICE_USERS', 'PEER_WORKERS', 'STAFF', 'CARERS']] AS roles
UNWIND CASE WHEN size(roles) = 0 THEN ['NOT_STATED'] ELSE roles END AS key
RETURN key, count(DISTINCT c) AS count, count(DISTINCT s) AS studyCount
