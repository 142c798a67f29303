{{- if .OwnerLabel -}}
// Creates a {{.Label}} and the {{.OwnerRel}} relationship to its {{.OwnerLabel}}; no row when
// the owner is gone. $props: the node's properties; $ownerId: the owner's id.
MATCH (o:{{.OwnerLabel}} {id: $ownerId})
USING INDEX o:{{.OwnerLabel}}(id)
CREATE (n:Node:{{.Label}})
SET n = $props
CREATE (n)-[:{{.OwnerRel}}]->(o)
RETURN n.id AS id
{{- else -}}
// Creates a {{.Label}}. $props: the node's properties.
CREATE (n:Node:{{.Label}})
SET n = $props
RETURN n.id AS id
{{- end}}
