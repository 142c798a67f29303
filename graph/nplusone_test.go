package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/cmograph/cmograph/graph"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/seed"
	"github.com/cmograph/cmograph/internal/server"
)

// syntheticCorpus writes n studies, each with one programme theory of three CMOCs over shared
// elements, every mechanism aligned with the first study's.
func syntheticCorpus(n int) document.Source {
	var b strings.Builder
	b.WriteString("format: cmograph/v1\nstudies:\n")
	for i := range n {
		fmt.Fprintf(&b, `  - id: s%[1]d
    title: Study %[1]d
    year: %[2]d
    programmeTheories:
      - id: s%[1]d.pt
        name: PT
        contexts: [{name: C}]
        mechanisms: [{name: M1}, {name: M2}]
        outcomes: [{name: O}]
        cmocs:
          - {code: "1", contexts: [C], mechanisms: [M1], outcomes: [O]}
          - {code: "2", mechanisms: [M2], outcomes: [O]}
          - {code: "3", mechanisms: [M1, M2]}
`, i, 2000+i%20)
	}
	b.WriteString("alignments:\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  - {from: s%d.pt.m.m1, to: s0.pt.m.m1, relation: SAME_AS}\n", i)
	}
	return document.Source{Name: "synthetic.yaml", Data: []byte(b.String())}
}

// nestedQuery goes studies -> theories -> CMOCs -> mechanisms -> aligned mechanisms in other
// studies -> their study: the shape a cross-study dashboard reads.
const nestedQuery = `{ studies(first: 100) { totalCount nodes { id programmeTheories { id cmocs { code
	mechanisms { name alignments { relation element { id ... on Mechanism { study { id } } } } } } } } } }`

func roundTrips(t *testing.T, corpus ...document.Source) (calls int64, rows int) {
	t.Helper()
	s := newStore(t, corpus...)
	// A generous batching window keeps this test about batching, not about the scheduler of a
	// busy CI machine.
	h := server.New(server.Options{Store: s, LoaderWait: 50 * time.Millisecond})
	c := client.New(h, func(bd *client.Request) { bd.HTTP.URL.Path = "/graphql"; bd.HTTP.Header.Set(graph.ActorHeader, "t") })
	s.calls.Store(0)
	d := ok(t, c, nestedQuery, nil)
	calls = s.calls.Load()
	rows = strings.Count(jsonString(t, d), `"name"`)
	return calls, rows
}

func TestNestedQueryRoundTripsAreBounded(t *testing.T) {
	smallCalls, smallRows := roundTrips(t, syntheticCorpus(2))
	largeCalls, largeRows := roundTrips(t, syntheticCorpus(40))
	t.Logf("2 studies: %d mechanism rows in %d store round trips; 40 studies: %d rows in %d round trips",
		smallRows, smallCalls, largeRows, largeCalls)
	if largeRows <= smallRows*10 {
		t.Fatalf("the larger corpus should return many more rows: %d vs %d", largeRows, smallRows)
	}
	if largeCalls != smallCalls {
		t.Fatalf("round trips grew with the rows returned: %d for 2 studies, %d for 40", smallCalls, largeCalls)
	}
	// the root field and its whole selection are one read plan: one store call
	if largeCalls != 1 {
		t.Fatalf("%d round trips for a five-level query; want 1", largeCalls)
	}
}

func TestNestedQueryOnTheSeedCorpus(t *testing.T) {
	sources, err := seed.Sources()
	if err != nil {
		t.Fatal(err)
	}
	seedCalls, seedRows := roundTrips(t, sources...)
	synthCalls, _ := roundTrips(t, syntheticCorpus(2))
	t.Logf("seed corpus: %d mechanism rows in %d store round trips", seedRows, seedCalls)
	if seedRows < 10 || seedCalls != synthCalls || seedCalls != 1 {
		t.Fatalf("seed corpus: %d rows in %d round trips; the same query over 2 synthetic studies takes %d", seedRows, seedCalls, synthCalls)
	}
}

// Lists below a root field without a read plan (an analysis answer) are written a goroutine per
// element, so that the elements' loads wait together and go to the store as one batch; lists
// below a planned root are written in order, as nothing below them loads. Were the first
// written in order too, every suggestion below would cost its own round trips.
func TestListsBelowAnAnalysisAnswerBatchTheirLoads(t *testing.T) {
	s := newStore(t, syntheticCorpus(30))
	h := server.New(server.Options{Store: s, LoaderWait: 50 * time.Millisecond})
	c := client.New(h, func(bd *client.Request) { bd.HTTP.URL.Path = "/graphql"; bd.HTTP.Header.Set(graph.ActorHeader, "t") })
	calls := func(first int) (int64, int) {
		ok(t, c, `{ suggestAlignments(elementId: "s0.pt.m.m2", first: 1) { score } }`, nil) // the analysis' index, built once
		s.calls.Store(0)
		d := ok(t, c, fmt.Sprintf(`{ suggestAlignments(elementId: "s0.pt.m.m2", first: %d) {
			element { id cmocs { code programmeTheory { name } } } study { title } } }`, first), nil)
		return s.calls.Load(), strings.Count(jsonString(t, d), `"code"`)
	}
	fewCalls, fewRows := calls(2)
	manyCalls, manyRows := calls(25)
	t.Logf("2 suggestions: %d CMOCs in %d round trips; 25: %d CMOCs in %d", fewRows, fewCalls, manyRows, manyCalls)
	if manyRows < 5*fewRows {
		t.Fatalf("25 suggestions should list many more CMOCs than 2: %d vs %d", manyRows, fewRows)
	}
	if manyCalls != fewCalls {
		t.Fatalf("round trips grew with the suggestions: %d for 2, %d for 25", fewCalls, manyCalls)
	}
}
