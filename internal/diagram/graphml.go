package diagram

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"

	"github.com/cmograph/cmograph/internal/kb"
)

// Selection picks part of the graph for GraphML: the given studies and programme theories
// with what they own. Both empty means the whole graph.
type Selection struct {
	StudyIDs, ProgrammeTheoryIDs []string
}

// graphmlNS is GraphML's namespace; Gephi, yEd and NetworkX read files that declare it.
const graphmlNS = "http://graphml.graphdrawing.org/xmlns"

// gmlKey declares one attribute; prop is the kb property it is read from ("" for those
// computed here).
type gmlKey struct {
	id, typ, prop string
}

// Node attributes: what a node is, what to call it, where it belongs (for Gephi's partition
// colouring), and the text a reader wants on hover. Attribute names are the key ids.
var nodeKeys = []gmlKey{
	{"kind", "string", ""},
	{"label", "string", ""},
	{"study", "string", ""},
	{"programmeTheory", "string", ""},
	{"code", "string", "code"},
	{"cmocLabel", "string", "label"},
	{"status", "string", "status"},
	{"stage", "string", "stage"},
	{"statement", "string", "statement"},
	{"description", "string", "description"},
	{"resource", "string", "resource"},
	{"reasoning", "string", "reasoning"},
	{"text", "string", "text"},
	{"abstract", "string", "abstract"},
}

// Edge attributes. Ownership edges (REPORTED_IN, IN_THEORY, DEFINED_IN, FROM, PART_OF) carry
// only their type.
var edgeKeys = []gmlKey{
	{"type", "string", ""},
	{"relation", "string", "relation"},
	{"stance", "string", "stance"},
	{"confidence", "double", "confidence"},
	{"rationale", "string", "rationale"},
}

type gmlDoc struct {
	XMLName xml.Name   `xml:"graphml"`
	XMLNS   string     `xml:"xmlns,attr"`
	Keys    []gmlKeyEl `xml:"key"`
	Graph   gmlGraph   `xml:"graph"`
}

type gmlKeyEl struct {
	ID       string `xml:"id,attr"`
	For      string `xml:"for,attr"`
	AttrName string `xml:"attr.name,attr"`
	AttrType string `xml:"attr.type,attr"`
}

type gmlGraph struct {
	ID          string    `xml:"id,attr"`
	EdgeDefault string    `xml:"edgedefault,attr"`
	Nodes       []gmlNode `xml:"node"`
	Edges       []gmlEdge `xml:"edge"`
}

type gmlNode struct {
	ID   string    `xml:"id,attr"`
	Data []gmlData `xml:"data"`
}

type gmlEdge struct {
	ID     string    `xml:"id,attr"`
	Source string    `xml:"source,attr"`
	Target string    `xml:"target,attr"`
	Data   []gmlData `xml:"data"`
}

type gmlData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// GraphML writes the graph, or the selected part of it, as GraphML for Gephi: every node with
// its kind, label (kb.NameOf), study, programme theory and main text fields; every link, and
// an edge from each node to its owner (typed REPORTED_IN, IN_THEORY, DEFINED_IN, FROM or
// PART_OF as in the graph database), so the file holds the graph a Cypher query would see.
//
// A selection keeps each selected study with all it owns (settings, quotes, programme
// theories with their elements and CMOCs), and each selected programme theory with its
// elements and CMOCs, the quotes that evidence them and its study (without the study's other
// children). The settings those CMOCs were observed in and the theories and constructs the
// selected theories draw on come along so DRAWS_ON, EXPLAINED_BY and INSTANCE_OF still show.
// Links are kept only between kept nodes: an ALIGNS to another study's element appears only if
// both studies are selected.
//
// The output is deterministic (nodes by kind then id, edges by type, source, target) and is
// written with encoding/xml, so every text is escaped and characters XML cannot carry become
// U+FFFD.
func GraphML(w io.Writer, snap kb.Snapshot, sel Selection) error {
	g := newGraphIndex(snap)
	keep, err := g.selection(sel)
	if err != nil {
		return fmt.Errorf("graphml: %w", err)
	}
	doc := gmlDoc{XMLNS: graphmlNS, Graph: gmlGraph{ID: "cmograph", EdgeDefault: "directed"}}
	for _, k := range nodeKeys {
		doc.Keys = append(doc.Keys, gmlKeyEl{ID: k.id, For: "node", AttrName: k.id, AttrType: k.typ})
	}
	for _, k := range edgeKeys {
		doc.Keys = append(doc.Keys, gmlKeyEl{ID: k.id, For: "edge", AttrName: k.id, AttrType: k.typ})
	}
	nodes := make([]kb.Node, 0, len(keep))
	for _, n := range g.nodes {
		if keep[n.NodeID()] {
			nodes = append(nodes, n)
		}
	}
	for _, n := range nodes {
		doc.Graph.Nodes = append(doc.Graph.Nodes, g.node(n))
	}
	for i, l := range g.edges(nodes, keep) {
		doc.Graph.Edges = append(doc.Graph.Edges, edgeElement(i, l))
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return fmt.Errorf("graphml: writing: %w", err)
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("graphml: writing: %w", err)
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return fmt.Errorf("graphml: writing: %w", err)
	}
	return nil
}

// graphIndex is a snapshot indexed for selection.
type graphIndex struct {
	nodes    []kb.Node // kind order, then id
	byID     map[string]kb.Node
	children map[string][]kb.Node
	out, in  map[string][]kb.Link
	links    []kb.Link
}

func newGraphIndex(snap kb.Snapshot) *graphIndex {
	g := &graphIndex{byID: map[string]kb.Node{}, children: map[string][]kb.Node{}, out: map[string][]kb.Link{},
		in: map[string][]kb.Link{}}
	kindOrder := map[kb.Kind]int{}
	for i, k := range kb.Kinds {
		kindOrder[k] = i
	}
	for _, n := range snap.Nodes {
		if _, dup := g.byID[n.NodeID()]; dup {
			continue // a store never returns one id twice; keep the first if one did
		}
		g.byID[n.NodeID()] = n
		g.nodes = append(g.nodes, n)
	}
	sort.SliceStable(g.nodes, func(i, j int) bool {
		a, b := g.nodes[i], g.nodes[j]
		if a.NodeKind() != b.NodeKind() {
			return kindOrder[a.NodeKind()] < kindOrder[b.NodeKind()]
		}
		return a.NodeID() < b.NodeID()
	})
	for _, n := range g.nodes {
		if o := n.Owner(); o != "" {
			g.children[o] = append(g.children[o], n)
		}
	}
	for _, l := range snap.Links {
		g.links = append(g.links, l)
		g.out[l.From] = append(g.out[l.From], l)
		g.in[l.To] = append(g.in[l.To], l)
	}
	return g
}

// ancestor walks up the owners of id to the first node of kind k (id itself included).
func (g *graphIndex) ancestor(id string, k kb.Kind) string {
	seen := 0
	for n := g.byID[id]; n != nil && seen <= len(kb.Kinds); n, seen = g.byID[n.Owner()], seen+1 {
		if n.NodeKind() == k {
			return n.NodeID()
		}
	}
	return ""
}

func (g *graphIndex) selection(sel Selection) (map[string]bool, error) {
	keep := map[string]bool{}
	if len(sel.StudyIDs) == 0 && len(sel.ProgrammeTheoryIDs) == 0 {
		for _, n := range g.nodes {
			keep[n.NodeID()] = true
		}
		return keep, nil
	}
	var subtree func(id string)
	subtree = func(id string) {
		if keep[id] {
			return
		}
		keep[id] = true
		for _, c := range g.children[id] {
			subtree(c.NodeID())
		}
	}
	for _, id := range sel.StudyIDs {
		if err := g.expect(id, kb.KindStudy, "study", "studies"); err != nil {
			return nil, err
		}
		subtree(id)
	}
	for _, id := range sel.ProgrammeTheoryIDs {
		if err := g.expect(id, kb.KindProgrammeTheory, "programme theory", "programme theories"); err != nil {
			return nil, err
		}
		subtree(id)
		keep[g.byID[id].Owner()] = true
		for _, c := range g.children[id] {
			for _, l := range g.in[c.NodeID()] {
				if l.Type == kb.RelEvidences {
					keep[l.From] = true
				}
			}
		}
	}
	// What the kept nodes refer to outside any study: settings, theories, constructs (and a
	// construct's theory). Sorted ids make the walk's order, and so nothing else, irrelevant.
	ids := make([]string, 0, len(keep))
	for id := range keep {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for _, l := range g.out[id] {
			switch l.Type {
			case kb.RelObservedIn, kb.RelDrawsOn, kb.RelExplainedBy, kb.RelInstanceOf:
				if t := g.byID[l.To]; t != nil {
					keep[l.To] = true
					if t.NodeKind() == kb.KindConstruct {
						keep[t.Owner()] = true
					}
				}
			}
		}
	}
	for id := range keep {
		if g.byID[id] == nil {
			delete(keep, id) // an owner the snapshot does not hold
		}
	}
	return keep, nil
}

func (g *graphIndex) expect(id string, k kb.Kind, what, plural string) error {
	if n := g.byID[id]; n != nil && n.NodeKind() == k {
		return nil
	}
	var ids []string
	for _, n := range g.nodes {
		if n.NodeKind() == k {
			ids = append(ids, n.NodeID())
		}
	}
	if n := g.byID[id]; n != nil {
		return fmt.Errorf("%q is a %s, not a %s", id, n.NodeKind(), what)
	}
	if len(ids) == 0 {
		return fmt.Errorf("%s %q: the graph holds no %s", what, id, plural)
	}
	return fmt.Errorf("%s %q is not in the graph; it holds %s", what, id, listIDs(ids))
}

func (g *graphIndex) node(n kb.Node) gmlNode {
	out := gmlNode{ID: n.NodeID()}
	props := kb.ToProps(n)
	for _, k := range nodeKeys {
		var v string
		switch k.id {
		case "kind":
			v = string(n.NodeKind())
		case "label":
			v = kb.NameOf(n)
		case "study":
			v = g.ancestor(n.NodeID(), kb.KindStudy)
		case "programmeTheory":
			v = g.ancestor(n.NodeID(), kb.KindProgrammeTheory)
		default:
			v, _ = props[k.prop].(string)
		}
		if v != "" {
			out.Data = append(out.Data, gmlData{Key: k.id, Value: v})
		}
	}
	return out
}

// edges lists the ownership edges and links among kept nodes, ordered by type, source, target.
func (g *graphIndex) edges(nodes []kb.Node, keep map[string]bool) []kb.Link {
	var out []kb.Link
	for _, n := range nodes {
		if spec, ok := kb.OwnerOf(n.NodeKind()); ok && keep[n.Owner()] {
			out = append(out, kb.Link{Type: spec.Rel, From: n.NodeID(), To: n.Owner()})
		}
	}
	for _, l := range g.links {
		if keep[l.From] && keep[l.To] {
			out = append(out, l)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	// A link's identity is (type, from, to): drop repeats a snapshot should not hold anyway.
	return slices.CompactFunc(out, func(a, b kb.Link) bool { return a.Key() == b.Key() })
}

func edgeElement(i int, l kb.Link) gmlEdge {
	out := gmlEdge{ID: "e" + strconv.Itoa(i), Source: l.From, Target: l.To}
	props := kb.LinkContent(l)
	for _, k := range edgeKeys {
		var v string
		switch k.id {
		case "type":
			v = string(l.Type)
		case "confidence":
			if l.Confidence != nil {
				v = strconv.FormatFloat(*l.Confidence, 'g', -1, 64)
			}
		default:
			v, _ = props[k.prop].(string)
		}
		if v != "" {
			out.Data = append(out.Data, gmlData{Key: k.id, Value: v})
		}
	}
	return out
}
