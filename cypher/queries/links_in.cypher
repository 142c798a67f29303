// Links of the given types reaching any of the given nodes. $ids: node ids; $types: link
// types (never the ownership relationships).
MATCH (a:Node)-[r]->(b:Node)
USING INDEX b:Node(id)
WHERE b.id IN $ids AND type(r) IN $types
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props
