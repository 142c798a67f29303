// Advances the graph's revision, inside the transaction of the change that changed the graph:
// the write lock it takes on the revision node orders changes, and a reader sees the new value
// exactly when it sees the change. Returns the new revision.
MERGE (r:CmographRevision {key: 'graph'})
ON CREATE SET r.value = 0
SET r.value = r.value + 1
RETURN r.value AS revision
