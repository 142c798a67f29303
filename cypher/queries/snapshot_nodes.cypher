// Every node, for export; the store sorts them.
MATCH (n:Node)
RETURN properties(n) AS props, labels(n) AS labels
