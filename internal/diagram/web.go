package diagram

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// A web is one programme theory's CMOCs laid out as realist papers draw them, independent of
// syntax: Mermaid and DOT each write the same web.
type web struct {
	title  string    // the programme theory's name
	loose  []*vertex // drawn outside every group: elements shared by groups, other theories' CMOCs
	groups []*group
	edges  []*edge
}

type vertexKind int

const (
	vContext vertexKind = iota
	vMechanism
	vOutcome
	vCMOC     // a CMOC with one kind of element only, drawn as a node so it still shows
	vExternal // a CMOC of another programme theory that a chain leaves or reaches
)

type vertex struct {
	id    string
	kind  vertexKind
	lines []string // plain text: each writer escapes the lines and joins them its own way
}

// group is one subgraph: an outcome with the CMOCs whose first outcome it is.
type group struct {
	id       string // "G_..."; DOT writes it as "cluster_..."
	title    string
	vertices []*vertex
}

// edge joins two vertices; labels are the CMOC codes it stands for (several CMOCs may share
// a context and a mechanism, and are then drawn as one edge).
type edge struct {
	from, to string
	labels   []string
	dashed   bool // a CHAINS_TO between CMOCs
}

type element struct {
	id, name, resource, reasoning string
	kind                          kb.Kind
}

type cmoc struct {
	id, code string
	stages   [3][]string // element ids: contexts, mechanisms, outcomes
	chains   []string    // references as written
}

// group keys besides outcome ids; NUL keeps them apart from any id.
const (
	noOutcomeKey = "\x00no outcome"
	unusedKey    = "\x00not in any CMOC"
)

// builder holds what building one web needs.
type builder struct {
	idx      *docIndex
	studyID  string
	ptID     string
	elements map[string]*element
	cmocs    []*cmoc // in natural code order
	rank     map[string]int
	ids      *idAllocator
	w        *web
	edgeAt   map[[3]string]*edge
}

func buildWeb(doc document.Document, ptID string) (*web, error) {
	idx := indexDocument(doc)
	loc, ok := idx.pts[ptID]
	if !ok {
		return nil, idx.unknownPT(ptID)
	}
	b := &builder{idx: idx, studyID: loc.studyID, ptID: ptID, elements: map[string]*element{}, rank: map[string]int{},
		ids: newIDAllocator(), w: &web{title: loc.pt.Name}, edgeAt: map[[3]string]*edge{}}
	if err := b.read(loc.pt); err != nil {
		return nil, fmt.Errorf("programme theory %q: %w", ptID, err)
	}
	if err := b.layout(); err != nil {
		return nil, fmt.Errorf("programme theory %q: %w", ptID, err)
	}
	return b.w, nil
}

// read resolves the theory's elements and CMOCs as document.Plan does: element ids default
// from names, and CMOCs refer to elements by id or name.
func (b *builder) read(pt *document.ProgrammeTheory) error {
	names := map[kb.Kind]map[string]string{kb.KindContext: {}, kb.KindMechanism: {}, kb.KindOutcome: {}}
	add := func(k kb.Kind, id, name string, e *element) {
		id = orDefault(id, kb.ChildID(b.ptID, kb.ElementTag(k), name))
		names[k][id], names[k][name] = id, id
		if _, dup := b.elements[id]; !dup {
			e.id, e.kind, e.name = id, k, name
			b.elements[id] = e
		}
	}
	for _, c := range pt.Contexts {
		add(kb.KindContext, c.ID, c.Name, &element{})
	}
	for _, m := range pt.Mechanisms {
		add(kb.KindMechanism, m.ID, m.Name, &element{resource: m.Resource, reasoning: m.Reasoning})
	}
	for _, o := range pt.Outcomes {
		add(kb.KindOutcome, o.ID, o.Name, &element{})
	}
	seen := map[string]bool{}
	for i := range pt.CMOCs {
		dc := &pt.CMOCs[i]
		c := &cmoc{id: cmocIDOf(b.ptID, dc), code: dc.Code}
		if seen[c.id] {
			continue
		}
		seen[c.id] = true
		for s, part := range []struct {
			kind kb.Kind
			refs []string
		}{{kb.KindContext, dc.Contexts}, {kb.KindMechanism, dc.Mechanisms}, {kb.KindOutcome, dc.Outcomes}} {
			for _, ref := range part.refs {
				id, ok := names[part.kind][ref]
				if !ok {
					return fmt.Errorf("CMOC %q: %q is not the name or id of a %s of the programme theory", dc.Code, ref,
						strings.ToLower(string(part.kind)))
				}
				if !slices.Contains(c.stages[s], id) {
					c.stages[s] = append(c.stages[s], id)
				}
			}
		}
		// Sorted so the figure does not depend on the order a file lists a CMOC's elements
		// in, except that the first outcome, which picks the CMOC's group, stays first (an
		// export from a store lists them by id).
		sort.Strings(c.stages[0])
		sort.Strings(c.stages[1])
		if len(c.stages[2]) > 1 {
			sort.Strings(c.stages[2][1:])
		}
		for _, ch := range dc.ChainsTo {
			c.chains = append(c.chains, ch.CMOC)
		}
		b.cmocs = append(b.cmocs, c)
	}
	sort.SliceStable(b.cmocs, func(i, j int) bool { return cmocLess(b.cmocs[i], b.cmocs[j]) })
	for i, c := range b.cmocs {
		b.rank[c.id] = i
	}
	return nil
}

func cmocLess(a, b *cmoc) bool {
	if naturalLess(a.code, b.code) != naturalLess(b.code, a.code) {
		return naturalLess(a.code, b.code)
	}
	if a.code != b.code {
		return a.code < b.code
	}
	return a.id < b.id
}

// groupOf is the key of the group a CMOC is drawn in: its first outcome's.
func groupOf(c *cmoc) string {
	if len(c.stages[2]) > 0 {
		return c.stages[2][0]
	}
	return noOutcomeKey
}

// codeNode reports whether a CMOC needs a node of its own: with one kind of element only it
// would otherwise draw no edge at all.
func codeNode(c *cmoc) bool {
	n := 0
	for _, s := range c.stages {
		if len(s) > 0 {
			n++
		}
	}
	return n == 1
}

func (b *builder) layout() error {
	// Which groups use each element decides where it is drawn: inside its one group, or
	// outside all of them when CMOCs of several groups share it (drawn once either way).
	usedBy := map[string]map[string]bool{}
	type groupRank struct {
		rank    int
		primary bool
	}
	outcomeRank := map[string]groupRank{}
	noOutcome := false
	for _, c := range b.cmocs {
		g := groupOf(c)
		noOutcome = noOutcome || g == noOutcomeKey
		for s, ids := range c.stages {
			for i, id := range ids {
				if usedBy[id] == nil {
					usedBy[id] = map[string]bool{}
				}
				usedBy[id][g] = true
				if s == 2 {
					if _, ok := outcomeRank[id]; !ok {
						outcomeRank[id] = groupRank{b.rank[c.id], i == 0}
					}
				}
			}
		}
	}
	var outcomes, sorted []string
	for id := range b.elements {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	for _, id := range sorted {
		if _, ok := outcomeRank[id]; ok {
			outcomes = append(outcomes, id)
		}
	}
	sort.SliceStable(outcomes, func(i, j int) bool {
		a, c := outcomeRank[outcomes[i]], outcomeRank[outcomes[j]]
		if a.rank != c.rank {
			return a.rank < c.rank
		}
		return a.primary && !c.primary
	})
	// Ids are handed out in a fixed order so that which of two look-alike keys gets the hash
	// never depends on map order.
	for _, id := range sorted {
		b.vertexID(b.elements[id])
	}
	groups := map[string]*group{}
	for _, id := range outcomes {
		groups[id] = &group{id: b.ids.id("G", localPart(b.ptID, "o", id)), title: groupTitle(b.elements[id].name)}
		b.w.groups = append(b.w.groups, groups[id])
	}
	if noOutcome {
		groups[noOutcomeKey] = &group{id: b.ids.id("G", "no outcome"), title: "No outcome"}
		b.w.groups = append(b.w.groups, groups[noOutcomeKey])
	}
	var unused *group
	// Outcome vertices first in their groups, then contexts, then mechanisms (sorted ids are
	// in that order within each kind; kinds are ordered here).
	for _, k := range []kb.Kind{kb.KindOutcome, kb.KindContext, kb.KindMechanism} {
		for _, id := range sorted {
			e := b.elements[id]
			if e.kind != k {
				continue
			}
			v := b.vertex(e)
			switch gs := usedBy[id]; {
			case len(gs) == 0:
				if unused == nil {
					unused = &group{id: b.ids.id("G", "not in any CMOC"), title: "Not in any CMOC"}
				}
				unused.vertices = append(unused.vertices, v)
			case k == kb.KindOutcome:
				groups[id].vertices = append(groups[id].vertices, v)
			case len(gs) == 1:
				for g := range gs {
					groups[g].vertices = append(groups[g].vertices, v)
				}
			default:
				b.w.loose = append(b.w.loose, v)
			}
		}
	}
	if unused != nil {
		b.w.groups = append(b.w.groups, unused)
	}
	for _, c := range b.cmocs {
		if codeNode(c) {
			v := &vertex{id: b.ids.id("K", localPart(b.ptID, "", c.id)), kind: vCMOC, lines: wrapLabel(codeLabel(c.code), wrapWidth)}
			groups[groupOf(c)].vertices = append(groups[groupOf(c)].vertices, v)
		}
	}
	for _, c := range b.cmocs {
		b.cmocEdges(c)
	}
	return b.chains()
}

func (b *builder) vertexID(e *element) string {
	switch e.kind {
	case kb.KindContext:
		return b.ids.id("C", localPart(b.ptID, "c", e.id))
	case kb.KindMechanism:
		return b.ids.id("M", localPart(b.ptID, "m", e.id))
	}
	return b.ids.id("O", localPart(b.ptID, "o", e.id))
}

func (b *builder) vertex(e *element) *vertex {
	v := &vertex{id: b.vertexID(e), lines: wrapLabel(shorten(oneLine(e.name), maxNameRunes), wrapWidth)}
	switch e.kind {
	case kb.KindContext:
		v.kind = vContext
	case kb.KindMechanism:
		v.kind = vMechanism
		// Resource and reasoning (Dalkin et al. 2015) are what a reader of a realist figure
		// looks for in a mechanism; cut short here, whole in the data.
		for _, d := range []struct{ name, text string }{{"Resource", e.resource}, {"Reasoning", e.reasoning}} {
			if t := oneLine(d.text); t != "" {
				v.lines = append(v.lines, wrap(d.name+": "+shorten(t, maxDetailRunes), wrapWidth)...)
			}
		}
	default:
		v.kind = vOutcome
	}
	return v
}

// wrapLabel wraps a label, naming what has no name so that no node is drawn empty.
func wrapLabel(s string, width int) []string {
	if lines := wrap(s, width); len(lines) > 0 {
		return lines
	}
	return []string{"(no name)"}
}

func groupTitle(name string) string {
	if t := shorten(oneLine(name), 2*wrapWidth); t != "" {
		return t
	}
	return "(no name)"
}

func codeLabel(code string) string {
	if t := shorten(oneLine(code), maxCodeRunes); t != "" {
		return t
	}
	return "(no code)"
}

func (b *builder) addEdge(from, to, label string, dashed bool) {
	key := [3]string{from, to, fmt.Sprint(dashed)}
	e := b.edgeAt[key]
	if e == nil {
		e = &edge{from: from, to: to, dashed: dashed}
		b.edgeAt[key] = e
		b.w.edges = append(b.w.edges, e)
	}
	if !slices.Contains(e.labels, label) {
		e.labels = append(e.labels, label)
	}
}

// cmocEdges draws a CMOC as edges through its stages, contexts -> mechanisms -> outcomes,
// each labelled with its code; a missing stage is skipped over (a C-O CMOC joins its contexts
// to its outcomes).
func (b *builder) cmocEdges(c *cmoc) {
	label := codeLabel(c.code)
	var present [][]string
	for _, ids := range c.stages {
		if len(ids) > 0 {
			present = append(present, b.vertexIDs(ids))
		}
	}
	if codeNode(c) {
		k := b.ids.id("K", localPart(b.ptID, "", c.id))
		for _, id := range present[0] {
			if len(c.stages[2]) > 0 {
				b.addEdge(k, id, label, false)
			} else {
				b.addEdge(id, k, label, false)
			}
		}
		return
	}
	for s := 0; s+1 < len(present); s++ {
		for _, from := range present[s] {
			for _, to := range present[s+1] {
				b.addEdge(from, to, label, false)
			}
		}
	}
}

func (b *builder) vertexIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = b.vertexID(b.elements[id])
	}
	return out
}
