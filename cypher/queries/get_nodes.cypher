// Nodes by id, of any kind. $ids: list of ids. The store restores the caller's order.
MATCH (n:Node)
USING INDEX n:Node(id)
WHERE n.id IN $ids
RETURN properties(n) AS props, labels(n) AS labels
