package graph

import (
	"context"
	"encoding/base64"
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

// listPage reads a page of T's kind filtered by a GraphQL where and sorted by a GraphQL sort.
func listPage[T any, P nodePtr[T]](ctx context.Context, r *Resolver, where map[string]any, sort []map[string]any, first *int, after *string) (page[T], error) {
	var zero T
	kind := P(&zero).NodeKind()
	q := kb.ListQuery{Kind: kind, Limit: defaultPageSize}
	if first != nil {
		if *first < 0 || *first > kb.MaxPageSize {
			return page[T]{}, kb.Invalid("first", "must be between 0 and %d", kb.MaxPageSize)
		}
		q.Limit = *first
	}
	if after != nil {
		off, err := decodeCursor(*after)
		if err != nil {
			return page[T]{}, err
		}
		q.Offset = off + 1
	}
	filters, err := whereToFilters(where)
	if err != nil {
		return page[T]{}, err
	}
	q.Filters = filters
	q.Sort, err = sortToStore(sort)
	if err != nil {
		return page[T]{}, err
	}
	nodeSels, total := connectionNodes(ctx, kind, rootSelection(ctx))
	countOnly := q.Limit == 0
	if countOnly {
		// first: 0 asks only for the count
		q.Limit = 1
	}
	plan, err := runPlan(ctx, r, kb.ReadPlan{List: &q, Total: total || countOnly}, []kb.Kind{kind}, nodeSels...)
	if err != nil {
		return page[T]{}, err
	}
	res := kb.Page{Nodes: plan.Roots, Total: plan.Total}
	if countOnly {
		res.Nodes = nil
	}
	p := page[T]{total: res.Total, nodes: make([]T, 0, len(res.Nodes)), info: &model.PageInfo{}}
	for i, n := range res.Nodes {
		p.nodes = append(p.nodes, *(*T)(n.(P)))
		p.cursors = append(p.cursors, encodeCursor(q.Offset+i))
	}
	if len(p.cursors) > 0 {
		p.info.StartCursor, p.info.EndCursor = &p.cursors[0], &p.cursors[len(p.cursors)-1]
	}
	p.info.HasPreviousPage = q.Offset > 0
	p.info.HasNextPage = q.Offset+len(res.Nodes) < res.Total
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

const cursorPrefix = "offset:"

// Cursors are opaque to clients; they hold the position in the sorted, filtered list.
func encodeCursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	s := string(raw)
	if err != nil || !strings.HasPrefix(s, cursorPrefix) {
		return 0, kb.Invalid("after", "%q is not a cursor from this API", c)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(s, cursorPrefix))
	if err != nil || n < 0 {
		return 0, kb.Invalid("after", "%q is not a cursor from this API", c)
	}
	return n, nil
}

// whereToFilters turns a where input ({year: {gte: 2015}, outcome: {contains: "hope"}}) into
// store filters. Field and operator names are the schema's, which are the store's.
func whereToFilters(where map[string]any) ([]kb.Filter, error) {
	var out []kb.Filter
	for _, field := range sortedKeys(where) {
		ops, ok := where[field].(map[string]any)
		if !ok {
			if where[field] == nil {
				continue
			}
			return nil, kb.Invalid("where."+field, "wants an object of operators")
		}
		for _, op := range sortedKeys(ops) {
			if ops[op] == nil {
				continue
			}
			out = append(out, kb.Filter{Field: field, Op: kb.FilterOp(op), Value: ops[op]})
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
