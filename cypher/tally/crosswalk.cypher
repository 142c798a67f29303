// The {{.Label}} elements that CMOCs of the studies $studyIds (all when empty) use and that
// have a crosswalk: id, joined (the ids of such elements aligned with it, either way, by a
// relation in $joins) and constructs (the ids of the constructs it is an instance of).
// Elements with neither are left out, so the rows grow with the crosswalk, not the corpus.
MATCH (e:{{.Label}})
WHERE (EXISTS { (e)-[:ALIGNS]-() } OR EXISTS { (e)-[:INSTANCE_OF]->() })
  AND EXISTS {
    MATCH (s:Study)<-[:REPORTED_IN]-(:ProgrammeTheory)<-[:IN_THEORY]-(:CMOC)-[:{{.Rel}}]->(e)
    WHERE size($studyIds) = 0 OR s.id IN $studyIds
  }
WITH e,
  COLLECT {
    MATCH (e)-[r:ALIGNS]-(o:{{.Label}})
    WHERE r.relation IN $joins AND EXISTS {
      MATCH (t:Study)<-[:REPORTED_IN]-(:ProgrammeTheory)<-[:IN_THEORY]-(:CMOC)-[:{{.Rel}}]->(o)
      WHERE size($studyIds) = 0 OR t.id IN $studyIds
    }
    RETURN o.id
  } AS joined,
  COLLECT { MATCH (e)-[:INSTANCE_OF]->(k:Construct) RETURN k.id } AS constructs
WHERE size(joined) > 0 OR size(constructs) > 0
RETURN e.id AS id, joined, constructs
