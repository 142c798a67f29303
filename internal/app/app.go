// Package app wires cmograph's parts together from configuration: which store, which data
// file or Neo4j database, the demo corpus.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/seed"
	"github.com/cmograph/cmograph/internal/store/memory"
	neo4jstore "github.com/cmograph/cmograph/internal/store/neo4j"
)

// Store kinds.
const (
	StoreEmbedded = "embedded"
	StoreNeo4j    = "neo4j"
)

// StoreConfig says which store to open.
type StoreConfig struct {
	// Kind is StoreEmbedded or StoreNeo4j; empty picks Neo4j when a URI is given.
	Kind string
	// DataFile is the embedded store's file ("" keeps it in memory only).
	DataFile string
	Neo4j    neo4jstore.Config
}

// Resolve fills in the store kind.
func (c StoreConfig) Resolve() (StoreConfig, error) {
	if c.Kind == "" {
		c.Kind = StoreEmbedded
		if c.Neo4j.URI != "" {
			c.Kind = StoreNeo4j
		}
	}
	switch c.Kind {
	case StoreEmbedded:
	case StoreNeo4j:
		if c.Neo4j.URI == "" {
			return c, fmt.Errorf("--store neo4j needs --neo4j-uri (or NEO4J_URI)")
		}
	default:
		return c, fmt.Errorf("--store is %q; use %q or %q", c.Kind, StoreEmbedded, StoreNeo4j)
	}
	return c, nil
}

// MustHoldData refuses an embedded store whose data file does not exist, for commands that
// only read it: exporting from a mistyped --data would otherwise print an empty document.
func MustHoldData(cfg StoreConfig) error {
	cfg, err := cfg.Resolve()
	if err != nil || cfg.Kind != StoreEmbedded || cfg.DataFile == "" {
		return err
	}
	for _, path := range []string{cfg.DataFile, cfg.DataFile + ".journal"} {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
	}
	return fmt.Errorf("no data file at %s: give --data the file cmograph serve uses (default %s)", cfg.DataFile, "cmograph-data.json")
}

// OpenStore opens the configured store; on Neo4j it also runs the migrations when migrate is
// true, so a fresh database is ready to serve.
func OpenStore(ctx context.Context, cfg StoreConfig, migrate bool, logger *slog.Logger) (kb.Store, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	if cfg.Kind == StoreEmbedded {
		s, err := memory.Open(ctx, memory.Options{Path: cfg.DataFile, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("opening the embedded store: %w", err)
		}
		return s, nil
	}
	cfg.Neo4j.Logger = logger
	s, err := neo4jstore.Open(ctx, cfg.Neo4j)
	if err != nil {
		return nil, fmt.Errorf("opening Neo4j at %s: %w", RedactURI(cfg.Neo4j.URI), err)
	}
	if migrate {
		if err := s.Migrate(ctx); err != nil {
			_ = s.Close(ctx)
			return nil, fmt.Errorf("migrating Neo4j: %w", err)
		}
	}
	return s, nil
}

// OpenStoreReadOnly opens the configured store to read it: the embedded store's files are read
// as they are, without the lock, so that an export or a check can run while cmograph serve
// holds them; every write is refused. Neo4j needs nothing special: nothing is migrated.
func OpenStoreReadOnly(ctx context.Context, cfg StoreConfig, logger *slog.Logger) (kb.Store, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	if cfg.Kind != StoreEmbedded {
		return OpenStore(ctx, cfg, false, logger)
	}
	s, err := memory.Open(ctx, memory.Options{Path: cfg.DataFile, Logger: logger, ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("reading the embedded store: %w", err)
	}
	return s, nil
}

// Migrate runs the Neo4j migrations; the embedded store has none.
func Migrate(ctx context.Context, cfg StoreConfig, logger *slog.Logger) (string, error) {
	cfg, err := cfg.Resolve()
	if err != nil {
		return "", err
	}
	if cfg.Kind == StoreEmbedded {
		return "the embedded store keeps no schema: nothing to migrate", nil
	}
	s, err := OpenStore(ctx, cfg, true, logger)
	if err != nil {
		return "", err
	}
	defer s.Close(ctx)
	return "Neo4j constraints and indexes are in place", nil
}

// IsEmpty reports whether the store holds no studies and no theories.
func IsEmpty(ctx context.Context, s kb.Store) (bool, error) {
	for _, k := range []kb.Kind{kb.KindStudy, kb.KindTheory} {
		p, err := s.List(ctx, kb.ListQuery{Kind: k, Limit: 1})
		if err != nil {
			return false, err
		}
		if p.Total > 0 {
			return false, nil
		}
	}
	return true, nil
}

// LoadDemo imports the seed corpus if the store is empty; a store that already holds work is
// left alone, so --demo never overwrites a reviewer's edits.
func LoadDemo(ctx context.Context, s kb.Store, logger *slog.Logger) error {
	empty, err := IsEmpty(ctx, s)
	if err != nil {
		return err
	}
	if !empty {
		logger.InfoContext(ctx, "store already holds data; demo corpus not loaded")
		return nil
	}
	r, err := seed.Import(ctx, s, "demo")
	if err != nil {
		return fmt.Errorf("loading the demo corpus: %w", err)
	}
	logger.InfoContext(ctx, "demo corpus loaded", "nodes", r.Created, "links", r.Linked)
	return nil
}

// RedactURI drops any user and password written into a URI, for logs and error messages.
func RedactURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URI)"
	}
	u.User = nil
	return u.String()
}
