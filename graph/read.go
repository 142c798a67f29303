package graph

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/cmograph/cmograph/graph/model"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/vikstrous/dataloadgen"
)

// nodePtr is the pointer type of a domain struct, e.g. *kb.Study for kb.Study.
type nodePtr[T any] interface {
	*T
	kb.Node
}

// byID loads one node of type T, nil when there is none (or it is of another kind).
func byID[T any, P nodePtr[T]](ctx context.Context, r *Resolver, id string) (*T, error) {
	n, err := nodeOrNil(ctx, r, id)
	if err != nil || n == nil {
		return nil, err
	}
	p, ok := n.(P)
	if !ok {
		return nil, nil
	}
	return (*T)(p), nil
}

// mustByID loads a node a non-null field points at; its absence is a broken graph.
func mustByID[T any, P nodePtr[T]](ctx context.Context, r *Resolver, id string) (*T, error) {
	n, err := byID[T, P](ctx, r, id)
	if err == nil && n == nil {
		return nil, fmt.Errorf("dangling reference to %q", id)
	}
	return n, err
}

// nodesByID loads nodes in the order of ids, leaving out those missing or of another type.
func nodesByID[T any, P nodePtr[T]](ctx context.Context, r *Resolver, ids []string) ([]T, error) {
	if len(ids) == 0 {
		return []T{}, nil
	}
	nodes, err := anyByID(ctx, r, ids)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(nodes))
	for _, n := range nodes {
		if p, ok := n.(P); ok {
			out = append(out, *(*T)(p))
		}
	}
	return out, nil
}

// anyByID loads nodes of any kind in the order of ids, leaving out those missing.
func anyByID(ctx context.Context, r *Resolver, ids []string) ([]kb.Node, error) {
	ns, err := nodesOrNil(ctx, r, ids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ns, func(n kb.Node) bool { return n == nil }), nil
}

// ownedBy loads the nodes of T's kind that owner owns (a theory's CMOCs), in natural order.
func ownedBy[T any, P nodePtr[T]](ctx context.Context, r *Resolver, owner string) ([]T, error) {
	var zero T
	kind := P(&zero).NodeKind()
	var nodes []kb.Node
	if f := fetchedFor(ctx, r); f != nil {
		step, _ := kb.OwnedStep(kind)
		if ls, ok := f.edge(kb.Edge{ID: owner, Step: step}); ok {
			for _, l := range ls {
				if n, ok := f.node(l.From); ok {
					nodes = append(nodes, n)
				}
			}
			return sortedAs[T, P](nodes), nil
		}
	}
	nodes, err := loadersFor(ctx, r.Store).children.Load(ctx, childKey{kind, owner})
	if err != nil {
		return nil, err
	}
	return sortedAs[T, P](nodes), nil
}

// sortedAs converts nodes to T in natural order of their names.
func sortedAs[T any, P nodePtr[T]](nodes []kb.Node) []T {
	out := make([]T, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, *(*T)(n.(P)))
	}
	sortNatural(out, func(t *T) string { return kb.NameOf(P(t)) })
	return out
}

// linksAt loads the links of one type leaving (or, with in, reaching) id.
func linksAt(ctx context.Context, r *Resolver, rel kb.RelType, id string, in bool) ([]kb.Link, error) {
	if ls, ok := fetchedFor(ctx, r).edge(kb.Edge{ID: id, Step: kb.LinkStep(rel, in)}); ok {
		if ls == nil {
			ls = []kb.Link{}
		}
		return ls, nil
	}
	ls, err := loadersFor(ctx, r.Store).links.Load(ctx, linkKey{rel, id, in})
	if ls == nil {
		ls = []kb.Link{}
	}
	return ls, err
}

// linked loads the nodes at the other end of id's links of one type.
func linked[T any, P nodePtr[T]](ctx context.Context, r *Resolver, rel kb.RelType, id string, in bool) ([]T, error) {
	ls, err := linksAt(ctx, r, rel, id, in)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.To
		if in {
			ids[i] = l.From
		}
	}
	out, err := nodesByID[T, P](ctx, r, ids)
	if err != nil {
		return nil, err
	}
	sortNatural(out, func(t *T) string { return kb.NameOf(P(t)) })
	return out, nil
}

// linkedAny is linked for ends of several kinds (an explanation is a theory or a construct).
func linkedAny(ctx context.Context, r *Resolver, rel kb.RelType, id string, in bool) ([]kb.Node, error) {
	ls, err := linksAt(ctx, r, rel, id, in)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.To
		if in {
			ids[i] = l.From
		}
	}
	return anyByID(ctx, r, ids)
}

// studyOf climbs from a node to the study that holds it.
func studyOf(ctx context.Context, r *Resolver, n kb.Node) (*kb.Study, error) {
	for n != nil {
		if st, ok := n.(*kb.Study); ok {
			return st, nil
		}
		owner := n.Owner()
		if owner == "" {
			break
		}
		next, err := nodeOrNil(ctx, r, owner)
		if err != nil {
			return nil, fmt.Errorf("loading %q: %w", owner, err)
		}
		n = next
	}
	return nil, fmt.Errorf("%q belongs to no study", n.NodeID())
}

// alignmentsOf reads an element's ALIGNS links from its own side.
func alignmentsOf(ctx context.Context, r *Resolver, id string) ([]model.Alignment, error) {
	out, err := linksAt(ctx, r, kb.RelAligns, id, false)
	if err != nil {
		return nil, err
	}
	in, err := linksAt(ctx, r, kb.RelAligns, id, true)
	if err != nil {
		return nil, err
	}
	res := make([]model.Alignment, 0, len(out)+len(in))
	for _, l := range out {
		res = append(res, model.Alignment{Link: l})
	}
	for _, l := range in {
		res = append(res, model.Alignment{Link: l, Incoming: true})
	}
	return res, nil
}

// sortNatural orders by key with digit runs compared as numbers: CMOC 2 before CMOC 10.
func sortNatural[T any](xs []T, key func(*T) string) {
	// insertion sort keeps equal keys in store order and lists here are small
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && naturalLess(key(&xs[j]), key(&xs[j-1])); j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := unicode.IsDigit(rune(a[0])), unicode.IsDigit(rune(b[0]))
		if da && db {
			na, restA := leadingNumber(a)
			nb, restB := leadingNumber(b)
			if na != nb {
				return na < nb
			}
			a, b = restA, restB
			continue
		}
		ca, cb := unicode.ToLower(rune(a[0])), unicode.ToLower(rune(b[0]))
		if ca != cb {
			return ca < cb
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func leadingNumber(s string) (int, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, _ := strconv.Atoi(s[:min(i, 18)])
	return n, s[i:]
}

// page is one page of a list with what a Relay connection needs.
type page[T any] struct {
	nodes   []T
	cursors []string
	info    *model.PageInfo
	total   int
}

const defaultPageSize = 20

// paging is a list field's Relay arguments.
type paging struct {
	first  *int
	after  *string
	last   *int
	before *string
}

// window is the part of a sorted, filtered list a page covers: positions start to end
// (exclusive; -1 for the end of the list). A page of the last n with no before is read
// backwards from the end.
type window struct {
	start, end int
	last       int // > 0: the last items before end, read backwards when end is -1
}

// windowOf turns Relay's arguments into a window, refusing what would be ambiguous: first
// and last together, or last after a cursor with no before to count back from.
func windowOf(pg paging, sig string) (window, error) {
	size := func(field string, n *int) (int, error) {
		if *n < 0 || *n > kb.MaxPageSize {
			return 0, kb.Invalid(field, "must be between 0 and %d", kb.MaxPageSize)
		}
		return *n, nil
	}
	w := window{end: -1}
	if pg.after != nil {
		off, err := decodeCursor("after", *pg.after, sig)
		if err != nil {
			return w, err
		}
		w.start = off + 1
	}
	if pg.before != nil {
		off, err := decodeCursor("before", *pg.before, sig)
		if err != nil {
			return w, err
		}
		w.end = max(off, w.start)
	}
	switch {
	case pg.first != nil && pg.last != nil:
		return w, kb.Invalid("last", "give first or last, not both")
	case pg.last != nil:
		n, err := size("last", pg.last)
		if err != nil {
			return w, err
		}
		if w.end < 0 && pg.after != nil {
			return w, kb.Invalid("last", "with after needs before too: the page is counted back from before")
		}
		if w.end >= 0 {
			w.start = max(w.start, w.end-n)
		} else {
			w.last = n
		}
	default:
		n := defaultPageSize
		if pg.first != nil {
			var err error
			if n, err = size("first", pg.first); err != nil {
				return w, err
			}
		}
		if w.end < 0 || w.start+n < w.end {
			w.end = w.start + n
		}
	}
	return w, nil
}

// listPage reads a page of T's kind filtered by a GraphQL where and sorted by a GraphQL sort.
func listPage[T any, P nodePtr[T]](ctx context.Context, r *Resolver, where map[string]any, sort []map[string]any, pg paging) (page[T], error) {
	var zero T
	kind := P(&zero).NodeKind()
	q := kb.ListQuery{Kind: kind}
	filters, err := whereToFilters(where)
	if err != nil {
		return page[T]{}, err
	}
	q.Filters = filters
	q.Sort, err = sortToStore(sort)
	if err != nil {
		return page[T]{}, err
	}
	sig, err := listSignature(kind, where, sort)
	if err != nil {
		return page[T]{}, err
	}
	w, err := windowOf(pg, sig)
	if err != nil {
		return page[T]{}, err
	}
	if w.last > 0 {
		q.Reverse, q.Limit = true, w.last
	} else {
		q.Offset, q.Limit = w.start, w.end-w.start
	}
	nodeSels, total := connectionNodes(ctx, kind, rootSelection(ctx))
	countOnly := q.Limit == 0
	if countOnly {
		// an empty window asks only for the count
		q.Limit = 1
	}
	// a page read backwards from the end needs the total to know where it starts
	plan, err := runPlan(ctx, r, kb.ReadPlan{List: &q, Total: total || countOnly || q.Reverse}, []kb.Kind{kind}, nodeSels...)
	if err != nil {
		return page[T]{}, err
	}
	nodes := plan.Roots
	if countOnly {
		nodes = nil
	}
	if q.Reverse {
		// read backwards from the end: put the page in list order and say where it starts
		nodes = slices.Clone(nodes)
		slices.Reverse(nodes)
		q.Offset = plan.Total - len(nodes)
	}
	p := page[T]{total: plan.Total, nodes: make([]T, 0, len(nodes)), info: &model.PageInfo{}}
	for i, n := range nodes {
		p.nodes = append(p.nodes, *(*T)(n.(P)))
		p.cursors = append(p.cursors, encodeCursor(q.Offset+i, sig))
	}
	if len(p.cursors) > 0 {
		p.info.StartCursor, p.info.EndCursor = &p.cursors[0], &p.cursors[len(p.cursors)-1]
	}
	p.info.HasPreviousPage = q.Offset > 0
	p.info.HasNextPage = q.Offset+len(nodes) < plan.Total
	return p, nil
}

// edges pairs each node of a page with its cursor in the connection's edge type.
func edges[T, E any](p page[T], mk func(cursor string, node *T) E) []E {
	out := make([]E, len(p.nodes))
	for i := range p.nodes {
		out[i] = mk(p.cursors[i], &p.nodes[i])
	}
	return out
}

const cursorPrefix = "c1:"

// Cursors are opaque to clients. One holds a position in the sorted, filtered list and a
// signature of the list's kind, filters and sort, so a cursor handed to a list with other
// filters or another sort is refused rather than read as a position it never named.
func encodeCursor(offset int, sig string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset) + ":" + sig))
}

func decodeCursor(field, c, sig string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	s, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if err != nil || !ok {
		return 0, kb.Invalid(field, "%q is not a cursor from this API", c)
	}
	pos, from, ok := strings.Cut(s, ":")
	n, err := strconv.Atoi(pos)
	if !ok || err != nil || n < 0 {
		return 0, kb.Invalid(field, "%q is not a cursor from this API", c)
	}
	if from != sig {
		return 0, kb.Invalid(field, "is a cursor of a list with other filters or another sort; page this list from its start")
	}
	return n, nil
}

// listSignature names a list's kind, filters and sort in a few characters.
func listSignature(kind kb.Kind, where map[string]any, sort []map[string]any) (string, error) {
	data, err := json.Marshal([]any{kind, where, sort})
	if err != nil {
		return "", fmt.Errorf("signing the list: %w", err)
	}
	sum := sha256.Sum256(data)
	return base64.RawURLEncoding.EncodeToString(sum[:6]), nil
}

// whereToFilters turns a where input ({year: {gte: 2015}, outcome: {contains: "hope"}}) into
// store filters. Field and operator names are the schema's, which are the store's. AND lists
// more wheres that must all hold, OR wheres of which one must; each filter keeps its path in
// the input for errors.
func whereToFilters(where map[string]any) ([]kb.Filter, error) {
	return whereAt("where", where, 0)
}

// anyList reads a list as gqlgen hands it over: from variables as []any, from a literal as
// the input's Go type.
func anyList(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []map[string]any:
		out := make([]any, len(l))
		for i, m := range l {
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

func whereAt(path string, where map[string]any, depth int) ([]kb.Filter, error) {
	if depth > kb.MaxFilterDepth {
		return nil, kb.Invalid(path, "nests AND and OR more than %d deep", kb.MaxFilterDepth)
	}
	var out []kb.Filter
	for _, field := range sortedKeys(where) {
		if where[field] == nil {
			continue
		}
		at := path + "." + field
		switch field {
		case "AND", "OR":
			list, ok := anyList(where[field])
			if !ok {
				return nil, kb.Invalid(at, "wants a list of conditions")
			}
			groups := make([][]kb.Filter, 0, len(list))
			for i, item := range list {
				w, ok := item.(map[string]any)
				if !ok {
					return nil, kb.Invalid(fmt.Sprintf("%s[%d]", at, i), "wants an object of conditions")
				}
				g, err := whereAt(fmt.Sprintf("%s[%d]", at, i), w, depth+1)
				if err != nil {
					return nil, err
				}
				groups = append(groups, g)
			}
			if field == "AND" {
				out = append(out, slices.Concat(groups...)...)
			} else {
				out = append(out, kb.Filter{Any: groups, Path: at})
			}
			continue
		}
		ops, ok := where[field].(map[string]any)
		if !ok {
			return nil, kb.Invalid(at, "wants an object of operators")
		}
		for _, op := range sortedKeys(ops) {
			if ops[op] == nil {
				continue
			}
			out = append(out, kb.Filter{Field: field, Op: kb.FilterOp(op), Value: ops[op], Path: at})
		}
	}
	return out, nil
}

// sortToStore maps sort inputs ({field: SAMPLE_SIZE, direction: DESC}) to store sorts: the enum
// value in camel case is the property name.
func sortToStore(sorts []map[string]any) ([]kb.Sort, error) {
	var out []kb.Sort
	for i, s := range sorts {
		// gqlgen hands enum values over as generated string types; their text is what counts
		field := fmt.Sprint(s["field"])
		if s["field"] == nil || field == "" {
			return nil, kb.Invalid(fmt.Sprintf("sort[%d].field", i), "is required")
		}
		out = append(out, kb.Sort{Field: camel(field), Desc: fmt.Sprint(s["direction"]) == "DESC"})
	}
	return out, nil
}

func camel(enum string) string {
	parts := strings.Split(strings.ToLower(enum), "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// nodeOrNil loads a node of any kind, nil when there is none: from what the root field's plan
// read, else through the loader.
func nodeOrNil(ctx context.Context, r *Resolver, id string) (kb.Node, error) {
	if n, ok := fetchedFor(ctx, r).node(id); ok {
		return n, nil
	}
	n, err := loadersFor(ctx, r.Store).nodes.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return n, err
}

// nodesOrNil loads nodes of any kind in the order asked, nil for each unknown id.
func nodesOrNil(ctx context.Context, r *Resolver, ids []string) ([]kb.Node, error) {
	l := loadersFor(ctx, r.Store).nodes
	f := fetchedFor(ctx, r)
	out := make([]kb.Node, len(ids))
	thunks := make([]func() (kb.Node, error), len(ids))
	for i, id := range ids {
		if n, ok := f.node(id); ok {
			out[i] = n
			continue
		}
		thunks[i] = l.LoadThunk(ctx, id)
	}
	for i, th := range thunks {
		if th == nil {
			continue
		}
		n, err := th()
		if err != nil && !errors.Is(err, dataloadgen.ErrNotFound) {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
