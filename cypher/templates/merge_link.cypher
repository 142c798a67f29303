// Makes the {{.Type}} link or replaces its properties. $from, $to: node ids; $props: the
// link's properties. linked is 0 when an end is gone.
MATCH (a:Node {id: $from})
USING INDEX a:Node(id)
MATCH (b:Node {id: $to})
USING INDEX b:Node(id)
MERGE (a)-[r:{{.Type}}]->(b)
SET r = $props
RETURN count(r) AS linked
