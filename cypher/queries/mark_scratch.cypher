// Marks the database as a scratch database that cmograph's tests and benchmarks may empty.
MERGE (m:CmographScratch {key: 'scratch'})
RETURN count(m) AS marked
