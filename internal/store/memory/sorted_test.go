package memory

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
)

// Every link of a type, as a read of them all gives it, is what the graph holds, sorted, after
// every kind of write, whether the kept list was patched by the write or built again after too
// many; and a list a reader was given stays as it was.
func TestLinksOfATypeFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	apply := func(ops ...kb.Op) error {
		_, err := s.Apply(ctx, kb.Change{Actor: "test", Ops: ops})
		return err
	}
	if err := apply(kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: "s", Title: "S"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.ProgrammeTheory{ID: "s.pt", StudyID: "s", Name: "PT"}}); err != nil {
		t.Fatal(err)
	}
	const n = 12
	for i := range n {
		if err := apply(kb.Op{Type: kb.OpCreate, Node: &kb.CMOC{ID: fmt.Sprintf("s.pt.c%02d", i), ProgrammeTheoryID: "s.pt", Code: fmt.Sprint(i)}},
			kb.Op{Type: kb.OpCreate, Node: &kb.Mechanism{ID: fmt.Sprintf("s.pt.m%02d", i), ProgrammeTheoryID: "s.pt", Name: fmt.Sprint("M", i)}}); err != nil {
			t.Fatal(err)
		}
	}
	all := func() []kb.Link {
		t.Helper()
		ls, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelHasMechanism}, All: true})
		if err != nil {
			t.Fatal(err)
		}
		return ls
	}
	held := func() []kb.Link {
		var ls []kb.Link
		for _, out := range s.g.out {
			for key, l := range out {
				if key.Type == kb.RelHasMechanism {
					ls = append(ls, l)
				}
			}
		}
		kb.SortLinks(ls)
		return ls
	}
	link := func(c, m int) kb.Op {
		return kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasMechanism, From: fmt.Sprintf("s.pt.c%02d", c), To: fmt.Sprintf("s.pt.m%02d", m)}}
	}
	unlink := func(c, m int) kb.Op {
		op := link(c, m)
		op.Type = kb.OpUnlink
		return op
	}
	rng := rand.New(rand.NewPCG(1, 2))
	given, copied := all(), slices.Clone(all())
	patched, rebuilt, refused := 0, 0, 0
	for step := range 300 {
		var ops []kb.Op
		var what string
		switch k := rng.IntN(10); {
		case k < 5:
			what, ops = "a link made (or made again)", []kb.Op{link(rng.IntN(n), rng.IntN(n))}
		case k < 8:
			what, ops = "a link undone (or one there is not)", []kb.Op{unlink(rng.IntN(n), rng.IntN(n))}
		case k < 9:
			what, ops = "links made, then a refused op: nothing", []kb.Op{link(rng.IntN(n), rng.IntN(n)), unlink(rng.IntN(n), rng.IntN(n)), link(rng.IntN(n), 99)}
		default:
			what, ops = "several links made and undone", []kb.Op{link(rng.IntN(n), rng.IntN(n)), link(rng.IntN(n), rng.IntN(n)), unlink(rng.IntN(n), rng.IntN(n))}
		}
		before := s.g.patches[kb.RelHasMechanism]
		_, kept := s.g.sorted[kb.RelHasMechanism]
		if err := apply(ops...); err != nil {
			refused++
		}
		switch _, still := s.g.sorted[kb.RelHasMechanism]; {
		case kept && still && s.g.patches[kb.RelHasMechanism] > before:
			patched++
		case kept && !still:
			rebuilt++
		}
		if got, want := all(), held(); !reflect.DeepEqual(got, want) && (len(got) > 0 || len(want) > 0) {
			t.Fatalf("step %d (%s): every link of the type is\n%v\nwant\n%v", step, what, got, want)
		}
		if !reflect.DeepEqual(given, copied) {
			t.Fatalf("step %d (%s): a list given to a reader before changed", step, what)
		}
	}
	if patched < 100 || rebuilt < 3 || refused < 10 {
		t.Fatalf("%d writes patched the list, %d dropped it, %d were refused: the test did not take every path", patched, rebuilt, refused)
	}
}
