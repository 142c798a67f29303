package diagram

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
)

// labelDoc puts s in every text a web of CMOCs draws: the theory's name, element names, a
// mechanism's resource and reasoning, CMOC codes (edge labels) and a chain.
func labelDoc(s string) document.Document {
	return document.Document{Format: document.FormatV1, Studies: []document.Study{{ID: "s", Title: "t",
		ProgrammeTheories: []document.ProgrammeTheory{{
			ID: "s.pt", Name: s,
			Contexts:   []document.Context{{Name: s}, {Name: s + "x"}},
			Mechanisms: []document.Mechanism{{Name: s, Resource: s, Reasoning: s}},
			Outcomes:   []document.Outcome{{Name: s}, {Name: "y" + s}},
			CMOCs: []document.CMOC{
				{Code: s, Contexts: []string{s}, Mechanisms: []string{s}, Outcomes: []string{s},
					ChainsTo: []document.Chain{{CMOC: s + "2"}}},
				{Code: s + "2", Contexts: []string{s, s + "x"}, Outcomes: []string{"y" + s}},
			},
		}},
	}}}
}

var mermaidEntity = regexp.MustCompile(`#([0-9]+);`)

// unMermaid undoes mermaidText and the line joins.
func unMermaid(label string) string {
	label = strings.ReplaceAll(label, "<br/>", "\n")
	return mermaidEntity.ReplaceAllStringFunc(label, func(m string) string {
		n, _ := strconv.Atoi(m[1 : len(m)-1])
		return string(rune(n))
	})
}

// unDOT undoes dotText and the line joins.
func unDOT(label string) string {
	r := strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n", "&amp;", "&")
	return r.Replace(label)
}

// checkLabels asserts that both outputs for labelDoc(s) are well formed and that the element
// name s reads back exactly as the label it should give.
func checkLabels(t *testing.T, s string) {
	doc := labelDoc(s)
	var mb, db bytes.Buffer
	if err := Mermaid(&mb, doc, "s.pt"); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	if err := DOT(&db, doc, "s.pt"); err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	mg, err := checkMermaid(mb.String())
	if err != nil {
		t.Fatalf("%q: Mermaid: %v\n%s", s, err, mb.String())
	}
	dg, err := checkDOT(db.String())
	if err != nil {
		t.Fatalf("%q: DOT: %v\n%s", s, err, db.String())
	}
	if len(mg.nodes) != len(dg.nodes) || len(mg.edges) != len(dg.edges) || mg.dashed != 1 || dg.dashed != 1 {
		t.Fatalf("%q: Mermaid %d nodes %d edges (%d dashed), DOT %d nodes %d edges (%d dashed)", s,
			len(mg.nodes), len(mg.edges), mg.dashed, len(dg.nodes), len(dg.edges), dg.dashed)
	}
	want := strings.Join(wrapLabel(shorten(oneLine(s), maxNameRunes), wrapWidth), "\n")
	var mLabels []string
	for _, l := range mg.labels {
		mLabels = append(mLabels, unMermaid(l))
	}
	if !slices.Contains(mLabels, want) {
		t.Fatalf("%q: no Mermaid label reads back as %q: %q", s, want, mLabels)
	}
	var dLabels []string
	for _, l := range dg.labels {
		dLabels = append(dLabels, unDOT(l))
	}
	if !slices.Contains(dLabels, want) {
		t.Fatalf("%q: no DOT label reads back as %q: %q", s, want, dLabels)
	}
}

var labelSeeds = []string{
	"", " ", "plain", `quote " here`, `back\slash`, `trailing\`, "new\nline", "\r\n\t", "#quot;", "#35;", "a;b",
	"pipe | bar", "[brackets] (parens) {braces}", "<b>bold</b> <br/>", "&amp; &lt;", "`code`", "end", "subgraph",
	"graph", "-->", "-.->", "%% comment", "%%{init: {}}%%", "\x00\x01\x7f", "\xff\xfe bad", "\u2028\u2029",
	"café ✓ 中文 🧠 \u202e", "\\N \\G \\n", strings.Repeat("w", 500), strings.Repeat("word ", 200), "---",
	"title: x", "o", "x", "digraph", "cluster_x", "-x", "0",
}

func TestLabelSeeds(t *testing.T) {
	for _, s := range labelSeeds {
		checkLabels(t, s)
		checkHostileGraphML(t, s)
	}
}

// FuzzLabels feeds arbitrary text as names through all three writers: Mermaid keeps every
// label quoted and free of syntax, DOT keeps its strings balanced and its graph well formed,
// GraphML parses back with the text intact.
func FuzzLabels(f *testing.F) {
	for _, s := range labelSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkLabels(t, s)
		checkHostileGraphML(t, s)
	})
}
