// Deletes the whole graph. For tests and demos only; a large graph wants batches.
MATCH (n:Node)
DETACH DELETE n
