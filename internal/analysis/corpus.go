package analysis

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"

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
	chains     bool
	chainLinks []kb.Link
	chainsInto adjacency
	cmocIndex  map[string]int32

	// quotes, when read: how many evidence each CMOC and whose voices they are
	quotes     bool
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
	if needs.crosswalk {
		if err := c.readCrosswalk(ctx, store); err != nil {
			return nil, err
		}
		used := make([]bool, len(c.elementIDs))
		for k := range c.uses {
			for _, e := range c.uses[k].targets {
				used[e] = true
			}
		}
		c.clusters = c.clusterRoots(used)
	}
	if needs.chains {
		if err := c.readChains(ctx, store); err != nil {
			return nil, err
		}
	}
	if needs.quotes {
		// one type per call: the store hands out a type's links without copying them
		ev, err := links(true, kb.RelEvidences)
		if err != nil {
			return nil, err
		}
		if err := c.readQuotes(ctx, store, all, ev); err != nil {
			return nil, err
		}
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
	var lists [][]kb.Node
	uses := make([][]kb.Link, len(elementKindsOrder))
	for _, k := range needs.kinds {
		pos := kindPosition(k)
		if c.kindsRead[pos] {
			continue
		}
		c.kindsRead[pos] = true
		if needs.elementNodes && (all || len(ptIDs) > 0) {
			q := kb.ListQuery{Kind: k}
			if !all {
				q.Filters = []kb.Filter{{Field: "programmeTheoryId", Op: kb.FilterIn, Value: ptIDs}}
			}
			p, err := store.List(ctx, q)
			if err != nil {
				return err
			}
			lists = append(lists, p.Nodes)
		}
		ls, err := links(false, elementRel(k))
		if err != nil {
			return err
		}
		uses[pos] = ls
	}
	if !needs.elementNodes {
		c.numberUsedElements(uses)
		return nil
	}
	c.setElements(ptIndex, ptStudy, mergeByID(lists...))
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
		c.setElements(ptIndex, ptStudy, mergeByID(c.elements, more))
	}
	for pos, ls := range uses {
		c.uses[pos] = c.cmocAdjacency(ls, c.elementIndex)
	}
	return nil
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
func (c *corpus) setElements(ptIndex map[string]int32, ptStudy []int32, nodes []kb.Node) {
	c.elements = nodes
	c.elementIDs = make([]string, len(nodes))
	c.elementKind = make([]uint8, len(nodes))
	c.elementStudy = make([]int32, len(nodes))
	c.elementIndex = make(map[string]int32, len(nodes))
	for i, n := range nodes {
		c.elementIDs[i] = n.NodeID()
		c.elementIndex[n.NodeID()] = int32(i)
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
	byID := func(a, b kb.Node) int { return strings.Compare(a.NodeID(), b.NodeID()) }
	n := 0
	for i, l := range lists {
		if !slices.IsSortedFunc(l, byID) {
			lists[i] = slices.SortedFunc(slices.Values(l), byID)
		}
		n += len(l)
	}
	out := make([]kb.Node, 0, n)
	heads := make([]int, len(lists))
	for len(out) < n {
		best := -1
		for i, l := range lists {
			if heads[i] < len(l) && (best < 0 || l[heads[i]].NodeID() < lists[best][heads[best]].NodeID()) {
				best = i
			}
		}
		out = append(out, lists[best][heads[best]])
		heads[best]++
	}
	return out
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
	c.chains = true
	c.chainsInto = newAdjacency(len(c.cmocs), into)
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
	c.quotes = true
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

// clusterRoots groups the used elements that stand for one thing (see joins) and names each
// group by its smallest position; an element not used stays alone. Elements of one kind that
// are instances of one construct are one thing too.
func (c *corpus) clusterRoots(used []bool) []int32 {
	parent := make([]int32, len(c.elementIDs))
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		root := x
		for parent[root] != root {
			root = parent[root]
		}
		for parent[x] != root {
			parent[x], x = root, parent[x]
		}
		return root
	}
	union := func(a, b int32) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		// the smaller position names the cluster, so clusters are named the same on every run
		if rb < ra {
			ra, rb = rb, ra
		}
		parent[rb] = ra
	}
	for _, j := range c.joins {
		if used[j[0]] && used[j[1]] {
			union(j[0], j[1])
		}
	}
	// first used instance of each construct, per element kind
	first := make([]int32, 3*len(c.constructs))
	for i := range first {
		first[i] = -1
	}
	for e := range c.elementIDs {
		if !used[e] {
			continue
		}
		for _, k := range c.instanceOf.of(int32(e)) {
			slot := 3*k + int32(c.elementKind[e])
			if first[slot] < 0 {
				first[slot] = int32(e)
			} else {
				union(first[slot], int32(e))
			}
		}
	}
	for i := range parent {
		parent[i] = find(int32(i))
	}
	return parent
}

// scope is the part of a corpus one question is about.
type scope struct {
	*corpus
	studies  []int32 // in scope, in corpus order
	clusters []int32
	inScope  []bool // per study
}

// forStudies narrows the corpus to the given studies (all when none). Narrowed, elements join
// only through elements the scope's CMOCs use, as they would in a corpus of those studies alone.
func (c *corpus) forStudies(studyIDs []string) (*scope, error) {
	s := &scope{corpus: c, inScope: make([]bool, len(c.studies)), clusters: c.clusters}
	if len(studyIDs) == 0 {
		for i := range c.studies {
			s.studies = append(s.studies, int32(i))
			s.inScope[i] = true
		}
		return s, nil
	}
	for _, id := range studyIDs {
		i, ok := c.studyIndex[id]
		if !ok {
			return nil, kb.NotFound("studyIds", "no study with id %q", id)
		}
		s.inScope[i] = true
	}
	for i, in := range s.inScope {
		if in {
			s.studies = append(s.studies, int32(i))
		}
	}
	if len(s.studies) < len(c.studies) && c.crosswalk {
		used := make([]bool, len(c.elementIDs))
		for _, st := range s.studies {
			for _, m := range c.byStudy[c.studyStart[st]:c.studyStart[st+1]] {
				for k := range c.uses {
					for _, e := range c.uses[k].of(m) {
						used[e] = true
					}
				}
			}
		}
		s.clusters = c.clusterRoots(used)
	}
	return s, nil
}

// eachCMOC calls fn for every CMOC in scope, study by study.
func (s *scope) eachCMOC(fn func(study, cmoc int32)) {
	for _, st := range s.studies {
		for _, m := range s.byStudy[s.studyStart[st]:s.studyStart[st+1]] {
			fn(st, m)
		}
	}
}

// cmocCount is how many CMOCs the scope holds.
func (s *scope) cmocCount() int {
	n := 0
	for _, st := range s.studies {
		n += int(s.studyStart[st+1] - s.studyStart[st])
	}
	return n
}

// sortCMOCs puts CMOC positions in cmocLess order.
func (c *corpus) sortCMOCs(ms []int32) {
	slices.SortFunc(ms, func(a, b int32) int { return int(c.cmocRank[a]) - int(c.cmocRank[b]) })
}

// scope returns the corpus of the given studies (all when none) with what a question needs.
// Over a store that reports its revision, one corpus of everything is built per revision and
// shared; over any other store each question reads just what it needs.
func (a *Analyst) scope(ctx context.Context, studyIDs []string, needs corpusNeeds) (*scope, error) {
	rs, ok := a.store.(kb.Revisioned)
	if !ok {
		c, err := buildCorpus(ctx, a.store, studyIDs, needs)
		if err != nil {
			return nil, err
		}
		return c.forStudies(nil)
	}
	c, err := a.cache.get(ctx, rs, func(ctx context.Context) (*corpus, error) {
		return buildCorpus(ctx, a.store, nil, everything)
	})
	if err != nil {
		return nil, err
	}
	return c.forStudies(studyIDs)
}

// Warm builds the index of the corpus that questions share, so that the first dashboard after
// start-up does not wait for it. Over a store that does not report its revision there is no
// shared index and Warm does nothing.
func (a *Analyst) Warm(ctx context.Context) error {
	if _, ok := a.store.(kb.Revisioned); !ok {
		return nil
	}
	_, err := a.scope(ctx, nil, everything)
	return err
}

// corpusCache keeps the corpus of the latest revision read.
type corpusCache struct {
	mu       sync.Mutex
	revision uint64
	corpus   *corpus
}

// get returns the corpus of the store's current revision, building it if none is kept. The
// revision is read before the build: should a write land during it, the corpus is kept under
// the older revision and the next question builds it again.
func (cc *corpusCache) get(ctx context.Context, rs kb.Revisioned, build func(context.Context) (*corpus, error)) (*corpus, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	rev := rs.Revision()
	if cc.corpus != nil && cc.revision == rev {
		return cc.corpus, nil
	}
	c, err := build(ctx)
	if err != nil {
		return nil, err
	}
	cc.corpus, cc.revision = c, rev
	return c, nil
}

// joins says whether an alignment makes two elements one: SAME_AS, BROADER and NARROWER do;
// related is not the same, and a contradiction is the opposite.
func joins(rel kb.AlignRelation) bool {
	return rel == kb.AlignSameAs || rel == kb.AlignBroader || rel == kb.AlignNarrower
}

// Cluster is a set of elements across studies that stand for one thing.
type Cluster struct {
	// Key is the cluster's stable id: the smallest id among its elements.
	Key string
	// Label names it: the construct it instantiates if any, else its most used element name.
	Label      string
	Elements   []kb.Node
	Constructs []*kb.Construct
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
