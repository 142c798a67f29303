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
func (a *Analyst) CountCMOCs(ctx context.Context, by Dimension, studyIDs []string, limit int) ([]Bucket, error) {
	kind, isElement := dimensionKind[by]
	if !isElement && !slices.Contains(Dimensions, by) {
		return nil, kb.Invalid("by", "%q is not a dimension", by)
	}
	limit, err := pageSize(limit, MaxBuckets, MaxBuckets)
	if err != nil {
		return nil, err
	}
	r := a.reader()
	v, err := r.readView(ctx, studyIDs, viewNeeds{kinds: kindsFor(by), quotes: by == ByInformant, clusters: isElement})
	if err != nil {
		return nil, err
	}
	type tally struct {
		cmocs, studies int
		sortKey        string
		lastStudy      string
	}
	tallies := map[string]*tally{}
	seen := map[[2]string]bool{} // (bucket, study) pairs already counted
	count := func(key, study string) {
		t := tallies[key]
		if t == nil {
			t = &tally{sortKey: key}
			tallies[key] = t
		}
		t.cmocs++
		// CMOCs come in id order, so a bucket's CMOCs of one study mostly follow each other:
		// only a change of study needs the set
		if study == t.lastStudy && t.cmocs > 1 {
			return
		}
		t.lastStudy = study
		if pair := [2]string{key, study}; !seen[pair] {
			seen[pair] = true
			t.studies++
		}
	}
	members := map[string][]string{}
	uses := map[string]int{}
	for i, c := range v.cmocs {
		study := v.studyOf(c)
		keys := v.keysOf(i, by, kind, members, uses)
		if len(keys) == 0 {
			keys = []string{NotStated}
		}
		for _, k := range uniqueSorted(keys) {
			count(k, study)
		}
	}
	// order by count, then by the bucket's key (for clusters, the smallest member id, known
	// before describing them), and describe only the buckets returned
	// sort the tallies themselves: a comparator that looks buckets up by key costs two map
	// lookups per comparison, which on a large corpus is most of the question's time
	type keyed struct {
		key string
		*tally
	}
	ordered := make([]keyed, 0, len(tallies))
	for k, t := range tallies {
		if isElement && k != NotStated {
			t.sortKey = slices.Min(members[k])
		}
		ordered = append(ordered, keyed{k, t})
	}
	sort.Slice(ordered, func(i, j int) bool {
		a, b := ordered[i], ordered[j]
		if a.cmocs != b.cmocs {
			return a.cmocs > b.cmocs
		}
		return a.sortKey < b.sortKey
	})
	if len(ordered) > limit {
		ordered = ordered[:limit]
	}
	keys := make([]string, len(ordered))
	for i, o := range ordered {
		keys[i] = o.key
	}
	described := map[string]Cluster{}
	if isElement {
		shown := make(map[string][]string, len(keys))
		for _, k := range keys {
			if k != NotStated {
				shown[k] = members[k]
			}
		}
		if described, err = v.describe(ctx, shown, uses); err != nil {
			return nil, err
		}
	}
	out := make([]Bucket, 0, len(keys))
	for _, key := range keys {
		t := tallies[key]
		b := Bucket{Key: key, Label: key, Count: t.cmocs, StudyCount: t.studies}
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
	return out, nil
}

// MaxBuckets bounds one count.
const MaxBuckets = 10_000

// kindsFor lists the element kinds a dimension reads.
func kindsFor(by Dimension) []kb.Kind {
	if k, ok := dimensionKind[by]; ok {
		return []kb.Kind{k}
	}
	return nil
}

var dimensionKind = map[Dimension]kb.Kind{ByOutcome: kb.KindOutcome, ByMechanism: kb.KindMechanism, ByContext: kb.KindContext}

// keysOf lists the buckets a CMOC falls in; for element dimensions it records each cluster's
// members and how often each element is used, for naming the clusters.
func (v *view) keysOf(i int, by Dimension, kind kb.Kind, members map[string][]string, uses map[string]int) []string {
	c := v.cmocs[i]
	switch by {
	case ByOutcome, ByMechanism, ByContext:
		var keys []string
		for _, e := range v.elements[kind][i] {
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
		if s, ok := v.r.node(v.studyOf(c)).(*kb.Study); ok && s.Population != "" {
			return []string{string(s.Population)}
		}
	case ByInformant:
		var keys []string
		for _, q := range v.quotes[c.ID] {
			if q.InformantRole != "" {
				keys = append(keys, string(q.InformantRole))
			}
		}
		return keys
	case ByStudy:
		return []string{v.studyOf(c)}
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

// Matrix bounds.
const (
	DefaultMatrixRows = 50
	MaxMatrixRows     = 1000
)

// ElementMatrix tabulates the elements of one kind against the studies (all when none):
// a cell counts the study's CMOCs that use an element of the row's cluster. Rows shared by
// most studies come first, at most rows of them (DefaultMatrixRows when 0).
func (a *Analyst) ElementMatrix(ctx context.Context, kind kb.Kind, studyIDs []string, rows int) (*Matrix, error) {
	if !kind.IsElement() {
		return nil, kb.Invalid("kind", "%q is not a context, mechanism or outcome", kind)
	}
	rows, err := pageSize(rows, DefaultMatrixRows, MaxMatrixRows)
	if err != nil {
		return nil, err
	}
	r := a.reader()
	v, err := r.readView(ctx, studyIDs, viewNeeds{kinds: []kb.Kind{kind}, clusters: true})
	if err != nil {
		return nil, err
	}
	column := make(map[string]int, len(v.studies))
	for i, s := range v.studies {
		column[s.ID] = i
	}
	members := map[string][]string{}
	uses := map[string]int{}
	// most of a large matrix is empty: count sparsely, fill in only the rows returned
	type rowTally struct {
		root         string
		sortKey      string
		cells        map[int]int
		total, width int
	}
	tallies := map[string]*rowTally{}
	for i, c := range v.cmocs {
		col, ok := column[v.studyOf(c)]
		if !ok {
			continue
		}
		for _, root := range uniqueSorted(v.keysOf(i, dimensionOf(kind), kind, members, uses)) {
			t := tallies[root]
			if t == nil {
				t = &rowTally{root: root, cells: map[int]int{}}
				tallies[root] = t
			}
			if t.cells[col] == 0 {
				t.width++
			}
			t.cells[col]++
			t.total++
		}
	}
	ordered := make([]*rowTally, 0, len(tallies))
	for _, t := range tallies {
		ordered = append(ordered, t)
	}
	// a cluster's key is its smallest member id, which is known before describing it
	for _, t := range ordered {
		t.sortKey = slices.Min(members[t.root])
	}
	keyOf := func(t *rowTally) string { return t.sortKey }
	sort.Slice(ordered, func(i, j int) bool {
		a, b := ordered[i], ordered[j]
		if a.width != b.width {
			return a.width > b.width
		}
		if a.total != b.total {
			return a.total > b.total
		}
		return keyOf(a) < keyOf(b)
	})
	if len(ordered) > rows {
		ordered = ordered[:rows]
	}
	shown := make(map[string][]string, len(ordered))
	for _, t := range ordered {
		shown[t.root] = members[t.root]
	}
	described, err := v.describe(ctx, shown, uses)
	if err != nil {
		return nil, err
	}
	m := &Matrix{Kind: kind, Studies: v.studies, Rows: make([]MatrixRow, 0, len(ordered))}
	for _, t := range ordered {
		counts := make([]int, len(v.studies))
		for col, n := range t.cells {
			counts[col] = n
		}
		m.Rows = append(m.Rows, MatrixRow{Cluster: described[t.root], Counts: counts, Total: t.total, StudyCount: t.width})
	}
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

// Gaps are what a review has not yet backed up or linked: each list holds at most the limit
// asked for, and its count says how many there are in all.
type Gaps struct {
	CMOCsWithoutQuoteCount, StaffOnlyCMOCsCount, UnlinkedElementsCount int
	// CMOCsWithoutQuote have no quote evidencing them.
	CMOCsWithoutQuote []*kb.CMOC
	// StaffOnlyCMOCs are evidenced only by staff: no service user, peer worker or carer voice.
	StaffOnlyCMOCs []*kb.CMOC
	// UnlinkedElements have no crosswalk: no alignment and no construct.
	UnlinkedElements []kb.Node
}

// FindGaps lists the gaps in the given studies (all when none).
func (a *Analyst) FindGaps(ctx context.Context, studyIDs []string, limit int) (*Gaps, error) {
	limit, err := pageSize(limit, DefaultGaps, MaxGaps)
	if err != nil {
		return nil, err
	}
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
			if q.InformantRole != kb.InformantStaff {
				staffOnly = false
				break
			}
		}
		if staffOnly {
			g.StaffOnlyCMOCs = append(g.StaffOnlyCMOCs, c)
		}
	}
	// every element of the programme theories in scope, used by a CMOC or not
	ptIDs := sortedKeys(v.ptStudy)
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
	g.CMOCsWithoutQuoteCount, g.StaffOnlyCMOCsCount, g.UnlinkedElementsCount = len(g.CMOCsWithoutQuote), len(g.StaffOnlyCMOCs), len(g.UnlinkedElements)
	g.CMOCsWithoutQuote = g.CMOCsWithoutQuote[:min(limit, len(g.CMOCsWithoutQuote))]
	g.StaffOnlyCMOCs = g.StaffOnlyCMOCs[:min(limit, len(g.StaffOnlyCMOCs))]
	g.UnlinkedElements = g.UnlinkedElements[:min(limit, len(g.UnlinkedElements))]
	return g, nil
}

// Gap list bounds.
const (
	DefaultGaps = 100
	MaxGaps     = 10_000
)
