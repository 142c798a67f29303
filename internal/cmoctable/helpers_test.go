package cmoctable

import (
	"bytes"
	"context"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/seed"
	"github.com/cmograph/cmograph/internal/store/memory"
)

// seedStore opens a memory store holding the seed corpus.
func seedStore(t testing.TB) *memory.Store {
	t.Helper()
	ctx := context.Background()
	st := emptyStore(t)
	if _, err := seed.Import(ctx, st, "test"); err != nil {
		t.Fatal(err)
	}
	return st
}

func emptyStore(t testing.TB) *memory.Store {
	t.Helper()
	st, err := memory.Open(context.Background(), memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// theoriesStore holds only doc's theories and their constructs: what a table's construct
// columns name must be in the knowledge base before the table is imported.
func theoriesStore(t testing.TB, doc document.Document) *memory.Store {
	t.Helper()
	st := emptyStore(t)
	if _, err := document.ImportFiles(context.Background(), st, "test", document.Built("theories", document.Document{Theories: doc.Theories})); err != nil {
		t.Fatal(err)
	}
	return st
}

// snapshotDoc is the store as a document: the base every import starts from.
func snapshotDoc(t testing.TB, st kb.Store) document.Document {
	t.Helper()
	snap, err := st.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return document.FromSnapshot(snap)
}

func writeCSV(t testing.TB, doc document.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// importTable reads a table against the store's current content and applies it.
func importTable(t testing.TB, st kb.Store, name string, data []byte, m Mapping) (kb.Result, error) {
	t.Helper()
	doc, err := Read(snapshotDoc(t, st), data, Options{Name: name, Mapping: m})
	if err != nil {
		return kb.Result{}, err
	}
	return document.ImportFiles(context.Background(), st, "test", document.Built(name, doc))
}
