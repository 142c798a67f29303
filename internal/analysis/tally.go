package analysis

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
)

// Over a store that counts where the corpus lives (kb.Tallier, i.e. Neo4j), the whole-corpus
// questions send the counting there and read back rows in proportion to the answer: the
// crosswalk of the elements in scope (to form clusters), the buckets, rows, gaps or patterns
// asked for, and the nodes they show. What the rows mean (clusters, labels, the order of
// ties) is decided here exactly as over the in-memory corpus, and the conformance suite holds
// both ways to the same answers.

// tallier is the store's kb.Tallier, when it has one.
func (a *Analyst) tallier() (kb.Tallier, bool) {
	t, ok := a.store.(kb.Tallier)
	return t, ok
}

// studiesIn reads the studies of a scope (all when none) in study order, refusing an id that
// names no study as the corpus does.
func (a *Analyst) studiesIn(ctx context.Context, studyIDs []string) ([]*kb.Study, error) {
	var nodes []kb.Node
	if len(studyIDs) == 0 {
		p, err := a.store.List(ctx, kb.ListQuery{Kind: kb.KindStudy})
		if err != nil {
			return nil, err
		}
		nodes = p.Nodes
	} else {
		var err error
		if nodes, err = a.store.Get(ctx, uniqueSorted(studyIDs)); err != nil {
			return nil, err
		}
	}
	byID := make(map[string]*kb.Study, len(nodes))
	var out []*kb.Study
	for _, n := range nodes {
		if s, ok := n.(*kb.Study); ok {
			byID[s.ID] = s
			out = append(out, s)
		}
	}
	for _, id := range studyIDs {
		if byID[id] == nil {
			return nil, kb.NotFound("studyIds", "no study with id %q", id)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return studyLess(out[i], out[j]) })
	return out, nil
}

// storeClusters are the clusters of one element kind formed from the store's crosswalk rows:
// only elements with a crosswalk appear; every other element is a cluster of its own.
type storeClusters struct {
	kind       kb.Kind
	root       map[string]string   // element -> the smallest id of its cluster
	members    map[string][]string // root -> its elements, in id order
	constructs map[string][]string // element -> the constructs it is an instance of
}

// clustersIn joins the used elements of kind k in scope as clusterRoots does: joining
// alignments between two of them, and instances of one construct.
func (a *Analyst) clustersIn(ctx context.Context, t kb.Tallier, k kb.Kind, studyIDs []string) (*storeClusters, error) {
	rows, err := t.Crosswalk(ctx, kb.CrosswalkQuery{Kind: k, StudyIDs: studyIDs, Joins: joiningRelations})
	if err != nil {
		return nil, err
	}
	// positions in id order, so that the smallest position names a cluster by its smallest id
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	at := make(map[string]int32, len(ids))
	for i, id := range ids {
		at[id] = int32(i)
	}
	cl := &storeClusters{kind: k, root: map[string]string{}, members: map[string][]string{}, constructs: map[string][]string{}}
	roots := rootsOf(len(ids), func(union func(a, b int32)) {
		firstInstance := map[string]int32{}
		for _, r := range rows {
			cl.constructs[r.ID] = r.Constructs
			for _, j := range r.Joined {
				if other, used := at[j]; used {
					union(at[r.ID], other)
				}
			}
			for _, c := range r.Constructs {
				if first, ok := firstInstance[c]; ok {
					union(first, at[r.ID])
				} else {
					firstInstance[c] = at[r.ID]
				}
			}
		}
	})
	for i, id := range ids {
		root := ids[roots[i]]
		cl.root[id] = root
		cl.members[root] = append(cl.members[root], id)
	}
	return cl, nil
}

var joiningRelations = []kb.AlignRelation{kb.AlignSameAs, kb.AlignBroader, kb.AlignNarrower}

// merge maps the elements that a cluster joins under another id to that id, for the store.
func (cl *storeClusters) merge() map[string]string {
	out := map[string]string{}
	for id, root := range cl.root {
		if id != root {
			out[id] = root
		}
	}
	return out
}

func (cl *storeClusters) membersOf(root string) []string {
	if ms, ok := cl.members[root]; ok {
		return ms
	}
	return []string{root}
}

// describeIn names the clusters of the given roots as describe does: their elements in id
// order, the constructs they instantiate, and the constructs' names or else the most used
// element name as the label. It reads the elements with their uses in scope in one call.
func (a *Analyst) describeIn(ctx context.Context, t kb.Tallier, cl *storeClusters, roots []string, studyIDs []string) (map[string]Cluster, error) {
	var ids []string
	for _, r := range roots {
		ids = append(ids, cl.membersOf(r)...)
	}
	uses, err := t.ElementUses(ctx, kb.UsesQuery{Kind: cl.kind, IDs: ids, StudyIDs: studyIDs})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]kb.ElementUse, len(uses))
	for _, u := range uses {
		byID[u.Node.NodeID()] = u
	}
	var constructIDs []string
	for _, id := range ids {
		constructIDs = append(constructIDs, cl.constructs[id]...)
	}
	constructs, err := readAs[*kb.Construct](ctx, a.store, constructIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Cluster, len(roots))
	for _, root := range roots {
		cl2 := Cluster{Key: root}
		nameUses := map[string]int32{}
		for _, m := range cl.membersOf(root) {
			u, ok := byID[m]
			if !ok {
				continue
			}
			cl2.Elements = append(cl2.Elements, u.Node)
			nameUses[nodeName(u.Node)] += int32(u.Uses) + 1
			for _, k := range cl.constructs[m] {
				if c := constructs[k]; c != nil && !slices.Contains(cl2.Constructs, c) {
					cl2.Constructs = append(cl2.Constructs, c)
				}
			}
		}
		cl2.name(nameUses)
		out[root] = cl2
	}
	return out, nil
}

// countIn is CountCMOCs counted by the store.
func (a *Analyst) countIn(ctx context.Context, t kb.Tallier, by Dimension, studyIDs []string, limit int) ([]Bucket, error) {
	if len(studyIDs) > 0 {
		if _, err := a.studiesIn(ctx, studyIDs); err != nil {
			return nil, err
		}
	}
	q := kb.TallyQuery{By: kb.TallyBy(by), StudyIDs: studyIDs, Roles: informantRoles, Limit: limit}
	kind, isElement := dimensionKind[by]
	var cl *storeClusters
	if isElement {
		var err error
		if cl, err = a.clustersIn(ctx, t, kind, studyIDs); err != nil {
			return nil, err
		}
		q.Merge = cl.merge()
	}
	rows, err := t.Tally(ctx, q)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, r := range rows {
		if r.Key != kb.NotStatedKey {
			keys = append(keys, r.Key)
		}
	}
	out := make([]Bucket, len(rows))
	for i, r := range rows {
		out[i] = Bucket{Key: r.Key, Label: r.Key, Count: r.CMOCs, StudyCount: r.Studies}
		if r.Key == kb.NotStatedKey {
			out[i].Label = "not stated"
		}
	}
	switch {
	case isElement:
		described, err := a.describeIn(ctx, t, cl, keys, studyIDs)
		if err != nil {
			return nil, err
		}
		for i := range out {
			if c, ok := described[out[i].Key]; ok {
				out[i].Label, out[i].Cluster = c.Label, &c
			}
		}
	case by == ByStudy || by == ByProgrammeTheory:
		nodes, err := a.store.Get(ctx, keys)
		if err != nil {
			return nil, err
		}
		names := make(map[string]string, len(nodes))
		for _, n := range nodes {
			names[n.NodeID()] = nodeName(n)
		}
		for i := range out {
			if name, ok := names[out[i].Key]; ok {
				out[i].Label = name
			}
		}
	}
	return out, nil
}

// matrixIn is ElementMatrix counted by the store.
func (a *Analyst) matrixIn(ctx context.Context, t kb.Tallier, kind kb.Kind, studyIDs []string, rows int) (*Matrix, error) {
	studies, err := a.studiesIn(ctx, studyIDs)
	if err != nil {
		return nil, err
	}
	cl, err := a.clustersIn(ctx, t, kind, studyIDs)
	if err != nil {
		return nil, err
	}
	tallied, err := t.Tally(ctx, kb.TallyQuery{By: kb.TallyBy(dimensionOf(kind)), StudyIDs: studyIDs, Merge: cl.merge(),
		Limit: rows, ByStudies: true, NoNotStated: true})
	if err != nil {
		return nil, err
	}
	roots := make([]string, len(tallied))
	for i, r := range tallied {
		roots[i] = r.Key
	}
	described, err := a.describeIn(ctx, t, cl, roots, studyIDs)
	if err != nil {
		return nil, err
	}
	m := &Matrix{Kind: kind, Studies: studies, Rows: make([]MatrixRow, len(tallied))}
	for i, r := range tallied {
		row := MatrixRow{Cluster: described[r.Key], Counts: make([]int, len(studies)), Total: r.CMOCs, StudyCount: r.Studies}
		for col, s := range studies {
			row.Counts[col] = r.Cells[s.ID]
		}
		m.Rows[i] = row
	}
	return m, nil
}

// gapsIn is FindGaps answered by the store.
func (a *Analyst) gapsIn(ctx context.Context, t kb.Tallier, studyIDs []string, limit int) (*Gaps, error) {
	if len(studyIDs) > 0 {
		if _, err := a.studiesIn(ctx, studyIDs); err != nil {
			return nil, err
		}
	}
	rows, err := t.CMOCGaps(ctx, studyIDs)
	if err != nil {
		return nil, err
	}
	// in cmocLess order, from what the rows carry
	slices.SortFunc(rows, func(x, y kb.CMOCGap) int {
		if c := strings.Compare(x.ProgrammeTheoryID, y.ProgrammeTheoryID); c != 0 {
			return c
		}
		if c := naturalCompare(x.Code, y.Code); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	var unquoted, staffOnly []string
	var missing [3][]string
	for _, r := range rows {
		switch {
		case r.Unquoted:
			unquoted = append(unquoted, r.ID)
		case r.StaffOnly:
			staffOnly = append(staffOnly, r.ID)
		}
		for k, m := range r.Missing {
			if m {
				missing[k] = append(missing[k], r.ID)
			}
		}
	}
	first := func(ids []string) []string { return ids[:min(limit, len(ids))] }
	shown := slices.Concat(first(unquoted), first(staffOnly), first(missing[0]), first(missing[1]), first(missing[2]))
	cmocs, err := a.cmocsByID(ctx, shown)
	if err != nil {
		return nil, err
	}
	list := func(ids []string) []*kb.CMOC {
		out := make([]*kb.CMOC, 0, len(ids))
		for _, id := range first(ids) {
			if c := cmocs[id]; c != nil {
				out = append(out, c)
			}
		}
		return out
	}
	g := &Gaps{
		CMOCsWithoutQuoteCount: len(unquoted), StaffOnlyCMOCsCount: len(staffOnly),
		CMOCsWithoutQuote: list(unquoted), StaffOnlyCMOCs: list(staffOnly),
	}
	for k, dst := range []*Missing{&g.CMOCsWithoutContext, &g.CMOCsWithoutMechanism, &g.CMOCsWithoutOutcome} {
		*dst = Missing{Count: len(missing[k]), CMOCs: list(missing[k])}
	}
	if g.UnlinkedElementsCount, g.UnlinkedElements, err = t.UnlinkedElements(ctx, studyIDs, limit); err != nil {
		return nil, err
	}
	if g.UnlinkedElements == nil {
		g.UnlinkedElements = []kb.Node{}
	}
	return g, nil
}

// cmocsByID reads CMOCs in one call.
func (a *Analyst) cmocsByID(ctx context.Context, ids []string) (map[string]*kb.CMOC, error) {
	return readAs[*kb.CMOC](ctx, a.store, ids)
}

// readAs reads the nodes of one type among ids in one call, by id.
func readAs[T kb.Node](ctx context.Context, store kb.Store, ids []string) (map[string]T, error) {
	out := map[string]T{}
	if len(ids) == 0 {
		return out, nil
	}
	nodes, err := store.Get(ctx, uniqueSorted(ids))
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		if t, ok := n.(T); ok {
			out[n.NodeID()] = t
		}
	}
	return out, nil
}

// demiIn is DemiRegularities found by the store.
func (a *Analyst) demiIn(ctx context.Context, t kb.Tallier, minStudies, limit int) ([]DemiRegularity, error) {
	mechanisms, err := a.clustersIn(ctx, t, kb.KindMechanism, nil)
	if err != nil {
		return nil, err
	}
	outcomes, err := a.clustersIn(ctx, t, kb.KindOutcome, nil)
	if err != nil {
		return nil, err
	}
	rows, err := t.Patterns(ctx, kb.PatternQuery{Mechanisms: mechanisms.merge(), Outcomes: outcomes.merge(), MinStudies: minStudies, Limit: limit})
	if err != nil {
		return nil, err
	}
	var mechRoots, outRoots, cmocIDs, studyIDs []string
	for _, r := range rows {
		mechRoots = append(mechRoots, r.Mechanism)
		outRoots = append(outRoots, r.Outcome)
		cmocIDs = append(cmocIDs, r.CMOCs...)
		studyIDs = append(studyIDs, r.CMOCStudies...)
	}
	mechs, err := a.describeIn(ctx, t, mechanisms, uniqueSorted(mechRoots), nil)
	if err != nil {
		return nil, err
	}
	outs, err := a.describeIn(ctx, t, outcomes, uniqueSorted(outRoots), nil)
	if err != nil {
		return nil, err
	}
	cmocs, err := a.cmocsByID(ctx, cmocIDs)
	if err != nil {
		return nil, err
	}
	studies, err := readAs[*kb.Study](ctx, a.store, studyIDs)
	if err != nil {
		return nil, err
	}
	out := make([]DemiRegularity, 0, len(rows))
	for _, r := range rows {
		d := DemiRegularity{Mechanism: mechs[r.Mechanism], Outcome: outs[r.Outcome]}
		for _, id := range uniqueSorted(r.CMOCStudies) {
			if s := studies[id]; s != nil {
				d.Studies = append(d.Studies, s)
			}
		}
		sort.SliceStable(d.Studies, func(i, j int) bool { return studyLess(d.Studies[i], d.Studies[j]) })
		for _, id := range r.CMOCs {
			if c := cmocs[id]; c != nil {
				d.CMOCs = append(d.CMOCs, c)
			}
		}
		sort.SliceStable(d.CMOCs, func(i, j int) bool { return cmocLess(d.CMOCs[i], d.CMOCs[j]) })
		out = append(out, d)
	}
	return out, nil
}
