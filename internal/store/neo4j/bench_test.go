package neo4j

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/store/storetest"
)

// BenchmarkAnalysis times the cross-study questions on Neo4j at 1,000 and 10,000 CMOCs, like
// the embedded store's benchmark, when NEO4J_URI is set. It empties the database first, if it is a scratch database (see wipeScratch).
//
//	NEO4J_URI=bolt://localhost:7687 NEO4J_USER=neo4j NEO4J_PASSWORD=… \
//	  go test -run '^$' -bench Analysis -timeout 2h ./internal/store/neo4j
func BenchmarkAnalysis(b *testing.B) {
	storetest.BenchAnalysis(b, emptyStore(b))
}

// BenchmarkImportTable imports a 10,000-row CMOC table into an empty Neo4j database (writes
// batched with UNWIND) when NEO4J_URI is set, and reports rows per second:
//
//	go test -run '^$' -bench ImportTable -benchtime 3x -timeout 1h ./internal/store/neo4j
func BenchmarkImportTable(b *testing.B) {
	storetest.BenchImportTable(b, emptyStore(b))
}

// emptyStore opens the Neo4j store named by the environment on a wiped database, or skips.
func emptyStore(b *testing.B) storetest.OpenEmpty {
	uri := os.Getenv("NEO4J_URI")
	if uri == "" {
		b.Skip("NEO4J_URI not set: skipping the Neo4j benchmarks (set NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD to run them)")
	}
	cfg := Config{URI: uri, User: os.Getenv("NEO4J_USER"), Password: os.Getenv("NEO4J_PASSWORD"), Database: os.Getenv("NEO4J_DATABASE")}
	return func(tb testing.TB) kb.Store {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		s, err := Open(ctx, cfg)
		if err != nil {
			tb.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			tb.Fatal(err)
		}
		if err := wipeScratch(ctx, s); err != nil {
			tb.Fatal(err)
		}
		return s
	}
}

// BenchmarkWrites times a mutation and reads beside a writer on Neo4j (NEO4J_URI):
// go test -run '^$' -bench Writes -benchtime 200x -timeout 1h ./internal/store/neo4j
func BenchmarkWrites(b *testing.B) {
	storetest.BenchWrites(b, emptyStore(b))
}
