package neo4j

import (
	"strings"
	"testing"
	"time"

	drv "github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/cmograph/cmograph/internal/kb"
)

// A plan's rows come back as nested maps and lists in the driver's shapes; decodeRead must
// rebuild the nodes, the links with their properties and every edge, empty ones included.
func TestDecodeReadFromDriverShapes(t *testing.T) {
	pt, _ := kb.OwnedStep(kb.KindProgrammeTheory)
	cmoc, _ := kb.OwnedStep(kb.KindCMOC)
	q := kb.ListQuery{Kind: kb.KindStudy, Limit: 20}
	evidence := kb.Follow{Step: kb.LinkStep(kb.RelEvidences, true), LinkProps: true}
	contexts := kb.Follow{Step: kb.LinkStep(kb.RelHasContext, false)}
	p := kb.ReadPlan{List: &q, Total: true, Follow: []kb.Follow{{Step: pt, Follow: []kb.Follow{{Step: cmoc, Follow: []kb.Follow{contexts, evidence}}}}}}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	row := map[string]any{
		"n": map[string]any{"id": "s", "title": "Youth"},
		"f": []any{[]any{map[string]any{
			"n": map[string]any{"id": "s.pt", "studyId": "s", "name": "IPT"},
			"f": []any{[]any{
				map[string]any{"n": map[string]any{"id": "s.pt.2", "programmeTheoryId": "s.pt", "code": "CMOC 2"},
					"f": []any{[]any{}, []any{}}},
				map[string]any{"n": map[string]any{"id": "s.pt.1", "programmeTheoryId": "s.pt", "code": "CMOC 1", "statement": nil},
					"f": []any{
						[]any{map[string]any{"n": map[string]any{"id": "s.pt.c.a", "programmeTheoryId": "s.pt", "name": "Matched"}}},
						[]any{map[string]any{"n": map[string]any{"id": "s.q1", "studyId": "s", "text": "I have done this"},
							"r": map[string]any{"stance": "SUPPORTS", "relevance": "HIGH", "createdAt": at, "createdBy": "t"}}},
					}},
			}},
		}}},
	}
	rec := &drv.Record{Keys: []string{"total", "page"}, Values: []any{int64(7), []any{row}}}
	res, err := decodeRead(p, []*drv.Record{rec})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 7 || len(res.Roots) != 1 || res.Roots[0].(*kb.Study).Title != "Youth" {
		t.Fatalf("roots %+v, total %d", res.Roots, res.Total)
	}
	if got := ids(res.Nodes); got != "s.pt.2,s.pt.c.a,s.q1,s.pt.1,s.pt" {
		t.Fatalf("nodes %s", got)
	}
	ev := res.Edges[kb.Edge{ID: "s.pt.1", Step: evidence.Step}]
	if len(ev) != 1 || ev[0].From != "s.q1" || ev[0].To != "s.pt.1" || ev[0].Stance != kb.StanceSupports || !ev[0].CreatedAt.Equal(at) {
		t.Fatalf("evidence %+v", ev)
	}
	cm := res.Edges[kb.Edge{ID: "s.pt", Step: cmoc}]
	if len(cm) != 2 || cm[0].From != "s.pt.1" || cm[0].Type != kb.RelInTheory {
		t.Fatalf("the theory's CMOCs are not in id order as links to their owner: %+v", cm)
	}
	if empty, ok := res.Edges[kb.Edge{ID: "s.pt.2", Step: contexts.Step}]; !ok || len(empty) != 0 {
		t.Fatalf("an empty step must still be recorded as read: %v %v", empty, ok)
	}

	// from ids: one record per node found, the caller's order restored with repeats
	byIDs := kb.ReadPlan{IDs: []string{"b", "x", "a", "b"}}
	recs := []*drv.Record{
		{Keys: []string{"row"}, Values: []any{map[string]any{"n": map[string]any{"id": "a", "name": "A"}, "k": []any{"Node", "Theory"}}}},
		{Keys: []string{"row"}, Values: []any{map[string]any{"n": map[string]any{"id": "b", "name": "B"}, "k": []any{"Construct", "Node"}}}},
	}
	res, err = decodeRead(byIDs, recs)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(res.Roots); got != "b,a,b" || res.Roots[1].NodeKind() != kb.KindTheory {
		t.Fatalf("roots %s", got)
	}
	if _, err := decodeRead(p, []*drv.Record{{Keys: []string{"total", "page"}, Values: []any{int64(1), []any{map[string]any{"n": map[string]any{"id": "s"}, "f": []any{}}}}}}); err == nil {
		t.Fatal("a row with fewer step lists than steps decoded")
	}
}

func ids(ns []kb.Node) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.NodeID()
	}
	return strings.Join(out, ",")
}
