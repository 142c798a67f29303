package qda

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

func TestPrefixKind(t *testing.T) {
	cases := []struct {
		name string
		kind kb.Kind
		rest string
	}{
		{"C: Peer close in age", kb.KindContext, "Peer close in age"},
		{"c:Peer close in age", kb.KindContext, "Peer close in age"},
		{"M - Shared experience", kb.KindMechanism, "Shared experience"},
		{"M– Shared experience", kb.KindMechanism, "Shared experience"},
		{"CTX: Rural area", kb.KindContext, "Rural area"},
		{"Mech: Trust", kb.KindMechanism, "Trust"},
		{"Outcome: Engagement ", kb.KindOutcome, "Engagement"},
		{"Outcomes - Hope", kb.KindOutcome, "Hope"},
		{"O-level exams", "", ""},         // a dash needs a space after it
		{"Mental health: stigma", "", ""}, // not a kind word
		{"C:", "", ""},                    // nothing left to name the element
		{"Cost", "", ""},
		{"Context", "", ""},
	}
	for _, c := range cases {
		k, rest, ok := prefixKind(c.name)
		if k != c.kind || rest != c.rest || ok != (c.kind != "") {
			t.Errorf("prefixKind(%q) = %q %q %v; want %q %q", c.name, k, rest, ok, c.kind, c.rest)
		}
	}
}

func TestClassifyTree(t *testing.T) {
	mk := func(name string, parent *code) *code { return &code{name: name, parent: parent} }
	realist := mk("Realist codes", nil)
	contexts := mk("contexts", realist)
	rural := mk("Rural area", contexts)
	prefixedSame := mk("C: Urban area", contexts)
	prefixedOther := mk("M: Trust", contexts) // the category decides; the name stays whole
	mechs := mk("MECHANISM", nil)
	group := mk("Resources", mechs)
	leaf := mk("Peer shares story", group)
	loose := mk("O: Hope", nil)
	theme := mk("Friendship", nil)
	under := mk("C: School", theme) // no category above: the prefix decides
	codes := []*code{realist, contexts, rural, prefixedSame, prefixedOther, mechs, group, leaf, loose, theme, under}
	classify(codes)
	want := []struct {
		c       *code
		kind    kb.Kind
		element string
	}{
		{realist, "", ""}, {contexts, "", ""}, {rural, kb.KindContext, "Rural area"},
		{prefixedSame, kb.KindContext, "Urban area"}, {prefixedOther, kb.KindContext, "M: Trust"},
		{mechs, "", ""}, {group, kb.KindMechanism, "Resources"}, {leaf, kb.KindMechanism, "Peer shares story"},
		{loose, kb.KindOutcome, "Hope"}, {theme, "", ""}, {under, kb.KindContext, "School"},
	}
	for _, w := range want {
		if w.c.kind != w.kind || w.c.element != w.element {
			t.Errorf("%s: %q %q; want %q %q", w.c.path(), w.c.kind, w.c.element, w.kind, w.element)
		}
	}
	if !contexts.category || !mechs.category || realist.category {
		t.Error("category codes not marked")
	}
}

func TestLocation(t *testing.T) {
	text := "I’d stopped going to CAMHS. I felt like nobody there got it."
	for name, want := range map[string]string{
		"":                                 "",
		"I’d stopped going to CAMHS. I...": "",
		"I’d stopped going  to CAMHS…":     "",
		text:                               "",
		"Q4: leaving CAMHS":                "Q4: leaving CAMHS",
		strings.Repeat("x", 1001):          "",
	} {
		if got := location(name, text); got != want {
			t.Errorf("location(%q) = %q; want %q", name, got, want)
		}
	}
}

func TestByteOffsets(t *testing.T) {
	text := "a—b€c𝄞d" // 1-, 3-, 1-, 3-, 1-, 4-, 1-byte characters
	offs, n := byteOffsets(text, []int{0, 1, 2, 5, 6, 7, 8, 3})
	if n != 7 {
		t.Fatalf("length %d", n)
	}
	want := map[int]int{0: 0, 1: 1, 2: 4, 3: 5, 5: 9, 6: 13, 7: 14}
	if fmt.Sprint(offs) != fmt.Sprint(want) {
		t.Errorf("offsets %v; want %v (8 is past the end)", offs, want)
	}
	if text[offs[5]:offs[6]] != "𝄞" {
		t.Error("cut in the wrong place")
	}
}

// project is a small project.qde around the given codes, sources and sets.
func smallProject(codes, sources, sets string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Small">
<CodeBook><Codes>` + codes + `</Codes></CodeBook>
<Sources>` + sources + `</Sources>
<Sets>` + sets + `</Sets>
</Project>`
}

const smallCodes = `
<Code guid="C1" name="C: Rural area" isCodable="true"/>
<Code guid="M1" name="M: Trust" isCodable="true"/>
<Code guid="O1" name="O: Engagement" isCodable="true"/>
<Code guid="X1" name="Weather" isCodable="true"/>`

func sel(guid string, start, end int, codes ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<PlainTextSelection guid="%s" startPosition="%d" endPosition="%d">`, guid, start, end)
	for _, c := range codes {
		fmt.Fprintf(&b, `<Coding guid="%s-%s"><CodeRef targetGUID="%s"/></Coding>`, guid, c, c)
	}
	return b.String() + `</PlainTextSelection>`
}

func readSmall(t *testing.T, files map[string][]byte) (document.Document, Report) {
	t.Helper()
	doc, rep, err := ReadProject(document.Document{}, "small.qdpx", buildZip(t, files))
	if err != nil {
		t.Fatal(err)
	}
	return doc, rep
}

func TestSourceVariants(t *testing.T) {
	text := "Rural. We trust her. We come back."
	// Upper-case guids (MAXQDA), a "Sources" folder (NVivo), inline text, a PDF's text
	// representation, and a picture that is skipped.
	sources := `
<TextSource guid="{AAAA-1}" name="Site visit" plainTextPath="internal://AAAA-1.txt">` + sel("s1", 0, 6, "c1") + sel("s2", 7, 20, "M1") + `</TextSource>
<TextSource guid="bbbb-2" name="Field note">
  <PlainTextContent>` + text + `</PlainTextContent>` + sel("s3", 21, 34, "o1") + `</TextSource>
<PDFSource guid="cccc-3" name="Report.pdf" path="internal://cccc-3.pdf">
  <Representation guid="dddd-4" plainTextPath="internal://dddd-4.txt">` + sel("s4", 7, 20, "m1") + `</Representation>
</PDFSource>
<PictureSource guid="eeee-5" name="Map.png" path="internal://eeee-5.png"/>`
	sets := `<Set guid="set1" name="Trust keeps them coming"><MemberCode targetGUID="M1"/><MemberCode targetGUID="O1"/><MemberSource targetGUID="dddd-4"/></Set>`
	doc, rep := readSmall(t, map[string][]byte{
		"project.qde":        []byte(smallProject(smallCodes, sources, sets)),
		"Sources/aaaa-1.txt": []byte("\xef\xbb\xbf" + text), // a byte-order mark is not a character
		"Sources/dddd-4.txt": []byte(text),
	})
	if rep.Sources != 3 || !slices.Equal(rep.SkippedSources, []string{`PictureSource "Map.png"`}) || rep.Quotes != 4 {
		t.Fatalf("report %+v", rep)
	}
	got := map[string]string{}
	for _, st := range doc.Studies {
		for _, q := range st.Quotes {
			got[st.ID] += q.Text + "|"
		}
	}
	want := map[string]string{"site-visit": "Rural.|We trust her.|", "field-note": "We come back.|", "report-pdf": "We trust her.|"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("quotes %v; want %v", got, want)
	}
	// The set lists the PDF as its only source: one CMOC, there.
	if rep.CMOCs != 1 || doc.Studies[2].ProgrammeTheories[0].CMOCs[0].Code != "Trust keeps them coming" {
		t.Errorf("CMOCs: %+v", rep)
	}
}

func TestSelectionsAndSets(t *testing.T) {
	text := "Rural. We trust her. Rural."
	sources := `
<TextSource guid="a" name="Interview 1" plainTextPath="internal://a.txt">` +
		sel("s1", 0, 6, "C1") + sel("s2", 21, 27, "C1", "X1") + // the same words twice: one quote
		sel("s3", 6, 7) + // no coding: a memo, skipped
		sel("s4", 20, 21, "M1") + // only a space: skipped
		`</TextSource>
<TextSource guid="b" name="Interview-1" plainTextPath="internal://b.txt">` + sel("s5", 7, 20, "M1") + `</TextSource>`
	sets := `
<Set guid="set1" name="Rural trust"><MemberCode targetGUID="C1"/><MemberCode targetGUID="M1"/></Set>
<Set guid="set2" name="Weather only"><MemberCode targetGUID="X1"/></Set>
<Set guid="set3" name="Documents"><MemberSource targetGUID="a"/></Set>
<Set guid="set4" name="Unused"><MemberCode targetGUID="O1"/></Set>`
	doc, rep := readSmall(t, map[string][]byte{
		"project.qde":   []byte(smallProject(smallCodes, sources, sets)),
		"sources/a.txt": []byte(text),
		"sources/b.txt": []byte(text),
	})
	if len(doc.Studies) != 2 || doc.Studies[0].ID != "interview-1" || !strings.HasPrefix(doc.Studies[1].ID, "interview-1-") {
		t.Fatalf("studies %+v", doc.Studies)
	}
	if rep.Quotes != 2 || rep.SkippedSelections != 2 || rep.CMOCs != 2 || rep.Evidences != 2 {
		t.Errorf("report %+v", rep)
	}
	wantSkipped := []string{`"Weather only" (no member code is a context, mechanism or outcome)`, `"Documents" (no member codes)`,
		`"Unused" (no selection is coded with its member codes)`}
	if !slices.Equal(rep.SkippedSets, wantSkipped) {
		t.Errorf("skipped sets %q", rep.SkippedSets)
	}
	// Interview 1's CMOC links its member mechanism though no selection there uses it.
	pt := doc.Studies[0].ProgrammeTheories[0]
	if len(pt.Contexts) != 1 || len(pt.Mechanisms) != 1 || len(pt.Outcomes) != 0 || len(pt.CMOCs[0].Mechanisms) != 1 {
		t.Errorf("programme theory %+v", pt)
	}
	q := doc.Studies[0].Quotes[0]
	if q.Text != "Rural." || *q.StartOffset != 0 || len(q.Evidences) != 1 {
		t.Errorf("merged quote %+v", q)
	}
}

func TestProjectWithoutNameUsesFileName(t *testing.T) {
	qde := strings.Replace(smallProject(smallCodes, `<TextSource guid="a" name="Notes"><PlainTextContent>Rural.</PlainTextContent>`+
		sel("s1", 0, 6, "C1")+`</TextSource>`, ""), ` name="Small"`, "", 1)
	doc, rep, err := ReadProject(document.Document{}, "exports/Youth study.qdpx", buildZip(t, map[string][]byte{"youth.qde": []byte(qde)}))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Project != "Youth study" || doc.Studies[0].ProgrammeTheories[0].Name != "Youth study codes" {
		t.Errorf("report %+v", rep)
	}
}
