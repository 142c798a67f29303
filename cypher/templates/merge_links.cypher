// Makes a batch of {{.Type}} links, or replaces their properties. $rows: a list of
// {i, from, to, props}, one per link: a row number, the node ids and the link's properties.
// linked lists the i of every row written: a row whose end is gone is missing from it.
UNWIND $rows AS row
MATCH (a:Node {id: row.from})
USING INDEX a:Node(id)
MATCH (b:Node {id: row.to})
USING INDEX b:Node(id)
MERGE (a)-[r:{{.Type}}]->(b)
SET r = row.props
RETURN collect(row.i) AS linked
