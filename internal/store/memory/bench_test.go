package memory_test

import (
	"context"
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
