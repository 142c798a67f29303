package qda

import (
	"archive/zip"
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/store/memory"
)

var update = flag.Bool("update", false, "rewrite testdata/example.qdpx and testdata/*.golden.json from the unpacked fixtures")

// exampleDir holds the example project unpacked: project.qde and sources/<guid>.txt, as
// QualCoder exports them.
const exampleDir = "testdata/example"

// zipTime is the fixed modification time of every built entry, so builds are byte-identical.
var zipTime = time.Date(2024, 6, 2, 16, 40, 10, 0, time.UTC)

// readDir reads every file under dir, by slash-separated path relative to it.
func readDir(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// buildZip stores files uncompressed in name order: compressed output could change with the
// Go version, stored output cannot, so the committed example.qdpx stays comparable.
func buildZip(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		f, err := w.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store, Modified: zipTime})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(files[n]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// exampleFiles is a fresh copy of the unpacked example, for tests to alter.
func exampleFiles(t testing.TB) map[string][]byte { return readDir(t, exampleDir) }

func exampleQDPX(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/example.qdpx")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// The example's sources.
const (
	source1 = "sources/0b3a2c4d-66ea-5cc5-931b-6a9b7ebca991.txt"
	source2 = "sources/5edebb09-d393-5af0-a796-c22b29e44f73.txt"
)

func newStore(t testing.TB) *memory.Store {
	t.Helper()
	st, err := memory.Open(context.Background(), memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	return st
}

func snapshotDoc(t testing.TB, st kb.Store, ids ...string) document.Document {
	t.Helper()
	snap, err := st.Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return document.FromSnapshot(snap, ids...)
}

func snapshotJSON(t testing.TB, st kb.Store) string {
	t.Helper()
	data, err := document.MarshalJSON(snapshotDoc(t, st))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func apply(t testing.TB, st kb.Store, name string, doc document.Document) kb.Result {
	t.Helper()
	res, err := document.ImportFiles(context.Background(), st, "test", document.Built(name, doc))
	if err != nil {
		t.Fatalf("importing %s: %v", name, err)
	}
	return res
}

// importProject is what a command would do: read the store, convert, apply as one change.
func importProject(t testing.TB, st kb.Store, name string, data []byte) (kb.Result, Report, error) {
	t.Helper()
	doc, rep, err := ReadProject(snapshotDoc(t, st), name, data)
	if err != nil {
		return kb.Result{}, rep, err
	}
	res, err := document.ImportFiles(context.Background(), st, "test", document.Built(name, doc))
	return res, rep, err
}
