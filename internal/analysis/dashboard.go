package analysis

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

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
	if t, ok := a.tallier(); ok {
		return a.countIn(ctx, t, by, studyIDs, limit)
	}
	s, err := a.scope(ctx, studyIDs, corpusNeeds{kinds: kindsFor(by), quotes: by == ByInformant, crosswalk: isElement})
	if err != nil {
		return nil, err
	}
	keys := newKeySpace(s, by)
	var uses []int32
	if isElement {
		uses = make([]int32, len(s.elementIDs))
	}
	tallies := make([]tally, keys.size)
	for i := range tallies {
		tallies[i].lastStudy = -1
	}
	notStated := tally{lastStudy: -1}
	var buf []int32
	s.eachCMOC(func(study, m int32) {
		buf = keys.of(m, kind, uses, buf[:0])
		if len(buf) == 0 {
			notStated.add(study)
			return
		}
		for _, k := range uniqueInts(buf) {
			for int(k) >= len(tallies) { // enumeration values are numbered as they come
				tallies = append(tallies, tally{lastStudy: -1})
			}
			tallies[k].add(study)
		}
	})
	type ranked struct {
		key   int32 // -1: not stated
		order int   // the bucket's place in key order, for ties
		tally
	}
	ordered := make([]ranked, 0, len(tallies)+1)
	for k, t := range tallies {
		if t.cmocs > 0 {
			ordered = append(ordered, ranked{key: int32(k), tally: t})
		}
	}
	if notStated.cmocs > 0 {
		ordered = append(ordered, ranked{key: -1, tally: notStated})
	}
	keys.order(len(ordered), func(i int) int32 { return ordered[i].key }, func(i, order int) { ordered[i].order = order })
	// order by count, then by the bucket's key (for clusters, the smallest member id)
	ordered = firstK(ordered, limit, func(a, b ranked) int {
		if a.cmocs != b.cmocs {
			return int(b.cmocs - a.cmocs)
		}
		return a.order - b.order
	})
	var described map[int32]Cluster
	if isElement {
		roots := make([]int32, 0, len(ordered))
		for _, o := range ordered {
			if o.key >= 0 {
				roots = append(roots, o.key)
			}
		}
		if described, err = s.describe(ctx, roots, uses); err != nil {
			return nil, err
		}
	}
	out := make([]Bucket, 0, len(ordered))
	for _, o := range ordered {
		b := Bucket{Key: keys.name(o.key), Label: keys.label(o.key), Count: int(o.cmocs), StudyCount: int(o.studies)}
		if isElement && o.key >= 0 {
			cl := described[o.key]
			b.Key, b.Label, b.Cluster = cl.Key, cl.Label, &cl
		}
		out = append(out, b)
	}
	return out, nil
}

// tally counts a bucket's CMOCs and the studies they come from. CMOCs are counted study by
// study, so a study is new to the bucket exactly when it differs from the last one seen.
type tally struct {
	cmocs, studies, lastStudy int32
}

func (t *tally) add(study int32) {
	t.cmocs++
	if t.lastStudy != study {
		t.lastStudy = study
		t.studies++
	}
}

func uniqueInts(xs []int32) []int32 {
	if len(xs) < 2 {
		return xs
	}
	slices.Sort(xs)
	return slices.Compact(xs)
}

// keySpace numbers the buckets of one dimension: clusters by their root element, studies and
// programme theories by position, and the values of an enumeration in the order first met.
type keySpace struct {
	s      *scope
	by     Dimension
	size   int
	values []string // enumeration dimensions
}

func newKeySpace(s *scope, by Dimension) *keySpace {
	ks := &keySpace{s: s, by: by}
	switch by {
	case ByOutcome, ByMechanism, ByContext:
		ks.size = len(s.elementIDs)
	case ByStudy:
		ks.size = len(s.studies)
	case ByProgrammeTheory:
		ks.size = len(s.pts)
	}
	return ks
}

// value numbers an enumeration value; there are a handful, so a scan beats a map.
func (ks *keySpace) value(v string) int32 {
	if i := slices.Index(ks.values, v); i >= 0 {
		return int32(i)
	}
	ks.values = append(ks.values, v)
	return int32(len(ks.values) - 1)
}

// of appends the buckets CMOC m falls in to buf; for element dimensions it counts each
// element's uses, for naming the clusters.
func (ks *keySpace) of(m int32, kind kb.Kind, uses []int32, buf []int32) []int32 {
	s := ks.s
	c := s.cmocs[m]
	switch ks.by {
	case ByOutcome, ByMechanism, ByContext:
		for _, e := range s.uses[kindPosition(kind)].of(m) {
			uses[e]++
			buf = append(buf, s.clusters[e])
		}
	case ByActor:
		for _, a := range c.Actors {
			buf = append(buf, ks.value(string(a)))
		}
	case ByPopulation:
		if st := s.cmocStudy[m]; st >= 0 && s.studies[st].Population != "" {
			buf = append(buf, ks.value(string(s.studies[st].Population)))
		}
	case ByInformant:
		for i, role := range informantRoles {
			if s.roles[m]&(1<<i) != 0 {
				buf = append(buf, ks.value(string(role)))
			}
		}
	case ByStudy:
		buf = append(buf, s.cmocStudy[m])
	case ByStatus:
		if c.Status != "" {
			buf = append(buf, ks.value(string(c.Status)))
		}
	case ByProgrammeTheory:
		if pt := s.cmocPT[m]; pt >= 0 {
			buf = append(buf, pt)
		}
	}
	return buf
}

// order numbers n buckets (keyAt(i) is the i-th one's key; -1 is NOT_STATED) in the order of
// their names, through setOrder. Cluster roots are positions in id order already, so only
// where NOT_STATED falls among them needs a string comparison: a large corpus has thousands
// of clusters, and comparing their ids while sorting was most of the count's time.
func (ks *keySpace) order(n int, keyAt func(int) int32, setOrder func(i, order int)) {
	switch ks.by {
	case ByOutcome, ByMechanism, ByContext:
		at := sort.Search(len(ks.s.elementIDs), func(i int) bool { return ks.s.elementIDs[i] >= NotStated })
		for i := range n {
			if k := keyAt(i); k < 0 {
				setOrder(i, 2*at)
			} else {
				setOrder(i, 2*int(k)+1)
			}
		}
		return
	}
	byName := make([]int, n)
	for i := range byName {
		byName[i] = i
	}
	slices.SortFunc(byName, func(a, b int) int { return strings.Compare(ks.name(keyAt(a)), ks.name(keyAt(b))) })
	for order, i := range byName {
		setOrder(i, order)
	}
}

// name is a bucket's key as clients see it: an id or an enumeration value.
func (ks *keySpace) name(k int32) string {
	if k < 0 {
		return NotStated
	}
	switch ks.by {
	case ByOutcome, ByMechanism, ByContext:
		return ks.s.elementIDs[k]
	case ByStudy:
		return ks.s.studies[k].ID
	case ByProgrammeTheory:
		return ks.s.pts[k].ID
	}
	return ks.values[k]
}

// label is what a chart shows for a bucket (clusters are labelled when described).
func (ks *keySpace) label(k int32) string {
	switch {
	case k < 0:
		return "not stated"
	case ks.by == ByStudy:
		return nodeName(ks.s.studies[k])
	case ks.by == ByProgrammeTheory:
		return nodeName(ks.s.pts[k])
	}
	return ks.name(k)
}

// describe names the clusters of the given roots from the elements the question counted
// (those with uses): the construct they instantiate if any, else their most used name.
func (s *scope) describe(ctx context.Context, roots []int32, uses []int32) (map[int32]Cluster, error) {
	isShown := make([]bool, len(s.elementIDs))
	members := make(map[int32][]int32, len(roots))
	for _, r := range roots {
		isShown[r] = true
		members[r] = nil
	}
	var shown []int32
	for e, n := range uses {
		if root := s.clusters[e]; n > 0 && isShown[root] {
			members[root] = append(members[root], int32(e))
			shown = append(shown, int32(e))
		}
	}
	nodes, err := s.nodesOf(ctx, shown)
	if err != nil {
		return nil, err
	}
	nodeAt := make(map[int32]kb.Node, len(shown))
	for i, e := range shown {
		nodeAt[e] = nodes[i]
	}
	out := make(map[int32]Cluster, len(roots))
	nameUses := map[string]int32{}
	for root, ms := range members {
		if len(ms) == 0 {
			continue
		}
		// members come in position order, which is id order
		cl := Cluster{Key: s.elementIDs[ms[0]]}
		// a construct can gather hundreds of elements under a few dozen names: count by name
		clear(nameUses)
		for _, m := range ms {
			n := nodeAt[m]
			if n == nil {
				continue
			}
			cl.Elements = append(cl.Elements, n)
			nameUses[nodeName(n)] += uses[m] + 1
			for _, k := range s.instanceOf.of(m) {
				if c := s.constructs[k]; c != nil && !slices.Contains(cl.Constructs, c) {
					cl.Constructs = append(cl.Constructs, c)
				}
			}
		}
		cl.name(nameUses)
		out[root] = cl
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
	if t, ok := a.tallier(); ok {
		return a.matrixIn(ctx, t, kind, studyIDs, rows)
	}
	s, err := a.scope(ctx, studyIDs, corpusNeeds{kinds: []kb.Kind{kind}, crosswalk: true})
	if err != nil {
		return nil, err
	}
	column := make([]int, len(s.studies))
	for col, st := range s.chosen {
		column[st] = col
	}
	keys := newKeySpace(s, dimensionOf(kind))
	uses := make([]int32, len(s.elementIDs))
	// most of a large matrix is empty: the cells filled are kept in one list, in the order the
	// studies come, and only the rows returned are spread out
	type cell struct{ root, col, n int32 }
	var cells []cell
	tallies := make([]tally, keys.size)
	for i := range tallies {
		tallies[i].lastStudy = -1
	}
	current := make([]int32, keys.size) // each row's cell in the study being counted
	var buf []int32
	s.eachCMOC(func(study, m int32) {
		buf = keys.of(m, kind, uses, buf[:0])
		for _, root := range uniqueInts(buf) {
			t := &tallies[root]
			if t.lastStudy != study {
				current[root] = int32(len(cells))
				cells = append(cells, cell{root, int32(column[study]), 0})
			}
			t.add(study)
			cells[current[root]].n++
		}
	})
	ordered := make([]int32, 0, len(tallies))
	for root, t := range tallies {
		if t.cmocs > 0 {
			ordered = append(ordered, int32(root))
		}
	}
	// widest first, then most used, then by key: the root, whose position is id order
	ordered = firstK(ordered, rows, func(a, b int32) int {
		ta, tb := &tallies[a], &tallies[b]
		if ta.studies != tb.studies {
			return int(tb.studies - ta.studies)
		}
		if ta.cmocs != tb.cmocs {
			return int(tb.cmocs - ta.cmocs)
		}
		return int(a - b)
	})
	described, err := s.describe(ctx, ordered, uses)
	if err != nil {
		return nil, err
	}
	m := &Matrix{Kind: kind, Studies: make([]*kb.Study, len(s.chosen)), Rows: make([]MatrixRow, len(ordered))}
	for col, st := range s.chosen {
		m.Studies[col] = s.studies[st]
	}
	rowOf := make([]int32, keys.size) // row+1 of each root shown, 0 otherwise
	for i, root := range ordered {
		t := &tallies[root]
		rowOf[root] = int32(i + 1)
		m.Rows[i] = MatrixRow{Cluster: described[root], Counts: make([]int, len(s.chosen)), Total: int(t.cmocs), StudyCount: int(t.studies)}
	}
	for _, c := range cells {
		if i := rowOf[c.root]; i > 0 {
			m.Rows[i-1].Counts[c.col] = int(c.n)
		}
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
	// CMOCsWithout lists, for context, mechanism and outcome in that order, the CMOCs that have
	// none of it: partial CMOCs, as extracted from a non-realist paper or left by an edit.
	CMOCsWithoutContext, CMOCsWithoutMechanism, CMOCsWithoutOutcome Missing
}

// Missing is a list of CMOCs lacking one part, at most the limit asked, with how many in all.
type Missing struct {
	Count int
	CMOCs []*kb.CMOC
}

// FindGaps lists the gaps in the given studies (all when none).
func (a *Analyst) FindGaps(ctx context.Context, studyIDs []string, limit int) (*Gaps, error) {
	limit, err := pageSize(limit, DefaultGaps, MaxGaps)
	if err != nil {
		return nil, err
	}
	if t, ok := a.tallier(); ok {
		return a.gapsIn(ctx, t, studyIDs, limit)
	}
	s, err := a.scope(ctx, studyIDs, corpusNeeds{kinds: elementKindsOrder, elementNodes: true, quotes: true, crosswalk: true})
	if err != nil {
		return nil, err
	}
	var unquoted, staffOnly []int32
	var missing [3][]int32
	staff, _ := roleBit(kb.InformantStaff)
	// in cmocLess order, so the lists need no sorting
	for _, m := range s.byRank {
		if st := s.cmocStudy[m]; st < 0 || !s.inScope[st] {
			continue
		}
		for k := range missing {
			if len(s.uses[k].of(m)) == 0 {
				missing[k] = append(missing[k], m)
			}
		}
		switch {
		case s.quoteCount[m] == 0:
			unquoted = append(unquoted, m)
		case s.roles[m] == staff && !s.roleless[m]:
			staffOnly = append(staffOnly, m)
		}
	}
	g := &Gaps{
		CMOCsWithoutQuoteCount: len(unquoted), StaffOnlyCMOCsCount: len(staffOnly),
		CMOCsWithoutQuote: s.cmocsAt(unquoted[:min(limit, len(unquoted))]),
		StaffOnlyCMOCs:    s.cmocsAt(staffOnly[:min(limit, len(staffOnly))]),
		UnlinkedElements:  []kb.Node{},
	}
	for k, dst := range []*Missing{&g.CMOCsWithoutContext, &g.CMOCsWithoutMechanism, &g.CMOCsWithoutOutcome} {
		*dst = Missing{Count: len(missing[k]), CMOCs: s.cmocsAt(missing[k][:min(limit, len(missing[k]))])}
	}
	// every element of the programme theories in scope, used by a CMOC or not, in id order
	for e, n := range s.elements {
		if st := s.elementStudy[e]; st < 0 || !s.inScope[st] || s.linked[e] {
			continue
		}
		g.UnlinkedElementsCount++
		if len(g.UnlinkedElements) < limit {
			g.UnlinkedElements = append(g.UnlinkedElements, n)
		}
	}
	return g, nil
}

// cmocsAt lists the CMOCs at the given positions.
func (c *corpus) cmocsAt(ms []int32) []*kb.CMOC {
	out := make([]*kb.CMOC, len(ms))
	for i, m := range ms {
		out[i] = c.cmocs[m]
	}
	return out
}

// Gap list bounds.
const (
	DefaultGaps = 100
	MaxGaps     = 10_000
)
