package memory

import (
	"fmt"
	"maps"
	"slices"

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
	if old, ok := g.nodes[id]; ok {
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
	addTo(g.byKind, e.node.NodeKind(), id, struct{}{})
	if o := e.node.Owner(); o != "" {
		addTo(g.children, o, id, struct{}{})
	}
}

// setLink stores l under key, or removes it when l is nil.
func (g *graph) setLink(key kb.LinkKey, l *kb.Link) {
	removeFrom(g.out, key.From, key)
	removeFrom(g.in, key.To, key)
	if l == nil {
		return
	}
	addTo(g.out, key.From, key, *l)
	addTo(g.in, key.To, key, *l)
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
