// Package synth generates synthetic realist-review corpora of realistic shape, for benchmarks
// and load tests: studies with programme theories, CMOCs that share their theory's contexts,
// mechanisms and outcomes, quotes evidencing the CMOCs, theories with constructs, and a
// crosswalk of ALIGNS links between studies. Texts are composed from a fixed vocabulary of
// peer-support and mental-health programme theory, so they vary but overlap across studies the
// way real extractions do. The same Config always gives the same document.
package synth

import (
	"context"
	"errors"
	"fmt"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// Config sizes a corpus. Every count is exact in the generated document.
type Config struct {
	// Studies is the number of studies; each has one programme theory, and one study in every
	// 50 (among those with at least two CMOCs to share) has a second that REVISES the first.
	Studies int
	// CMOCs is the total across all studies, spread unevenly (a few studies have many).
	CMOCs int
	// Quotes is the total across all studies, roughly in proportion to each study's CMOCs;
	// each quote EVIDENCES one, sometimes two, CMOCs of its study.
	Quotes int
	// Links is the number of cross-study ALIGNS links between elements of one kind: exactly
	// this many, no two joining the same pair. The document carries other links besides, which
	// Links does not count (figures for Default): the CMOC→element links every CMOC needs
	// (~36,000), EVIDENCES from quotes (~57,000), DRAWS_ON from programme theories (~1,000),
	// INSTANCE_OF on a quarter of the elements whose concept maps to a construct (~2,500),
	// EXPLAINED_BY on a quarter of the mechanisms whose concept names a theory (~1,400),
	// OBSERVED_IN on 30% of the CMOCs of studies with settings (~2,500), CHAINS_TO on 2% of
	// CMOCs (~200), and one REVISES per study with two programme theories (10).
	Links int
	// Seed makes the corpus: the same seed gives the same document, byte for byte.
	Seed int64
}

// Default is the size benchmarks quote: 500 studies, 10,000 CMOCs, 50,000 quotes and 5,000
// alignments.
func Default() Config {
	return Config{Studies: 500, CMOCs: 10_000, Quotes: 50_000, Links: 5_000, Seed: 1}
}

// Scaled returns a corpus of Default's shape (20 CMOCs and 100 quotes per study, one alignment
// per two CMOCs) with the given number of CMOCs, keeping c's seed. Counts round to the nearest
// whole number, with at least one study; a single study gets no alignments, as there is no
// other study to align with.
func (c Config) Scaled(cmocs int) Config {
	d := Default()
	scale := func(n int) int { return int((int64(n)*int64(cmocs) + int64(d.CMOCs)/2) / int64(d.CMOCs)) }
	out := Config{Studies: max(1, scale(d.Studies)), CMOCs: cmocs, Quotes: scale(d.Quotes), Links: scale(d.Links), Seed: c.Seed}
	if out.Studies < 2 {
		out.Links = 0
	}
	return out
}

// Validate reports every count that cannot make a corpus.
func (c Config) Validate() error {
	var errs []error
	if c.Studies < 1 {
		errs = append(errs, fmt.Errorf("studies is %d; at least 1", c.Studies))
	}
	if c.CMOCs < 1 {
		errs = append(errs, fmt.Errorf("cmocs is %d; at least 1", c.CMOCs))
	} else if c.CMOCs < c.Studies {
		errs = append(errs, fmt.Errorf("cmocs (%d) is fewer than studies (%d); every study needs at least one CMOC", c.CMOCs, c.Studies))
	}
	if c.Quotes < 0 {
		errs = append(errs, fmt.Errorf("quotes is %d; must not be negative", c.Quotes))
	}
	switch {
	case c.Links < 0:
		errs = append(errs, fmt.Errorf("links is %d; must not be negative", c.Links))
	case c.Links > 0 && c.Studies < 2:
		errs = append(errs, fmt.Errorf("links is %d but there is %d study; alignments join elements of different studies", c.Links, c.Studies))
	case c.Links > c.CMOCs:
		// At most one alignment per CMOC keeps the crosswalk plausible and guarantees there are
		// enough distinct cross-study pairs of elements to draw from.
		errs = append(errs, fmt.Errorf("links (%d) is more than cmocs (%d); at most one alignment per CMOC", c.Links, c.CMOCs))
	}
	if len(errs) > 0 {
		return fmt.Errorf("synthetic corpus config: %w", errors.Join(errs...))
	}
	return nil
}

// Generate builds the corpus cfg describes. Ids are explicit and stable for a seed; study and
// theory ids start with "syn-" so a synthetic corpus never collides with real data.
func Generate(cfg Config) (document.Document, error) {
	if err := cfg.Validate(); err != nil {
		return document.Document{}, err
	}
	g := newGenerator(cfg)
	return g.run()
}

// Actor is the createdBy/updatedBy Load records.
const Actor = "synth"

// Load generates the corpus cfg describes and applies it to store as one change.
func Load(ctx context.Context, store kb.Store, cfg Config) (kb.Result, error) {
	doc, err := Generate(cfg)
	if err != nil {
		return kb.Result{}, err
	}
	return Import(ctx, store, Actor, doc)
}

// Import applies an already generated (or any in-memory) document to store as one change. It
// plans the document directly rather than through document.Import, which would have to
// marshal and re-parse tens of megabytes of text (and refuse a file over
// document.MaxFileSize) only to recover the same Document.
func Import(ctx context.Context, store kb.Store, actor string, doc document.Document) (kb.Result, error) {
	ops, err := Plan(doc)
	if err != nil {
		return kb.Result{}, err
	}
	r, err := store.Apply(ctx, kb.Change{Actor: actor, Ops: ops})
	if err != nil {
		return kb.Result{}, fmt.Errorf("applying the synthetic corpus (%d operations): %w", len(ops), err)
	}
	return r, nil
}

// Plan turns doc into the operations document.Import would apply, checked the same way.
func Plan(doc document.Document) ([]kb.Op, error) {
	ops, err := document.Plan([]*document.File{document.Built("synthetic", doc)})
	if err != nil {
		return nil, fmt.Errorf("planning the synthetic corpus: %w", err)
	}
	return ops, nil
}
