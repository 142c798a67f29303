package analysis

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
)

// ChainBasis says why one CMOC feeds the next.
type ChainBasis string

const (
	// ChainExplicit: a reviewer recorded CHAINS_TO.
	ChainExplicit ChainBasis = "EXPLICIT"
	// ChainAligned: the first CMOC's outcome is aligned with the next one's context.
	ChainAligned ChainBasis = "ALIGNED"
	// ChainConstruct: the first CMOC's outcome and the next one's context are instances of one
	// construct.
	ChainConstruct ChainBasis = "CONSTRUCT"
)

// ChainLink is one step of a chain: From's outcome acts as To's context.
type ChainLink struct {
	From, To *kb.CMOC
	Basis    ChainBasis
	// Outcome and Context are the elements that meet (nil for explicit links).
	Outcome, Context kb.Node
	Construct        *kb.Construct
	Rationale        string
}

// Chain is a run of CMOCs, each feeding the next, ending in a CMOC that produces the target.
type Chain struct {
	CMOCs []*kb.CMOC
	Links []ChainLink
}

// Chain depth bounds.
const (
	DefaultChainDepth = 4
	MaxChainDepth     = 10
	MaxChains         = 500
)

// Chains finds the chains of CMOCs that end in the target: an outcome (or one aligned with it)
// or a construct (an outcome that is an instance of it). Each chain is at most maxDepth links
// long and visits a CMOC at most once, so cycles end the walk rather than loop it. Chains are
// maximal within the depth: longest first, at most limit.
func (a *Analyst) Chains(ctx context.Context, targetID string, maxDepth, limit int) ([]Chain, error) {
	if maxDepth == 0 {
		maxDepth = DefaultChainDepth
	}
	if maxDepth < 1 || maxDepth > MaxChainDepth {
		return nil, kb.Invalid("maxDepth", "must be between 1 and %d, not %d", MaxChainDepth, maxDepth)
	}
	limit, err := pageSize(limit, MaxChains, MaxChains)
	if err != nil {
		return nil, err
	}
	r := a.reader()
	target, err := r.mustNode(ctx, "to", targetID, kb.KindOutcome, kb.KindConstruct)
	if err != nil {
		return nil, err
	}
	c, err := a.shared(ctx)
	if err != nil {
		return nil, err
	}
	var ends []string
	var feedersOf func(cmoc string) []ChainLink
	if c != nil {
		ends, feedersOf = c.chainsTo(target)
	} else if ends, feedersOf, err = r.readChains(ctx, target, maxDepth); err != nil {
		return nil, err
	}
	var chains []Chain
	var walk func(path []ChainLink, head string, depth int)
	walk = func(path []ChainLink, head string, depth int) {
		if len(chains) >= limit {
			return
		}
		extended := false
		if depth < maxDepth {
			for _, l := range feedersOf(head) {
				if onPath(path, l.From.ID) {
					continue
				}
				extended = true
				walk(append([]ChainLink{l}, path...), l.From.ID, depth+1)
			}
		}
		if !extended && len(path) > 0 {
			chains = append(chains, newChain(path))
		}
	}
	for _, end := range ends {
		walk(nil, end, 0)
	}
	// longest first, then by their CMOCs' ids, compared where they lie: a key string per
	// comparison was most of the question
	slices.SortStableFunc(chains, func(a, b Chain) int {
		return cmp.Or(cmp.Compare(len(b.CMOCs), len(a.CMOCs)),
			slices.CompareFunc(a.CMOCs, b.CMOCs, func(x, y *kb.CMOC) int { return strings.Compare(x.ID, y.ID) }))
	})
	return chains, nil
}

// readChains reads, level by level back from the target, the links into every CMOC a chain of
// at most maxDepth links could reach: a fixed number of store calls per level.
func (r *reader) readChains(ctx context.Context, target kb.Node, maxDepth int) ([]string, func(string) []ChainLink, error) {
	outcomes, err := r.outcomesMeaning(ctx, target)
	if err != nil {
		return nil, nil, err
	}
	produce, err := r.links(ctx, true, outcomes, kb.RelHasOutcome)
	if err != nil {
		return nil, nil, err
	}
	var ends []string
	for _, l := range produce {
		ends = append(ends, l.From)
	}
	ends = uniqueSorted(ends)
	feeders := map[string][]ChainLink{} // CMOC id -> links into it
	frontier := ends
	expanded := map[string]bool{}
	for depth := 0; depth < maxDepth && len(frontier) > 0; depth++ {
		var todo []string
		for _, id := range frontier {
			if !expanded[id] {
				expanded[id] = true
				todo = append(todo, id)
			}
		}
		links, err := r.feedersOf(ctx, todo)
		if err != nil {
			return nil, nil, err
		}
		byTarget := map[string][]ChainLink{}
		for _, l := range links {
			byTarget[l.To.ID] = append(byTarget[l.To.ID], l)
		}
		frontier = frontier[:0:0]
		for to, ls := range byTarget {
			feeders[to] = canonicalFeeders(ls)
			for _, l := range feeders[to] {
				frontier = append(frontier, l.From.ID)
			}
		}
		slices.Sort(frontier)
	}
	return ends, func(id string) []ChainLink { return feeders[id] }, nil
}

// canonicalFeeders keeps, of the links from one CMOC into another, the one a reviewer would
// cite first (an explicit link, then an alignment, then a shared construct; then by the ids of
// the elements that meet), and orders them by the feeding CMOC's id. Chains are walked in this
// order, so every way of reading the graph finds the same chains first.
func canonicalFeeders(ls []ChainLink) []ChainLink {
	slices.SortStableFunc(ls, func(a, b ChainLink) int {
		if c := strings.Compare(a.From.ID, b.From.ID); c != 0 {
			return c
		}
		return compareChainLinks(a, b)
	})
	return slices.CompactFunc(ls, func(a, b ChainLink) bool { return a.From.ID == b.From.ID })
}

var chainBasisRank = map[ChainBasis]int{ChainExplicit: 0, ChainAligned: 1, ChainConstruct: 2}

func compareChainLinks(a, b ChainLink) int {
	idOf := func(n kb.Node) string {
		if n == nil {
			return ""
		}
		return n.NodeID()
	}
	constructID := func(c *kb.Construct) string {
		if c == nil {
			return ""
		}
		return c.ID
	}
	return cmp.Or(
		cmp.Compare(chainBasisRank[a.Basis], chainBasisRank[b.Basis]),
		strings.Compare(idOf(a.Context), idOf(b.Context)),
		strings.Compare(idOf(a.Outcome), idOf(b.Outcome)),
		strings.Compare(constructID(a.Construct), constructID(b.Construct)),
		strings.Compare(a.Rationale, b.Rationale),
	)
}

func onPath(path []ChainLink, id string) bool {
	for _, l := range path {
		if l.From.ID == id || l.To.ID == id {
			return true
		}
	}
	return false
}

func newChain(path []ChainLink) Chain {
	c := Chain{Links: path, CMOCs: []*kb.CMOC{path[0].From}}
	for _, l := range path {
		c.CMOCs = append(c.CMOCs, l.To)
	}
	return c
}

// outcomesMeaning lists the outcomes that stand for the target: the outcome and those aligned
// with it (not contradicting it), or a construct's outcome instances.
func (r *reader) outcomesMeaning(ctx context.Context, target kb.Node) ([]string, error) {
	id := target.NodeID()
	if target.NodeKind() == kb.KindConstruct {
		ls, err := r.links(ctx, true, []string{id}, kb.RelInstanceOf)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, l := range ls {
			ids = append(ids, l.From)
		}
		if err := r.load(ctx, ids...); err != nil {
			return nil, err
		}
		var out []string
		for _, e := range ids {
			if n := r.node(e); n != nil && n.NodeKind() == kb.KindOutcome {
				out = append(out, e)
			}
		}
		return out, nil
	}
	aligned, err := r.linksBothWays(ctx, []string{id}, kb.RelAligns)
	if err != nil {
		return nil, err
	}
	out := []string{id}
	var others []string
	for _, l := range aligned {
		if l.Relation != kb.AlignContradicts {
			others = append(others, otherEnd(l, id))
		}
	}
	if err := r.load(ctx, others...); err != nil {
		return nil, err
	}
	for _, o := range others {
		if n := r.node(o); n != nil && n.NodeKind() == kb.KindOutcome {
			out = append(out, o)
		}
	}
	return uniqueSorted(out), nil
}

func otherEnd(l kb.Link, id string) string {
	if l.From == id {
		return l.To
	}
	return l.From
}

// feedersOf reads the links into each of the CMOCs: explicit CHAINS_TO, and CMOCs whose
// outcome meets the CMOC's context by alignment or construct. It costs a fixed number of
// store calls for any number of CMOCs.
func (r *reader) feedersOf(ctx context.Context, cmocIDs []string) ([]ChainLink, error) {
	if len(cmocIDs) == 0 {
		return nil, nil
	}
	explicit, err := r.links(ctx, true, cmocIDs, kb.RelChainsTo)
	if err != nil {
		return nil, err
	}
	hasContext, err := r.links(ctx, false, cmocIDs, kb.RelHasContext)
	if err != nil {
		return nil, err
	}
	contextsOf := map[string][]string{}
	var contexts []string
	for _, l := range hasContext {
		contextsOf[l.From] = append(contextsOf[l.From], l.To)
		contexts = append(contexts, l.To)
	}
	aligned, err := r.linksBothWays(ctx, contexts, kb.RelAligns)
	if err != nil {
		return nil, err
	}
	instances, err := r.links(ctx, false, contexts, kb.RelInstanceOf)
	if err != nil {
		return nil, err
	}
	var constructs []string
	for _, l := range instances {
		constructs = append(constructs, l.To)
	}
	sameConstruct, err := r.links(ctx, true, uniqueSorted(constructs), kb.RelInstanceOf)
	if err != nil {
		return nil, err
	}
	// meets[context] lists the outcomes that meet it and how
	type meeting struct {
		outcome   string
		basis     ChainBasis
		construct string
		rationale string
	}
	meets := map[string][]meeting{}
	var outcomes []string
	isContext := idSet(nil)
	for _, c := range contexts {
		isContext[c] = true
	}
	for _, l := range aligned {
		if l.Relation == kb.AlignContradicts {
			continue
		}
		for _, pair := range [][2]string{{l.From, l.To}, {l.To, l.From}} {
			if isContext[pair[0]] {
				meets[pair[0]] = append(meets[pair[0]], meeting{outcome: pair[1], basis: ChainAligned, rationale: l.Rationale})
				outcomes = append(outcomes, pair[1])
			}
		}
	}
	instancesOf := map[string][]string{}
	for _, l := range sameConstruct {
		instancesOf[l.To] = append(instancesOf[l.To], l.From)
	}
	for _, l := range instances {
		for _, e := range instancesOf[l.To] {
			meets[l.From] = append(meets[l.From], meeting{outcome: e, basis: ChainConstruct, construct: l.To})
			outcomes = append(outcomes, e)
		}
	}
	if err := r.load(ctx, append(append(outcomes, constructs...), contexts...)...); err != nil {
		return nil, err
	}
	var realOutcomes []string
	for _, o := range uniqueSorted(outcomes) {
		if n := r.node(o); n != nil && n.NodeKind() == kb.KindOutcome {
			realOutcomes = append(realOutcomes, o)
		}
	}
	produce, err := r.links(ctx, true, realOutcomes, kb.RelHasOutcome)
	if err != nil {
		return nil, err
	}
	producers := map[string][]string{}
	var ids []string
	for _, l := range produce {
		producers[l.To] = append(producers[l.To], l.From)
		ids = append(ids, l.From)
	}
	for _, l := range explicit {
		ids = append(ids, l.From)
	}
	if err := r.load(ctx, append(ids, cmocIDs...)...); err != nil {
		return nil, err
	}
	var out []ChainLink
	addLink := func(l ChainLink) {
		if l.From.ID != l.To.ID {
			out = append(out, l)
		}
	}
	for _, l := range explicit {
		from, ok1 := r.node(l.From).(*kb.CMOC)
		to, ok2 := r.node(l.To).(*kb.CMOC)
		if ok1 && ok2 {
			addLink(ChainLink{From: from, To: to, Basis: ChainExplicit, Rationale: l.Rationale})
		}
	}
	for _, cmoc := range cmocIDs {
		to, ok := r.node(cmoc).(*kb.CMOC)
		if !ok {
			continue
		}
		for _, c := range contextsOf[cmoc] {
			for _, m := range meets[c] {
				for _, p := range producers[m.outcome] {
					from, ok := r.node(p).(*kb.CMOC)
					if !ok {
						continue
					}
					construct, _ := r.node(m.construct).(*kb.Construct)
					addLink(ChainLink{From: from, To: to, Basis: m.basis, Outcome: r.node(m.outcome), Context: r.node(c), Construct: construct, Rationale: m.rationale})
				}
			}
		}
	}
	return out, nil
}

func uniqueSorted(ids []string) []string {
	if len(ids) < 2 {
		return ids
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// readChains reads the CHAINS_TO links a reviewer recorded, in one call.
func (c *corpus) readChains(ctx context.Context, store kb.Store) error {
	ls, err := store.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelChainsTo}, All: true})
	if err != nil {
		return err
	}
	var into [][2]int32
	for _, l := range ls {
		_, okFrom := c.cmocIndex[l.From]
		to, okTo := c.cmocIndex[l.To]
		if okFrom && okTo {
			into = append(into, [2]int32{to, int32(len(c.chainLinks))})
			c.chainLinks = append(c.chainLinks, l)
		}
	}
	c.chainsInto = newAdjacency(len(c.cmocs), into)
	return nil
}

// chainsTo answers Chains from the corpus: the CMOCs that produce the target (an outcome, or
// one aligned with it without contradiction, or an outcome instance of a construct) and, for
// any CMOC, the links into it, worked out when the walk first reaches it.
func (c *corpus) chainsTo(target kb.Node) ([]string, func(string) []ChainLink) {
	outcome := uint8(kindPosition(kb.KindOutcome))
	var outcomes []int32
	if target.NodeKind() == kb.KindConstruct {
		if k, ok := c.constructIndex[target.NodeID()]; ok {
			for _, e := range c.instances.of(k) {
				if c.elementKind[e] == outcome {
					outcomes = append(outcomes, e)
				}
			}
		}
	} else if t, ok := c.elementIndex[target.NodeID()]; ok {
		outcomes = append(outcomes, t)
		for _, at := range c.alignedAt.of(t) {
			if o := c.otherEnd(at, t); c.elementKind[o] == outcome {
				outcomes = append(outcomes, o)
			}
		}
	}
	var ends []int32
	for _, o := range outcomes {
		ends = append(ends, c.producers.of(o)...)
	}
	endIDs := make([]string, 0, len(ends))
	for _, m := range uniqueInts(ends) {
		endIDs = append(endIDs, c.cmocs[m].ID)
	}
	memo := map[int32][]ChainLink{}
	return endIDs, func(id string) []ChainLink {
		m, ok := c.cmocIndex[id]
		if !ok {
			return nil
		}
		if ls, ok := memo[m]; ok {
			return ls
		}
		ls := canonicalFeeders(c.linksInto(m))
		memo[m] = ls
		return ls
	}
}

// linksInto lists every way another CMOC feeds CMOC m: explicit CHAINS_TO, and CMOCs whose
// outcome meets m's context by alignment or by construct.
func (c *corpus) linksInto(m int32) []ChainLink {
	outcome := uint8(kindPosition(kb.KindOutcome))
	to := c.cmocs[m]
	var out []ChainLink
	add := func(from int32, l ChainLink) {
		if from != m {
			l.From, l.To = c.cmocs[from], to
			out = append(out, l)
		}
	}
	for _, at := range c.chainsInto.of(m) {
		l := c.chainLinks[at]
		add(c.cmocIndex[l.From], ChainLink{Basis: ChainExplicit, Rationale: l.Rationale})
	}
	for _, ctx := range c.uses[kindPosition(kb.KindContext)].of(m) {
		for _, at := range c.alignedAt.of(ctx) {
			o := c.otherEnd(at, ctx)
			if c.elementKind[o] != outcome {
				continue
			}
			for _, p := range c.producers.of(o) {
				add(p, ChainLink{Basis: ChainAligned, Outcome: c.elements[o], Context: c.elements[ctx], Rationale: c.alignments[at].Rationale})
			}
		}
		for _, k := range c.instanceOf.of(ctx) {
			for _, o := range c.instances.of(k) {
				if c.elementKind[o] != outcome {
					continue
				}
				for _, p := range c.producers.of(o) {
					add(p, ChainLink{Basis: ChainConstruct, Outcome: c.elements[o], Context: c.elements[ctx], Construct: c.constructs[k]})
				}
			}
		}
	}
	return out
}

// otherEnd is the element at the other end of alignment at from e.
func (c *corpus) otherEnd(at, e int32) int32 {
	l := c.alignments[at]
	if c.elementIDs[e] == l.From {
		return c.elementIndex[l.To]
	}
	return c.elementIndex[l.From]
}
