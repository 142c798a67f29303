package memory

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
)

// The store lists the nodes every write since a revision changed, with a data file and
// without, and says when it cannot: a revision older than it remembers, one before it was
// opened, or a write of more nodes than it lists.
func TestNodesChangedSinceARevision(t *testing.T) {
	for _, withFile := range []bool{false, true} {
		t.Run(fmt.Sprintf("file=%v", withFile), func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "data.json")
			opts := Options{}
			if withFile {
				opts.Path = path
			}
			s, err := Open(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close(ctx) })
			revision := func() uint64 {
				t.Helper()
				rev, err := s.Revision(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return rev
			}
			changed := func(since uint64) ([]string, bool) {
				t.Helper()
				ids, ok, err := s.NodesChangedSince(ctx, since)
				if err != nil {
					t.Fatal(err)
				}
				return ids, ok
			}
			// want says the nodes written since are listed, and no others
			want := func(what string, since uint64, ids ...string) {
				t.Helper()
				got, ok := changed(since)
				if !ok {
					t.Fatalf("%s: the store could not say which nodes changed", what)
				}
				got = slices.Compact(slices.Sorted(slices.Values(got)))
				slices.Sort(ids)
				if !slices.Equal(got, ids) {
					t.Fatalf("%s: changed %q, want %q", what, got, ids)
				}
			}
			apply := func(ops ...kb.Op) error {
				_, err := s.Apply(ctx, kb.Change{Actor: "test", Ops: ops})
				return err
			}
			start := revision()
			want("nothing written", start)
			if err := apply(kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: "s", Title: "S"}},
				kb.Op{Type: kb.OpCreate, Node: &kb.ProgrammeTheory{ID: "s.pt", StudyID: "s", Name: "PT"}}); err != nil {
				t.Fatal(err)
			}
			created := revision()
			want("two nodes created", start, "s", "s.pt")
			if err := apply(kb.Op{Type: kb.OpCreate, Node: &kb.Mechanism{ID: "s.pt.m", ProgrammeTheoryID: "s.pt", Name: "Trust"}}); err != nil {
				t.Fatal(err)
			}
			if err := apply(kb.Op{Type: kb.OpUpdate, Kind: kb.KindProgrammeTheory, ID: "s.pt", Patch: kb.Props{"name": "Renamed"}}); err != nil {
				t.Fatal(err)
			}
			want("a node created, another renamed", created, "s.pt.m", "s.pt")
			want("every write", start, "s", "s.pt", "s.pt.m")
			renamed := revision()
			// a change refused half-way writes nothing, and a change that changes nothing is
			// no write
			if err := apply(kb.Op{Type: kb.OpUpdate, Kind: kb.KindStudy, ID: "s", Patch: kb.Props{"title": "T"}},
				kb.Op{Type: kb.OpUpdate, Kind: kb.KindStudy, ID: "missing", Patch: kb.Props{"title": "T"}}); err == nil {
				t.Fatal("an update of a missing node was accepted")
			}
			if err := apply(kb.Op{Type: kb.OpUpdate, Kind: kb.KindProgrammeTheory, ID: "s.pt", Patch: kb.Props{"name": "Renamed"}}); err != nil {
				t.Fatal(err)
			}
			if revision() != renamed {
				t.Fatal("a refused change or one that changed nothing moved the revision")
			}
			want("a refused change and one that changed nothing", renamed)
			if err := apply(kb.Op{Type: kb.OpDelete, Kind: kb.KindMechanism, ID: "s.pt.m"}); err != nil {
				t.Fatal(err)
			}
			want("a node deleted", renamed, "s.pt.m")
			if _, ok := changed(revision() + 1); ok {
				t.Error("the store listed the changes since a revision it has not reached")
			}

			// a write of more nodes than are listed: the store cannot say what changed before it,
			// and can after it
			beforeMany := revision()
			var many []kb.Op
			for i := range maxNotedNodes + 1 {
				many = append(many, kb.Op{Type: kb.OpCreate, Node: &kb.Mechanism{ID: fmt.Sprintf("s.pt.m%04d", i), ProgrammeTheoryID: "s.pt", Name: "M"}})
			}
			if err := apply(many...); err != nil {
				t.Fatal(err)
			}
			afterMany := revision()
			if _, ok := changed(beforeMany); ok {
				t.Error("the store listed the nodes of a write of more nodes than it lists")
			}
			if _, ok := changed(start); ok {
				t.Error("the store listed the nodes since a revision before a write of more nodes than it lists")
			}
			if err := apply(kb.Op{Type: kb.OpUpdate, Kind: kb.KindStudy, ID: "s", Patch: kb.Props{"title": "After"}}); err != nil {
				t.Fatal(err)
			}
			want("a write after a large one", afterMany, "s")

			// the latest keptChanges writes are remembered, not the ones before
			for i := range keptChanges {
				if err := apply(kb.Op{Type: kb.OpUpdate, Kind: kb.KindStudy, ID: "s", Patch: kb.Props{"title": fmt.Sprint("Title ", i)}}); err != nil {
					t.Fatal(err)
				}
			}
			latest := revision()
			if _, ok := changed(afterMany); ok {
				t.Errorf("the store listed the nodes of %d writes; it keeps %d", latest-afterMany, keptChanges)
			}
			want("the writes remembered", latest-keptChanges, "s")

			if !withFile {
				return
			}
			// a store opened again knows nothing of the writes before it opened
			if err := s.Close(ctx); err != nil {
				t.Fatal(err)
			}
			s = openAt(t, path, Options{})
			if revision() != latest {
				t.Fatalf("reopened at revision %d, want %d", revision(), latest)
			}
			if _, ok := changed(latest - 1); ok {
				t.Error("a store opened again listed the nodes of a write before it opened")
			}
			want("nothing written since the store opened", latest)
			if err := apply(kb.Op{Type: kb.OpUpdate, Kind: kb.KindProgrammeTheory, ID: "s.pt", Patch: kb.Props{"name": "Again"}}); err != nil {
				t.Fatal(err)
			}
			want("a write after opening", latest, "s.pt")
		})
	}
}
