package diagram

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cmograph/cmograph/internal/kb"
)

func graphmlOf(t *testing.T, snap kb.Snapshot, sel Selection) (*gmlDoc, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := GraphML(&b, snap, sel); err != nil {
		t.Fatal(err)
	}
	doc, err := decodeGraphML(b.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.Bytes())
	}
	return doc, b.Bytes()
}

// ownedCount is how many ownership edges a set of nodes draws: one per node with an owner.
func ownedCount(nodes []kb.Node) int {
	n := 0
	for _, x := range nodes {
		if x.Owner() != "" {
			n++
		}
	}
	return n
}

func TestGraphMLWholeSeed(t *testing.T) {
	snap := seedSnapshot(t)
	doc, out := graphmlOf(t, snap, Selection{})
	golden(t, "seed.graphml.golden", out)
	if got, want := len(doc.Graph.Nodes), len(snap.Nodes); got != want {
		t.Errorf("%d nodes, want %d", got, want)
	}
	if got, want := len(doc.Graph.Edges), len(snap.Links)+ownedCount(snap.Nodes); got != want {
		t.Errorf("%d edges, want %d links + ownership edges = %d", got, len(snap.Links), want)
	}
	byType := map[string]int{}
	for _, e := range doc.Graph.Edges {
		byType[data(e.Data, "type")]++
	}
	wantByType := map[string]int{}
	for _, l := range snap.Links {
		wantByType[string(l.Type)]++
	}
	for _, n := range snap.Nodes {
		if spec, ok := kb.OwnerOf(n.NodeKind()); ok {
			wantByType[string(spec.Rel)]++
		}
	}
	for typ, want := range wantByType {
		if byType[typ] != want {
			t.Errorf("%d %s edges, want %d", byType[typ], typ, want)
		}
	}
	nodes := map[string]gmlNode{}
	for _, n := range doc.Graph.Nodes {
		nodes[n.ID] = n
	}
	for _, n := range snap.Nodes {
		got := nodes[n.NodeID()]
		if data(got.Data, "kind") != string(n.NodeKind()) || data(got.Data, "label") != kb.NameOf(n) {
			t.Errorf("node %s: kind %q label %q", n.NodeID(), data(got.Data, "kind"), data(got.Data, "label"))
		}
	}
	cmoc := nodes["youth-peer-support-2023.ipt.cmoc-1"]
	for key, want := range map[string]string{"study": "youth-peer-support-2023", "programmeTheory": youthPT,
		"code": "CMOC 1", "status": "PROPOSED", "cmocLabel": "Presence of matched peer, role-model of recovery"} {
		if got := data(cmoc.Data, key); got != want {
			t.Errorf("CMOC 1 %s = %q, want %q", key, got, want)
		}
	}
	var align *gmlEdge
	for i, e := range doc.Graph.Edges {
		if e.Source == "youth-peer-support-2023.ipt.o.hope" && data(e.Data, "type") == "ALIGNS" {
			align = &doc.Graph.Edges[i]
		}
	}
	if align == nil || data(align.Data, "relation") != "SAME_AS" || data(align.Data, "confidence") != "0.8" ||
		!strings.HasPrefix(data(align.Data, "rationale"), `"The outcomes foregrounded`) {
		t.Errorf("ALIGNS from hope: %+v", align)
	}
	// Same bytes from the same graph listed in another order.
	rev := kb.Snapshot{Nodes: append([]kb.Node(nil), snap.Nodes...), Links: append([]kb.Link(nil), snap.Links...)}
	for i, j := 0, len(rev.Nodes)-1; i < j; i, j = i+1, j-1 {
		rev.Nodes[i], rev.Nodes[j] = rev.Nodes[j], rev.Nodes[i]
	}
	for i, j := 0, len(rev.Links)-1; i < j; i, j = i+1, j-1 {
		rev.Links[i], rev.Links[j] = rev.Links[j], rev.Links[i]
	}
	if _, again := graphmlOf(t, rev, Selection{}); !bytes.Equal(again, out) {
		t.Error("reordered snapshot gives different GraphML")
	}
}

func kindsOf(doc *gmlDoc) map[string]int {
	out := map[string]int{}
	for _, n := range doc.Graph.Nodes {
		out[data(n.Data, "kind")]++
	}
	return out
}

func edgeTypes(doc *gmlDoc) map[string]int {
	out := map[string]int{}
	for _, e := range doc.Graph.Edges {
		out[data(e.Data, "type")]++
	}
	return out
}

func TestGraphMLSelection(t *testing.T) {
	snap := seedSnapshot(t)
	const youth, gillard = "youth-peer-support-2023", "gillard-2015"

	doc, _ := graphmlOf(t, snap, Selection{StudyIDs: []string{youth}})
	for _, n := range doc.Graph.Nodes {
		kind, study := data(n.Data, "kind"), data(n.Data, "study")
		if study != youth && kind != "Theory" && kind != "Construct" {
			t.Errorf("youth study selection holds %s %s of study %q", kind, n.ID, study)
		}
	}
	k := kindsOf(doc)
	if k["Study"] != 1 || k["ProgrammeTheory"] != 1 || k["CMOC"] != 12 || k["Setting"] != 14 || k["Quote"] != 22 ||
		k["Context"] != 16 || k["Mechanism"] != 11 || k["Outcome"] != 6 || k["Theory"] != 5 {
		t.Errorf("youth study selection kinds: %v", k)
	}
	types := edgeTypes(doc)
	if types["ALIGNS"] != 0 || types["EVIDENCES"] != 22 || types["DRAWS_ON"] != 5 || types["EXPLAINED_BY"] == 0 ||
		types["INSTANCE_OF"] == 0 {
		t.Errorf("youth study selection edges: %v (ALIGNS go to Gillard, not selected)", types)
	}

	doc, _ = graphmlOf(t, snap, Selection{StudyIDs: []string{youth, gillard}})
	if got := edgeTypes(doc)["ALIGNS"]; got != 6 {
		t.Errorf("youth + Gillard: %d ALIGNS, want the 6 between them", got)
	}
	if got := kindsOf(doc)["Study"]; got != 2 {
		t.Errorf("youth + Gillard: %d studies", got)
	}

	doc, _ = graphmlOf(t, snap, Selection{ProgrammeTheoryIDs: []string{youthPT}})
	k = kindsOf(doc)
	// The theory with its study, and the quotes behind its CMOCs; not the study's settings.
	if k["Study"] != 1 || k["ProgrammeTheory"] != 1 || k["CMOC"] != 12 || k["Quote"] != 22 || k["Setting"] != 0 {
		t.Errorf("youth theory selection kinds: %v", k)
	}
	if types := edgeTypes(doc); types["REPORTED_IN"] != 1 || types["FROM"] != 22 || types["PART_OF"] == 0 {
		t.Errorf("youth theory selection edges: %v", types)
	}

	doc, _ = graphmlOf(t, snap, Selection{StudyIDs: []string{youth}, ProgrammeTheoryIDs: []string{youthPT}})
	if k := kindsOf(doc); k["Setting"] != 14 || k["CMOC"] != 12 {
		t.Errorf("study and its theory: %v", k)
	}
}

func TestGraphMLSelectionErrors(t *testing.T) {
	snap := seedSnapshot(t)
	for _, tc := range []struct {
		sel  Selection
		want []string
	}{
		{Selection{StudyIDs: []string{"nope"}}, []string{`study "nope" is not in the graph`, `"youth-peer-support-2023"`, `"gillard-2015"`}},
		{Selection{ProgrammeTheoryIDs: []string{"nope"}}, []string{`programme theory "nope" is not in the graph`, `"youth-peer-support-2023.ipt"`}},
		{Selection{StudyIDs: []string{youthPT}}, []string{`"youth-peer-support-2023.ipt" is a ProgrammeTheory, not a study`}},
		{Selection{ProgrammeTheoryIDs: []string{"chime"}}, []string{`"chime" is a Theory, not a programme theory`}},
	} {
		var b bytes.Buffer
		err := GraphML(&b, snap, tc.sel)
		for _, want := range tc.want {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%+v: error %v should contain %s", tc.sel, err, want)
			}
		}
		if b.Len() != 0 {
			t.Errorf("%+v: wrote %d bytes before failing", tc.sel, b.Len())
		}
	}
	if err := GraphML(&bytes.Buffer{}, kb.Snapshot{}, Selection{StudyIDs: []string{"x"}}); err == nil ||
		!strings.Contains(err.Error(), "holds no studies") {
		t.Errorf("empty graph: %v", err)
	}
}

// xmlVisible is what an XML reader gets back from text written with encoding/xml: characters
// XML 1.0 cannot carry, and bytes that are not UTF-8, come back as U+FFFD.
func xmlVisible(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		ok := r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD ||
			r >= 0x10000 && r <= 0x10FFFF
		if !ok || (r == utf8.RuneError && w == 1) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hostileSnapshot holds s in every text a GraphML node or edge carries, and in an id.
func hostileSnapshot(s string) kb.Snapshot {
	conf := 0.5
	return kb.Snapshot{
		Nodes: []kb.Node{
			&kb.Study{ID: "s", Title: s, Abstract: s},
			&kb.ProgrammeTheory{ID: "s.pt", StudyID: "s", Name: s, Description: s},
			&kb.Context{ID: "s.pt.c", ProgrammeTheoryID: "s.pt", Name: s, Description: s},
			&kb.Mechanism{ID: "s.pt.m", ProgrammeTheoryID: "s.pt", Name: s, Resource: s, Reasoning: s},
			&kb.Outcome{ID: "s.pt.o", ProgrammeTheoryID: "s.pt", Name: s},
			&kb.CMOC{ID: "s.pt.k", ProgrammeTheoryID: "s.pt", Code: s, Label: s, Statement: s},
			&kb.Quote{ID: "s.q", StudyID: "s", Text: s},
			&kb.Theory{ID: "t" + s, Name: s},
		},
		Links: []kb.Link{
			{Type: kb.RelHasContext, From: "s.pt.k", To: "s.pt.c"},
			{Type: kb.RelEvidences, From: "s.q", To: "s.pt.k", LinkProps: kb.LinkProps{Stance: kb.Stance(s), Rationale: s}},
			{Type: kb.RelAligns, From: "s.pt.c", To: "s.pt.o", LinkProps: kb.LinkProps{Relation: kb.AlignSameAs, Confidence: &conf, Rationale: s}},
			{Type: kb.RelDrawsOn, From: "s.pt", To: "t" + s},
			{Type: kb.RelChainsTo, From: "s.pt.k", To: "missing"}, // dangling: dropped, not drawn
		},
	}
}

// checkHostileGraphML asserts the GraphML of hostileSnapshot(s) parses and gives s back.
func checkHostileGraphML(t *testing.T, s string) {
	var b bytes.Buffer
	if err := GraphML(&b, hostileSnapshot(s), Selection{}); err != nil {
		t.Fatal(err)
	}
	doc, err := decodeGraphML(b.Bytes())
	if err != nil {
		t.Fatalf("%q: %v\n%s", s, err, b.Bytes())
	}
	if len(doc.Graph.Nodes) != 8 || len(doc.Graph.Edges) != 6+4 {
		t.Fatalf("%q: %d nodes, %d edges, want 8 and 10", s, len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	want := xmlVisible(s)
	for _, n := range doc.Graph.Nodes {
		if n.ID == "s.pt.o" || n.ID == "s.q" {
			continue // labelled by name (an outcome) or by id (a quote): checked below
		}
		if got := data(n.Data, "label"); got != want {
			t.Fatalf("%q: node %s label %q, want %q", s, n.ID, got, want)
		}
	}
	for _, e := range doc.Graph.Edges {
		if data(e.Data, "type") == "EVIDENCES" && data(e.Data, "rationale") != want {
			t.Fatalf("%q: rationale %q, want %q", s, data(e.Data, "rationale"), want)
		}
		if data(e.Data, "type") == "DRAWS_ON" && e.Target != xmlVisible("t"+s) {
			t.Fatalf("%q: DRAWS_ON target %q", s, e.Target)
		}
	}
}

func TestGraphMLEscaping(t *testing.T) {
	for _, s := range []string{
		"", "plain", `<tag attr="x">&amp; ]]> <![CDATA[ x ]]>`, "tab\there\nnewline\r\ncrlf", "nul\x00bell\x07esc\x1b",
		"bad utf8 \xff\xfe", "\uFFFE\uFFFF", "emoji 🧠 and RTL \u202e", "'single' \"double\"", strings.Repeat("long ", 10000),
	} {
		checkHostileGraphML(t, s)
	}
}
