// The {{.Label}} elements $ids as props and labels, each with uses: how many CMOCs of the
// studies $studyIds (all when empty) use it.
UNWIND $ids AS id
MATCH (e:Node {id: id})
USING INDEX e:Node(id)
WHERE e:{{.Label}}
RETURN properties(e) AS props, labels(e) AS labels,
  COUNT {
    MATCH (s:Study)<-[:REPORTED_IN]-(:ProgrammeTheory)<-[:IN_THEORY]-(:CMOC)-[:{{.Rel}}]->(e)
    WHERE size($studyIds) = 0 OR s.id IN $studyIds
  } AS uses
