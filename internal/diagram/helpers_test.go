package diagram

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/seed"
	"github.com/cmograph/cmograph/internal/store/memory"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const youthPT = "youth-peer-support-2023.ipt"

// seedSnapshot loads the seed corpus into an in-memory store and reads it back.
func seedSnapshot(t testing.TB) kb.Snapshot {
	t.Helper()
	ctx := context.Background()
	st, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(ctx) })
	if _, err := seed.Import(ctx, st, "test"); err != nil {
		t.Fatal(err)
	}
	snap, err := st.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/diagram -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run with -update if the change is intended); got:\n%s", path, got)
	}
}
