package interchange_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/interchange"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/seed"
	"github.com/cmograph/cmograph/internal/store/memory"
)

// a document that adds a study aligned to an element only the store could hold
const alignedToMissing = `format: cmograph/v1
studies:
  - id: check-2024
    title: A study to check
    year: 2024
    programmeTheories:
      - id: check-2024.pt
        name: Check theory
        mechanisms:
          - name: Hope
        outcomes:
          - name: Recovery
        cmocs:
          - code: CMOC 1
            mechanisms: [Hope]
            outcomes: [Recovery]
alignments:
  - from: check-2024.pt.m.hope
    to: %s
    relation: SAME_AS
`

// plainStore hides the embedded store's Check, as a store without one
type plainStore struct{ kb.Store }

func seeded(t *testing.T) *memory.Store {
	t.Helper()
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sources, err := seed.Sources()
	if err != nil {
		t.Fatal(err)
	}
	in := make([]interchange.Source, len(sources))
	for i, src := range sources {
		in[i] = interchange.Source{Name: src.Name, Data: src.Data}
	}
	if _, _, err := interchange.Import(ctx, s, "seed", in, interchange.Options{}); err != nil {
		t.Fatal(err)
	}
	return s
}

// Check mode resolves references against the store: an alignment to an id nobody holds is
// refused with the very message the import gives, and nothing is written either way.
func TestCheckRefusesWhatTheImportRefuses(t *testing.T) {
	ctx := context.Background()
	s := seeded(t)
	rev, _ := s.Revision(ctx)
	bad := []interchange.Source{{Name: "bad2.yaml", Data: fmt.Appendf(nil, alignedToMissing, "no-such-element")}}
	const want = `bad2.yaml:18: alignments[0].to: no node with id "no-such-element"`
	// a store that cannot try a change itself (Neo4j) is checked on an in-memory copy
	for _, store := range []kb.Store{s, plainStore{s}} {
		rep, err := interchange.Check(ctx, store, bad, interchange.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.OK() || len(rep.Problems) != 1 || rep.Problems[0].Error() != want {
			t.Fatalf("check problems = %q; want [%q]", rep.Problems, want)
		}
	}
	_, _, err := interchange.Import(ctx, s, "test", bad, interchange.Options{})
	if err == nil || err.Error() != want {
		t.Fatalf("import error = %v; want %q", err, want)
	}
	if after, _ := s.Revision(ctx); after != rev {
		t.Errorf("the check or the refused import wrote: revision %d -> %d", rev, after)
	}

	good := []interchange.Source{{Name: "good.yaml", Data: fmt.Appendf(nil, alignedToMissing, "gillard-2015.change-model.m.role-modelling")}}
	rep, err := interchange.Check(ctx, s, good, interchange.Options{})
	if err != nil || !rep.OK() {
		t.Fatalf("check of a good file: %v %q", err, rep.Problems)
	}
	if after, _ := s.Revision(ctx); after != rev {
		t.Errorf("the check wrote: revision %d -> %d", rev, after)
	}
	wantKinds := map[kb.Kind]kb.Result{kb.KindStudy: {Created: 1}, kb.KindProgrammeTheory: {Created: 1},
		kb.KindMechanism: {Created: 1}, kb.KindOutcome: {Created: 1}, kb.KindCMOC: {Created: 1}}
	if fmt.Sprint(rep.Kinds) != fmt.Sprint(wantKinds) || rep.Links[kb.RelAligns].Linked != 1 || rep.Links[kb.RelHasOutcome].Linked != 1 {
		t.Errorf("check counts: kinds %v, links %v", rep.Kinds, rep.Links)
	}
	res, _, err := interchange.Import(ctx, s, "test", good, interchange.Options{})
	if err != nil || res != rep.Result {
		t.Fatalf("import = %+v, %v; the check said %+v", res, err, rep.Result)
	}
	rep, err = interchange.Check(ctx, s, good, interchange.Options{})
	if err != nil || !rep.OK() || rep.Kinds[kb.KindStudy].Unchanged != 1 || rep.Result.Changed() {
		t.Errorf("re-checking an imported file: %v %+v", err, rep)
	}
}

// A file with several problems, some only the planner sees and some only the store, lists them
// all in line order, in check mode and in the refused import alike; what refers to a node that
// is itself refused is checked as if the node were fixed, not reported again.
func TestCheckListsEveryProblem(t *testing.T) {
	ctx := context.Background()
	s := seeded(t)
	doc := `format: cmograph/v1
studies:
  - id: check-2024
    title: A study to check
    year: 2024
    framing: SOMETHING
    programmeTheories:
      - id: check-2024.pt
        name: Check theory
        contexts:
          - name: Peer shares lived experience
        outcomes:
          - name: Recovery
        cmocs:
          - code: CMOC 1
            contexts: [Peer shares lived experience]
            outcomes: [Recovery]
          - code: CMOC 2
            outcomes: [Nowhere]
alignments:
  - from: check-2024.pt.o.recovery
    to: no-such-element
    relation: SAME_AS
  - from: check-2024.pt.c.peer-shares-lived-experience
    to: gillard-2015
    relation: RELATED
`
	src := []interchange.Source{{Name: "several.yaml", Data: []byte(doc)}}
	rep, err := interchange.Check(ctx, s, src, interchange.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Problems {
		got = append(got, p.Error())
	}
	want := []string{
		`several.yaml:6: studies[0].framing: "SOMETHING" is not a Framing`,
		`several.yaml:19: studies[0].programmeTheories[0].cmocs[1].outcomes[0]: "Nowhere" is not the name or id of a outcome`,
		`several.yaml:21: alignments[0].to: no node with id "no-such-element"`,
		`several.yaml:24: alignments[1].to: a ALIGNS link ends at a Context or Mechanism or Outcome, not a Study`,
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q; want it to start %q", i, got[i], want[i])
		}
	}
	// the import, refused, lists the very same problems
	if _, _, err := interchange.Import(ctx, s, "test", src, interchange.Options{}); err == nil || err.Error() != strings.Join(got, "\n") {
		t.Errorf("import error:\n%v\nwant the check's problems:\n%s", err, strings.Join(got, "\n"))
	}
}
