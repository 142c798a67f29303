// Whether the database may be emptied by cmograph's tests and benchmarks: how many graph nodes
// it holds, and whether a scratch marker says a test or benchmark made it its own.
RETURN COUNT { MATCH (n:Node) } AS nodes, COUNT { MATCH (m:CmographScratch) } AS marked
