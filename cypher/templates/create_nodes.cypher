{{- if .OwnerLabel -}}
// Creates a batch of {{.Label}} nodes, each with the {{.OwnerRel}} relationship to its
// {{.OwnerLabel}}. $rows: a list of {i, props, ownerId}: a row number, the node's properties
// and its owner's id. written lists the i of every row written: a row whose owner is gone is
// missing from it.
UNWIND $rows AS row
MATCH (o:{{.OwnerLabel}} {id: row.ownerId})
USING INDEX o:{{.OwnerLabel}}(id)
CREATE (n:Node:{{.Label}})
SET n = row.props
CREATE (n)-[:{{.OwnerRel}}]->(o)
RETURN collect(row.i) AS written
{{- else -}}
// Creates a batch of {{.Label}} nodes. $rows: a list of {i, props}: a row number and the
// node's properties. written lists the i of every row written.
UNWIND $rows AS row
CREATE (n:Node:{{.Label}})
SET n = row.props
RETURN collect(row.i) AS written
{{- end}}
