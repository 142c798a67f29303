package qda

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/seed"
)

// TestExampleArchiveIsUpToDate keeps the committed example.qdpx the zip of testdata/example;
// run with -update after editing the unpacked files.
func TestExampleArchiveIsUpToDate(t *testing.T) {
	built := buildZip(t, exampleFiles(t))
	if *update {
		if err := os.WriteFile("testdata/example.qdpx", built, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(built, exampleQDPX(t)) {
		t.Fatal("testdata/example.qdpx is not the zip of testdata/example; run go test ./internal/qda -run TestExampleArchiveIsUpToDate -update")
	}
}

// golden compares got with testdata/<name>, rewriting it with -update.
func golden(t *testing.T, name string, doc document.Document) {
	t.Helper()
	got, err := document.MarshalJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	path := "testdata/" + name
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the conversion (run with -update to accept):\n%s", path, got)
	}
}

func TestReadProjectExample(t *testing.T) {
	doc, rep, err := ReadProject(document.Document{}, "example.qdpx", exampleQDPX(t))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "example.golden.json", doc)

	if rep.Project != "Youth Peer Support Evaluation" || rep.Sources != 2 || rep.Studies != 2 || rep.MergedStudies != 0 ||
		rep.Codes != 13 || rep.Quotes != 11 || rep.CMOCs != 4 || rep.Evidences != 8 || rep.SkippedSelections != 1 ||
		rep.Contexts != 4 || rep.Mechanisms != 5 || rep.Outcomes != 5 {
		t.Errorf("report: %+v", rep)
	}
	if want := []string{"Logistics", "Logistics / Travel costs"}; !slices.Equal(rep.IgnoredCodes, want) {
		t.Errorf("ignored codes %q, want %q", rep.IgnoredCodes, want)
	}
	if len(rep.SkippedSets) != 0 || len(rep.SkippedSources) != 0 {
		t.Errorf("skipped: %+v", rep)
	}

	if len(doc.Studies) != 2 {
		t.Fatalf("%d studies", len(doc.Studies))
	}
	s1, s2 := doc.Studies[0], doc.Studies[1]
	if s1.ID != "interview-01-young-person" || s1.Title != "Interview 01 (young person)" || s2.ID != "interview-02-peer-worker" {
		t.Errorf("studies %q %q %q", s1.ID, s1.Title, s2.ID)
	}
	pt := s1.ProgrammeTheories[0]
	if pt.ID != "interview-01-young-person.youth-peer-support-evaluation-codes" || pt.Name != "Youth Peer Support Evaluation codes" {
		t.Errorf("programme theory %q %q", pt.ID, pt.Name)
	}
	if got := names(pt.Mechanisms, mechanismName); !slices.Equal(got, []string{"Shared lived experience builds trust",
		"Feeling understood without judgement", "Hope from seeing a peer’s recovery"}) {
		t.Errorf("mechanisms %q", got)
	}
	// The Outcome category's descendants and the "O:" prefix both make outcomes.
	if got := names(s2.ProgrammeTheories[0].Outcomes, outcomeName); !slices.Equal(got, []string{"Engagement with support", "Increased hope", "Reduced stigma"}) {
		t.Errorf("interview 02 outcomes %q", got)
	}
	trust := pt.CMOCs[0]
	base := pt.ID + "."
	if trust.Code != "Trust through shared experience" || trust.ID != base+"trust-through-shared-experience" ||
		!slices.Equal(trust.Contexts, []string{base + "c.peer-worker-close-in-age"}) ||
		!slices.Equal(trust.Mechanisms, []string{base + "m.shared-lived-experience-builds-trust"}) ||
		!slices.Equal(trust.Outcomes, []string{base + "o.engagement-with-support"}) ||
		!strings.HasPrefix(trust.Statement, "A peer worker close in age") {
		t.Errorf("CMOC %+v", trust)
	}
	// Offsets count characters: the text before the first selection has curly quotes and dashes.
	q := s1.Quotes[0]
	if q.Text != "I’d stopped going to CAMHS. I felt like nobody there got it — they were all adults reading from a script." ||
		*q.StartOffset != 171 || *q.EndOffset != 276 || q.Location != "" {
		t.Errorf("first quote %q %d-%d %q", q.Text, *q.StartOffset, *q.EndOffset, q.Location)
	}
	if len(q.Evidences) != 1 || q.Evidences[0].CMOC != base+"hope-through-role-models" || q.Evidences[0].Stance != "SUPPORTS" {
		t.Errorf("first quote evidences %+v", q.Evidences)
	}
	if q := s1.Quotes[4]; q.Location != "Attendance since joining" {
		t.Errorf("a selection with a real name keeps it as location; got %q", q.Location)
	}
	// The bus fare is coded only with an ignored code: a quote, but no evidence.
	if q := s1.Quotes[6]; q.Text != "The bus fare is a pain though, it’s £4.20 each way." || len(q.Evidences) != 0 {
		t.Errorf("last quote %q %+v", q.Text, q.Evidences)
	}
}

func names[T any](xs []T, name func(T) string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, name(x))
	}
	return out
}

func mechanismName(m document.Mechanism) string { return m.Name }
func outcomeName(o document.Outcome) string     { return o.Name }

// TestImportExampleIntoStore imports the example next to the seed corpus, then again: the
// second import changes nothing, and the seed studies are untouched.
func TestImportExampleIntoStore(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	src, err := seed.Sources()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := document.Import(ctx, st, "seed", src...); err != nil {
		t.Fatal(err)
	}
	seedIDs := []string{}
	for _, s := range snapshotDoc(t, st).Studies {
		seedIDs = append(seedIDs, s.ID)
	}
	before, _ := document.MarshalJSON(snapshotDoc(t, st, seedIDs...))

	res, _, err := importProject(t, st, "example.qdpx", exampleQDPX(t))
	if err != nil {
		t.Fatal(err)
	}
	// 2 studies, 2 programme theories, 14 elements, 4 CMOCs, 11 quotes.
	if res.Created != 33 || res.Updated != 0 || res.Linked != 8+12 {
		t.Errorf("first import: %+v", res)
	}
	imported := snapshotDoc(t, st, "interview-01-young-person", "interview-02-peer-worker")
	var quotes, cmocs, evidences int
	for _, s := range imported.Studies {
		quotes += len(s.Quotes)
		for _, q := range s.Quotes {
			evidences += len(q.Evidences)
		}
		for _, pt := range s.ProgrammeTheories {
			cmocs += len(pt.CMOCs)
		}
	}
	if len(imported.Studies) != 2 || quotes != 11 || cmocs != 4 || evidences != 8 {
		t.Errorf("store holds %d studies, %d quotes, %d CMOCs, %d evidence links", len(imported.Studies), quotes, cmocs, evidences)
	}
	after, _ := document.MarshalJSON(snapshotDoc(t, st, seedIDs...))
	if !bytes.Equal(before, after) {
		t.Error("importing the project changed the seed studies")
	}
	res, _, err = importProject(t, st, "example.qdpx", exampleQDPX(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed() {
		t.Errorf("second import changed the store: %+v", res)
	}
}

// TestReimportKeepsReviewerEdits: what reviewers change after an import (a study's details, a
// CMOC's status, an evidence judgement, an element's description) survives importing the
// same project again, and the import then changes nothing.
func TestReimportKeepsReviewerEdits(t *testing.T) {
	st := newStore(t)
	// A study that exists before the import keeps its title.
	year := 2024
	apply(t, st, "existing.yaml", document.Document{Format: document.FormatV1, Studies: []document.Study{
		{ID: "interview-01-young-person", Title: "Thompson et al. interview 1", Year: &year, Authors: []string{"Thompson A"}},
	}})
	if _, rep, err := importProject(t, st, "example.qdpx", exampleQDPX(t)); err != nil || rep.MergedStudies != 1 {
		t.Fatalf("import: %v %+v", err, rep)
	}
	doc := snapshotDoc(t, st)
	s1 := &doc.Studies[0]
	if s1.Title != "Thompson et al. interview 1" {
		t.Fatalf("merged study's title replaced: %q", s1.Title)
	}
	s1.Design = "Semi-structured interview"
	pt := &s1.ProgrammeTheories[0]
	pt.Stage = "INITIAL"
	pt.CMOCs[0].Status = "SUPPORTED"
	pt.CMOCs[0].Label = "Trust"
	for i, m := range pt.Mechanisms {
		if m.Name == "Feeling understood without judgement" { // its code has no description to restate
			pt.Mechanisms[i].Description = "Written by a reviewer."
			pt.Mechanisms[i].Reasoning = "Relief at not being judged"
		}
	}
	s1.Quotes[1].Evidences[0].Relevance = "HIGH"
	s1.Quotes[1].Evidences[0].Stance = "REFINES"
	s1.Quotes[1].Participant = "YP1"
	s1.Quotes[1].InformantRole = "SERVICE_USERS"
	apply(t, st, "edited.json", doc)
	edited := snapshotJSON(t, st)

	res, _, err := importProject(t, st, "example.qdpx", exampleQDPX(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed() {
		t.Errorf("re-import changed the store: %+v", res)
	}
	if got := snapshotJSON(t, st); got != edited {
		t.Errorf("re-import lost reviewer edits:\n%s", got)
	}
}

// TestRoundTrip: export after import, import the export into an empty store, and both stores
// export the same document; converting the project against the second store changes nothing.
func TestRoundTrip(t *testing.T) {
	a := newStore(t)
	if _, _, err := importProject(t, a, "example.qdpx", exampleQDPX(t)); err != nil {
		t.Fatal(err)
	}
	exported := snapshotDoc(t, a)
	b := newStore(t)
	apply(t, b, "export.json", exported)
	if x, y := snapshotJSON(t, a), snapshotJSON(t, b); x != y {
		t.Fatalf("export does not import back the same:\n%s\n---\n%s", x, y)
	}
	res, _, err := importProject(t, b, "example.qdpx", exampleQDPX(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Changed() {
		t.Errorf("import after round trip changed the store: %+v", res)
	}
}

func TestReadCodebookExample(t *testing.T) {
	data, err := os.ReadFile("testdata/example.qdc")
	if err != nil {
		t.Fatal(err)
	}
	doc, rep, err := ReadCodebook(document.Document{}, "testdata/example.qdc", data)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "example-codebook.golden.json", doc)
	if rep.Contexts != 2 || rep.Mechanisms != 3 || rep.Outcomes != 3 || rep.Codes != 13 || len(rep.IgnoredCodes) != 2 || rep.Studies != 1 {
		t.Errorf("report %+v", rep)
	}
	st := doc.Studies[0]
	if st.ID != "codebook-example" || st.ProgrammeTheories[0].ID != "codebook-example.codebook" ||
		st.ProgrammeTheories[0].Contexts[1].Description != "The peer worker is only a few years older than the young person." {
		t.Errorf("study %+v", st)
	}

	store := newStore(t)
	if res := apply(t, store, "example.qdc", doc); res.Created != 10 {
		t.Errorf("first import %+v", res)
	}
	doc, _, err = ReadCodebook(snapshotDoc(t, store), "example.qdc", data)
	if err != nil {
		t.Fatal(err)
	}
	if res := apply(t, store, "example.qdc", doc); res.Changed() {
		t.Errorf("second import changed the store: %+v", res)
	}
}

func TestReadCodebookWithoutElements(t *testing.T) {
	qdc := `<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="a" name="Themes" isCodable="false"><Code guid="b" name="Friendship" isCodable="true"/></Code></Codes></CodeBook>`
	doc, rep, err := ReadCodebook(document.Document{}, "themes.qdc", []byte(qdc))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Studies) != 0 || !slices.Equal(rep.IgnoredCodes, []string{"Themes", "Themes / Friendship"}) {
		t.Errorf("doc %+v report %+v", doc, rep)
	}
	if !strings.Contains(rep.String(), "codes ignored (not a context, mechanism or outcome): Themes; Themes / Friendship") {
		t.Errorf("summary: %s", rep)
	}
}
