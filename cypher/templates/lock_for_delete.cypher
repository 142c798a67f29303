// A node about to be deleted, write-locked so that no owned node is added under it before the
// change commits, with the labels of the nodes it owns. $id: the node's id.
MATCH (n:Node {id: $id})
USING INDEX n:Node(id)
SET n._LOCK_ = true
REMOVE n._LOCK_
RETURN properties(n) AS props, labels(n) AS labels,
       [(c:Node)-[:{{.OwnerRels}}]->(n) | labels(c)] AS owned
