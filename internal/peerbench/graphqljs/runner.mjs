// Answers GraphQL requests with @neo4j/graphql over the Neo4j named by NEO4J_URI, NEO4J_USER,
// NEO4J_PASSWORD and NEO4J_DATABASE, for cmograph's peer benchmark: one JSON request per line
// on stdin ({query, variables}), one JSON response per line on stdout. It says {"ready":true}
// once the schema is built.
import { readFileSync } from "node:fs";
import readline from "node:readline";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";
import { graphql } from "graphql";

const typeDefs = readFileSync(new URL("./typedefs.graphql", import.meta.url), "utf8");
const auth = process.env.NEO4J_USER ? neo4j.auth.basic(process.env.NEO4J_USER, process.env.NEO4J_PASSWORD ?? "") : undefined;
const driver = neo4j.driver(process.env.NEO4J_URI, auth);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
// 7.x prefixes its statements with CYPHER 5, which Neo4j before 5.21 refuses
const contextValue = { cypherQueryOptions: { addVersionPrefix: false } };
if (process.env.NEO4J_DATABASE) {
  contextValue.sessionConfig = { database: process.env.NEO4J_DATABASE };
}
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  const req = JSON.parse(line);
  const res = await graphql({ schema, source: req.query, variableValues: req.variables, contextValue });
  process.stdout.write(JSON.stringify(res) + "\n");
}
await driver.close();
