// Counts the CMOCs of the studies $studyIds (all when empty) by {{.By}}: key, cmocs (each CMOC
// once per distinct key it has), studies and, with $byStudies, cells (one {study, n} per
// study); at most $limit rows, most CMOCs (with $byStudies most studies, then most CMOCs)
// first, then by key. A CMOC with no key counts under $notStated, or nowhere when that is
// null. Element keys are $merge[id] for the elements a cluster joins, else the element's id;
// informant keys are the roles in $roles.
MATCH (s:Study)<-[:REPORTED_IN]-(pt:ProgrammeTheory)<-[:IN_THEORY]-(c:CMOC)
WHERE size($studyIds) = 0 OR s.id IN $studyIds
WITH s, pt, c, {{.Keys}} AS keys
UNWIND CASE WHEN size(keys) > 0 THEN keys WHEN $notStated IS NULL THEN [] ELSE [$notStated] END AS key
WITH key, s, count(DISTINCT c) AS n
WITH key, sum(n) AS cmocs, count(s) AS studies, collect({study: s.id, n: n}) AS cells
RETURN key, cmocs, studies, CASE WHEN $byStudies THEN cells ELSE [] END AS cells
ORDER BY CASE WHEN $byStudies THEN studies ELSE 0 END DESC, cmocs DESC, key
LIMIT $limit
