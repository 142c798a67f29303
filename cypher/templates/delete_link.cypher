// Removes a {{.Type}} link. $from, $to: node ids. unlinked is 0 when there was none.
MATCH (:Node {id: $from})-[r:{{.Type}}]->(:Node {id: $to})
DELETE r
RETURN count(*) AS unlinked
