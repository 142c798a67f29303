package cmoctable

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// detailBase is a knowledge base with a theory of two constructs and one study to align with.
func detailBase(t *testing.T) kb.Store {
	t.Helper()
	st := emptyStore(t)
	doc := document.Document{Format: document.FormatV1,
		Theories: []document.Theory{{ID: "chime", Name: "CHIME", Constructs: []document.Construct{{Name: "Hope and optimism"}, {Name: "Empowerment"}}}},
		Studies: []document.Study{{ID: "gillard", Title: "Gillard", ProgrammeTheories: []document.ProgrammeTheory{{Name: "Change model",
			Mechanisms: []document.Mechanism{{Name: "Building trust"}}, Outcomes: []document.Outcome{{Name: "Hope"}},
			CMOCs: []document.CMOC{{Code: "G1", Mechanisms: []string{"Building trust"}, Outcomes: []string{"Hope"}}}}}}}}
	if _, err := document.ImportFiles(context.Background(), st, "t", document.Built("base", doc)); err != nil {
		t.Fatal(err)
	}
	return st
}

// A row says a context's kind, the constructs its elements instance (by id or name) and the
// crosswalk links they make; the store gets all of it and the table written back reads the
// same.
func TestElementDetailColumns(t *testing.T) {
	st := detailBase(t)
	table := "study,theory,cmoc,context,context_kind,mechanism,mechanism_construct,mechanism_aligns,outcome,outcome_construct,outcome_aligns\n" +
		"youth,PT,C1,Group on the ward,intervention component,Feeling trusted,Empowerment,SAME_AS gillard: Building trust,Hopefulness,chime.hope-and-optimism,SAME_AS gillard: Hope; RELATED gillard: Building trust\n" +
		"youth,PT,C1,Staff scepticism,condition,,,,,,\n"
	if _, err := importTable(t, st, "t.csv", []byte(table), nil); err != nil {
		t.Fatal(err)
	}
	doc := snapshotDoc(t, st)
	pt := studyOf(t, doc, "youth").ProgrammeTheories[0]
	kinds := map[string]string{}
	for _, c := range pt.Contexts {
		kinds[c.Name] = c.Kind
	}
	if kinds["Group on the ward"] != "INTERVENTION_COMPONENT" || kinds["Staff scepticism"] != "CONDITION" {
		t.Errorf("context kinds = %v", kinds)
	}
	if m := pt.Mechanisms[0]; !slices.Equal(m.InstanceOf, []string{"chime.empowerment"}) {
		t.Errorf("mechanism constructs = %v", m.InstanceOf)
	}
	if o := pt.Outcomes[0]; !slices.Equal(o.InstanceOf, []string{"chime.hope-and-optimism"}) {
		t.Errorf("outcome constructs = %v", o.InstanceOf)
	}
	var links []string
	for _, a := range doc.Alignments {
		links = append(links, a.From+" "+a.Relation+" "+a.To)
	}
	slices.Sort(links)
	want := []string{
		"youth.pt.m.feeling-trusted SAME_AS gillard.change-model.m.building-trust",
		"youth.pt.o.hopefulness RELATED gillard.change-model.m.building-trust",
		"youth.pt.o.hopefulness SAME_AS gillard.change-model.o.hope",
	}
	if !slices.Equal(links, want) {
		t.Errorf("alignments:\n%s\nwant\n%s", strings.Join(links, "\n"), strings.Join(want, "\n"))
	}

	// written back, the table imports into the same knowledge base changing nothing
	written := writeCSV(t, doc)
	if res, err := importTable(t, st, "again.csv", written, nil); err != nil || res.Changed() {
		t.Errorf("re-import: %v, changed %v\n%s", err, res.Changed(), written)
	}
	for _, cell := range []string{"SAME_AS gillard: Building trust", "chime.empowerment", "CONDITION"} {
		if !strings.Contains(string(written), cell) {
			t.Errorf("written table lacks %q:\n%s", cell, written)
		}
	}
}

func TestElementDetailErrors(t *testing.T) {
	base := snapshotDoc(t, detailBase(t))
	head := "study,theory,cmoc,context,context_kind,mechanism,mechanism_construct,mechanism_aligns,outcome,outcome_aligns\n"
	for _, c := range []struct{ row, want string }{
		{"youth,PT,C1,Ward,weather,,,,,", `t.csv:2: column "context_kind": "weather" is not one of`},
		{"youth,PT,C1,,,Trust,Resilience,,,", `t.csv:2: column "mechanism_construct": no construct has the id or the name "Resilience"`},
		{"youth,PT,C1,,,Trust,,SAME_AS,,", `t.csv:2: column "mechanism_aligns": "SAME_AS" is not "RELATION study-id: element name"`},
		{"youth,PT,C1,,,Trust,,LIKE gillard: Hope,,", `t.csv:2: column "mechanism_aligns": "LIKE" is not one of SAME_AS, BROADER`},
		{"youth,PT,C1,,,Trust,,SAME_AS gillard: Courage,,", `t.csv:2: column "mechanism_aligns": study "gillard" has no context, mechanism or outcome named "Courage"`},
		{"youth,PT,C1,,,Trust,,SAME_AS gillard.nothing,,", `t.csv:2: column "mechanism_aligns": no context, mechanism or outcome has the id "gillard.nothing"`},
		{"youth,PT,C1,,,Trust,,SAME_AS gillard: Hope,,", `t.csv:2: column "mechanism_aligns": relation: an outcome and a mechanism can only be RELATED`},
		{"youth,PT,C1,,,,,,Calm,SAME_AS youth: Calm", `t.csv:2: column "outcome_aligns": to: ALIGNS joins elements of different programme theories`},
	} {
		if msg := readErr(t, base, head+c.row+"\n"); !strings.Contains(msg, c.want) {
			t.Errorf("%s:\n got %s\nwant %s", c.row, msg, c.want)
		}
	}
}

func studyOf(t *testing.T, doc document.Document, id string) document.Study {
	t.Helper()
	for _, s := range doc.Studies {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("no study %q", id)
	return document.Study{}
}
