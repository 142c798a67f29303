package app_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/app"
	"github.com/cmograph/cmograph/internal/store/memory"
)

func TestRedactURIDropsCredentials(t *testing.T) {
	for in, want := range map[string]string{
		"neo4j://alice:s3cret@db.example:7687": "neo4j://db.example:7687",
		"bolt://localhost:7687":                "bolt://localhost:7687",
	} {
		if got := app.RedactURI(in); got != want {
			t.Errorf("RedactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolvePicksTheStore(t *testing.T) {
	cases := []struct {
		cfg  app.StoreConfig
		want string
		err  string
	}{
		{app.StoreConfig{}, app.StoreEmbedded, ""},
		{app.StoreConfig{Kind: "neo4j"}, "", "needs --neo4j-uri"},
		{app.StoreConfig{Kind: "postgres"}, "", `--store is "postgres"`},
	}
	for _, c := range cases {
		got, err := c.cfg.Resolve()
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%+v: want error %q, got %v", c.cfg, c.err, err)
			}
			continue
		}
		if err != nil || got.Kind != c.want {
			t.Errorf("%+v: got %q, %v", c.cfg, got.Kind, err)
		}
	}
	withURI := app.StoreConfig{}
	withURI.Neo4j.URI = "neo4j://x:7687"
	if got, _ := withURI.Resolve(); got.Kind != app.StoreNeo4j {
		t.Errorf("a Neo4j URI should pick neo4j, got %q", got.Kind)
	}
}

func TestLoadDemoOnlyIntoAnEmptyStore(t *testing.T) {
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	logger := discard()
	if err := app.LoadDemo(ctx, s, logger); err != nil {
		t.Fatal(err)
	}
	snap, _ := s.Snapshot(ctx)
	n := len(snap.Nodes)
	if n < 100 {
		t.Fatalf("demo corpus has only %d nodes", n)
	}
	if empty, _ := app.IsEmpty(ctx, s); empty {
		t.Fatal("store reads as empty after the demo")
	}
	if err := app.LoadDemo(ctx, s, logger); err != nil {
		t.Fatal(err)
	}
	snap, _ = s.Snapshot(ctx)
	if len(snap.Nodes) != n {
		t.Fatalf("second demo load changed the node count: %d -> %d", n, len(snap.Nodes))
	}
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
