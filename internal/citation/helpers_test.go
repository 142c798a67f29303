package citation

import (
	"context"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/seed"
	"github.com/cmograph/cmograph/internal/store/memory"
)

// seedStore opens an in-memory store holding the seed corpus.
func seedStore(t *testing.T) *memory.Store {
	t.Helper()
	ctx := context.Background()
	store := emptyStore(t)
	if _, err := seed.Import(ctx, store, "seed"); err != nil {
		t.Fatal(err)
	}
	return store
}

func emptyStore(t *testing.T) *memory.Store {
	t.Helper()
	store, err := memory.Open(context.Background(), memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(context.Background()) })
	return store
}

// baseOf is the store's knowledge base as importers receive it.
func baseOf(t *testing.T, store kb.Store) document.Document {
	t.Helper()
	snap, err := store.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return document.FromSnapshot(snap)
}

// dump is the whole store as canonical JSON, to prove a failed import left it unchanged.
func dump(t *testing.T, store kb.Store) string {
	t.Helper()
	data, err := document.MarshalJSON(baseOf(t, store))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// importFile is what an import command does with a citation file: convert against the
// store's knowledge base and apply the result as one change.
func importFile(t *testing.T, store kb.Store, name string, data []byte) (kb.Result, Report, error) {
	t.Helper()
	doc, rep, err := Convert(name, data, baseOf(t, store))
	if err != nil {
		return kb.Result{}, Report{}, err
	}
	res, err := document.ImportFiles(context.Background(), store, "test", document.Built(name, doc))
	return res, rep, err
}

func studyByID(doc document.Document, id string) *document.Study {
	for i := range doc.Studies {
		if doc.Studies[i].ID == id {
			return &doc.Studies[i]
		}
	}
	return nil
}

func intp(n int) *int { return &n }
