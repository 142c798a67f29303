// Full-text search over every kind's text fields (kb.TextFields), with Lucene's English
// analyzer (stemming, stop words), as the embedded store's BM25 index reads them.
CREATE FULLTEXT INDEX node_text IF NOT EXISTS
FOR (n:Study|ProgrammeTheory|CMOC|Context|Mechanism|Outcome|Quote|Theory|Construct|Setting)
ON EACH [n.title, n.abstract, n.name, n.description, n.label, n.statement, n.resource, n.reasoning, n.text, n.serviceType]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
