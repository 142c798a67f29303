// The contexts, mechanisms and outcomes defined in the programme theories of the studies
// $studyIds (all when empty) that have no alignment (either way, any relation) and no
// construct: total, and first, the first $limit of them in id order as {props, labels}.
MATCH (s:Study)<-[:REPORTED_IN]-(:ProgrammeTheory)<-[:DEFINED_IN]-(e)
WHERE (size($studyIds) = 0 OR s.id IN $studyIds)
  AND (e:Context OR e:Mechanism OR e:Outcome)
  AND NOT EXISTS { (e)-[:ALIGNS]-() }
  AND NOT EXISTS { (e)-[:INSTANCE_OF]->() }
WITH e ORDER BY e.id
WITH collect(e) AS unlinked
RETURN size(unlinked) AS total,
  [x IN unlinked[0..$limit] | {props: properties(x), labels: labels(x)}] AS first
