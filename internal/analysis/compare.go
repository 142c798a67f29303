package analysis

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/text"
)

// Basis says why two elements of compared theories are paired.
type Basis string

const (
	// BasisExplicit: a reviewer recorded an ALIGNS link between them.
	BasisExplicit Basis = "EXPLICIT"
	// BasisConstruct: both are instances of the same construct (e.g. CHIME's Hope).
	BasisConstruct Basis = "CONSTRUCT"
	// BasisTransitive: recorded alignments join them through elements of other theories (A is
	// the same as B, which is narrower than C): the reviewer's own links, carried over.
	BasisTransitive Basis = "TRANSITIVE"
	// BasisSuggestion: their words, their neighbours and their actors make them each other's
	// best match on the other side, with a rank at or above the threshold.
	BasisSuggestion Basis = "SUGGESTION"
)

// DefaultThreshold is the least rank (see Pair.Rank) a suggested pair needs. It is set on the
// crosswalk benchmark (the youth paper's own alignments to Gillard's model, hidden): at 0.2
// comparing the two theories suggests 5 pairs of which 4 are the paper's (precision 0.80,
// 4 of its 6 pairs); the fifth, two contexts, is one the paper does not state. Words alone
// put the right pairs at 0.09–0.18 cosine, below pairs that share only "peer" and "support".
const DefaultThreshold = 0.2

// Pair is an element of the left theory matched with one of the right.
type Pair struct {
	Left, Right kb.Node
	Basis       Basis
	// Relation is the recorded alignment read from the left element (explicit pairs only).
	Relation   kb.AlignRelation
	Confidence *float64
	Rationale  string
	// Construct is the shared construct (construct pairs only).
	Construct *kb.Construct
	// Path runs from the left element to the right one through the aligned elements between
	// them (transitive pairs only).
	Path []string
	// Score is the TF-IDF cosine similarity of the two elements' text and quotes, 0 to 1.
	Score       float64
	SharedTerms []string
	// Rank is what suggestions are chosen and ordered by: Score plus the match of the two
	// elements' neighbours, halved when their CMOCs are about different people (see
	// pairScorer); Reasons says which.
	Rank    float64
	Reasons PairReasons
}

// KindComparison compares the contexts, the mechanisms or the outcomes of two theories.
type KindComparison struct {
	Kind                  kb.Kind
	Pairs                 []Pair
	LeftOnly, RightOnly   []kb.Node
	LeftCount, RightCount int
	// PairedLeft and PairedRight count the elements of each side that are in some pair.
	PairedLeft, PairedRight int
}

// Comparison sets two programme theories side by side.
type Comparison struct {
	Left, Right *kb.ProgrammeTheory
	Threshold   float64
	Contexts    KindComparison
	Mechanisms  KindComparison
	Outcomes    KindComparison
}

// Compare pairs the elements of two programme theories kind by kind: explicit alignments first,
// then shared constructs, then text similarity at or above threshold (0 means DefaultThreshold).
// It costs a fixed number of store calls, whatever the size of the theories.
func (a *Analyst) Compare(ctx context.Context, leftID, rightID string, threshold float64) (*Comparison, error) {
	if threshold == 0 {
		threshold = DefaultThreshold
	}
	if threshold < 0 || threshold > 1 {
		return nil, kb.Invalid("threshold", "must be between 0 and 1, not %g", threshold)
	}
	r := a.reader()
	if err := r.load(ctx, leftID, rightID); err != nil {
		return nil, err
	}
	left, err := r.mustNode(ctx, "left", leftID, kb.KindProgrammeTheory)
	if err != nil {
		return nil, err
	}
	right, err := r.mustNode(ctx, "right", rightID, kb.KindProgrammeTheory)
	if err != nil {
		return nil, err
	}
	if leftID == rightID {
		return nil, kb.Invalid("right", "is the same programme theory as left")
	}
	// the lexicon, when a start or a write to the crosswalk left none, is built beside the
	// reads and the counting of words below, which do not need it
	taught := a.taughtMeanwhile(ctx)
	elements := map[kb.Kind][2][]kb.Node{}
	var ids []string
	for _, k := range elementKindsOrder {
		nodes, err := r.owned(ctx, k, leftID, rightID)
		if err != nil {
			return nil, err
		}
		var sides [2][]kb.Node
		for _, n := range nodes {
			side := 0
			if n.Owner() == rightID {
				side = 1
			}
			sides[side] = append(sides[side], n)
			ids = append(ids, n.NodeID())
		}
		elements[k] = sides
	}
	aligns, err := r.linksBothWays(ctx, ids, kb.RelAligns)
	if err != nil {
		return nil, err
	}
	instances, err := r.links(ctx, false, ids, kb.RelInstanceOf)
	if err != nil {
		return nil, err
	}
	quotes, err := r.quotesBehind(ctx, ids)
	if err != nil {
		return nil, err
	}
	var constructIDs []string
	for _, l := range instances {
		constructIDs = append(constructIDs, l.To)
	}
	if err := r.load(ctx, constructIDs...); err != nil {
		return nil, err
	}
	st, err := r.structureOf(ctx, leftID, rightID)
	if err != nil {
		return nil, err
	}
	corpora, kindOf := map[kb.Kind]*text.Corpus{}, map[string]kb.Kind{}
	for k, sides := range elements {
		docs := map[string]string{}
		for _, n := range slices.Concat(sides[0], sides[1]) {
			docs[n.NodeID()] = elementText(n, quotes[n.NodeID()])
			kindOf[n.NodeID()] = k
		}
		corpora[k] = r.terms.Corpus(docs)
	}
	var leftIDs []string
	rightSet := map[string]bool{}
	for _, sides := range elements {
		for _, n := range sides[0] {
			leftIDs = append(leftIDs, n.NodeID())
		}
		for _, n := range sides[1] {
			rightSet[n.NodeID()] = true
		}
	}
	paths, err := r.reachAcross(ctx, leftIDs, rightSet)
	if err != nil {
		return nil, err
	}
	rejected, err := r.rejectedWith(ctx, leftIDs)
	if err != nil {
		return nil, err
	}
	lex, err := taught()
	if err != nil {
		return nil, err
	}
	scorer := pairScorer{st: st, corpora: corpora, kindOf: kindOf, lex: lex, nodeOf: r.node, terms: map[string]termSet{}, cache: r.terms, an: text.NewAnalyzer(),
		sims: map[[2]string]float64{}}
	c := &Comparison{Left: left.(*kb.ProgrammeTheory), Right: right.(*kb.ProgrammeTheory), Threshold: threshold}
	in := comparisonInput{r: r, aligns: aligns, instances: instances, quotes: quotes, threshold: threshold, scorer: scorer, paths: paths, rejected: rejected}
	c.Contexts = in.compareKind(kb.KindContext, elements[kb.KindContext])
	c.Mechanisms = in.compareKind(kb.KindMechanism, elements[kb.KindMechanism])
	c.Outcomes = in.compareKind(kb.KindOutcome, elements[kb.KindOutcome])
	return c, nil
}

var elementKindsOrder = []kb.Kind{kb.KindContext, kb.KindMechanism, kb.KindOutcome}

type comparisonInput struct {
	r         *reader
	aligns    []kb.Link
	instances []kb.Link
	quotes    map[string][]*kb.Quote
	threshold float64
	scorer    pairScorer
	paths     map[[2]string][]string // (left, right) -> a path of recorded alignments between them
	rejected  map[[2]string]bool     // pairs a reviewer rejected: never implied or suggested
}

func (in comparisonInput) compareKind(k kb.Kind, sides [2][]kb.Node) KindComparison {
	left, right := sides[0], sides[1]
	kc := KindComparison{Kind: k, LeftCount: len(left), RightCount: len(right), Pairs: []Pair{}}
	onLeft, onRight := idSet(left), idSet(right)
	corpus := in.scorer.corpora[k]
	paired := map[[2]string]bool{}
	add := func(p Pair) {
		key := [2]string{p.Left.NodeID(), p.Right.NodeID()}
		if paired[key] {
			return
		}
		paired[key] = true
		p.Score = corpus.Similarity(key[0], key[1])
		p.SharedTerms = corpus.SharedTerms(key[0], key[1])
		p.Rank, p.Reasons = in.scorer.score(key[0], key[1])
		kc.Pairs = append(kc.Pairs, p)
	}
	for _, l := range in.aligns {
		switch {
		case onLeft[l.From] && onRight[l.To]:
			add(Pair{Left: in.r.node(l.From), Right: in.r.node(l.To), Basis: BasisExplicit, Relation: l.Relation, Confidence: l.Confidence, Rationale: l.Rationale})
		case onLeft[l.To] && onRight[l.From]:
			add(Pair{Left: in.r.node(l.To), Right: in.r.node(l.From), Basis: BasisExplicit, Relation: l.Relation.Inverse(), Confidence: l.Confidence, Rationale: l.Rationale})
		}
	}
	byConstruct := map[string][2][]string{}
	for _, l := range in.instances {
		sides := byConstruct[l.To]
		if onLeft[l.From] {
			sides[0] = append(sides[0], l.From)
		} else if onRight[l.From] {
			sides[1] = append(sides[1], l.From)
		}
		byConstruct[l.To] = sides
	}
	for _, cid := range sortedKeys(byConstruct) {
		construct, _ := in.r.node(cid).(*kb.Construct)
		for _, l := range byConstruct[cid][0] {
			for _, r := range byConstruct[cid][1] {
				add(Pair{Left: in.r.node(l), Right: in.r.node(r), Basis: BasisConstruct, Construct: construct})
			}
		}
	}
	for _, key := range sortedPairs(in.paths) {
		if onLeft[key[0]] && onRight[key[1]] && !in.rejected[key] {
			add(Pair{Left: in.r.node(key[0]), Right: in.r.node(key[1]), Basis: BasisTransitive, Path: in.paths[key]})
		}
	}
	// a suggestion pairs two elements that are each other's best match on the other side, by
	// words, neighbours and actors, when that is close enough
	scores := make([][]float64, len(left))
	for i, l := range left {
		scores[i] = make([]float64, len(right))
		for j, r := range right {
			scores[i][j] = in.scorer.rank(l.NodeID(), r.NodeID())
		}
	}
	var suggested [][2]string
	for i := range left {
		j := bestIndex(len(right), func(j int) float64 { return scores[i][j] }, in.threshold)
		if j >= 0 && bestIndex(len(left), func(i int) float64 { return scores[i][j] }, in.threshold) == i {
			suggested = append(suggested, [2]string{left[i].NodeID(), right[j].NodeID()})
		}
	}
	for _, s := range suggested {
		if !paired[s] && !in.rejected[s] {
			add(Pair{Left: in.r.node(s[0]), Right: in.r.node(s[1]), Basis: BasisSuggestion})
		}
	}
	sort.SliceStable(kc.Pairs, func(i, j int) bool {
		a, b := kc.Pairs[i], kc.Pairs[j]
		if basisRank[a.Basis] != basisRank[b.Basis] {
			return basisRank[a.Basis] < basisRank[b.Basis]
		}
		if a.Rank != b.Rank {
			return a.Rank > b.Rank
		}
		if a.Left.NodeID() != b.Left.NodeID() {
			return a.Left.NodeID() < b.Left.NodeID()
		}
		return a.Right.NodeID() < b.Right.NodeID()
	})
	inPair := map[string]bool{}
	for _, p := range kc.Pairs {
		inPair[p.Left.NodeID()], inPair[p.Right.NodeID()] = true, true
	}
	kc.LeftOnly, kc.PairedLeft = unpaired(left, inPair)
	kc.RightOnly, kc.PairedRight = unpaired(right, inPair)
	return kc
}

// bestIndex is the index of the highest score at or above threshold (the first of equals), or
// -1 when none reaches it.
func bestIndex(n int, score func(int) float64, threshold float64) int {
	best, bestScore := -1, 0.0
	for i := 0; i < n; i++ {
		if s := score(i); s >= threshold && s > bestScore {
			best, bestScore = i, s
		}
	}
	return best
}

var basisRank = map[Basis]int{BasisExplicit: 0, BasisConstruct: 1, BasisTransitive: 2, BasisSuggestion: 3}

func unpaired(nodes []kb.Node, inPair map[string]bool) ([]kb.Node, int) {
	out := []kb.Node{}
	for _, n := range nodes {
		if !inPair[n.NodeID()] {
			out = append(out, n)
		}
	}
	sortByName(out)
	return out, len(nodes) - len(out)
}

func idSet(nodes []kb.Node) map[string]bool {
	out := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		out[n.NodeID()] = true
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sortByName orders nodes by name, then id: the order a reviewer scans a list in.
func sortByName(nodes []kb.Node) {
	sort.SliceStable(nodes, func(i, j int) bool {
		a, b := nodeName(nodes[i]), nodeName(nodes[j])
		if a != b {
			return a < b
		}
		return nodes[i].NodeID() < nodes[j].NodeID()
	})
}

// nodeName is the name a node is shown by: a CMOC with its label.
func nodeName(n kb.Node) string {
	if c, ok := n.(*kb.CMOC); ok && c.Label != "" {
		return c.Code + ": " + c.Label
	}
	return kb.NameOf(n)
}

func sortedPairs(m map[[2]string][]string) [][2]string {
	out := make([][2]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b [2]string) int {
		if a[0] != b[0] {
			return strings.Compare(a[0], b[0])
		}
		return strings.Compare(a[1], b[1])
	})
	return out
}

// reachAcross finds, for each start, the targets (any element when nil) it reaches through two or more joining
// alignments (SAME_AS, BROADER, NARROWER) between elements of its kind, by a shortest path:
// the pairs a reviewer's links imply without stating. One hop's links per store call, at most
// MaxEvidenceHops hops.
func (r *reader) reachAcross(ctx context.Context, starts []string, targets map[string]bool) (map[[2]string][]string, error) {
	type walk struct{ path []string }
	var frontier []walk
	seen := map[[2]string]bool{}
	for _, s := range starts {
		frontier = append(frontier, walk{[]string{s}})
		seen[[2]string{s, s}] = true
	}
	out := map[[2]string][]string{}
	for hop := 1; hop <= MaxEvidenceHops && len(frontier) > 0; hop++ {
		ends := make([]string, len(frontier))
		for i, w := range frontier {
			ends[i] = w.path[len(w.path)-1]
		}
		ends = uniqueSorted(ends)
		ls, err := r.linksBothWays(ctx, ends, kb.RelAligns)
		if err != nil {
			return nil, err
		}
		byEnd := map[string][]kb.Link{}
		var others []string
		for _, l := range ls {
			if joins(l.Relation) {
				byEnd[l.From] = append(byEnd[l.From], l)
				byEnd[l.To] = append(byEnd[l.To], l)
				others = append(others, l.From, l.To)
			}
		}
		if err := r.load(ctx, append(starts, others...)...); err != nil {
			return nil, err
		}
		var next []walk
		for _, w := range frontier {
			start, end := w.path[0], w.path[len(w.path)-1]
			for _, l := range byEnd[end] {
				other := otherEnd(l, end)
				key := [2]string{start, other}
				n, s := r.node(other), r.node(start)
				if seen[key] || n == nil || s == nil || n.NodeKind() != s.NodeKind() {
					continue
				}
				seen[key] = true
				p := append(slices.Clone(w.path), other)
				if (targets == nil || targets[other]) && hop >= 2 {
					out[key] = p
				}
				next = append(next, walk{p})
			}
		}
		frontier = next
	}
	return out, nil
}
