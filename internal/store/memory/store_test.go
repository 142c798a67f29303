package memory_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/store/memory"
	"github.com/cmograph/cmograph/internal/store/storetest"
)

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) kb.Store {
		s, err := memory.Open(context.Background(), memory.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestConformanceWithDataFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T) kb.Store {
		s, err := memory.Open(context.Background(), memory.Options{Path: filepath.Join(t.TempDir(), "kb.json")})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestCommittedChangesSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.json")
	s, err := memory.Open(ctx, memory.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	year := 2015
	if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{
		{Type: kb.OpCreate, Node: &kb.Study{ID: "s", Title: "S", Year: &year}},
		{Type: kb.OpCreate, Node: &kb.ProgrammeTheory{ID: "s.pt", StudyID: "s", Name: "PT"}},
		{Type: kb.OpCreate, Node: &kb.CMOC{ID: "s.pt.1", ProgrammeTheoryID: "s.pt", Code: "1"}},
		{Type: kb.OpCreate, Node: &kb.CMOC{ID: "s.pt.2", ProgrammeTheoryID: "s.pt", Code: "2"}},
		{Type: kb.OpLink, Link: kb.Link{Type: kb.RelChainsTo, From: "s.pt.1", To: "s.pt.2", LinkProps: kb.LinkProps{Rationale: "r"}}},
	}}); err != nil {
		t.Fatal(err)
	}
	// a refused change must not reach the file either
	if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{
		{Type: kb.OpCreate, Node: &kb.Study{ID: "t", Title: "T"}},
		{Type: kb.OpCreate, Node: &kb.Study{ID: "s", Title: "dup"}},
	}}); !errors.Is(err, kb.ErrConflict) {
		t.Fatalf("want conflict, got %v", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	s2, err := memory.Open(ctx, memory.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close(ctx)
	snap, err := s2.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Nodes) != 4 || len(snap.Links) != 1 || snap.Links[0].Rationale != "r" {
		t.Fatalf("after reopening: %d nodes, links %+v", len(snap.Nodes), snap.Links)
	}
	if st := snap.Nodes[0].(*kb.Study); *st.Year != 2015 || st.CreatedAt.IsZero() {
		t.Fatalf("study after reopen: %+v", st)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); ext != ".json" && ext != ".lock" && ext != ".journal" {
			t.Errorf("stray file left beside the data file: %s", e.Name())
		}
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.json")
	s, err := memory.Open(ctx, memory.Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := memory.Open(ctx, memory.Options{Path: path}); !errors.Is(err, memory.ErrLocked) {
		t.Fatalf("second open: want ErrLocked, got %v", err)
	}
	s.Close(ctx)
	s3, err := memory.Open(ctx, memory.Options{Path: path})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	s3.Close(ctx)
}

func TestCorruptDataFileIsReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kb.json")
	if err := os.WriteFile(path, []byte(`{"format":"cmograph-store/v1","nodes":[{"kind":"Study","node":{"id":"x"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := memory.Open(context.Background(), memory.Options{Path: path})
	if err == nil || !errors.Is(err, kb.ErrInvalid) {
		t.Fatalf("want an invalid-data error naming the node, got %v", err)
	}
}

// Whole-corpus reads hand out cached, shared slices; writers drop the caches. Readers running
// alongside writers must see consistent answers (run with -race to check the locking).
func TestCachedReadsAlongsideWrites(t *testing.T) {
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpUpsert, Node: &kb.Study{ID: "s", Title: "S"}},
		{Type: kb.OpUpsert, Node: &kb.ProgrammeTheory{ID: "s.pt", StudyID: "s", Name: "PT"}}}}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	errs := make(chan error, 4)
	for r := 0; r < 3; r++ {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				// every link comes with its outcome in one change, so outcomes read after the
				// links are at least as many; and a cached list is always in order
				ls, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelHasOutcome}, All: true})
				if err != nil {
					errs <- err
					return
				}
				p, err := s.List(ctx, kb.ListQuery{Kind: kb.KindOutcome})
				if err != nil {
					errs <- err
					return
				}
				if len(ls) > p.Total {
					errs <- fmt.Errorf("%d links to %d outcomes", len(ls), p.Total)
					return
				}
				for i := 1; i < len(ls); i++ {
					if ls[i-1].From >= ls[i].From {
						errs <- fmt.Errorf("links out of order: %s before %s", ls[i-1].From, ls[i].From)
						return
					}
				}
			}
		}()
	}
	for i := 0; i < 200; i++ {
		o := fmt.Sprintf("s.pt.o.%03d", i)
		c := fmt.Sprintf("s.pt.c%03d", i)
		if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{
			{Type: kb.OpUpsert, Node: &kb.Outcome{ID: o, ProgrammeTheoryID: "s.pt", Name: o}},
			{Type: kb.OpUpsert, Node: &kb.CMOC{ID: c, ProgrammeTheoryID: "s.pt", Code: c}},
			{Type: kb.OpLink, Link: kb.Link{Type: kb.RelHasOutcome, From: c, To: o}},
		}}); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for r := 0; r < 3; r++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	ls, _ := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelHasOutcome}, All: true})
	p, _ := s.List(ctx, kb.ListQuery{Kind: kb.KindOutcome})
	if len(ls) != 200 || p.Total != 200 {
		t.Fatalf("after the writes: %d links, %d outcomes; want 200 each", len(ls), p.Total)
	}
}

// Two analysts on one embedded store stand for two API servers sharing it: each keeps its own
// index of the corpus, and both must follow every write.
func TestReplicasFollowWrites(t *testing.T) {
	storetest.RunReplicas(t, func(t *testing.T) (kb.Store, kb.Store) {
		s, err := memory.Open(context.Background(), memory.Options{Path: filepath.Join(t.TempDir(), "kb.json")})
		if err != nil {
			t.Fatal(err)
		}
		return s, nopClose{s}
	})
}

// nopClose shares a store without closing it twice.
type nopClose struct{ *memory.Store }

func (nopClose) Close(context.Context) error { return nil }

// A read-only open reads what the process holding the file has committed, journal and all,
// without taking the lock, while that process goes on writing and compacting; it refuses
// writes. A clean stop removes the lock file.
func TestReadOnlyOpenWhileAnotherHoldsTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.json")
	s, err := memory.Open(ctx, memory.Options{Path: path, CompactAt: 1})
	if err != nil {
		t.Fatal(err)
	}
	year := 2015
	for i := range 30 {
		st := &kb.Study{ID: fmt.Sprintf("s%02d", i), Title: "T", Year: &year}
		if _, err := s.Apply(ctx, kb.Change{Actor: "t", Ops: []kb.Op{{Type: kb.OpUpsert, Node: st}}}); err != nil {
			t.Fatal(err)
		}
		r, err := memory.Open(ctx, memory.Options{Path: path, ReadOnly: true})
		if err != nil {
			t.Fatalf("read-only open while held: %v", err)
		}
		p, err := r.List(ctx, kb.ListQuery{Kind: kb.KindStudy})
		if err != nil || p.Total != i+1 {
			t.Fatalf("read-only open after %d writes sees %d studies (%v)", i+1, p.Total, err)
		}
		if _, err := r.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpDelete, Kind: kb.KindStudy, ID: "s00"}}}); !errors.Is(err, memory.ErrReadOnly) {
			t.Fatalf("a write to a read-only store: %v", err)
		}
		r.Close(ctx)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file after a clean stop: %v", err)
	}
}
