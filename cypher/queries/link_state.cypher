// What a link operation checks: both ends and the link itself if it exists. Always one row;
// a missing end or link reads as null. $from, $to: node ids; $type: the link type.
OPTIONAL MATCH (a:Node {id: $from})
USING INDEX a:Node(id)
OPTIONAL MATCH (b:Node {id: $to})
USING INDEX b:Node(id)
OPTIONAL MATCH (a)-[r]->(b)
WHERE type(r) = $type
RETURN properties(a) AS fromProps, labels(a) AS fromLabels,
       properties(b) AS toProps, labels(b) AS toLabels,
       properties(r) AS linkProps
LIMIT 1
