package interchange_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/interchange"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/store/memory"
)

const gillardRIS = `TY  - JOUR
AU  - Gillard, S.
TI  - Developing a change model for peer worker interventions in mental health services: a qualitative research study
PY  - 2015
DO  - 10.1017/S2045796014000407
ER  - 
`

func importOK(t *testing.T, s kb.Store, sources ...interchange.Source) []interchange.Converted {
	t.Helper()
	_, converted, err := interchange.Import(context.Background(), s, "test", sources, interchange.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return converted
}

func studyIDs(t *testing.T, s kb.Store) []string {
	t.Helper()
	p, err := s.List(context.Background(), kb.ListQuery{Kind: kb.KindStudy})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range p.Nodes {
		ids = append(ids, n.NodeID())
	}
	return ids
}

// A CMOC table's study is matched to the knowledge base's the way citations match, so RIS then
// CSV of one paper makes one study, as CSV then RIS always did; by title and year, by DOI or by
// PMID alike.
func TestTableMatchesAStudyACitationMade(t *testing.T) {
	tables := map[string]string{
		"title+year": "study,study_title,year,theory,cmoc,outcome\ngillard,Developing a change model for peer worker interventions in mental health services: a qualitative research study,2015,Change model,CMOC 1,Hope\n",
		"doi":        "study,doi,theory,cmoc,outcome\nGillard 2015,https://doi.org/10.1017/s2045796014000407,Change model,CMOC 1,Hope\n",
	}
	for how, table := range tables {
		t.Run(how, func(t *testing.T) {
			s, err := memory.Open(context.Background(), memory.Options{})
			if err != nil {
				t.Fatal(err)
			}
			importOK(t, s, interchange.Source{Name: "refs.ris", Data: []byte(gillardRIS)})
			before := studyIDs(t, s)
			converted := importOK(t, s, interchange.Source{Name: "table.csv", Data: []byte(table)})
			if after := studyIDs(t, s); !slices.Equal(before, after) {
				t.Fatalf("studies after RIS %v, after the table too %v; want one", before, after)
			}
			if notes := strings.Join(converted[0].Notes, "\n"); !strings.Contains(notes, "matched by "+how) || !strings.Contains(notes, before[0]) {
				t.Errorf("notes do not say the study was matched by %s: %q", how, notes)
			}
			cmocs, err := s.List(context.Background(), kb.ListQuery{Kind: kb.KindProgrammeTheory})
			if err != nil || len(cmocs.Nodes) != 1 || cmocs.Nodes[0].Owner() != before[0] {
				t.Errorf("the table's theory is not the RIS study's: %+v %v", cmocs.Nodes, err)
			}
		})
	}
}

// A re-imported table is the truth for the CMOCs it lists: an outcome edited in the file
// replaces the CMOC's outcome instead of adding a second, the import says what it replaced,
// and a kind the rows leave empty keeps what the CMOC has.
func TestTableReplacesTheElementsOfItsCMOCs(t *testing.T) {
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := "study,theory,cmoc,context,outcome\nx-2020,T,CMOC 1,Peer shares lived experience,Hope\n"
	importOK(t, s, interchange.Source{Name: "table.csv", Data: []byte(first)})
	edited := "study,theory,cmoc,context,outcome\nx-2020,T,CMOC 1,,Hope for recovery\n"
	src := interchange.Source{Name: "table.csv", Data: []byte(edited)}
	rep, err := interchange.Check(ctx, s, []interchange.Source{src}, interchange.Options{})
	if err != nil || !rep.OK() || rep.Links[kb.RelHasOutcome].Unlinked != 1 {
		t.Fatalf("check: %v %q %+v", err, rep.Problems, rep.Links)
	}
	res, converted, err := interchange.Import(ctx, s, "test", []interchange.Source{src}, interchange.Options{})
	if err != nil || res.Unlinked != 1 || res.Linked != 1 {
		t.Fatalf("import of the edited table: %+v %v", res, err)
	}
	notes := strings.Join(converted[0].Notes, "\n")
	if !strings.Contains(notes, "CMOC 1 (x-2020.t.cmoc-1): replaced outcome x-2020.t.o.hope with x-2020.t.o.hope-for-recovery") {
		t.Errorf("notes do not say what was replaced: %q", notes)
	}
	links, err := s.Links(ctx, kb.LinkQuery{IDs: []string{"x-2020.t.cmoc-1"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range links {
		got = append(got, string(l.Type)+" "+l.To)
	}
	want := []string{"HAS_CONTEXT x-2020.t.c.peer-shares-lived-experience", "HAS_OUTCOME x-2020.t.o.hope-for-recovery"}
	if !slices.Equal(got, want) {
		t.Errorf("CMOC links = %q; want %q", got, want)
	}
	// the same file again changes nothing and replaces nothing
	r, converted, err := interchange.Import(ctx, s, "test", []interchange.Source{src}, interchange.Options{})
	if err != nil || r.Changed() || strings.Contains(strings.Join(converted[0].Notes, "\n"), "replaced") {
		t.Errorf("re-import: %+v %v %q", r, err, converted[0].Notes)
	}
}
