package graph

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/cmograph/cmograph/internal/kb"
)

// This file turns a root field and its whole selection into one kb.ReadPlan, runs it, and keeps
// what it read for the resolvers below the root: they find their nodes, children and links in
// fetched first, and only what no plan reaches (fields of the analysis' answers) goes through
// the loaders.

// fetched is what the plan of one root field read: nodes by id and, per node and step, every
// relationship along it. What a resolver finds here is complete: an edge present holds all the
// node's relationships along that step.
type fetched struct {
	nodes map[string]kb.Node
	edges map[kb.Edge][]kb.Link
	// complete: every field of the root's selection reads from here, so no resolver below the
	// root waits for a loader and its lists can be written in order (generated.ListOrder)
	complete bool
}

// plans keeps the fetched results of one request's root fields by their response names, so
// that each field below a root reads its own root's plan. Every resolver below a root looks
// its plan up, from many goroutines at once, and a request has a handful of root fields: the
// map is replaced whole on a write and read without a lock.
type plans struct {
	mu     sync.Mutex // serializes writers
	byRoot atomic.Pointer[map[string]*fetched]
}

func (p *plans) put(root string, f *fetched) {
	p.mu.Lock()
	defer p.mu.Unlock()
	next := map[string]*fetched{root: f}
	if old := p.byRoot.Load(); old != nil {
		for k, v := range *old {
			if k != root {
				next[k] = v
			}
		}
	}
	p.byRoot.Store(&next)
}

func (p *plans) get(root string) *fetched {
	if m := p.byRoot.Load(); m != nil {
		return (*m)[root]
	}
	return nil
}

// rootField is the field context of the root field a resolver runs under.
func rootField(ctx context.Context) *graphql.FieldContext {
	var root *graphql.FieldContext
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Field.Field != nil && fc.Index == nil {
			root = fc
		}
	}
	return root
}

// fetchedFor is what the plan of ctx's root field read, nil when no plan ran for it.
func fetchedFor(ctx context.Context, r *Resolver) *fetched {
	root := rootField(ctx)
	if root == nil {
		return nil
	}
	return loadersFor(ctx, r.Store).plans.get(root.Field.Alias)
}

// listsInOrder is the request's generated.ListOrder: a list below a root field whose plan
// fetched everything it selects is written in order, unless it is the outermost list of the
// answer (a page of studies), whose elements are written side by side so that the answer is
// written on every core.
func listsInOrder(store kb.Store) func(ctx context.Context) bool {
	return func(ctx context.Context) bool {
		var root *graphql.FieldContext
		inList := false
		for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
			if fc.Index != nil {
				inList = true
			} else if fc.Field.Field != nil {
				root = fc
			}
		}
		if root == nil || !inList {
			return false
		}
		f := loadersFor(ctx, store).plans.get(root.Field.Alias)
		return f != nil && f.complete
	}
}

func (f *fetched) node(id string) (kb.Node, bool) {
	if f == nil {
		return nil, false
	}
	n, ok := f.nodes[id]
	return n, ok
}

func (f *fetched) edge(e kb.Edge) ([]kb.Link, bool) {
	if f == nil {
		return nil, false
	}
	ls, ok := f.edges[e]
	return ls, ok
}

// runPlan plans ctx's root field as reading nodes of the given kinds (from ids or a list),
// with sel the selection on each node, runs the plan and keeps what it read for the fields
// below.
func runPlan(ctx context.Context, r *Resolver, p kb.ReadPlan, kinds []kb.Kind, sels ...ast.SelectionSet) (kb.ReadResult, error) {
	pl := newPlanner(ctx)
	for _, sel := range sels {
		p.Follow = append(p.Follow, pl.selection(kinds, sel, 1)...)
	}
	p.Follow = mergeFollows(p.Follow)
	p.Props = pl.props()
	if pl.tooBig {
		return kb.ReadResult{}, kb.Invalid("query", "reads more than %d relationships or nests them deeper than %d levels under one root field; split it into several queries", kb.MaxPlanFollows, kb.MaxPlanDepth)
	}
	res, err := r.Store.Read(ctx, p)
	if err != nil {
		return kb.ReadResult{}, err
	}
	f := &fetched{nodes: make(map[string]kb.Node, len(res.Roots)+len(res.Nodes)), edges: res.Edges, complete: pl.op != nil && !pl.computed}
	for _, n := range res.Nodes {
		f.nodes[n.NodeID()] = n
	}
	for _, n := range res.Roots {
		f.nodes[n.NodeID()] = n
	}
	if root := rootField(ctx); root != nil {
		loadersFor(ctx, r.Store).plans.put(root.Field.Alias, f)
	}
	return res, nil
}

// rootSelection is the selection of ctx's field.
func rootSelection(ctx context.Context) ast.SelectionSet {
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		return fc.Field.Selections
	}
	return nil
}

// connectionNodes gathers the selections on the nodes of a connection: its nodes and its
// edges' node; and whether the total is needed (totalCount, or pageInfo's hasNextPage). The
// selection sets are the ones gqlgen walks, not copies: gqlgen caches what it collects from a
// selection by the selection's address, and planning the same sets fills that cache before
// thousands of goroutines would fill it at once.
func connectionNodes(ctx context.Context, kind kb.Kind, sel ast.SelectionSet) ([]ast.SelectionSet, bool) {
	op := operationContext(ctx)
	if op == nil {
		return nil, true
	}
	var nodes []ast.SelectionSet
	total := false
	for _, f := range graphql.CollectFields(op, sel, []string{string(kind) + "Connection"}) {
		switch f.Name {
		case "nodes":
			nodes = append(nodes, f.Selections)
		case "edges":
			for _, e := range graphql.CollectFields(op, f.Selections, []string{string(kind) + "Edge"}) {
				if e.Name == "node" {
					nodes = append(nodes, e.Selections)
				}
			}
		case "totalCount", "pageInfo":
			total = true
		}
	}
	return nodes, total
}

func operationContext(ctx context.Context) *graphql.OperationContext {
	if !graphql.HasOperationContext(ctx) {
		return nil
	}
	return graphql.GetOperationContext(ctx)
}

// planner walks a selection into the steps of a plan and the properties each kind needs.
type planner struct {
	op      *graphql.OperationContext
	asked   map[kb.Kind]map[string]bool
	whole   map[kb.Kind]bool
	follows int
	tooBig  bool
	// computed: the selection has a field the planner does not know, computed by its resolver
	// (the analysis' fields), whose answer's fields may go through the loaders
	computed bool
}

func newPlanner(ctx context.Context) *planner {
	return &planner{op: operationContext(ctx), asked: map[kb.Kind]map[string]bool{}, whole: map[kb.Kind]bool{}}
}

// props is the plan's Props: for every kind reached, the properties its fields read, or none
// named (read whole) where a field needs what the planner cannot name.
func (pl *planner) props() map[kb.Kind][]string {
	out := map[kb.Kind][]string{}
	for k, names := range pl.asked {
		if pl.whole[k] {
			continue
		}
		list := make([]string, 0, len(names))
		for n := range names {
			list = append(list, n)
		}
		slices.Sort(list)
		out[k] = list
	}
	return out
}

func (pl *planner) touch(k kb.Kind) map[string]bool {
	if pl.asked[k] == nil {
		pl.asked[k] = map[string]bool{}
	}
	return pl.asked[k]
}

// selection plans sel on nodes that can be of any of kinds; the steps of every kind's fields
// apply to every node at this level (a step a node's kind does not take finds nothing).
func (pl *planner) selection(kinds []kb.Kind, sel ast.SelectionSet, depth int) []kb.Follow {
	var out []kb.Follow
	for _, k := range kinds {
		asked := pl.touch(k)
		if pl.op == nil {
			pl.whole[k] = true
			continue
		}
		for _, f := range graphql.CollectFields(pl.op, sel, satisfies(k)) {
			if f.Name == "__typename" {
				continue
			}
			if rule, ok := fieldRules[ruleKey{k, f.Name}]; ok {
				out = append(out, pl.follow(k, rule, f.Selections, depth)...)
				continue
			}
			if _, ok := kb.FieldFor(k, f.Name); ok {
				asked[f.Name] = true
				continue
			}
			// a field the planner does not know may read any property
			pl.whole[k] = true
			pl.computed = true
		}
	}
	return mergeFollows(out)
}

// follow plans one relationship field of a node of kind k.
func (pl *planner) follow(k kb.Kind, rule fieldRule, sel ast.SelectionSet, depth int) []kb.Follow {
	var out []kb.Follow
	for _, path := range rule.paths {
		out = append(out, pl.path(k, path, rule.link, sel, depth)...)
	}
	return out
}

// path plans the steps of one path of a field, from a node of kind k.
func (pl *planner) path(k kb.Kind, path []kb.Step, link string, sel ast.SelectionSet, depth int) []kb.Follow {
	if depth+len(path) > kb.MaxPlanDepth || pl.follows+len(path) > kb.MaxPlanFollows {
		pl.tooBig = true
		return nil
	}
	pl.follows += len(path)
	last := path[len(path)-1]
	farKinds := kb.StepKinds(last)
	var far, near []kb.Follow
	if link == "" {
		far = pl.selection(farKinds, sel, depth+len(path))
	} else {
		// a link object: its end fields select the far node or this node again
		for _, f := range graphql.CollectFields(pl.op, sel, []string{link}) {
			end, isEnd := linkEnds[link][f.Name]
			switch {
			case !isEnd:
			case end == farEnd || end == fromEnd && last.In || end == toEnd && !last.In:
				far = append(far, pl.selection(farKinds, f.Selections, depth+1)...)
			default:
				near = append(near, pl.selection([]kb.Kind{k}, f.Selections, depth)...)
			}
		}
		far = mergeFollows(far)
	}
	// intermediate kinds of a longer path (a CMOC's study is its theory's study) are read only
	// for their ids and owners
	for _, s := range path[:len(path)-1] {
		for _, kk := range kb.StepKinds(s) {
			pl.touch(kk)
		}
	}
	chain := kb.Follow{Step: last, LinkProps: link != "", Follow: far}
	for i := len(path) - 2; i >= 0; i-- {
		chain = kb.Follow{Step: path[i], Follow: []kb.Follow{chain}}
	}
	return append([]kb.Follow{chain}, near...)
}

// mergeFollows joins follows of the same step, so that a step selected twice (aliases,
// fragments, two fields over one relationship) is read once.
func mergeFollows(fs []kb.Follow) []kb.Follow {
	var out []kb.Follow
	for _, f := range fs {
		i := slices.IndexFunc(out, func(o kb.Follow) bool { return o.Step == f.Step })
		if i < 0 {
			out = append(out, kb.Follow{Step: f.Step, LinkProps: f.LinkProps, Follow: mergeFollows(f.Follow)})
			continue
		}
		out[i].LinkProps = out[i].LinkProps || f.LinkProps
		out[i].Follow = mergeFollows(append(out[i].Follow, f.Follow...))
	}
	return out
}

// satisfies lists the GraphQL types whose fragments apply to a node of kind k: its type and
// the interfaces and unions it belongs to, in the order of gqlgen's generated implementors.
func satisfies(k kb.Kind) []string {
	out := []string{string(k), "Node", "Tracked"}
	if k.IsElement() {
		out = append(out, "Element")
	}
	if k == kb.KindTheory || k == kb.KindConstruct {
		// in gqlgen's order, which keys its cache of collected fields
		out = []string{string(k), "Explanation", "Node", "Tracked"}
	}
	return out
}

type ruleKey struct {
	kind  kb.Kind
	field string
}

// fieldRule says how a field of a node type reads the graph: the paths of steps it takes (an
// alignment is read along ALIGNS both ways), and for fields whose values are links (Evidence,
// Chain, Revision, Alignment), the GraphQL type of the link object.
type fieldRule struct {
	paths [][]kb.Step
	link  string
}

type linkEnd int

const (
	fromEnd linkEnd = iota
	toEnd
	farEnd
)

// linkEnds names the fields of each link object that lead to one of its ends.
var linkEnds = map[string]map[string]linkEnd{
	"Evidence":  {"quote": fromEnd, "cmoc": toEnd},
	"Chain":     {"from": fromEnd, "to": toEnd},
	"Revision":  {"from": fromEnd, "to": toEnd},
	"Alignment": {"element": farEnd},
}

func owned(k kb.Kind) kb.Step {
	s, _ := kb.OwnedStep(k)
	return s
}

func owner(k kb.Kind) kb.Step {
	s, _ := kb.OwnerStep(k)
	return s
}

func out(t kb.RelType) kb.Step { return kb.LinkStep(t, false) }
func in(t kb.RelType) kb.Step  { return kb.LinkStep(t, true) }

func steps(s ...kb.Step) fieldRule { return fieldRule{paths: [][]kb.Step{s}} }

func links(s kb.Step, linkType string) fieldRule {
	return fieldRule{paths: [][]kb.Step{{s}}, link: linkType}
}

// fieldRules maps every relationship field of the node types to the steps its resolver reads;
// the resolvers (and the helpers in read.go) read those steps from fetched.
var fieldRules = func() map[ruleKey]fieldRule {
	m := map[ruleKey]fieldRule{
		{kb.KindStudy, "programmeTheories"}: steps(owned(kb.KindProgrammeTheory)),
		{kb.KindStudy, "cmocs"}:             steps(owned(kb.KindProgrammeTheory), owned(kb.KindCMOC)),
		{kb.KindStudy, "settings"}:          steps(owned(kb.KindSetting)),
		{kb.KindStudy, "quotes"}:            steps(owned(kb.KindQuote)),

		{kb.KindProgrammeTheory, "study"}:      steps(owner(kb.KindProgrammeTheory)),
		{kb.KindProgrammeTheory, "cmocs"}:      steps(owned(kb.KindCMOC)),
		{kb.KindProgrammeTheory, "contexts"}:   steps(owned(kb.KindContext)),
		{kb.KindProgrammeTheory, "mechanisms"}: steps(owned(kb.KindMechanism)),
		{kb.KindProgrammeTheory, "outcomes"}:   steps(owned(kb.KindOutcome)),
		{kb.KindProgrammeTheory, "drawsOn"}:    steps(out(kb.RelDrawsOn)),
		{kb.KindProgrammeTheory, "revises"}:    links(out(kb.RelRevises), "Revision"),
		{kb.KindProgrammeTheory, "revisedBy"}:  links(in(kb.RelRevises), "Revision"),

		{kb.KindCMOC, "programmeTheory"}: steps(owner(kb.KindCMOC)),
		{kb.KindCMOC, "study"}:           steps(owner(kb.KindCMOC), owner(kb.KindProgrammeTheory)),
		{kb.KindCMOC, "contexts"}:        steps(out(kb.RelHasContext)),
		{kb.KindCMOC, "mechanisms"}:      steps(out(kb.RelHasMechanism)),
		{kb.KindCMOC, "outcomes"}:        steps(out(kb.RelHasOutcome)),
		{kb.KindCMOC, "settings"}:        steps(out(kb.RelObservedIn)),
		{kb.KindCMOC, "evidence"}:        links(in(kb.RelEvidences), "Evidence"),
		{kb.KindCMOC, "chainsTo"}:        links(out(kb.RelChainsTo), "Chain"),
		{kb.KindCMOC, "chainedFrom"}:     links(in(kb.RelChainsTo), "Chain"),

		{kb.KindQuote, "study"}:     steps(owner(kb.KindQuote)),
		{kb.KindQuote, "evidences"}: links(out(kb.RelEvidences), "Evidence"),

		{kb.KindSetting, "study"}: steps(owner(kb.KindSetting)),
		{kb.KindSetting, "cmocs"}: steps(in(kb.RelObservedIn)),

		{kb.KindTheory, "constructs"}:        steps(owned(kb.KindConstruct)),
		{kb.KindTheory, "programmeTheories"}: steps(in(kb.RelDrawsOn)),
		{kb.KindTheory, "explains"}:          steps(in(kb.RelExplainedBy)),

		{kb.KindConstruct, "theory"}:    steps(owner(kb.KindConstruct)),
		{kb.KindConstruct, "instances"}: steps(in(kb.RelInstanceOf)),
		{kb.KindConstruct, "explains"}:  steps(in(kb.RelExplainedBy)),

		{kb.KindMechanism, "explainedBy"}: steps(out(kb.RelExplainedBy)),
	}
	for _, k := range []kb.Kind{kb.KindContext, kb.KindMechanism, kb.KindOutcome} {
		m[ruleKey{k, "programmeTheory"}] = steps(owner(k))
		m[ruleKey{k, "study"}] = steps(owner(k), owner(kb.KindProgrammeTheory))
		m[ruleKey{k, "cmocs"}] = steps(in(elementRel[k]))
		m[ruleKey{k, "instanceOf"}] = steps(out(kb.RelInstanceOf))
		m[ruleKey{k, "alignments"}] = fieldRule{paths: [][]kb.Step{{out(kb.RelAligns)}, {in(kb.RelAligns)}}, link: "Alignment"}
	}
	return m
}()

var elementRel = map[kb.Kind]kb.RelType{
	kb.KindContext: kb.RelHasContext, kb.KindMechanism: kb.RelHasMechanism, kb.KindOutcome: kb.RelHasOutcome,
}

// rootByID reads the node id, of T's kind, and everything ctx's field selects below it, in one
// plan; nil when there is no such node.
func rootByID[T any, P nodePtr[T]](ctx context.Context, r *Resolver, id string) (*T, error) {
	var zero T
	kind := P(&zero).NodeKind()
	res, err := runPlan(ctx, r, kb.ReadPlan{IDs: []string{id}, Kind: kind}, []kb.Kind{kind}, rootSelection(ctx))
	if err != nil || len(res.Roots) == 0 {
		return nil, err
	}
	return (*T)(res.Roots[0].(P)), nil
}

// rootNode is rootByID for a node of any kind.
func rootNode(ctx context.Context, r *Resolver, id string) (kb.Node, error) {
	ns, err := rootNodes(ctx, r, []string{id})
	if err != nil {
		return nil, err
	}
	return ns[0], nil
}

// rootNodes reads nodes of any kind and their selections in one plan, in the order asked, nil
// for each unknown id.
func rootNodes(ctx context.Context, r *Resolver, ids []string) ([]kb.Node, error) {
	if ids == nil {
		ids = []string{}
	}
	res, err := runPlan(ctx, r, kb.ReadPlan{IDs: ids}, kb.Kinds, rootSelection(ctx))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]kb.Node, len(res.Roots))
	for _, n := range res.Roots {
		byID[n.NodeID()] = n
	}
	out := make([]kb.Node, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}
