package memory

import (
	"context"
	"fmt"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
)

// What reads keep of a node's steps goes when the node does: a server creating, reading and
// deleting nodes for months, or asked for the links of ids nobody stored, must not keep a step
// for each.
func TestKeptStepsGoWithTheirNodes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	apply := func(ops ...kb.Op) {
		t.Helper()
		if _, err := s.Apply(ctx, kb.Change{Actor: "test", Ops: ops}); err != nil {
			t.Fatal(err)
		}
	}
	apply(kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: "s", Title: "S"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.ProgrammeTheory{ID: "s.pt", StudyID: "s", Name: "PT"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.Mechanism{ID: "s.pt.m", ProgrammeTheoryID: "s.pt", Name: "M"}})
	kept := func() int {
		n := 0
		s.g.steps.Range(func(any, any) bool { n++; return true })
		return n
	}
	for i := range 200 {
		id := fmt.Sprintf("s.pt.%d", i)
		apply(kb.Op{Type: kb.OpCreate, Node: &kb.CMOC{ID: id, ProgrammeTheoryID: "s.pt", Code: fmt.Sprint(i)}},
			kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasMechanism, From: id, To: "s.pt.m"}})
		q := kb.ListQuery{Kind: kb.KindCMOC}
		if _, err := s.Read(ctx, kb.ReadPlan{List: &q, Follow: kb.FollowEverything(kb.KindCMOC, 2)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns, kb.RelRejects}, IDs: []string{id, "made-up-" + id}}); err != nil {
			t.Fatal(err)
		}
		apply(kb.Op{Type: kb.OpDelete, Kind: kb.KindCMOC, ID: id})
	}
	// what is left is the steps of the three nodes there are
	if n, most := kept(), 3*len(kb.StepsFrom(kb.KindCMOC))+2*3*len(kb.LinkTypes()); n > most {
		t.Fatalf("%d steps kept for 3 nodes after 200 CMOCs came and went", n)
	}
}
