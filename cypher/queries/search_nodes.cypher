// Full-text search over the node_text index (BM25, English analyzer): $query is a Lucene query
// of plain words joined by OR, $kinds the labels to keep (all when empty), $limit the most hits.
CALL db.index.fulltext.queryNodes('node_text', $query) YIELD node, score
WHERE size($kinds) = 0 OR any(l IN labels(node) WHERE l IN $kinds)
RETURN node.id AS id, [l IN labels(node) WHERE l <> 'Node'][0] AS kind, score
ORDER BY score DESC, id
LIMIT $limit
