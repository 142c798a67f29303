{{- if .OwnerLabel -}}
// Replaces a {{.Label}}'s properties (removed fields disappear) and keeps its {{.OwnerRel}}
// relationship in step with its owner id; no row when the node or the owner is gone.
// $id: the node's id; $props: its properties; $ownerId: the owner's id.
MATCH (n:{{.Label}} {id: $id})
USING INDEX n:{{.Label}}(id)
MATCH (o:{{.OwnerLabel}} {id: $ownerId})
USING INDEX o:{{.OwnerLabel}}(id)
SET n = $props
MERGE (n)-[:{{.OwnerRel}}]->(o)
WITH n, o
OPTIONAL MATCH (n)-[stale:{{.OwnerRel}}]->(other)
WHERE other <> o
DELETE stale
RETURN DISTINCT n.id AS id
{{- else -}}
// Replaces a {{.Label}}'s properties (removed fields disappear); no row when it is gone.
// $id: the node's id; $props: its properties.
MATCH (n:{{.Label}} {id: $id})
USING INDEX n:{{.Label}}(id)
SET n = $props
RETURN n.id AS id
{{- end}}
