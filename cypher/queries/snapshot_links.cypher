// Every link, for export; the store sorts them. $types: every link type.
MATCH (a:Node)-[r]->(b:Node)
WHERE type(r) IN $types
RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props
