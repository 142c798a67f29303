{{- if .OwnerLabel -}}
// Replaces the properties of a batch of {{.Label}} nodes (removed fields disappear) and keeps
// each one's {{.OwnerRel}} relationship in step with its owner id. $rows: a list of
// {i, id, props, ownerId}, one per node: a row number, the node's id, its properties and its
// owner's id. written lists the i of every row written: a row whose node or owner is gone is
// missing from it.
UNWIND $rows AS row
MATCH (n:{{.Label}} {id: row.id})
USING INDEX n:{{.Label}}(id)
MATCH (o:{{.OwnerLabel}} {id: row.ownerId})
USING INDEX o:{{.OwnerLabel}}(id)
SET n = row.props
MERGE (n)-[:{{.OwnerRel}}]->(o)
WITH row, n, o
OPTIONAL MATCH (n)-[stale:{{.OwnerRel}}]->(other)
WHERE other <> o
DELETE stale
RETURN collect(DISTINCT row.i) AS written
{{- else -}}
// Replaces the properties of a batch of {{.Label}} nodes (removed fields disappear). $rows: a
// list of {i, id, props}, one per node: a row number, the node's id and its properties.
// written lists the i of every row written: a row whose node is gone is missing from it.
UNWIND $rows AS row
MATCH (n:{{.Label}} {id: row.id})
USING INDEX n:{{.Label}}(id)
SET n = row.props
RETURN collect(row.i) AS written
{{- end}}
