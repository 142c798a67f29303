package interchange_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/interchange"
	"github.com/cmograph/cmograph/internal/store/memory"
)

func read(t *testing.T, path string) interchange.Source {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return interchange.Source{Name: path, Data: data}
}

func TestDetect(t *testing.T) {
	cases := map[string]struct {
		data string
		want interchange.Format
	}{
		"a.yaml":       {"format: cmograph/v1", interchange.FormatDocument},
		"a.json":       {`{"format": "cmograph/v1"}`, interchange.FormatDocument},
		"refs.json":    {`[{"type": "article-journal"}]`, interchange.FormatCSLJSON},
		"t.csv":        {"study,theory", interchange.FormatCSV},
		"refs.ris":     {"TY  - JOUR", interchange.FormatRIS},
		"refs.bib":     {"@article{x,}", interchange.FormatBibTeX},
		"p.qdpx":       {"PK\x03\x04", interchange.FormatQDPX},
		"c.qdc":        {"<CodeBook/>", interchange.FormatQDC},
		"no-extension": {"TY  - JOUR\nER  -", interchange.FormatRIS},
	}
	for name, c := range cases {
		got, err := interchange.Detect(name, []byte(c.data))
		if err != nil || got != c.want {
			t.Errorf("Detect(%s) = %q, %v; want %q", name, got, err, c.want)
		}
	}
	if _, err := interchange.Detect("mystery", []byte("hello")); err == nil || !strings.Contains(err.Error(), "mystery") {
		t.Errorf("an unknown file: %v", err)
	}
}

// A citation file in the same import as the document that adds its study updates that study:
// converters build on the files before them, and the import stays one change that a second run
// leaves alone.
func TestABatchBuildsOnItsEarlierFiles(t *testing.T) {
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sources := []interchange.Source{
		read(t, "../seed/corpus/theories.yaml"),
		read(t, "../seed/corpus/001-gillard-2015.yaml"),
		read(t, "../citation/testdata/example.ris"),
		read(t, "../cmoctable/testdata/example.csv"),
	}
	r, converted, err := interchange.Import(ctx, s, "test", sources, interchange.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Created == 0 || len(converted) != 4 {
		t.Fatalf("first import: %+v", r)
	}
	snap, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gillards := 0
	for _, n := range snap.Nodes {
		if strings.HasPrefix(n.NodeID(), "gillard-2015") && n.NodeKind() == "Study" {
			gillards++
		}
	}
	if gillards != 1 {
		t.Errorf("%d Gillard studies; the RIS record must update the one the document adds", gillards)
	}
	r, _, err = interchange.Import(ctx, s, "test", sources, interchange.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Changed() {
		t.Errorf("re-importing the batch changed something: %+v", r)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bad := interchange.Source{Name: "bad.ris", Data: []byte("TY  - JOUR\nTI  - A title\n")}
	_, _, err = interchange.Import(ctx, s, "test", []interchange.Source{read(t, "../cmoctable/testdata/example.csv"), bad}, interchange.Options{})
	var ie *interchange.InputError
	if err == nil || !strings.Contains(err.Error(), "bad.ris") || !errorsAs(err, &ie) {
		t.Fatalf("want an input error naming bad.ris, got %v", err)
	}
	snap, _ := s.Snapshot(ctx)
	if len(snap.Nodes) != 0 {
		t.Errorf("a failed batch wrote %d nodes", len(snap.Nodes))
	}
}

func errorsAs(err error, target **interchange.InputError) bool { return errors.As(err, target) }
