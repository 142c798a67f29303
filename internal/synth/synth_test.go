package synth_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/store/memory"
	"github.com/cmograph/cmograph/internal/synth"
)

func generate(t *testing.T, cfg synth.Config) document.Document {
	t.Helper()
	doc, err := synth.Generate(cfg)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", cfg, err)
	}
	return doc
}

func marshal(t *testing.T, doc document.Document) []byte {
	t.Helper()
	data, err := document.MarshalJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSameSeedSameDocument(t *testing.T) {
	cfg := synth.Default().Scaled(300)
	a, b := marshal(t, generate(t, cfg)), marshal(t, generate(t, cfg))
	if !bytes.Equal(a, b) {
		t.Fatal("two runs with the same seed gave different documents")
	}
	cfg.Seed = 2
	if bytes.Equal(a, marshal(t, generate(t, cfg))) {
		t.Fatal("a different seed gave the same document")
	}
}

func TestScaled(t *testing.T) {
	got := synth.Config{Seed: 7}.Scaled(1000)
	want := synth.Config{Studies: 50, CMOCs: 1000, Quotes: 5000, Links: 500, Seed: 7}
	if got != want {
		t.Fatalf("Scaled(1000) = %+v, want %+v", got, want)
	}
	if got := synth.Default().Scaled(10_000); got != synth.Default() {
		t.Fatalf("Default().Scaled(10000) = %+v, want Default", got)
	}
	if got := synth.Default().Scaled(5); got.Studies != 1 || got.Links != 0 || got.Validate() != nil {
		t.Fatalf("Scaled(5) = %+v (%v); want one valid study", got, got.Validate())
	}
}

// counts tallies a document the way the Config counts it.
type counts struct {
	studies, theories, cmocs, quotes, evidences, aligns, revises, elements int
}

func count(doc document.Document) counts {
	var c counts
	c.studies = len(doc.Studies)
	c.aligns = len(doc.Alignments)
	for _, st := range doc.Studies {
		c.theories += len(st.ProgrammeTheories)
		c.quotes += len(st.Quotes)
		for _, q := range st.Quotes {
			c.evidences += len(q.Evidences)
		}
		for _, pt := range st.ProgrammeTheories {
			c.cmocs += len(pt.CMOCs)
			c.revises += len(pt.Revises)
			c.elements += len(pt.Contexts) + len(pt.Mechanisms) + len(pt.Outcomes)
		}
	}
	return c
}

func TestCountsMatchConfig(t *testing.T) {
	for _, cfg := range []synth.Config{
		synth.Default().Scaled(1000),
		{Studies: 3, CMOCs: 7, Quotes: 2, Links: 5, Seed: 3},
		{Studies: 1, CMOCs: 1, Quotes: 0, Links: 0, Seed: 4},
		{Studies: 2, CMOCs: 2, Quotes: 9, Links: 2, Seed: 5},
		{Studies: 120, CMOCs: 121, Quotes: 1, Links: 121, Seed: 6},
	} {
		c := count(generate(t, cfg))
		if c.studies != cfg.Studies || c.cmocs != cfg.CMOCs || c.quotes != cfg.Quotes || c.aligns != cfg.Links {
			t.Errorf("%+v: got %d studies, %d CMOCs, %d quotes, %d alignments", cfg, c.studies, c.cmocs, c.quotes, c.aligns)
		}
		// One study in 50 revises its theory, if it has the CMOCs to split between two.
		if c.revises > cfg.Studies/50 || c.theories != cfg.Studies+c.revises {
			t.Errorf("%+v: %d programme theories and %d revisions", cfg, c.theories, c.revises)
		}
		if c.evidences < c.quotes || c.evidences > 2*c.quotes {
			t.Errorf("%+v: %d evidence links for %d quotes", cfg, c.evidences, c.quotes)
		}
	}
}

func TestShapeIsRealistic(t *testing.T) {
	doc := generate(t, synth.Default().Scaled(1000))
	c := count(doc)
	if c.revises != 1 {
		t.Errorf("%d revised programme theories among 50 studies, want 1", c.revises)
	}
	// Elements are shared: 60-80% as many of each kind as CMOCs.
	if per := float64(c.elements) / float64(c.cmocs) / 3; per < 0.55 || per > 0.85 {
		t.Errorf("%.2f elements per CMOC per kind, want about 0.6-0.8", per)
	}
	minN, maxN := c.cmocs, 0
	for _, st := range doc.Studies {
		n := 0
		for _, pt := range st.ProgrammeTheories {
			n += len(pt.CMOCs)
		}
		minN, maxN = min(minN, n), max(maxN, n)
		if *st.Year < 2005 || *st.Year > 2025 {
			t.Errorf("%s: year %d", st.ID, *st.Year)
		}
		for _, q := range st.Quotes {
			if w := len(strings.Fields(q.Text)); w < 15 || w > 60 {
				t.Errorf("%s: %d words", q.ID, w)
			}
		}
	}
	if maxN < 2*minN {
		t.Errorf("CMOCs per study range %d-%d; want an uneven spread", minN, maxN)
	}
	// The crosswalk mostly joins elements that read alike, and uses every relation.
	relations := map[string]int{}
	for _, a := range doc.Alignments {
		relations[a.Relation]++
	}
	for _, r := range kb.EnumValues("AlignRelation") {
		if relations[r] == 0 {
			t.Errorf("no %s alignment among %v", r, relations)
		}
	}
	if relations["RELATED"]+relations["CONTRADICTS"] > len(doc.Alignments)/2 {
		t.Errorf("alignments are not biased towards similar elements: %v", relations)
	}
}

func TestIDsAreUniqueAndReferencesResolve(t *testing.T) {
	doc := generate(t, synth.Default().Scaled(500))
	ids := map[string]string{}
	def := func(kind, id string) {
		if id == "" {
			t.Errorf("%s without an id", kind)
		}
		if prev, dup := ids[id]; dup {
			t.Errorf("%s id %q is already a %s", kind, id, prev)
		}
		ids[id] = kind
	}
	for _, th := range doc.Theories {
		def("theory", th.ID)
		for _, c := range th.Constructs {
			def("construct", c.ID)
		}
	}
	for _, st := range doc.Studies {
		def("study", st.ID)
		for _, s := range st.Settings {
			def("setting", s.ID)
		}
		for _, pt := range st.ProgrammeTheories {
			def("programme theory", pt.ID)
			for _, x := range pt.Contexts {
				def("context", x.ID)
			}
			for _, x := range pt.Mechanisms {
				def("mechanism", x.ID)
			}
			for _, x := range pt.Outcomes {
				def("outcome", x.ID)
			}
			for _, x := range pt.CMOCs {
				def("CMOC", x.ID)
			}
		}
		for _, q := range st.Quotes {
			def("quote", q.ID)
		}
	}
	// Plan resolves every reference the document makes within itself, and refuses duplicates.
	ops, err := synth.Plan(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if op.Type != kb.OpLink {
			continue
		}
		for _, end := range []string{op.Link.From, op.Link.To} {
			if _, ok := ids[end]; !ok {
				t.Fatalf("%s link %s -> %s: %q is not in the document", op.Link.Type, op.Link.From, op.Link.To, end)
			}
		}
	}
}

func TestLoadsIntoTheEmbeddedStore(t *testing.T) {
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{Path: filepath.Join(t.TempDir(), "kb.json")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	cfg := synth.Default().Scaled(500)
	r, err := synth.Load(ctx, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Created == 0 || r.Linked == 0 {
		t.Fatalf("nothing loaded: %+v", r)
	}
	for kind, want := range map[kb.Kind]int{kb.KindStudy: cfg.Studies, kb.KindCMOC: cfg.CMOCs, kb.KindQuote: cfg.Quotes} {
		p, err := s.List(ctx, kb.ListQuery{Kind: kind, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != want {
			t.Errorf("%d %s in the store, want %d", p.Total, kind, want)
		}
	}
	aligns, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, All: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(aligns) != cfg.Links {
		t.Errorf("%d ALIGNS links in the store, want %d", len(aligns), cfg.Links)
	}
	// Loading the same corpus again changes nothing, as for any import.
	r, err = synth.Load(ctx, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if r.Created+r.Updated+r.Linked+r.Relinked != 0 {
		t.Fatalf("second load changed something: %+v", r)
	}
}

func TestTheJSONImportsThroughTheDocumentPath(t *testing.T) {
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data := marshal(t, generate(t, synth.Default().Scaled(200)))
	if _, err := document.Import(ctx, s, "test", document.Source{Name: "synth.json", Data: data}); err != nil {
		t.Fatal(err)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg  synth.Config
		want string
	}{
		{synth.Config{Studies: 0, CMOCs: 10}, "studies is 0"},
		{synth.Config{Studies: 5, CMOCs: 0}, "cmocs is 0"},
		{synth.Config{Studies: 5, CMOCs: 4}, "fewer than studies"},
		{synth.Config{Studies: 5, CMOCs: 10, Quotes: -1}, "quotes is -1"},
		{synth.Config{Studies: 5, CMOCs: 10, Links: -1}, "links is -1"},
		{synth.Config{Studies: 1, CMOCs: 10, Links: 1}, "different studies"},
		{synth.Config{Studies: 5, CMOCs: 10, Links: 11}, "at most one alignment per CMOC"},
	} {
		err := tc.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want an error containing %q", tc.cfg, err, tc.want)
		}
		if _, gerr := synth.Generate(tc.cfg); gerr == nil {
			t.Errorf("%+v: Generate accepted an invalid config", tc.cfg)
		}
	}
	if err := synth.Default().Validate(); err != nil {
		t.Fatalf("Default: %v", err)
	}
	// Every problem is reported at once.
	err := synth.Config{Studies: 0, CMOCs: 0, Quotes: -1}.Validate()
	if err == nil || !strings.Contains(err.Error(), "studies") || !strings.Contains(err.Error(), "quotes") {
		t.Fatalf("want every problem reported, got %v", err)
	}
}
