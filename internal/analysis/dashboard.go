package analysis

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/cmograph/cmograph/internal/kb"
)

// Dimension is what CMOCs are counted by.
type Dimension string

const (
	ByOutcome         Dimension = "OUTCOME"
	ByMechanism       Dimension = "MECHANISM"
	ByContext         Dimension = "CONTEXT"
	ByActor           Dimension = "ACTOR"
	ByPopulation      Dimension = "POPULATION"
	ByInformant       Dimension = "INFORMANT"
	ByStudy           Dimension = "STUDY"
	ByStatus          Dimension = "STATUS"
	ByProgrammeTheory Dimension = "PROGRAMME_THEORY"
)

// NotStated is the key of the bucket for CMOCs that record nothing for the dimension.
const NotStated = "NOT_STATED"

// Bucket is one bar of a chart: how many CMOCs fall under a key, in how many studies.
type Bucket struct {
	Key        string
	Label      string
	Count      int
	StudyCount int
	// Cluster is set for element dimensions: the elements (across studies) the bucket counts.
	Cluster *Cluster
}

// CountCMOCs counts the CMOCs of the given studies (all when none) by a dimension, largest
// bucket first. Element dimensions count by cluster, so aligned elements of different studies
// make one bar; a CMOC counts once per bucket however many of its elements fall in it. The
// informant dimension counts a CMOC under the role of each person quoted for it, and under
// NOT_STATED when it has no quote.
func (a *Analyst) CountCMOCs(ctx context.Context, by Dimension, studyIDs []string) ([]Bucket, error) {
	kind, isElement := dimensionKind[by]
	if !isElement && !slices.Contains(Dimensions, by) {
		return nil, kb.Invalid("by", "%q is not a dimension", by)
	}
	r := a.reader()
	v, err := r.readView(ctx, studyIDs, viewNeeds{quotes: by == ByInformant, clusters: isElement})
	if err != nil {
		return nil, err
	}
	type tally struct {
		cmocs   int
		studies map[string]bool
	}
	tallies := map[string]*tally{}
	count := func(key, study string) {
		t := tallies[key]
		if t == nil {
			t = &tally{studies: map[string]bool{}}
			tallies[key] = t
		}
		t.cmocs++
		t.studies[study] = true
	}
	members := map[string][]string{}
	uses := map[string]int{}
	for _, c := range v.cmocs {
		study := v.studyOf[c.ID]
		keys := v.keysOf(c, by, kind, members, uses)
		if len(keys) == 0 {
			keys = []string{NotStated}
		}
		for _, k := range uniqueSorted(keys) {
			count(k, study)
		}
	}
	described := map[string]Cluster{}
	if isElement {
		if described, err = v.describe(ctx, members, uses); err != nil {
			return nil, err
		}
	}
	out := make([]Bucket, 0, len(tallies))
	for key, t := range tallies {
		b := Bucket{Key: key, Label: key, Count: t.cmocs, StudyCount: len(t.studies)}
		switch {
		case key == NotStated:
			b.Label = "not stated"
		case isElement:
			cl := described[key]
			b.Key, b.Label, b.Cluster = cl.Key, cl.Label, &cl
		case by == ByStudy, by == ByProgrammeTheory:
			if n := r.node(key); n != nil {
				b.Label = nodeName(n)
			}
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

var dimensionKind = map[Dimension]kb.Kind{ByOutcome: kb.KindOutcome, ByMechanism: kb.KindMechanism, ByContext: kb.KindContext}

// keysOf lists the buckets a CMOC falls in; for element dimensions it records each cluster's
// members and how often each element is used, for naming the clusters.
func (v *view) keysOf(c *kb.CMOC, by Dimension, kind kb.Kind, members map[string][]string, uses map[string]int) []string {
	switch by {
	case ByOutcome, ByMechanism, ByContext:
		var keys []string
		for _, e := range v.elements[c.ID][kind] {
			root := v.clusters.root(e)
			if uses[e] == 0 {
				members[root] = append(members[root], e)
			}
			uses[e]++
			keys = append(keys, root)
		}
		return keys
	case ByActor:
		keys := make([]string, len(c.Actors))
		for i, a := range c.Actors {
			keys[i] = string(a)
		}
		return keys
	case ByPopulation:
		if s, ok := v.r.node(v.studyOf[c.ID]).(*kb.Study); ok && s.Population != "" {
			return []string{string(s.Population)}
		}
	case ByInformant:
		var keys []string
		for _, q := range v.quotes[c.ID] {
			if q.Quote.InformantRole != "" {
				keys = append(keys, string(q.Quote.InformantRole))
			}
		}
		return keys
	case ByStudy:
		return []string{v.studyOf[c.ID]}
	case ByStatus:
		if c.Status != "" {
			return []string{string(c.Status)}
		}
	case ByProgrammeTheory:
		return []string{c.ProgrammeTheoryID}
	}
	return nil
}

// MatrixRow is one cluster of elements and how many CMOCs of each study use it.
type MatrixRow struct {
	Cluster Cluster
	// Counts line up with the matrix's studies.
	Counts     []int
	Total      int
	StudyCount int
}

// Matrix is an element × study table: which studies report which (clusters of) elements.
type Matrix struct {
	Kind    kb.Kind
	Studies []*kb.Study
	Rows    []MatrixRow
}

// ElementMatrix tabulates the elements of one kind against the studies (all when none):
// a cell counts the study's CMOCs that use an element of the row's cluster. Rows shared by
// most studies come first.
func (a *Analyst) ElementMatrix(ctx context.Context, kind kb.Kind, studyIDs []string) (*Matrix, error) {
	if !kind.IsElement() {
		return nil, kb.Invalid("kind", "%q is not a context, mechanism or outcome", kind)
	}
	r := a.reader()
	v, err := r.readView(ctx, studyIDs, viewNeeds{clusters: true})
	if err != nil {
		return nil, err
	}
	column := map[string]int{}
	for i, s := range v.studies {
		column[s.ID] = i
	}
	members := map[string][]string{}
	uses := map[string]int{}
	cells := map[string][]int{}
	for _, c := range v.cmocs {
		col, ok := column[v.studyOf[c.ID]]
		if !ok {
			continue
		}
		for _, root := range uniqueSorted(v.keysOf(c, dimensionOf(kind), kind, members, uses)) {
			row := cells[root]
			if row == nil {
				row = make([]int, len(v.studies))
				cells[root] = row
			}
			row[col]++
		}
	}
	described, err := v.describe(ctx, members, uses)
	if err != nil {
		return nil, err
	}
	m := &Matrix{Kind: kind, Studies: v.studies, Rows: make([]MatrixRow, 0, len(cells))}
	for root, counts := range cells {
		row := MatrixRow{Cluster: described[root], Counts: counts}
		for _, n := range counts {
			row.Total += n
			if n > 0 {
				row.StudyCount++
			}
		}
		m.Rows = append(m.Rows, row)
	}
	sort.Slice(m.Rows, func(i, j int) bool {
		a, b := m.Rows[i], m.Rows[j]
		if a.StudyCount != b.StudyCount {
			return a.StudyCount > b.StudyCount
		}
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		return a.Cluster.Key < b.Cluster.Key
	})
	return m, nil
}

func dimensionOf(k kb.Kind) Dimension {
	for d, kind := range dimensionKind {
		if kind == k {
			return d
		}
	}
	panic(fmt.Sprintf("no dimension for %s", k))
}

// Gaps are what a review has not yet backed up or linked.
type Gaps struct {
	// CMOCsWithoutQuote have no quote evidencing them.
	CMOCsWithoutQuote []*kb.CMOC
	// StaffOnlyCMOCs are evidenced only by staff: no service user, peer worker or carer voice.
	StaffOnlyCMOCs []*kb.CMOC
	// UnlinkedElements have no crosswalk: no alignment and no construct.
	UnlinkedElements []kb.Node
}

// FindGaps lists the gaps in the given studies (all when none).
func (a *Analyst) FindGaps(ctx context.Context, studyIDs []string) (*Gaps, error) {
	r := a.reader()
	v, err := r.readView(ctx, studyIDs, viewNeeds{quotes: true})
	if err != nil {
		return nil, err
	}
	g := &Gaps{CMOCsWithoutQuote: []*kb.CMOC{}, StaffOnlyCMOCs: []*kb.CMOC{}, UnlinkedElements: []kb.Node{}}
	for _, c := range v.cmocs {
		qs := v.quotes[c.ID]
		if len(qs) == 0 {
			g.CMOCsWithoutQuote = append(g.CMOCsWithoutQuote, c)
			continue
		}
		staffOnly := true
		for _, q := range qs {
			if q.Quote.InformantRole != kb.InformantStaff {
				staffOnly = false
				break
			}
		}
		if staffOnly {
			g.StaffOnlyCMOCs = append(g.StaffOnlyCMOCs, c)
		}
	}
	// every element of the programme theories in scope, used by a CMOC or not
	var ptIDs []string
	for id, study := range v.studyOf {
		if n := r.node(id); n != nil && n.NodeKind() == kb.KindProgrammeTheory && study != "" {
			ptIDs = append(ptIDs, id)
		}
	}
	var elements []kb.Node
	for _, k := range elementKindsOrder {
		q := kb.ListQuery{Kind: k}
		if len(studyIDs) > 0 {
			if len(ptIDs) == 0 {
				continue
			}
			q.Filters = []kb.Filter{{Field: "programmeTheoryId", Op: kb.FilterIn, Value: ptIDs}}
		}
		p, err := r.store.List(ctx, q)
		if err != nil {
			return nil, err
		}
		elements = append(elements, p.Nodes...)
	}
	linked := map[string]bool{}
	var crosswalk []kb.Link
	if len(studyIDs) == 0 {
		crosswalk, err = r.allLinks(ctx, kb.RelAligns, kb.RelInstanceOf)
	} else {
		ids := make([]string, len(elements))
		for i, e := range elements {
			ids[i] = e.NodeID()
		}
		crosswalk, err = r.linksBothWays(ctx, ids, kb.RelAligns, kb.RelInstanceOf)
	}
	if err != nil {
		return nil, err
	}
	for _, l := range crosswalk {
		linked[l.From] = true
		if l.Type == kb.RelAligns {
			linked[l.To] = true
		}
	}
	for _, e := range elements {
		if !linked[e.NodeID()] {
			g.UnlinkedElements = append(g.UnlinkedElements, e)
		}
	}
	sort.SliceStable(g.CMOCsWithoutQuote, func(i, j int) bool { return cmocLess(g.CMOCsWithoutQuote[i], g.CMOCsWithoutQuote[j]) })
	sort.SliceStable(g.StaffOnlyCMOCs, func(i, j int) bool { return cmocLess(g.StaffOnlyCMOCs[i], g.StaffOnlyCMOCs[j]) })
	sort.SliceStable(g.UnlinkedElements, func(i, j int) bool { return g.UnlinkedElements[i].NodeID() < g.UnlinkedElements[j].NodeID() })
	return g, nil
}
