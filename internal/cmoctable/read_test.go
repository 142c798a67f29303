package cmoctable

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func exampleMapping(t testing.TB) Mapping {
	t.Helper()
	m, err := ParseMapping(strings.TrimSpace(string(readFile(t, "testdata/example-mapped.mapping"))))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// mustRead reads a table into a document against an empty knowledge base.
func mustRead(t testing.TB, data string) document.Document {
	t.Helper()
	doc, err := Read(document.Document{}, []byte(data), Options{Name: "t.csv"})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// readErr reads a table that must fail and returns the message.
func readErr(t testing.TB, base document.Document, data string) string {
	t.Helper()
	_, err := Read(base, []byte(data), Options{Name: "t.csv"})
	if err == nil {
		t.Fatalf("no error reading:\n%s", data)
	}
	return err.Error()
}

func TestExampleImports(t *testing.T) {
	st := emptyStore(t)
	res, err := importTable(t, st, "example.csv", readFile(t, "testdata/example.csv"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// 1 study, 1 theory, 3 contexts, 3 mechanisms, 3 outcomes, 3 CMOCs, 6 quotes.
	if res.Created != 20 {
		t.Errorf("created %d nodes, want 20: %+v", res.Created, res)
	}
	doc := snapshotDoc(t, st)
	if len(doc.Studies) != 1 {
		t.Fatalf("%d studies", len(doc.Studies))
	}
	s := doc.Studies[0]
	if s.ID != "okafor-2022" || s.Year == nil || *s.Year != 2022 || !strings.HasPrefix(s.Title, "Peer support workers") {
		t.Errorf("study = %s %q %v", s.ID, s.Title, s.Year)
	}
	pt := s.ProgrammeTheories[0]
	if pt.ID != "okafor-2022.initial-programme-theory" || len(pt.CMOCs) != 3 {
		t.Fatalf("theory %s with %d CMOCs", pt.ID, len(pt.CMOCs))
	}
	shared := "okafor-2022.initial-programme-theory.c.peer-worker-discloses-their-own-recovery-story"
	cm := map[string]document.CMOC{}
	for _, c := range pt.CMOCs {
		cm[c.Code] = c
	}
	if !slices.Contains(cm["CMOC 1"].Contexts, shared) || !slices.Contains(cm["CMOC 2"].Contexts, shared) {
		t.Errorf("CMOC 1 and 2 do not share their context: %v / %v", cm["CMOC 1"].Contexts, cm["CMOC 2"].Contexts)
	}
	if len(cm["CMOC 2"].Contexts) != 2 || len(cm["CMOC 3"].Outcomes) != 2 {
		t.Errorf("list cells: CMOC 2 contexts %v, CMOC 3 outcomes %v", cm["CMOC 2"].Contexts, cm["CMOC 3"].Outcomes)
	}
	if got := cm["CMOC 3"].Actors; !slices.Equal(got, []string{"PEER_WORKER"}) {
		t.Errorf("CMOC 3 actors = %v", got)
	}
	stances := map[string]string{}
	for _, q := range s.Quotes {
		for _, ev := range q.Evidences {
			stances[q.Participant] = ev.Stance
			if ev.CMOC == "okafor-2022.initial-programme-theory.cmoc-1" && q.InformantRole == "" {
				t.Errorf("quote %s has no informant role", q.ID)
			}
		}
	}
	want := map[string]string{"P04": "SUPPORTS", "P11": "SUPPORTS", "S02": "REFINES", "P07": "SUPPORTS", "PW03": "SUPPORTS", "PW01": "REFINES"}
	if !mapsEqual(stances, want) {
		t.Errorf("stances = %v, want %v", stances, want)
	}
	// The mechanism has no name column: it is named after its resource and reasoning.
	if m := pt.Mechanisms[0]; !strings.Contains(m.Name, " → ") || m.Resource == "" || m.Reasoning == "" {
		t.Errorf("mechanism = %+v", m)
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestMappedExampleReadsTheSame(t *testing.T) {
	plain, err := Read(document.Document{}, readFile(t, "testdata/example.csv"), Options{Name: "example.csv"})
	if err != nil {
		t.Fatal(err)
	}
	mapped, err := Read(document.Document{}, readFile(t, "testdata/example-mapped.csv"),
		Options{Name: "example-mapped.csv", Mapping: exampleMapping(t)})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := document.MarshalJSON(plain)
	b, _ := document.MarshalJSON(mapped)
	if string(a) != string(b) {
		t.Errorf("mapped example reads differently:\n%s\n---\n%s", a, b)
	}
}

func TestReimportChangesNothing(t *testing.T) {
	st := emptyStore(t)
	data := readFile(t, "testdata/example.csv")
	if _, err := importTable(t, st, "example.csv", data, nil); err != nil {
		t.Fatal(err)
	}
	res, err := importTable(t, st, "example.csv", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed() {
		t.Errorf("second import changed the store: %+v", res)
	}
}

// A table adds to what the knowledge base has: elements are found by name whatever their
// case, fields it leaves empty keep their values, and links it does not mention stay.
func TestImportUpdatesExistingNodes(t *testing.T) {
	st := emptyStore(t)
	if _, err := importTable(t, st, "example.csv", readFile(t, "testdata/example.csv"), nil); err != nil {
		t.Fatal(err)
	}
	update := `Study,Theory,CMOC,Context,Outcome,Status,Mechanism_Resource,Mechanism_Reasoning,Quote,Participant
okafor-2022,initial PROGRAMME theory,cmoc 1,PEER WORKER DISCLOSES THEIR OWN   RECOVERY STORY,hope for recovery,supported,,,"Seeing him  holding down a job made me think it wasn't over for me.",
okafor-2022,Initial programme theory,CMOC 4,Service user distrusts clinical staff,Engagement with the service,,A peer worker further along in their own recovery,The service user comes to see recovery as possible for them too,,
`
	res, err := importTable(t, st, "update.csv", []byte(update), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || res.Updated != 1 {
		t.Errorf("want one CMOC created and one updated: %+v", res)
	}
	doc := snapshotDoc(t, st)
	pt := doc.Studies[0].ProgrammeTheories[0]
	if len(pt.Contexts) != 3 || len(pt.Outcomes) != 3 || len(pt.Mechanisms) != 3 {
		t.Errorf("elements were duplicated: %d contexts, %d mechanisms, %d outcomes", len(pt.Contexts), len(pt.Mechanisms), len(pt.Outcomes))
	}
	for _, c := range pt.CMOCs {
		switch c.Code {
		case "CMOC 1":
			if c.Status != "SUPPORTED" || c.Label != "Shared lived experience instils hope" || len(c.Mechanisms) != 1 {
				t.Errorf("CMOC 1 = %+v", c)
			}
		case "CMOC 4":
			// The mechanism is CMOC 1's: same resource and reasoning.
			if len(c.Mechanisms) != 1 || c.Mechanisms[0] != pt.CMOCs[0].Mechanisms[0] {
				t.Errorf("CMOC 4 mechanisms = %v", c.Mechanisms)
			}
		}
	}
	for _, q := range doc.Studies[0].Quotes {
		if q.Participant == "P11" && q.InformantRole != "SERVICE_USERS" {
			t.Errorf("quote lost its informant role: %+v", q)
		}
	}
	if len(doc.Studies[0].Quotes) != 6 {
		t.Errorf("%d quotes; the quote with extra spaces should be the same quote", len(doc.Studies[0].Quotes))
	}
}

func TestStudyIDIsSluggedAndTitleDefaults(t *testing.T) {
	doc := mustRead(t, "study,theory,cmoc,outcome\nSmith 2020,PT,C1,Hope\n")
	if s := doc.Studies[0]; s.ID != "smith-2020" || s.Title != "Smith 2020" {
		t.Errorf("study = %s %q", s.ID, s.Title)
	}
}

func TestMechanismColumnNamesTheMechanism(t *testing.T) {
	doc := mustRead(t, "study,theory,cmoc,mechanism,mechanism_resource\ns,PT,C1,Trust,Time\ns,PT,C2,trust,\n")
	pt := doc.Studies[0].ProgrammeTheories[0]
	if len(pt.Mechanisms) != 1 || pt.Mechanisms[0].Name != "Trust" || pt.Mechanisms[0].Resource != "Time" {
		t.Errorf("mechanisms = %+v", pt.Mechanisms)
	}
	if len(pt.CMOCs) != 2 || pt.CMOCs[1].Mechanisms[0] != pt.Mechanisms[0].ID {
		t.Errorf("CMOCs = %+v", pt.CMOCs)
	}
}

func TestListCellsAndEscapes(t *testing.T) {
	doc := mustRead(t, `study,theory,cmoc,context,actor
s,PT,C1,"A; B \; still B;; ; C",Staff; staff;  Service Users ; community
`)
	pt := doc.Studies[0].ProgrammeTheories[0]
	var names []string
	for _, c := range pt.Contexts {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"A", "B ; still B", "C"}) {
		t.Errorf("contexts = %q", names)
	}
	if got := pt.CMOCs[0].Actors; !slices.Equal(got, []string{"STAFF", "SERVICE_USER", "COMMUNITY"}) {
		t.Errorf("actors = %v", got)
	}
}

func TestCollidingSlugsGetDistinctIDs(t *testing.T) {
	doc := mustRead(t, "study,theory,cmoc,context\ns,PT,C1,Hope!\ns,PT,C1,Hope?\n")
	pt := doc.Studies[0].ProgrammeTheories[0]
	if len(pt.Contexts) != 2 || pt.Contexts[0].ID == pt.Contexts[1].ID {
		t.Errorf("contexts = %+v", pt.Contexts)
	}
	ctx := context.Background()
	if _, err := document.ImportFiles(ctx, emptyStore(t), "t", document.Built("t.csv", doc)); err != nil {
		t.Error(err)
	}
}

func TestRowErrors(t *testing.T) {
	base := document.Document{}
	cases := []struct{ name, data, want string }{
		{"bad stance", "study,theory,cmoc,outcome,quote,stance\ns,PT,C1,O,Hi,maybe\n",
			`t.csv:2: column "stance": "maybe" is not one of SUPPORTS, REFUTES, REFINES`},
		{"stance named by the file's header", "study,theory,cmoc,outcome,quote,Evidence\ns,PT,C1,O,Hi,maybe\n",
			`t.csv:1: column "Evidence" is not a CMOC table column`},
		{"bad informant", "study,theory,cmoc,outcome,quote,informant\ns,PT,C1,O,Hi,child\n",
			`t.csv:2: column "informant": "child" is not one of SERVICE_USERS`},
		{"bad status", "study,theory,cmoc,outcome,status\ns,PT,C1,O,maybe\n",
			`t.csv:2: column "status": "maybe" is not one of PROPOSED`},
		{"bad year", "study,theory,cmoc,outcome,year\ns,PT,C1,O,1066\n",
			`t.csv:2: column "year": 1066 is not a plausible publication year`},
		{"missing code", "study,theory,cmoc,outcome\ns,PT,,O\n",
			`t.csv:2: column "cmoc": is empty`},
		{"no elements", "study,theory,cmoc,outcome\ns,PT,C1,\n",
			`t.csv:2: CMOC "C1" has no context, mechanism or outcome`},
		{"stance without quote", "study,theory,cmoc,outcome,quote,stance\ns,PT,C1,O,,refutes\n",
			`t.csv:2: column "stance": is given but the quote column is empty`},
		{"conflicting label", "study,theory,cmoc,outcome,label\ns,PT,C1,O,One\ns,PT,C1,O,Two\n",
			`t.csv:3: column "label": "Two" differs from "One" given at t.csv:2`},
		{"conflicting stance", "study,theory,cmoc,outcome,quote,stance\ns,PT,C1,O,Hi,supports\ns,PT,C1,O,Hi,refutes\n",
			`t.csv:3: column "stance": REFUTES differs from SUPPORTS given for this quote and CMOC at t.csv:2`},
		{"conflicting resource", "study,theory,cmoc,mechanism,mechanism_resource\ns,PT,C1,M,a\ns,PT,C2,m,b\n",
			`t.csv:3: column "mechanism_resource": "b" differs from "a" given at t.csv:2`},
		{"long code", "study,theory,cmoc,outcome\ns,PT," + strings.Repeat("x", 65) + ",O\n",
			`t.csv:2: column "cmoc": is 65 bytes long; at most 64`},
		{"long name", "study,theory,cmoc,outcome\ns,PT,C1,O;" + strings.Repeat("x", 1001) + "\n",
			`t.csv:2: column "outcome": "xxxx`},
		{"value without header", "study,theory,cmoc,outcome,\ns,PT,C1,O,stray\n",
			`t.csv:2: column 5 has no header but holds "stray"`},
		{"missing required column", "study,cmoc,outcome\ns,C1,O\n",
			`t.csv:1: the theory column is missing`},
		{"duplicate column", "study,theory,cmoc,outcome,Outcome\ns,PT,C1,O,O\n",
			`t.csv:1: columns "outcome" and "Outcome" are both the outcome column`},
		{"header only", "study,theory,cmoc\n", `t.csv: the table has a header but no rows`},
		{"semicolons", "study;theory;cmoc\ns;PT;C1\n", `the header is a single column "study;theory;cmoc"`},
		{"bad study id", "study,theory,cmoc,outcome\n!!!,PT,C1,O\n", `t.csv:2: column "study": "!!!" has no letters or digits`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := readErr(t, base, c.data)
			if !strings.Contains(got, c.want) {
				t.Errorf("error:\n%s\nwant it to contain:\n%s", got, c.want)
			}
		})
	}
}

func TestManyErrorsAreCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("study,theory,cmoc,outcome,stance,quote\n")
	for range 200 {
		b.WriteString("s,PT,C1,O,maybe,q\n")
	}
	got := readErr(t, document.Document{}, b.String())
	if n := strings.Count(got, "\n") + 1; n > maxErrors+1 {
		t.Errorf("%d error lines; want at most %d", n, maxErrors+1)
	}
	if !strings.Contains(got, "stopped after 50 errors") {
		t.Errorf("no note that errors were cut: %s", got[len(got)-200:])
	}
}

func TestStudyIDUsedByAnotherKind(t *testing.T) {
	base := document.Document{Theories: []document.Theory{{ID: "chime", Name: "CHIME"}}}
	got := readErr(t, base, "study,theory,cmoc,outcome\nchime,PT,C1,O\n")
	if !strings.Contains(got, `t.csv:2: column "study": "chime" is the id of something other than a study`) {
		t.Error(got)
	}
}

func TestExistingStudyKeepsItsFields(t *testing.T) {
	year := 2015
	base := document.Document{Studies: []document.Study{{ID: "s", Title: "Real title", Year: &year, Authors: []string{"A B"}}}}
	doc, err := Read(base, []byte("study,theory,cmoc,outcome,study_title,year\ns,PT,C1,O,Other,2020\n"), Options{Name: "t.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if s := doc.Studies[0]; s.Title != "Real title" || *s.Year != 2015 || len(s.Authors) != 1 {
		t.Errorf("study = %+v", s)
	}
}

func TestEnumForms(t *testing.T) {
	for in, want := range map[string]kb.Actor{"service user": kb.ActorServiceUser, "Service-Users": kb.ActorServiceUser,
		"PEER_WORKER": kb.ActorPeerWorker, "peer workers": kb.ActorPeerWorker, "Organization": kb.ActorOrganisation, "carers": kb.ActorCarer} {
		if got, err := parseActor(in); err != nil || got != want {
			t.Errorf("parseActor(%q) = %q, %v", in, got, err)
		}
	}
	for in, want := range map[string]kb.Informant{"service user": kb.InformantServiceUsers, "Staff": kb.InformantStaff,
		"peer worker": kb.InformantPeerWorkers, "CARERS": kb.InformantCarers} {
		if got, err := parseInformant(in); err != nil || got != want {
			t.Errorf("parseInformant(%q) = %q, %v", in, got, err)
		}
	}
	for in, want := range map[string]kb.Stance{"supports": kb.StanceSupports, "Refute": kb.StanceRefutes, "REFINES": kb.StanceRefines} {
		if got, err := parseStance(in); err != nil || got != want {
			t.Errorf("parseStance(%q) = %q, %v", in, got, err)
		}
	}
}

func TestSameWordsFromTwoParticipantsAreTwoQuotes(t *testing.T) {
	doc := mustRead(t, `study,theory,cmoc,outcome,quote,participant,stance
s,PT,C1,O,It helped.,P1,
s,PT,C2,O,It  helped.,P2,refutes
s,PT,C1,O,Not at first.,,
s,PT,C2,O,Not at first.,P3,
`)
	got := map[string]int{}
	for _, q := range doc.Studies[0].Quotes {
		got[q.Participant+": "+textKey(q.Text)] = len(q.Evidences)
	}
	// P1 and P2 said the same words: two quotes. The participant-less row and P3's are the
	// only quote with their text: one quote, P3's, evidencing both CMOCs.
	want := map[string]int{"P1: It helped.": 1, "P2: It helped.": 1, "P3: Not at first.": 2}
	if len(got) != len(want) {
		t.Fatalf("quotes = %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("quotes = %v, want %v", got, want)
		}
	}
	if _, err := document.ImportFiles(context.Background(), emptyStore(t), "t", document.Built("t.csv", doc)); err != nil {
		t.Error(err)
	}
}

func TestWideSparseTableReadsQuickly(t *testing.T) {
	const width = 100_000
	pad := strings.Repeat(",", width)
	data := "study,theory,cmoc,outcome" + pad + "\n" + strings.Repeat("s,PT,C1,O"+pad+"\n", 50)
	if _, err := Read(document.Document{}, []byte(data), Options{Name: "wide.csv"}); err != nil {
		t.Fatal(err)
	}
	bad := "study,theory,cmoc,outcome" + strings.Repeat(",x", 1000) + "\ns,PT,C1,O" + strings.Repeat(",", 1000) + "\n"
	_, err := Read(document.Document{}, []byte(bad), Options{Name: "wide.csv"})
	if err == nil || strings.Count(err.Error(), "\n") > maxErrors+5 {
		t.Errorf("error for 1000 unknown columns: %d lines", strings.Count(fmt.Sprint(err), "\n"))
	}
}

// A table over the row limit is refused at the first row past it, in CSV and XLSX alike, with
// how to raise the limit.
func TestRowLimit(t *testing.T) {
	table := []byte("study,theory,cmoc,outcome\ns,T,C1,O\n,,,\ns,T,C2,O\ns,T,C3,O\n")
	if _, err := Read(document.Document{}, table, Options{Name: "t.csv", MaxRows: 3}); err == nil ||
		!strings.HasPrefix(err.Error(), "t.csv:5: the table has more than 3 rows") || !strings.Contains(err.Error(), "--max-rows") {
		t.Errorf("CSV over the limit: %v", err)
	}
	if _, err := Read(document.Document{}, table, Options{Name: "t.csv", MaxRows: 4}); err != nil {
		t.Errorf("CSV at the limit: %v", err)
	}
	if _, err := ReadXLSX(document.Document{}, workbookOf(t, table), Options{Name: "t.xlsx", MaxRows: 3}); err == nil ||
		!strings.Contains(err.Error(), "the table has more than 3 rows") {
		t.Errorf("XLSX over the limit: %v", err)
	}
}

// ICAMO: a table names the intervention (programme component) each CMOC is about, and writes
// it back.
func TestInterventionColumnRoundTrips(t *testing.T) {
	doc := mustRead(t, "study,theory,cmoc,outcome,intervention\ns,PT,C1,Hope,Peer-led group session\n")
	if got := doc.Studies[0].ProgrammeTheories[0].CMOCs[0].Intervention; got != "Peer-led group session" {
		t.Fatalf("intervention = %q", got)
	}
	var b strings.Builder
	if err := WriteCSV(&b, doc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "intervention") || !strings.Contains(b.String(), "Peer-led group session") {
		t.Fatalf("the written table lacks the intervention:\n%s", b.String())
	}
	if again := mustRead(t, b.String()); again.Studies[0].ProgrammeTheories[0].CMOCs[0].Intervention != "Peer-led group session" {
		t.Errorf("lost in the round trip:\n%s", b.String())
	}
}

// A table carries what a review records of each study: population, country, framing,
// informants, sample size and design, as reviewers type them.
func TestStudyDetailColumns(t *testing.T) {
	doc := mustRead(t, "study,theory,cmoc,outcome,population,country,framing,informants,sample_size,design\n"+
		"s,PT,C1,Hope,young people,England,realist evaluation,Service users; peer workers,24,Interviews and focus groups\n"+
		"s,PT,C2,Trust,,,,,,\n")
	st := doc.Studies[0]
	if st.Population != "YOUNG_PEOPLE" || st.Country != "England" || st.Framing != "REALIST_EVALUATION" ||
		!slices.Equal(st.Informants, []string{"SERVICE_USERS", "PEER_WORKERS"}) || st.SampleSize == nil || *st.SampleSize != 24 ||
		st.Design != "Interviews and focus groups" {
		t.Errorf("study = %+v", st)
	}
	msg := readErr(t, document.Document{}, "study,theory,cmoc,outcome,population\ns,PT,C1,Hope,martians\n")
	if !strings.Contains(msg, "population") || !strings.Contains(msg, "CHILDREN") {
		t.Errorf("a bad population: %s", msg)
	}
	msg = readErr(t, document.Document{}, "study,theory,cmoc,outcome,country\ns,PT,C1,Hope,England\ns,PT,C2,Hope,Wales\n")
	if !strings.Contains(msg, "country") || !strings.Contains(msg, "differs") {
		t.Errorf("two countries for one study: %s", msg)
	}
}

// An actor cell takes the categories and, beyond them, the roles a study names: a review
// extends the list by writing them.
func TestActorCellTakesRoles(t *testing.T) {
	doc := mustRead(t, "study,theory,cmoc,outcome,actor\n"+
		"s,PT,C1,O,peer supporter with diabetes (peer worker); service users\n"+
		"s,PT,C1,O,nurse\n"+
		"s,PT,C2,O,Peer   supporter with DIABETES (Peer worker)\n")
	c1, c2 := doc.Studies[0].ProgrammeTheories[0].CMOCs[0], doc.Studies[0].ProgrammeTheories[0].CMOCs[1]
	if !slices.Equal(c1.Actors, []string{"PEER_WORKER", "SERVICE_USER"}) || !slices.Equal(c1.Roles, []string{"peer supporter with diabetes", "nurse"}) {
		t.Errorf("C1 actors %v, roles %v", c1.Actors, c1.Roles)
	}
	if !slices.Equal(c2.Actors, []string{"PEER_WORKER"}) || !slices.Equal(c2.Roles, []string{"Peer supporter with DIABETES"}) {
		t.Errorf("C2 actors %v, roles %v", c2.Actors, c2.Roles)
	}
	st := emptyStore(t)
	if _, err := document.ImportFiles(context.Background(), st, "t", document.Built("t.csv", doc)); err != nil {
		t.Fatal(err)
	}
	written := writeCSV(t, snapshotDoc(t, st))
	if !strings.Contains(string(written), "PEER_WORKER; SERVICE_USER; peer supporter with diabetes; nurse") {
		t.Errorf("written table:\n%s", written)
	}
	if res, err := importTable(t, st, "again.csv", written, nil); err != nil || res.Changed() {
		t.Errorf("re-import: %v, changed %v", err, res.Changed())
	}
}
