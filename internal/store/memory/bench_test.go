package memory_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/store/memory"
	"github.com/cmograph/cmograph/internal/store/storetest"
)

// BenchmarkAnalysis times the cross-study questions on the embedded store at 1,000 and 10,000
// CMOCs: go test -run '^$' -bench Analysis ./internal/store/memory
func BenchmarkAnalysis(b *testing.B) {
	storetest.BenchAnalysis(b, func(tb testing.TB) kb.Store {
		s, err := memory.Open(context.Background(), memory.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	})
}

// BenchmarkImportTable imports a 10,000-row CMOC table into an empty embedded store that keeps
// a data file, as cmograph runs by default:
// go test -run '^$' -bench ImportTable -benchtime 3x ./internal/store/memory
func BenchmarkImportTable(b *testing.B) {
	storetest.BenchImportTable(b, func(tb testing.TB) kb.Store {
		s, err := memory.Open(context.Background(), memory.Options{Path: filepath.Join(tb.TempDir(), "kb.json")})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	})
}

// BenchmarkWrites times a mutation with its fsync, and reads beside a writer, on the embedded
// store with its data file and journal:
// go test -run '^$' -bench Writes -benchtime 200x ./internal/store/memory
func BenchmarkWrites(b *testing.B) {
	storetest.BenchWrites(b, func(tb testing.TB) kb.Store {
		s, err := memory.Open(context.Background(), memory.Options{Path: filepath.Join(tb.TempDir(), "kb.json")})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	})
}
