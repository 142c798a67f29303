package memory

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/text"
)

// entry is a stored node with its properties, kept so filters and sorts read a map instead of
// reflecting over the struct on every query.
type entry struct {
	node  kb.Node
	props kb.Props
}

// newEntry stores a copy of n, so a caller that changes its node after a write cannot change
// the store; reads hand the stored node out as it is (see kb.Store).
func newEntry(n kb.Node) *entry {
	props := kb.ToProps(n)
	stored, err := kb.FromProps(n.NodeKind(), props)
	if err != nil {
		// ToProps output always decodes; anything else is a bug in the codec
		panic(fmt.Sprintf("memory: copying %s %q: %v", n.NodeKind(), n.NodeID(), err))
	}
	return &entry{node: stored, props: props}
}

// graph is the in-memory state with the indexes the reads need. It is not safe for concurrent
// use; Store guards it.
type graph struct {
	nodes    map[string]*entry
	byKind   map[kb.Kind]map[string]struct{}
	children map[string]map[string]struct{} // owner id -> owned ids
	out      map[string]map[kb.LinkKey]kb.Link
	in       map[string]map[kb.LinkKey]kb.Link
	byType   map[kb.RelType]map[kb.LinkKey]struct{}
	// sorted holds each link type's links in kb.SortLinks order, built on the first read of all
	// links of the type: whole-corpus questions read the same types over and over, and sorting
	// 50,000 links each time would be most of their cost. A write to a link of the type makes
	// a new list with the link put in its place (the old one may be being read), up to
	// maxSortedPatches times between builds, and drops it after: a change of thousands of
	// links would copy the list for each.
	sortedMu sync.Mutex
	sorted   map[kb.RelType][]kb.Link
	patches  map[kb.RelType]int
	// byID holds each kind's entries in id order (the default list order) on the same terms
	byID map[kb.Kind][]*entry
	// steps holds, per node and step, the node's relationships along the step as reads give
	// them (kb.Edge -> []kb.Link, sorted), filled by the first read that takes the step and
	// dropped by any write that changes them. A nested read takes thousands of steps, and
	// filtering and sorting a node's links on each was most of its walk. Readers fill it under
	// the store's read lock, writers drop entries under its write lock, so an entry is never
	// filled from a graph a writer is changing. The slices are shared and read-only.
	steps sync.Map
	// search is built on the first search and kept in step with every write after it, so a
	// store that is never searched never pays for it.
	search *text.Index
}

func (g *graph) buildSearch() {
	g.search = text.NewIndex()
	for id, e := range g.nodes {
		g.search.Put(id, string(e.node.NodeKind()), kb.SearchText(e.node))
	}
}

func newGraph() *graph {
	return &graph{
		nodes:    map[string]*entry{},
		byKind:   map[kb.Kind]map[string]struct{}{},
		children: map[string]map[string]struct{}{},
		out:      map[string]map[kb.LinkKey]kb.Link{},
		in:       map[string]map[kb.LinkKey]kb.Link{},
		byType:   map[kb.RelType]map[kb.LinkKey]struct{}{},
		sorted:   map[kb.RelType][]kb.Link{},
		patches:  map[kb.RelType]int{},
		byID:     map[kb.Kind][]*entry{},
	}
}

func (g *graph) node(id string) kb.Node {
	if e, ok := g.nodes[id]; ok {
		return e.node
	}
	return nil
}

func addTo[O, K comparable, V any](m map[O]map[K]V, key O, k K, v V) {
	inner, ok := m[key]
	if !ok {
		inner = map[K]V{}
		m[key] = inner
	}
	inner[k] = v
}

func removeFrom[O, K comparable, V any](m map[O]map[K]V, key O, k K) {
	if inner, ok := m[key]; ok {
		delete(inner, k)
		if len(inner) == 0 {
			delete(m, key)
		}
	}
}

// setNode stores e under id, or removes the node when e is nil, keeping the indexes right.
func (g *graph) setNode(id string, e *entry) {
	g.sortedMu.Lock()
	if old, ok := g.nodes[id]; ok {
		delete(g.byID, old.node.NodeKind())
	}
	if e != nil {
		delete(g.byID, e.node.NodeKind())
	}
	g.sortedMu.Unlock()
	if old, ok := g.nodes[id]; ok {
		g.dropOwnership(old.node)
		if e == nil {
			// a node removed: what reads kept of its steps, found empty by now, goes with it
			// (Links may ask any type of any node, so every type both ways)
			for _, step := range kb.StepsFrom(old.node.NodeKind()) {
				g.steps.Delete(kb.Edge{ID: id, Step: step})
			}
			for _, t := range kb.LinkTypes() {
				g.steps.Delete(kb.Edge{ID: id, Step: kb.LinkStep(t, false)})
				g.steps.Delete(kb.Edge{ID: id, Step: kb.LinkStep(t, true)})
			}
		}
		removeFrom(g.byKind, old.node.NodeKind(), id)
		if o := old.node.Owner(); o != "" {
			removeFrom(g.children, o, id)
		}
		delete(g.nodes, id)
	}
	if e == nil {
		if g.search != nil {
			g.search.Remove(id)
		}
		return
	}
	g.nodes[id] = e
	if g.search != nil {
		g.search.Put(id, string(e.node.NodeKind()), kb.SearchText(e.node))
	}
	g.dropOwnership(e.node)
	addTo(g.byKind, e.node.NodeKind(), id, struct{}{})
	if o := e.node.Owner(); o != "" {
		addTo(g.children, o, id, struct{}{})
	}
}

// dropOwnership drops the cached steps between n and its owner, both ways.
func (g *graph) dropOwnership(n kb.Node) {
	o := n.Owner()
	if o == "" {
		return
	}
	if step, ok := kb.OwnerStep(n.NodeKind()); ok {
		g.steps.Delete(kb.Edge{ID: n.NodeID(), Step: step})
	}
	if step, ok := kb.OwnedStep(n.NodeKind()); ok {
		g.steps.Delete(kb.Edge{ID: o, Step: step})
	}
}

// stepLinks lists id's relationships along step, ownership ones drawn as links from the owned
// node to its owner, in kb.SortLinks order (owned nodes: by id). The slice is shared and
// read-only.
func (g *graph) stepLinks(id string, step kb.Step) []kb.Link {
	edge := kb.Edge{ID: id, Step: step}
	if ls, ok := g.steps.Load(edge); ok {
		return ls.([]kb.Link)
	}
	// clipped: a reader appending to what it was given copies it
	ls := slices.Clip(g.walkStep(id, step))
	g.steps.Store(edge, ls)
	return ls
}

func (g *graph) walkStep(id string, step kb.Step) []kb.Link {
	var out []kb.Link
	if _, isLink := kb.LinkSpecFor(step.Rel); isLink {
		index := g.out
		if step.In {
			index = g.in
		}
		for _, l := range index[id] {
			if l.Type == step.Rel {
				out = append(out, l)
			}
		}
		kb.SortLinks(out)
		return out
	}
	e, ok := g.nodes[id]
	if !ok {
		return nil
	}
	n := e.node
	if !step.In {
		if spec, ok := kb.OwnerOf(n.NodeKind()); ok && spec.Rel == step.Rel && spec.Kind == step.Kind {
			out = append(out, kb.Link{Type: step.Rel, From: id, To: n.Owner()})
		}
		return out
	}
	for child := range g.children[id] {
		if g.nodes[child].node.NodeKind() == step.Kind {
			out = append(out, kb.Link{Type: step.Rel, From: child, To: id})
		}
	}
	slices.SortFunc(out, func(a, b kb.Link) int { return strings.Compare(a.From, b.From) })
	return out
}

// setLink stores l under key, or removes it when l is nil.
func (g *graph) setLink(key kb.LinkKey, l *kb.Link) {
	removeFrom(g.out, key.From, key)
	removeFrom(g.in, key.To, key)
	removeFrom(g.byType, key.Type, key)
	g.sortedMu.Lock()
	if ls, ok := g.sorted[key.Type]; ok && g.patches[key.Type] < maxSortedPatches {
		g.sorted[key.Type] = withLink(ls, key, l)
		g.patches[key.Type]++
	} else {
		delete(g.sorted, key.Type)
	}
	g.sortedMu.Unlock()
	g.steps.Delete(kb.Edge{ID: key.From, Step: kb.LinkStep(key.Type, false)})
	g.steps.Delete(kb.Edge{ID: key.To, Step: kb.LinkStep(key.Type, true)})
	if l == nil {
		return
	}
	addTo(g.out, key.From, key, *l)
	addTo(g.in, key.To, key, *l)
	addTo(g.byType, key.Type, key, struct{}{})
}

// entriesByID returns every entry of kind k in id order; the slice is shared and read-only.
func (g *graph) entriesByID(k kb.Kind) []*entry {
	g.sortedMu.Lock()
	defer g.sortedMu.Unlock()
	if es, ok := g.byID[k]; ok {
		return es
	}
	es := make([]*entry, 0, len(g.byKind[k]))
	for id := range g.byKind[k] {
		es = append(es, g.nodes[id])
	}
	slices.SortFunc(es, func(a, b *entry) int { return cmp.Compare(a.node.NodeID(), b.node.NodeID()) })
	g.byID[k] = es
	return es
}

// linksOfType returns every link of type t in kb.SortLinks order. The slice is shared: callers
// read it and must not change it (kb.Store hands out what it stores read-only).
func (g *graph) linksOfType(t kb.RelType) []kb.Link {
	g.sortedMu.Lock()
	defer g.sortedMu.Unlock()
	if ls, ok := g.sorted[t]; ok {
		return ls
	}
	// the keys are sorted rather than the links, which are five times their size
	keys := make([]kb.LinkKey, 0, len(g.byType[t]))
	for key := range g.byType[t] {
		keys = append(keys, key)
	}
	slices.SortFunc(keys, kb.CompareLinkKeys)
	ls := make([]kb.Link, len(keys))
	for i, key := range keys {
		ls[i] = g.out[key.From][key]
	}
	g.sorted[t], g.patches[t] = ls, 0
	return ls
}

// maxSortedPatches is how many writes a type's sorted list of links is patched by before it
// is dropped, to be built again by the next read of them all.
const maxSortedPatches = 32

// withLink is a copy of the sorted links ls with the link of key set to l (nil: removed).
func withLink(ls []kb.Link, key kb.LinkKey, l *kb.Link) []kb.Link {
	i, found := slices.BinarySearchFunc(ls, key, func(e kb.Link, key kb.LinkKey) int { return kb.CompareLinkKeys(e.Key(), key) })
	switch {
	case l == nil && !found:
		return ls
	case l == nil:
		out := make([]kb.Link, 0, len(ls)-1)
		return append(append(out, ls[:i]...), ls[i+1:]...)
	case found:
		out := slices.Clone(ls)
		out[i] = *l
		return out
	}
	out := make([]kb.Link, 0, len(ls)+1)
	out = append(append(out, ls[:i]...), *l)
	return append(out, ls[i:]...)
}

func (g *graph) link(key kb.LinkKey) (kb.Link, bool) {
	l, ok := g.out[key.From][key]
	return l, ok
}

// linksOf lists the links touching id, in either direction, in a stable order.
func (g *graph) linksOf(id string) []kb.Link {
	var out []kb.Link
	for _, l := range g.out[id] {
		out = append(out, l)
	}
	for _, l := range g.in[id] {
		if l.From != id { // a self-link is already counted
			out = append(out, l)
		}
	}
	kb.SortLinks(out)
	return out
}

func (g *graph) ownedCounts(id string) map[kb.Kind]int {
	counts := map[kb.Kind]int{}
	for child := range g.children[id] {
		counts[g.nodes[child].node.NodeKind()]++
	}
	return counts
}

func (g *graph) idsOfKind(k kb.Kind) []string {
	return slices.Sorted(maps.Keys(g.byKind[k]))
}
