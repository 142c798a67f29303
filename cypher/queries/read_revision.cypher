// The graph's revision: 0 before the first change.
OPTIONAL MATCH (r:CmographRevision {key: 'graph'})
USING INDEX r:CmographRevision(key)
RETURN coalesce(r.value, 0) AS revision
