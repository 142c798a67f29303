// Nodes by id, write-locked for the rest of the transaction so that what a change checks
// (an id is free, an owner exists) still holds when it writes. Setting and removing a
// property is Neo4j's documented way to take a write lock from Cypher.
MATCH (n:Node)
USING INDEX n:Node(id)
WHERE n.id IN $ids
SET n._LOCK_ = true
REMOVE n._LOCK_
RETURN properties(n) AS props, labels(n) AS labels
