package analysis

import (
	"context"
	"slices"
	"sort"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/cmograph/cmograph/internal/kb"
)

// corpus is the CMOC structure of a set of studies with every study, programme theory, CMOC,
// element and construct named by its position. Whole-corpus questions touch every CMOC; keyed
// by string ids, each touch hashes a string and probes a map that outgrows the processor's
// caches as the corpus grows, which made those questions slow down faster than the corpus
// grew. Counting into slices indexed by position keeps them linear. A corpus is read-only once
// built, so one built from a store that reports its revision serves every question until the
// next write (see Analyst.scope).
type corpus struct {
	studies    []*kb.Study // oldest first
	studyIndex map[string]int32
	pts        []*kb.ProgrammeTheory // id order
	cmocs      []*kb.CMOC            // id order
	cmocStudy  []int32
	cmocPT     []int32
	// byStudy lists the CMOCs study by study (in studies order, id order within), so that a
	// tally learns whether a study is new to a bucket from the last study it saw; study s's
	// CMOCs are byStudy[studyStart[s]:studyStart[s+1]].
	byStudy    []int32
	studyStart []int32
	// cmocRank is each CMOC's place in cmocLess order, so lists of CMOCs sort by integers;
	// byRank lists the CMOCs in that order.
	cmocRank []int32
	byRank   []int32

	// elementIDs are the contexts, mechanisms and outcomes read, in id order, so the smallest
	// position in a cluster is also its smallest id. elements holds their nodes when the
	// question needs every one of them (gaps, the shared index); otherwise nodes are read as
	// needed through store.
	elementIDs   []string
	elements     []kb.Node
	store        kb.Store
	elementIndex map[string]int32
	elementKind  []uint8      // index into elementKindsOrder
	elementStudy []int32      // -1 when its programme theory is not in the corpus
	uses         [3]adjacency // per kind in elementKindsOrder: CMOC -> the elements of that kind it uses
	kindsRead    [3]bool

	// crosswalk, when read
	crosswalk      bool
	linked         []bool     // the element has an alignment (either end) or a construct
	joins          [][2]int32 // SAME_AS, BROADER and NARROWER alignments between elements of one kind
	constructs     []*kb.Construct
	constructIndex map[string]int32
	instanceOf     adjacency // element -> constructs
	// for chains: alignments that do not contradict (either end -> position in alignments),
	// each construct's instances, and who produces each outcome
	alignments []kb.Link
	alignedAt  adjacency
	instances  adjacency // construct -> elements
	producers  adjacency // outcome -> CMOCs

	// chains, when read: CHAINS_TO into each CMOC (positions in chainLinks)
	chainLinks []kb.Link
	chainsInto adjacency
	cmocIndex  map[string]int32

	// quotes, when read: how many evidence each CMOC and whose voices they are
	quoteCount []int32
	roles      []uint8 // bit i: a quote by informantRoles[i]
	roleless   []bool  // a quote whose informant role is not recorded

	// clusters maps each element to its cluster over every CMOC of the corpus (see clusterRoots)
	clusters []int32
}

// adjacency lists, for each source position, target positions (compressed sparse rows).
type adjacency struct {
	start   []int32
	targets []int32
}

func (a adjacency) of(i int32) []int32 {
	if len(a.start) == 0 {
		return nil
	}
	return a.targets[a.start[i]:a.start[i+1]]
}

// newAdjacency groups pairs (source, target) by source; targets keep their order of arrival.
func newAdjacency(sources int, pairs [][2]int32) adjacency {
	a := adjacency{start: make([]int32, sources+1), targets: make([]int32, len(pairs))}
	for _, p := range pairs {
		a.start[p[0]+1]++
	}
	for i := 1; i <= sources; i++ {
		a.start[i] += a.start[i-1]
	}
	next := slices.Clone(a.start[:sources])
	for _, p := range pairs {
		a.targets[next[p[0]]] = p[1]
		next[p[0]]++
	}
	return a
}

var informantRoles = []kb.Informant{kb.InformantServiceUsers, kb.InformantPeerWorkers, kb.InformantStaff, kb.InformantCarers}

func roleBit(role kb.Informant) (uint8, bool) {
	if i := slices.Index(informantRoles, role); i >= 0 {
		return 1 << i, true
	}
	return 0, false
}

// corpusNeeds says what a question reads: a corpus built for one question reads only that.
type corpusNeeds struct {
	kinds []kb.Kind
	// elementNodes: every element of the programme theories in scope, used or not, with its
	// node; without it only the elements CMOCs use are numbered, from the links alone
	elementNodes              bool
	crosswalk, quotes, chains bool
}

var everything = corpusNeeds{kinds: elementKindsOrder, elementNodes: true, crosswalk: true, quotes: true, chains: true}

func kindPosition(k kb.Kind) int { return slices.Index(elementKindsOrder, k) }

// buildCorpus reads the corpus of the given studies (all when none) in a fixed number of store
// calls.
func buildCorpus(ctx context.Context, store kb.Store, studyIDs []string, needs corpusNeeds) (*corpus, error) {
	c := &corpus{studyIndex: map[string]int32{}, store: store}
	all := len(studyIDs) == 0
	studyQuery := kb.ListQuery{Kind: kb.KindStudy}
	if !all {
		studyQuery.Filters = []kb.Filter{{Field: "id", Op: kb.FilterIn, Value: studyIDs}}
	}
	studies, err := store.List(ctx, studyQuery)
	if err != nil {
		return nil, err
	}
	for _, n := range studies.Nodes {
		c.studies = append(c.studies, n.(*kb.Study))
	}
	sort.SliceStable(c.studies, func(i, j int) bool { return studyLess(c.studies[i], c.studies[j]) })
	for i, s := range c.studies {
		c.studyIndex[s.ID] = int32(i)
	}
	for _, id := range studyIDs {
		if _, ok := c.studyIndex[id]; !ok {
			return nil, kb.NotFound("studyIds", "no study with id %q", id)
		}
	}
	ptQuery := kb.ListQuery{Kind: kb.KindProgrammeTheory}
	if !all {
		ptQuery.Filters = []kb.Filter{{Field: "studyId", Op: kb.FilterIn, Value: studyIDs}}
	}
	pts, err := store.List(ctx, ptQuery)
	if err != nil {
		return nil, err
	}
	ptIndex := make(map[string]int32, len(pts.Nodes))
	ptStudy := make([]int32, len(pts.Nodes))
	ptIDs := make([]string, len(pts.Nodes))
	for i, n := range pts.Nodes {
		pt := n.(*kb.ProgrammeTheory)
		c.pts = append(c.pts, pt)
		ptIndex[pt.ID] = int32(i)
		ptIDs[i] = pt.ID
		ptStudy[i] = lookup(c.studyIndex, pt.StudyID)
	}
	if all || len(ptIDs) > 0 {
		cmocQuery := kb.ListQuery{Kind: kb.KindCMOC}
		if !all {
			cmocQuery.Filters = []kb.Filter{{Field: "programmeTheoryId", Op: kb.FilterIn, Value: ptIDs}}
		}
		cmocs, err := store.List(ctx, cmocQuery)
		if err != nil {
			return nil, err
		}
		c.cmocs = make([]*kb.CMOC, len(cmocs.Nodes))
		for i, n := range cmocs.Nodes {
			c.cmocs[i] = n.(*kb.CMOC)
		}
		// stores list in id order; the merges below rely on it
		if !slices.IsSortedFunc(c.cmocs, func(a, b *kb.CMOC) int { return strings.Compare(a.ID, b.ID) }) {
			slices.SortFunc(c.cmocs, func(a, b *kb.CMOC) int { return strings.Compare(a.ID, b.ID) })
		}
	}
	c.cmocPT = make([]int32, len(c.cmocs))
	c.cmocStudy = make([]int32, len(c.cmocs))
	cmocIDs := make([]string, len(c.cmocs))
	for i, m := range c.cmocs {
		cmocIDs[i] = m.ID
		c.cmocPT[i] = lookup(ptIndex, m.ProgrammeTheoryID)
		c.cmocStudy[i] = -1
		if pt := c.cmocPT[i]; pt >= 0 {
			c.cmocStudy[i] = ptStudy[pt]
		}
	}
	c.orderCMOCs()
	c.cmocIndex = make(map[string]int32, len(c.cmocs))
	for i, m := range c.cmocs {
		c.cmocIndex[m.ID] = int32(i)
	}
	links := func(in bool, types ...kb.RelType) ([]kb.Link, error) {
		if all {
			return store.Links(ctx, kb.LinkQuery{Types: types, All: true})
		}
		if len(cmocIDs) == 0 {
			return nil, nil
		}
		return store.Links(ctx, kb.LinkQuery{Types: types, IDs: cmocIDs, In: in})
	}
	if err := c.readElements(ctx, store, all, ptIDs, ptIndex, ptStudy, needs, links); err != nil {
		return nil, err
	}
	// the crosswalk, the chains and the quotes each fill fields of their own from the CMOCs and
	// elements numbered above: read side by side, a rebuild after a write waits for the
	// longest of them, not their sum
	var g errgroup.Group
	if needs.crosswalk {
		g.Go(func() error {
			if err := c.readCrosswalk(ctx, store); err != nil {
				return err
			}
			used := make([]bool, len(c.elementIDs))
			for k := range c.uses {
				for _, e := range c.uses[k].targets {
					used[e] = true
				}
			}
			c.clusters = c.clusterRoots(used)
			return nil
		})
	}
	if needs.chains {
		g.Go(func() error { return c.readChains(ctx, store) })
	}
	if needs.quotes {
		g.Go(func() error {
			// one type per call: the store hands out a type's links without copying them
			ev, err := links(true, kb.RelEvidences)
			if err != nil {
				return err
			}
			return c.readQuotes(ctx, store, all, ev)
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return c, nil
}

func lookup(index map[string]int32, id string) int32 {
	if i, ok := index[id]; ok {
		return i
	}
	return -1
}

// orderCMOCs groups the CMOCs by study and ranks them in cmocLess order.
func (c *corpus) orderCMOCs() {
	c.studyStart = make([]int32, len(c.studies)+1)
	for _, s := range c.cmocStudy {
		if s >= 0 {
			c.studyStart[s+1]++
		}
	}
	for i := 1; i < len(c.studyStart); i++ {
		c.studyStart[i] += c.studyStart[i-1]
	}
	c.byStudy = make([]int32, c.studyStart[len(c.studies)])
	next := slices.Clone(c.studyStart[:len(c.studies)])
	for i, s := range c.cmocStudy {
		if s >= 0 {
			c.byStudy[next[s]] = int32(i)
			next[s]++
		}
	}
	order := make([]int32, len(c.cmocs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		if cmocLess(c.cmocs[a], c.cmocs[b]) {
			return -1
		}
		if cmocLess(c.cmocs[b], c.cmocs[a]) {
			return 1
		}
		return 0
	})
	c.cmocRank = make([]int32, len(c.cmocs))
	for rank, i := range order {
		c.cmocRank[i] = int32(rank)
	}
	c.byRank = order
}

// readElements reads the element kinds needed and which CMOC uses which. Every element of the
// programme theories in scope is read, used or not (gaps list the unused ones too).
func (c *corpus) readElements(ctx context.Context, store kb.Store, all bool, ptIDs []string, ptIndex map[string]int32, ptStudy []int32,
	needs corpusNeeds, links func(bool, ...kb.RelType) ([]kb.Link, error)) error {
	// each kind's elements and uses are read side by side
	nodes := make([][]kb.Node, len(elementKindsOrder))
	uses := make([][]kb.Link, len(elementKindsOrder))
	var g errgroup.Group
	for _, k := range needs.kinds {
		pos := kindPosition(k)
		if c.kindsRead[pos] {
			continue
		}
		c.kindsRead[pos] = true
		if needs.elementNodes && (all || len(ptIDs) > 0) {
			g.Go(func() error {
				q := kb.ListQuery{Kind: k}
				if !all {
					q.Filters = []kb.Filter{{Field: "programmeTheoryId", Op: kb.FilterIn, Value: ptIDs}}
				}
				p, err := store.List(ctx, q)
				nodes[pos] = p.Nodes
				return err
			})
		}
		g.Go(func() error {
			ls, err := links(false, elementRel(k))
			uses[pos] = ls
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	var lists [][]kb.Node
	for _, ns := range nodes {
		if ns != nil {
			lists = append(lists, ns)
		}
	}
	if !needs.elementNodes {
		c.numberUsedElements(uses)
		return nil
	}
	elements, ids := mergeByIDs(lists...)
	c.setElements(ptIndex, ptStudy, elements, ids)
	// a CMOC may use an element its programme theory does not own; read those too
	var missing []string
	for _, ls := range uses {
		for _, l := range ls {
			if _, ok := c.elementIndex[l.To]; !ok {
				missing = append(missing, l.To)
			}
		}
	}
	if len(missing) > 0 {
		more, err := store.Get(ctx, uniqueSorted(missing))
		if err != nil {
			return err
		}
		more = slices.DeleteFunc(more, func(n kb.Node) bool { return !n.NodeKind().IsElement() })
		elements, ids := mergeByIDs(c.elements, more)
		c.setElements(ptIndex, ptStudy, elements, ids)
	}
	for pos, ls := range uses {
		g.Go(func() error {
			c.uses[pos] = c.cmocAdjacency(ls, c.elementIndex)
			return nil
		})
	}
	return g.Wait()
}

// numberUsedElements numbers the elements the CMOCs use, knowing each one's kind from the
// link that reaches it, without reading a node.
func (c *corpus) numberUsedElements(uses [][]kb.Link) {
	var ids []string
	kindOf := map[string]uint8{}
	for pos, ls := range uses {
		for _, l := range ls {
			if _, ok := kindOf[l.To]; !ok {
				kindOf[l.To] = uint8(pos)
				ids = append(ids, l.To)
			}
		}
	}
	slices.Sort(ids)
	c.elementIDs = ids
	c.elementKind = make([]uint8, len(ids))
	c.elementStudy = make([]int32, len(ids))
	c.elementIndex = make(map[string]int32, len(ids))
	for i, id := range ids {
		c.elementIndex[id] = int32(i)
		c.elementKind[i] = kindOf[id]
		c.elementStudy[i] = -1
	}
	for pos, ls := range uses {
		c.uses[pos] = c.cmocAdjacency(ls, c.elementIndex)
	}
}

// nodesOf returns the nodes of the elements at the given positions, reading them from the
// store when the corpus holds only their ids (a missing node is left nil).
func (c *corpus) nodesOf(ctx context.Context, es []int32) ([]kb.Node, error) {
	out := make([]kb.Node, len(es))
	if c.elements != nil {
		for i, e := range es {
			out[i] = c.elements[e]
		}
		return out, nil
	}
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = c.elementIDs[e]
	}
	nodes, err := c.store.Get(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]kb.Node, len(nodes))
	for _, n := range nodes {
		byID[n.NodeID()] = n
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// setElements numbers the elements, which come in id order.
func (c *corpus) setElements(ptIndex map[string]int32, ptStudy []int32, nodes []kb.Node, ids []string) {
	c.elements = nodes
	c.elementIDs = ids
	c.elementKind = make([]uint8, len(nodes))
	c.elementStudy = make([]int32, len(nodes))
	c.elementIndex = make(map[string]int32, len(nodes))
	for i, n := range nodes {
		c.elementIndex[ids[i]] = int32(i)
		c.elementKind[i] = uint8(kindPosition(n.NodeKind()))
		c.elementStudy[i] = -1
		if pt := lookup(ptIndex, n.Owner()); pt >= 0 {
			c.elementStudy[i] = ptStudy[pt]
		}
	}
}

// mergeByID merges lists of nodes into one in id order. Stores list in id order, so merging
// is one pass; a list in another order is sorted first.
func mergeByID(lists ...[]kb.Node) []kb.Node {
	nodes, _ := mergeByIDs(lists...)
	return nodes
}

// mergeByIDs is mergeByID giving the ids too: each node's id is asked once, not at every
// comparison of a merge of 90,000 elements.
func mergeByIDs(lists ...[]kb.Node) ([]kb.Node, []string) {
	ids := make([][]string, len(lists))
	n := 0
	for i, l := range lists {
		ids[i] = make([]string, len(l))
		for j, node := range l {
			ids[i][j] = node.NodeID()
		}
		if !slices.IsSorted(ids[i]) {
			l = slices.SortedFunc(slices.Values(l), func(a, b kb.Node) int { return strings.Compare(a.NodeID(), b.NodeID()) })
			for j, node := range l {
				ids[i][j] = node.NodeID()
			}
			lists[i] = l
		}
		n += len(l)
	}
	out, outIDs := make([]kb.Node, 0, n), make([]string, 0, n)
	heads := make([]int, len(lists))
	for len(out) < n {
		best := -1
		for i := range lists {
			if heads[i] < len(ids[i]) && (best < 0 || ids[i][heads[i]] < ids[best][heads[best]]) {
				best = i
			}
		}
		out, outIDs = append(out, lists[best][heads[best]]), append(outIDs, ids[best][heads[best]])
		heads[best]++
	}
	return out, outIDs
}

// cmocAdjacency turns links from CMOCs to elements into positions. Stores hand out links in
// (from, to) order and CMOCs in id order, so one merge pass finds each link's CMOC without
// hashing its id; links in another order are sorted first.
func (c *corpus) cmocAdjacency(ls []kb.Link, elements map[string]int32) adjacency {
	byFrom := func(a, b kb.Link) int { return strings.Compare(a.From, b.From) }
	if !slices.IsSortedFunc(ls, byFrom) {
		ls = slices.Clone(ls)
		slices.SortStableFunc(ls, byFrom)
	}
	pairs := make([][2]int32, 0, len(ls))
	i := 0
	for _, l := range ls {
		for i < len(c.cmocs) && c.cmocs[i].ID < l.From {
			i++
		}
		if i == len(c.cmocs) {
			break
		}
		if c.cmocs[i].ID != l.From {
			continue
		}
		if e, ok := elements[l.To]; ok {
			pairs = append(pairs, [2]int32{int32(i), e})
		}
	}
	return newAdjacency(len(c.cmocs), pairs)
}

// readCrosswalk reads alignments and construct instances, in one call.
func (c *corpus) readCrosswalk(ctx context.Context, store kb.Store) error {
	ls, err := store.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns, kb.RelInstanceOf}, All: true})
	if err != nil {
		return err
	}
	c.crosswalk = true
	c.linked = make([]bool, len(c.elementIDs))
	var constructIDs []string
	var instances, aligned [][2]int32
	constructIndex := map[string]int32{}
	for _, l := range ls {
		from, okFrom := c.elementIndex[l.From]
		switch l.Type {
		case kb.RelAligns:
			to, okTo := c.elementIndex[l.To]
			if okFrom {
				c.linked[from] = true
			}
			if okTo {
				c.linked[to] = true
			}
			// an outcome aligned with a context is a chain's hinge, not the same thing
			if okFrom && okTo && joins(l.Relation) && c.elementKind[from] == c.elementKind[to] {
				c.joins = append(c.joins, [2]int32{from, to})
			}
			if okFrom && okTo && l.Relation != kb.AlignContradicts {
				at := int32(len(c.alignments))
				c.alignments = append(c.alignments, l)
				aligned = append(aligned, [2]int32{from, at}, [2]int32{to, at})
			}
		case kb.RelInstanceOf:
			if !okFrom {
				continue
			}
			c.linked[from] = true
			k, ok := constructIndex[l.To]
			if !ok {
				k = int32(len(constructIDs))
				constructIndex[l.To] = k
				constructIDs = append(constructIDs, l.To)
			}
			instances = append(instances, [2]int32{from, k})
		}
	}
	nodes, err := store.Get(ctx, constructIDs)
	if err != nil {
		return err
	}
	c.constructs = make([]*kb.Construct, len(constructIDs))
	for _, n := range nodes {
		if k, ok := n.(*kb.Construct); ok {
			c.constructs[constructIndex[k.ID]] = k
		}
	}
	c.constructIndex = constructIndex
	c.instanceOf = newAdjacency(len(c.elementIDs), instances)
	c.alignedAt = newAdjacency(len(c.elementIDs), aligned)
	for i := range instances {
		instances[i][0], instances[i][1] = instances[i][1], instances[i][0]
	}
	c.instances = newAdjacency(len(constructIDs), instances)
	var produced [][2]int32
	outcome := int32(kindPosition(kb.KindOutcome))
	for m := range c.cmocs {
		for _, o := range c.uses[outcome].of(int32(m)) {
			produced = append(produced, [2]int32{o, int32(m)})
		}
	}
	c.producers = newAdjacency(len(c.elementIDs), produced)
	return nil
}

// readQuotes reads the quotes behind the CMOCs and keeps what the questions ask of them: how
// many there are and whose voices. Quotes and the links from them both come in quote id order,
// so one merge pass pairs them.
func (c *corpus) readQuotes(ctx context.Context, store kb.Store, all bool, evidence []kb.Link) error {
	var quotes []kb.Node
	if all {
		p, err := store.List(ctx, kb.ListQuery{Kind: kb.KindQuote})
		if err != nil {
			return err
		}
		quotes = p.Nodes
	} else {
		ids := make([]string, len(evidence))
		for i, l := range evidence {
			ids[i] = l.From
		}
		var err error
		if quotes, err = store.Get(ctx, uniqueSorted(ids)); err != nil {
			return err
		}
	}
	quotes = mergeByID(quotes)
	byFrom := func(a, b kb.Link) int { return strings.Compare(a.From, b.From) }
	if !slices.IsSortedFunc(evidence, byFrom) {
		evidence = slices.Clone(evidence)
		slices.SortStableFunc(evidence, byFrom)
	}
	c.quoteCount = make([]int32, len(c.cmocs))
	c.roles = make([]uint8, len(c.cmocs))
	c.roleless = make([]bool, len(c.cmocs))
	j := 0
	for _, l := range evidence {
		for j < len(quotes) && quotes[j].NodeID() < l.From {
			j++
		}
		if j == len(quotes) {
			break
		}
		q, ok := quotes[j].(*kb.Quote)
		if !ok || q.ID != l.From {
			continue
		}
		i, ok := c.cmocIndex[l.To]
		if !ok {
			continue
		}
		c.quoteCount[i]++
		if bit, ok := roleBit(q.InformantRole); ok {
			c.roles[i] |= bit
		} else {
			c.roleless[i] = true
		}
	}
	return nil
}
