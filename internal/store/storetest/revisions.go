package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	appendConcurrently(t, writers, appends, func(w, i int) error {
		ns, err := s.Get(ctx, []string{"s.pt.1"})
		if err != nil || len(ns) != 1 {
			return fmt.Errorf("reading: %v", err)
		}
		c := ns[0].(*kb.CMOC)
		rev := c.Revision
		caveats := append(append([]string{}, c.Caveats...), fmt.Sprintf("w%d-%d", w, i))
		_, err = s.Apply(ctx, kb.Change{Actor: "writer", Ops: []kb.Op{{Type: kb.OpUpdate, Kind: kb.KindCMOC, ID: "s.pt.1",
			Patch: kb.Props{"caveats": caveats}, ExpectedRevision: &rev}}})
		return err
	})
	c := get(t, s, "s.pt.1").(*kb.CMOC)
	if len(c.Caveats) != writers*appends || c.Revision != 1+writers*appends {
		t.Fatalf("%d of %d appends kept, revision %d", len(c.Caveats), writers*appends, c.Revision)
	}
	stale := 1
	_, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpDelete, Kind: kb.KindCMOC, ID: "s.pt.1", ExpectedRevision: &stale}}})
	wantErr(t, err, kb.ErrConflict, "not 1")
	get(t, s, "s.pt.1")
}

// testLinkRevisionsKeepConcurrentWrites has eight reviewers append to the rationale of one
// alignment, each sending the link revision it read and retrying on a conflict: nothing
// acknowledged is lost, every change moves the revision on by one, an unchanged write leaves
// it, and a removal that read an old revision is refused.
func testLinkRevisionsKeepConcurrentWrites(t *testing.T, s kb.Store) {
	ctx := context.Background()
	mustApply(t, s,
		kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: "s", Title: "S"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: "u", Title: "U"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.ProgrammeTheory{ID: "s.pt", StudyID: "s", Name: "PT"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.ProgrammeTheory{ID: "u.pt", StudyID: "u", Name: "PT"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.Outcome{ID: "s.pt.o", ProgrammeTheoryID: "s.pt", Name: "Hope"}},
		kb.Op{Type: kb.OpCreate, Node: &kb.Outcome{ID: "u.pt.o", ProgrammeTheoryID: "u.pt", Name: "Hope"}})
	key := kb.Link{Type: kb.RelAligns, From: "s.pt.o", To: "u.pt.o"}
	read := func() kb.Link {
		t.Helper()
		ls, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, IDs: []string{"s.pt.o"}})
		if err != nil || len(ls) != 1 {
			t.Fatalf("reading the alignment: %v %v", ls, err)
		}
		return ls[0]
	}
	first := key
	first.Relation, first.Rationale = kb.AlignSameAs, "start"
	zero := 0
	mustApply(t, s, kb.Op{Type: kb.OpLink, Link: first, ExpectedRevision: &zero})
	if rev := read().Revision; rev != 1 {
		t.Fatalf("a new link's revision is %d, want 1", rev)
	}
	// the same content again changes nothing, revision included
	mustApply(t, s, kb.Op{Type: kb.OpLink, Link: first})
	if rev := read().Revision; rev != 1 {
		t.Fatalf("an unchanged link moved to revision %d", rev)
	}
	const writers, appends = 8, 4
	appendConcurrently(t, writers, appends, func(w, i int) error {
		ls, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, IDs: []string{"s.pt.o"}})
		if err != nil || len(ls) != 1 {
			return fmt.Errorf("reading: %v", err)
		}
		l := ls[0]
		rev := l.Revision
		l.Rationale += fmt.Sprintf(" w%d.%d", w, i)
		_, err = s.Apply(ctx, kb.Change{Actor: "w", Ops: []kb.Op{{Type: kb.OpLink, Link: l, ExpectedRevision: &rev}}})
		return err
	})
	l := read()
	for w := range writers {
		for i := range appends {
			if !strings.Contains(l.Rationale, fmt.Sprintf(" w%d.%d", w, i)) {
				t.Errorf("append w%d.%d was acknowledged and lost", w, i)
			}
		}
	}
	if want := 1 + writers*appends; l.Revision != want {
		t.Errorf("revision %d after %d changes, want %d", l.Revision, writers*appends, want)
	}
	stale := 1
	_, err := s.Apply(ctx, kb.Change{Actor: "w", Ops: []kb.Op{{Type: kb.OpUnlink, Link: key, ExpectedRevision: &stale}}})
	wantErr(t, err, kb.ErrConflict, "revision")
	again := l.Revision
	mustApply(t, s, kb.Op{Type: kb.OpUnlink, Link: key, ExpectedRevision: &again})
	_, err = s.Apply(ctx, kb.Change{Actor: "w", Ops: []kb.Op{{Type: kb.OpLink, Link: first, ExpectedRevision: &again}}})
	wantErr(t, err, kb.ErrConflict, "removed")
}

// appendConcurrently runs writers goroutines that each make appends acknowledged writes with
// write(w, i), reading again and retrying whenever a write is refused as a conflict; any other
// error fails the test.
func appendConcurrently(t *testing.T, writers, appends int, write func(w, i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	errc := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < appends; {
				switch err := write(w, i); {
				case err == nil:
					i++
				case errors.Is(err, kb.ErrConflict):
					// someone wrote first: read again
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
}
