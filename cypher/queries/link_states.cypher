// What a batch of link operations checks: for each entry of $rows, both ends and the link of
// the entry's type between them, null where missing. $rows: a list of {i, from, to, type}: a
// row number, the node ids and the link type. One row per entry, carrying its i.
UNWIND $rows AS row
OPTIONAL MATCH (a:Node {id: row.from})
USING INDEX a:Node(id)
OPTIONAL MATCH (b:Node {id: row.to})
USING INDEX b:Node(id)
OPTIONAL MATCH (a)-[r]->(b)
WHERE type(r) = row.type
WITH row.i AS i, a, b, collect(properties(r)) AS found
RETURN i, properties(a) AS fromProps, labels(a) AS fromLabels,
       properties(b) AS toProps, labels(b) AS toLabels,
       head(found) AS linkProps
