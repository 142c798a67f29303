package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
)

// testRevisionsKeepConcurrentWrites has eight writers append to one CMOC's caveats, each
// sending the revision it read and retrying on a conflict: no acknowledged append is lost,
// and every write moves the revision on by one.
func testRevisionsKeepConcurrentWrites(t *testing.T, s kb.Store) {
	ctx := context.Background()
	mustApply(t, s,
		kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: "s", Title: "S"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.ProgrammeTheory{ID: "s.pt", StudyID: "s", Name: "PT"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.Outcome{ID: "s.pt.o", ProgrammeTheoryID: "s.pt", Name: "Hope"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.CMOC{ID: "s.pt.1", ProgrammeTheoryID: "s.pt", Code: "1"}},
		kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: "s.pt.1", To: "s.pt.o"}})
	if rev := get(t, s, "s.pt.1").NodeMeta().Revision; rev != 1 {
		t.Fatalf("a new node's revision is %d, want 1", rev)
	}
	const writers, appends = 8, 5
	var wg sync.WaitGroup
	errc := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < appends; {
				ns, err := s.Get(ctx, []string{"s.pt.1"})
				if err != nil || len(ns) != 1 {
					errc <- fmt.Errorf("reading: %v", err)
					return
				}
				c := ns[0].(*kb.CMOC)
				rev := c.Revision
				caveats := append(append([]string{}, c.Caveats...), fmt.Sprintf("w%d-%d", w, i))
				_, err = s.Apply(ctx, kb.Change{Actor: "writer", Ops: []kb.Op{{Type: kb.OpUpdate, Kind: kb.KindCMOC, ID: "s.pt.1",
					Patch: kb.Props{"caveats": caveats}, ExpectedRevision: &rev}}})
				switch {
				case err == nil:
					i++
				case errors.Is(err, kb.ErrConflict):
				default:
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	c := get(t, s, "s.pt.1").(*kb.CMOC)
	if len(c.Caveats) != writers*appends || c.Revision != 1+writers*appends {
		t.Fatalf("%d of %d appends kept, revision %d", len(c.Caveats), writers*appends, c.Revision)
	}
	stale := 1
	_, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpDelete, Kind: kb.KindCMOC, ID: "s.pt.1", ExpectedRevision: &stale}}})
	wantErr(t, err, kb.ErrConflict, "not 1")
	get(t, s, "s.pt.1")
}
