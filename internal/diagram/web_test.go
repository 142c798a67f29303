package diagram

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/seed"
)

func render(t *testing.T, f func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := f(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func mermaidOf(t *testing.T, doc document.Document, pt string) string {
	return render(t, func(b *bytes.Buffer) error { return Mermaid(b, doc, pt) })
}

func dotOf(t *testing.T, doc document.Document, pt string) string {
	return render(t, func(b *bytes.Buffer) error { return DOT(b, doc, pt) })
}

func TestYouthGolden(t *testing.T) {
	doc := document.FromSnapshot(seedSnapshot(t))
	mmd := mermaidOf(t, doc, youthPT)
	golden(t, "youth-ipt.mermaid.golden", []byte(mmd))
	// The README embeds this file so GitHub renders the figure; it is the same output.
	golden(t, "youth-ipt.mmd", []byte(mmd))
	golden(t, "youth-ipt.dot.golden", []byte(dotOf(t, doc, youthPT)))
}

// TestYouthLayout checks the figure says what the paper's Fig. 1 says.
func TestYouthLayout(t *testing.T) {
	doc := document.FromSnapshot(seedSnapshot(t))
	mg, err := checkMermaid(mermaidOf(t, doc, youthPT))
	if err != nil {
		t.Fatal(err)
	}
	dg, err := checkDOT(dotOf(t, doc, youthPT))
	if err != nil {
		t.Fatal(err)
	}
	wantGroups := []string{"G_hope", "G_service_engagement", "G_confidence", "G_further_education_and_employment",
		"G_resilience", "G_wellbeing"}
	if !slices.Equal(mg.groups, wantGroups) {
		t.Errorf("groups = %v, want %v (ordered by their first CMOC)", mg.groups, wantGroups)
	}
	wantClusters := make([]string, len(wantGroups))
	for i, g := range wantGroups {
		wantClusters[i] = "cluster_" + strings.TrimPrefix(g, "G_")
	}
	if !slices.Equal(dg.clusters, wantClusters) {
		t.Errorf("clusters = %v, want %v", dg.clusters, wantClusters)
	}
	// The theory's 16 contexts, 11 mechanisms and 6 outcomes (all used), each drawn once.
	if len(mg.nodes) != 33 || len(dg.nodes) != 33 {
		t.Errorf("drawn %d Mermaid and %d DOT nodes, want 33", len(mg.nodes), len(dg.nodes))
	}
	for id, want := range map[string]string{
		"C_matched_similar_peer":             "",                     // CMOCs 1 (hope) and 3 (engagement)
		"M_community_engagement":             "",                     // CMOCs 7 (resilience) and 12 (wellbeing)
		"C_peer_advocates_for_child":         "G_service_engagement", // CMOC 2 only
		"M_skill_development":                "G_confidence",         // CMOC 6: first outcome confidence
		"O_further_education_and_employment": "G_further_education_and_employment",
	} {
		if got, ok := mg.nodes[id]; !ok || got != want {
			t.Errorf("Mermaid node %s in group %q (declared %v), want %q", id, got, ok, want)
		}
		if got := dg.nodes[id]; got != strings.Replace(want, "G_", "cluster_", 1) {
			t.Errorf("DOT node %s in cluster %q, want %q", id, got, want)
		}
	}
	// CMOC 6 is drawn in its first outcome's group and linked to its second.
	for _, e := range [][3]string{
		{"M_skill_development", "O_confidence", `"CMOC 6"`},
		{"M_skill_development", "O_further_education_and_employment", `"CMOC 6"`},
		{"C_matched_similar_peer", "M_similar_peer_modelling_recovery", `"CMOC 1"`},
		{"C_culturally_competent_peer", "M_community_engagement", `"CMOC 12"`},
	} {
		if !slices.Contains(mg.edges, [3]string{e[0], e[1], strings.Trim(e[2], `"`)}) {
			t.Errorf("no Mermaid edge %v", e)
		}
	}
	if len(mg.edges) != len(dg.edges) || mg.dashed != 0 || dg.dashed != 0 {
		t.Errorf("edges: %d Mermaid, %d DOT; dashed %d, %d (the seed has no chains)", len(mg.edges), len(dg.edges), mg.dashed, dg.dashed)
	}
	if !strings.Contains(mg.labels["M_similar_peer_modelling_recovery"], "Resource: A similar peer") ||
		!strings.Contains(mg.labels["M_similar_peer_modelling_recovery"], "Reasoning: The child") {
		t.Errorf("mechanism label lacks resource/reasoning: %s", mg.labels["M_similar_peer_modelling_recovery"])
	}
}

// TestSameFromFileAndStore: the figure depends on the data, not on the order a file or a
// store lists it in, nor on whether ids are written or defaulted.
func TestSameFromFileAndStore(t *testing.T) {
	fromStore := mermaidOf(t, document.FromSnapshot(seedSnapshot(t)), youthPT)
	data, err := seed.Corpus().(interface {
		ReadFile(string) ([]byte, error)
	}).ReadFile("003-youth-peer-support.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := document.Parse("003-youth-peer-support.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if got := mermaidOf(t, f.Doc, youthPT); got != fromStore {
		t.Errorf("from the file:\n%s\nfrom the store:\n%s", got, fromStore)
	}
	pt := &f.Doc.Studies[0].ProgrammeTheories[0]
	slices.Reverse(pt.Contexts)
	slices.Reverse(pt.Mechanisms)
	slices.Reverse(pt.Outcomes)
	slices.Reverse(pt.CMOCs)
	for i := range pt.CMOCs {
		slices.Reverse(pt.CMOCs[i].Contexts)
	}
	if got := mermaidOf(t, f.Doc, youthPT); got != fromStore {
		t.Errorf("reordered file gives a different figure:\n%s", got)
	}
}

func TestUnknownProgrammeTheory(t *testing.T) {
	doc := document.FromSnapshot(seedSnapshot(t))
	for name, f := range map[string]func() error{
		"mermaid": func() error { return Mermaid(&bytes.Buffer{}, doc, "no-such.pt") },
		"dot":     func() error { return DOT(&bytes.Buffer{}, doc, "no-such.pt") },
	} {
		err := f()
		if err == nil || !strings.Contains(err.Error(), `"no-such.pt" is not in the document`) ||
			!strings.Contains(err.Error(), `"youth-peer-support-2023.ipt"`) ||
			!strings.Contains(err.Error(), `"gillard-2015.change-model"`) {
			t.Errorf("%s: error %v should name the id and list the available ones", name, err)
		}
	}
	err := Mermaid(&bytes.Buffer{}, document.Document{}, "x")
	if err == nil || !strings.Contains(err.Error(), "holds no programme theories") {
		t.Errorf("empty document: %v", err)
	}
}

// webDoc is a small theory with what the seed lacks: chains (inside the theory, to and from
// another theory, to a CMOC the document does not hold), partial CMOCs, an element no CMOC
// uses, look-alike ids and names that need escaping, with ids left to their defaults.
func webDoc() document.Document {
	return document.Document{Format: document.FormatV1, Studies: []document.Study{{
		ID: "s", Title: "S",
		ProgrammeTheories: []document.ProgrammeTheory{{
			Name: `PT "one" <b>&amp;`,
			Contexts: []document.Context{{Name: "a-b"}, {ID: "s.pt-one-b-amp.c.a_b", Name: "a b"},
				{Name: `say "hi" | [x] {y} #1; end`}, {Name: "unused ctx"}},
			Mechanisms: []document.Mechanism{{Name: "m1", Resource: "line1\nline2\ttab", Reasoning: `back\slash`},
				{Name: "café ✓ 中文"}},
			Outcomes: []document.Outcome{{Name: "o"}, {Name: "p"}, {Name: "unused outcome"}},
			CMOCs: []document.CMOC{
				{Code: "C1", Contexts: []string{"a-b", "a b"}, Mechanisms: []string{"m1"}, Outcomes: []string{"o", "p"},
					ChainsTo: []document.Chain{{CMOC: "C2"}, {CMOC: "s.other.c9"}, {CMOC: "elsewhere.cmoc"}}},
				{Code: "C2", Contexts: []string{"a b"}, Outcomes: []string{"p"}},                 // C-O
				{Code: "C10", Contexts: []string{`say "hi" | [x] {y} #1; end`}},                  // C only
				{Code: "C3", Outcomes: []string{"o"}, ChainsTo: []document.Chain{{CMOC: "C10"}}}, // O only
				{Code: "C4", Contexts: []string{"a-b"}, Mechanisms: []string{"café ✓ 中文", "m1"}}, // no outcome
			},
		}, {
			Name:     "other",
			Outcomes: []document.Outcome{{Name: "x"}},
			CMOCs: []document.CMOC{{Code: "C9", Outcomes: []string{"x"},
				ChainsTo: []document.Chain{{CMOC: "s.pt-one-b-amp.c1"}}}},
		}},
	}}}
}

const webPT = "s.pt-one-b-amp"

func TestWebFeatures(t *testing.T) {
	doc := webDoc()
	mmd, dot := mermaidOf(t, doc, webPT), dotOf(t, doc, webPT)
	mg, err := checkMermaid(mmd)
	if err != nil {
		t.Fatalf("%v\n%s", err, mmd)
	}
	dg, err := checkDOT(dot)
	if err != nil {
		t.Fatalf("%v\n%s", err, dot)
	}
	t.Log("\n" + mmd + "\n" + dot)
	// Ids "...a-b" and "...a_b" read the same as node ids: both drawn, apart.
	if _, ok := mg.nodes["C_a_b"]; !ok || len(mg.nodes) != 13 || len(dg.nodes) != 13 {
		t.Errorf("nodes: %v", mg.nodes)
	}
	wantGroups := []string{"G_o", "G_p", "G_no_outcome", "G_not_in_any_CMOC"}
	if !slices.Equal(mg.groups, wantGroups) {
		t.Errorf("groups = %v, want %v", mg.groups, wantGroups)
	}
	// C1 -> C2 inside; C1 -> other theory's C9 and C9 -> C1; C1 -> a CMOC not in the document;
	// C3 -> C10, both drawn as nodes since each has one kind of element.
	if mg.dashed != 5 || dg.dashed != 5 {
		t.Errorf("dashed edges: %d Mermaid, %d DOT, want 5", mg.dashed, dg.dashed)
	}
	for _, want := range []string{
		`K_c10{{"C10"}}:::cmoc`, `K_c3{{"C3"}}:::cmoc`, `X_s_other_c9[["C9 (other)"]]:::external`,
		`X_elsewhere_cmoc[["elsewhere.cmoc"]]:::external`, `O_o -.->|"C1 → C2"| C_a_b_648fa9b3`,
		`K_c3 -.->|"C3 → C10"| K_c10`, `K_c3 -->|"C3"| O_o`, `C_a_b -->|"C1, C4"| M_m1`,
		`C_say_hi_x_y_1_end["say #34;hi#34; #124; [x] {y} #35;1#59; end"]`,
		`Resource: line1 line2 tab<br/>Reasoning: back#92;slash`, `M_cafe("café ✓ 中文")`,
		`title: "PT \"one\" \u003cb\u003e\u0026amp\u003b"`,
	} {
		if !strings.Contains(mmd, want) {
			t.Errorf("Mermaid lacks %s", want)
		}
	}
	for _, want := range []string{
		`label="say \"hi\" | [x] {y} #1; end"`, `Reasoning: back\\slash"`, `label="PT \"one\" <b>&amp;amp;"`,
		`O_o -> C_a_b_648fa9b3 [label="C1 → C2", style=dashed];`,
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %s", want)
		}
	}
}

func TestBadReferences(t *testing.T) {
	doc := webDoc()
	doc.Studies[0].ProgrammeTheories[0].CMOCs[0].Contexts = []string{"nope"}
	err := Mermaid(&bytes.Buffer{}, doc, webPT)
	if err == nil || !strings.Contains(err.Error(), `CMOC "C1": "nope" is not the name or id of a context`) {
		t.Errorf("unknown element: %v", err)
	}
	doc = webDoc()
	// A code two theories of the study share, named from a theory that has neither.
	pts := doc.Studies[0].ProgrammeTheories
	pts[1].CMOCs = append(pts[1].CMOCs, document.CMOC{Code: "C2", Outcomes: []string{"x"}})
	pts = append(pts, document.ProgrammeTheory{Name: "third", Outcomes: []document.Outcome{{Name: "y"}},
		CMOCs: []document.CMOC{{Code: "Z", Outcomes: []string{"y"}, ChainsTo: []document.Chain{{CMOC: "C2"}}}}})
	doc.Studies[0].ProgrammeTheories = pts
	err = DOT(&bytes.Buffer{}, doc, "s.third")
	if err == nil || !strings.Contains(err.Error(), `"C2" is the code of 2 CMOCs`) {
		t.Errorf("ambiguous chain: %v", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	doc := webDoc()
	for name, err := range map[string]error{
		"mermaid": Mermaid(failingWriter{}, doc, webPT),
		"dot":     DOT(failingWriter{}, doc, webPT),
		"graphml": GraphML(failingWriter{}, seedSnapshot(t), Selection{}),
	} {
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestGraphviz renders the DOT outputs when Graphviz is installed.
func TestGraphviz(t *testing.T) {
	dotPath, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("graphviz (dot) is not installed; the structural check in TestYouthLayout still runs")
	}
	doc := document.FromSnapshot(seedSnapshot(t))
	for name, out := range map[string]string{"youth": dotOf(t, doc, youthPT), "web": dotOf(t, webDoc(), webPT)} {
		in := filepath.Join(t.TempDir(), name+".dot")
		if err := os.WriteFile(in, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(dotPath, "-Tsvg", "-o", os.DevNull, in)
		if msg, err := cmd.CombinedOutput(); err != nil || len(msg) > 0 {
			t.Errorf("%s: dot: %v: %s", name, err, msg)
		}
	}
}
