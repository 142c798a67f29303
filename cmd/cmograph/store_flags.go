package main

import (
	"flag"

	"github.com/cmograph/cmograph/internal/app"
)

const defaultDataFile = "cmograph-data.json"

// storeFlags adds the flags that choose and reach a store.
func storeFlags(fs *flag.FlagSet) *app.StoreConfig {
	cfg := &app.StoreConfig{}
	fs.StringVar(&cfg.Kind, "store", env("CMOGRAPH_STORE", ""),
		"embedded or neo4j; default neo4j when a Neo4j URI is given, else embedded (CMOGRAPH_STORE)")
	fs.StringVar(&cfg.DataFile, "data", env("CMOGRAPH_DATA", defaultDataFile),
		"the embedded store's data file, created on first use (CMOGRAPH_DATA)")
	fs.StringVar(&cfg.Neo4j.URI, "neo4j-uri", env("NEO4J_URI", ""),
		"Neo4j URI, neo4j:// or bolt://, e.g. neo4j://localhost:7687 (NEO4J_URI)")
	fs.StringVar(&cfg.Neo4j.User, "neo4j-user", env("NEO4J_USER", "neo4j"), "Neo4j user (NEO4J_USER)")
	fs.StringVar(&cfg.Neo4j.Password, "neo4j-password", env("NEO4J_PASSWORD", ""),
		"Neo4j password; prefer the environment variable to keep it out of ps (NEO4J_PASSWORD)")
	fs.StringVar(&cfg.Neo4j.Database, "neo4j-database", env("NEO4J_DATABASE", "neo4j"), "Neo4j database (NEO4J_DATABASE)")
	return cfg
}
