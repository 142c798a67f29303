// Removes a {{.Type}} link. $from, $to: node ids. unlinked is 0 when there was none.
MATCH (a:Node {id: $from})-[r:{{.Type}}]->(b:Node {id: $to})
USING INDEX a:Node(id)
USING INDEX b:Node(id)
DELETE r
RETURN count(*) AS unlinked
