// Deletes a node and every relationship that touches it. $id: node id.
MATCH (n:Node {id: $id})
USING INDEX n:Node(id)
DETACH DELETE n
RETURN count(*) AS deleted
