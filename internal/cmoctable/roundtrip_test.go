package cmoctable

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/synth"
)

// cmocSummary is what a CMOC table carries of a CMOC, resolved to names, comparable across
// stores whose ids differ.
type cmocSummary struct {
	Code, Label, Statement, Status, Source string
	Actors                                 []string
	Contexts, Outcomes                     []string
	Mechanisms                             []string // "name | resource | reasoning"
	Quotes                                 []string // "text | participant | role | stance"
	Details                                []string // "element name: kind; constructs"
}

// summarise keys every CMOC by study, theory name and code.
func summarise(doc document.Document) map[string]cmocSummary {
	x := newDocIndex(doc)
	out := map[string]cmocSummary{}
	for _, st := range x.studies {
		for _, pt := range st.pts {
			for _, c := range pt.cmocs {
				s := cmocSummary{Code: c.doc.Code, Label: c.doc.Label, Statement: c.doc.Statement, Status: c.doc.Status,
					Source: c.doc.Source, Actors: c.doc.Actors, Contexts: sorted(c.contexts), Outcomes: sorted(c.outcomes)}
				for _, m := range c.mechanisms {
					s.Mechanisms = append(s.Mechanisms, m.Name+" | "+m.Resource+" | "+m.Reasoning)
					s.Details = append(s.Details, m.Name+": "+strings.Join(sorted(m.InstanceOf), ","))
				}
				for _, d := range c.contextDocs {
					s.Details = append(s.Details, d.Name+": "+d.Kind+"; "+strings.Join(sorted(d.InstanceOf), ","))
				}
				for _, d := range c.outcomeDocs {
					s.Details = append(s.Details, d.Name+": "+strings.Join(sorted(d.InstanceOf), ","))
				}
				s.Details = sorted(s.Details)
				for _, e := range x.evidence[c.id] {
					s.Quotes = append(s.Quotes, strings.Join([]string{e.quote.Text, e.quote.Participant, e.quote.InformantRole, e.stance}, " | "))
				}
				s.Mechanisms, s.Quotes = sorted(s.Mechanisms), sorted(s.Quotes)
				out[st.doc.ID+" / "+pt.doc.Name+" / "+c.doc.Code] = s
			}
		}
	}
	return out
}

func sorted(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}

func TestSeedRoundTripsThroughCSV(t *testing.T) {
	seedDoc := snapshotDoc(t, seedStore(t))
	data := writeCSV(t, seedDoc)

	empty := theoriesStore(t, seedDoc)
	if _, err := importTable(t, empty, "seed.csv", data, nil); err != nil {
		t.Fatal(err)
	}
	if a, b := alignmentsByName(seedDoc), alignmentsByName(snapshotDoc(t, empty)); len(a) == 0 || !slices.Equal(a, b) {
		t.Errorf("alignments after the round trip:\n%s\nwant\n%s", strings.Join(b, "\n"), strings.Join(a, "\n"))
	}
	want, got := summarise(seedDoc), summarise(snapshotDoc(t, empty))
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("%d CMOCs back, want %d", len(got), len(want))
	}
	quotes := 0
	for key, w := range want {
		g, ok := got[key]
		if !ok {
			t.Errorf("%s: missing after the round trip", key)
			continue
		}
		if a, b := fmt.Sprintf("%#v", w), fmt.Sprintf("%#v", g); a != b {
			t.Errorf("%s:\nwant %s\n got %s", key, a, b)
		}
		quotes += len(w.Quotes)
	}
	if quotes == 0 {
		t.Error("the seed has no quotes: the test proves nothing about them")
	}

	// Ids in the new store come from names, so its table may list things in another order;
	// but from there on the table is a fixed point: import it afresh and it writes the same.
	second := writeCSV(t, snapshotDoc(t, empty))
	third := theoriesStore(t, seedDoc)
	if _, err := importTable(t, third, "second.csv", second, nil); err != nil {
		t.Fatal(err)
	}
	if again := writeCSV(t, snapshotDoc(t, third)); !bytes.Equal(again, second) {
		t.Errorf("table differs after a second round trip:\n%s\n---\n%s", again, second)
	}
	// And importing it again changes nothing.
	res, err := importTable(t, empty, "seed.csv", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed() {
		t.Errorf("re-import into the round-tripped store changed it: %+v", res)
	}
}

func TestSeedTableReimportsIntoSeedUnchanged(t *testing.T) {
	st := seedStore(t)
	before := snapshotDoc(t, st)
	res, err := importTable(t, st, "seed.csv", writeCSV(t, before), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed() {
		t.Errorf("re-import changed the seed store: %+v", res)
	}
	a, _ := document.MarshalJSON(before)
	b, _ := document.MarshalJSON(snapshotDoc(t, st))
	if !bytes.Equal(a, b) {
		t.Error("the store's content differs after re-import")
	}
}

func TestWriteCSVLayout(t *testing.T) {
	data := string(writeCSV(t, snapshotDoc(t, seedStore(t))))
	header := strings.SplitN(data, "\n", 2)[0]
	if want := strings.Join(DefaultColumns(), ","); !strings.HasPrefix(header, want+",") {
		t.Errorf("header %q does not start with the default layout %q", header, want)
	}
	// Finding 1 of the individual peer support study has three mechanisms and no quotes:
	// one row for the CMOC and one for each further mechanism.
	if n := strings.Count(data, ",Finding 1,"); n != 3 {
		t.Errorf("Finding 1 has %d rows, want 3", n)
	}
}

func TestWriteCSVEscapesListValues(t *testing.T) {
	doc := mustRead(t, "study,theory,cmoc,context\ns,PT,C1,\"a\\;b; c\\\\\"\n")
	var buf bytes.Buffer
	if err := WriteCSV(&buf, doc); err != nil {
		t.Fatal(err)
	}
	back, err := Read(document.Document{}, buf.Bytes(), Options{Name: "again.csv"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range back.Studies[0].ProgrammeTheories[0].Contexts {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"a;b", `c\`}) {
		t.Errorf("contexts after a round trip = %q", names)
	}
}

func TestExampleRoundTrips(t *testing.T) {
	ctx := context.Background()
	st := emptyStore(t)
	if _, err := importTable(t, st, "example.csv", readFile(t, "testdata/example.csv"), nil); err != nil {
		t.Fatal(err)
	}
	first := snapshotDoc(t, st)
	other := emptyStore(t)
	if _, err := importTable(t, other, "export.csv", writeCSV(t, first), nil); err != nil {
		t.Fatal(err)
	}
	a, _ := document.Export(ctx, st)
	b, _ := document.Export(ctx, other)
	if stripTimes(a) != stripTimes(b) {
		t.Errorf("example differs after export and import:\n%s\n---\n%s", a, b)
	}
}

// stripTimes drops provenance lines, which differ between two imports.
func stripTimes(data []byte) string {
	var keep []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, `"createdAt"`) || strings.Contains(l, `"updatedAt"`) || strings.Contains(l, `"createdBy"`) || strings.Contains(l, `"updatedBy"`) {
			continue
		}
		keep = append(keep, strings.TrimSuffix(l, ","))
	}
	return strings.Join(keep, "\n")
}

// The synthetic corpus has what the seed lacks at scale: many studies, quotes evidencing two
// CMOCs, the same words from different participants.
func TestSynthTableReimportsUnchanged(t *testing.T) {
	st := emptyStore(t)
	if _, err := synth.Load(context.Background(), st, synth.Default().Scaled(100)); err != nil {
		t.Fatal(err)
	}
	before := snapshotDoc(t, st)
	data := writeCSV(t, before)
	res, err := importTable(t, st, "synth.csv", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed() {
		t.Errorf("re-import changed the synthetic store: %+v", res)
	}
	fresh := theoriesStore(t, before)
	if _, err := importTable(t, fresh, "synth.csv", data, nil); err != nil {
		t.Fatal(err)
	}
	want, got := summarise(before), summarise(snapshotDoc(t, fresh))
	if len(got) != len(want) {
		t.Fatalf("%d CMOCs back, want %d", len(got), len(want))
	}
	for key, w := range want {
		if a, b := fmt.Sprintf("%#v", w), fmt.Sprintf("%#v", got[key]); a != b {
			t.Errorf("%s:\nwant %s\n got %s", key, a, b)
		}
	}
}

// alignmentsByName lists a document's alignments by the study and name of their ends, which a
// table keeps (it does not keep element ids).
func alignmentsByName(doc document.Document) []string {
	names := alignTargets(doc)
	var out []string
	for _, a := range doc.Alignments {
		out = append(out, orDefault(names[a.From], a.From)+" "+a.Relation+" "+orDefault(names[a.To], a.To))
	}
	slices.Sort(out)
	return out
}
