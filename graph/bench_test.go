package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/server"
	"github.com/cmograph/cmograph/internal/store/memory"
	"github.com/cmograph/cmograph/internal/synth"
)

// The peer benchmark's two reads through the real handler on the embedded store: the nested
// read of 20 studies down to their quotes, and a filtered page of CMOCs.
const (
	benchNested = `{ studies(first: 20) { nodes { id title programmeTheories { id name cmocs { id code
    contexts { name } mechanisms { name } outcomes { name } evidence { quote { text participant } } } } } } }`
	benchFiltered = `query($w: String!) { cmocs(first: 50, where: {outcome: {contains: $w}}) { totalCount
    nodes { id code mechanisms { name } outcomes { name } } } }`
)

func BenchmarkReadPath(b *testing.B) {
	for _, size := range []int{1_000, 10_000} {
		b.Run(fmt.Sprintf("cmocs=%d", size), func(b *testing.B) {
			ctx := context.Background()
			s, err := memory.Open(ctx, memory.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := synth.Load(ctx, s, synth.Default().Scaled(size)); err != nil {
				b.Fatal(err)
			}
			h := server.New(server.Options{Store: s})
			for _, q := range []struct {
				name, query string
				vars        map[string]any
			}{
				{"Nested", benchNested, nil},
				{"Filtered", benchFiltered, map[string]any{"w": "hope"}},
			} {
				body, err := json.Marshal(map[string]any{"query": q.query, "variables": q.vars})
				if err != nil {
					b.Fatal(err)
				}
				b.Run(q.name, func(b *testing.B) {
					var took []time.Duration
					size := 0
					// the handler writes the answer into one buffer over and over, as a server's
					// connection takes it through one small buffer: a recorder's own buffer, grown
					// anew for every answer, and decoding the answer are the client's cost
					var answer bytes.Buffer
					for b.Loop() {
						start := time.Now()
						answer.Reset()
						rec := httptest.NewRecorder()
						rec.Body = &answer
						req := httptest.NewRequest("POST", "/graphql", bytes.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						h.ServeHTTP(rec, req)
						took = append(took, time.Since(start))
						if rec.Code != 200 || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
							b.Fatalf("%d %.500s", rec.Code, rec.Body)
						}
						size = rec.Body.Len()
					}
					b.ReportMetric(float64(size)/1024, "KiB")
					slices.Sort(took)
					b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "ms/median")
				})
			}
		})
	}
}
