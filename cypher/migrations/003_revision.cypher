// The revision of the graph: one node, outside the :Node graph, whose value every change
// advances in its own transaction, so that every cmograph process on this database can tell
// in one lookup whether what it derived from the graph is still current. The key is unique, so
// concurrent first writes make one node, not two.
CREATE CONSTRAINT revision_key IF NOT EXISTS FOR (r:CmographRevision) REQUIRE r.key IS UNIQUE;
