package analysis

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/text"
)

// Suggestion is a likely counterpart of an element in another study.
type Suggestion struct {
	Element kb.Node
	StudyID string
	// Score is the BM25 relevance of the candidate's own text to the element's text and quotes,
	// plus half the relevance of the best quote behind the candidate: higher is better.
	Score float64
	// SharedTerms are the stemmed terms the two sides have in common, in the element's order.
	SharedTerms []string
	// Aligned is the relation already recorded between the two, read from the element's side,
	// or "" when none is: a reviewer accepts a suggestion by aligning the pair.
	Aligned kb.AlignRelation
	// TextScore is the BM25 relevance alone; Score weighs it by what the graph knows (see
	// weighByGraph), and Reasons says what that was.
	TextScore float64
	Reasons   PairReasons
	// Path, when set, runs from the element to the candidate through recorded SAME_AS, BROADER
	// and NARROWER alignments: the reviewer's links imply the pair, and it ranks first.
	Path []string
}

// quoteWeight is how much a match in the quotes behind a candidate counts against a match in
// its own words.
const quoteWeight = 0.5

// Suggestion bounds.
const (
	DefaultSuggestions = 10
	MaxSuggestions     = 100
)

// searchDepth is how many hits of each kind a suggestion search considers.
const searchDepth = 200

// Suggest ranks the elements of the same kind in other studies by how well their text matches
// the element's name, description (and resource and reasoning) and the quotes behind it.
func (a *Analyst) Suggest(ctx context.Context, elementID string, limit int) ([]Suggestion, error) {
	return a.SuggestAcross(ctx, elementID, nil, limit)
}

// SuggestAcross is Suggest among elements of the given kinds (the element's own when none):
// an outcome's counterparts may be the contexts and mechanisms of other studies, where the
// outcome of one configuration is what another starts from or works through (kb.AlignsAcross).
func (a *Analyst) SuggestAcross(ctx context.Context, elementID string, kinds []kb.Kind, limit int) ([]Suggestion, error) {
	limit, err := pageSize(limit, DefaultSuggestions, MaxSuggestions)
	if err != nil {
		return nil, err
	}
	r := a.reader()
	el, err := r.mustNode(ctx, "elementId", elementID, kb.KindContext, kb.KindMechanism, kb.KindOutcome)
	if err != nil {
		return nil, err
	}
	if len(kinds) == 0 {
		kinds = []kb.Kind{el.NodeKind()}
	}
	for i, k := range kinds {
		if k != el.NodeKind() && !kb.AlignsAcross(el.NodeKind(), k) {
			return nil, kb.Invalid(fmt.Sprintf("kinds[%d]", i), "a %s has no counterparts among %ss; ask for its own kind%s", el.NodeKind(), k, acrossHint(el.NodeKind()))
		}
	}
	quotes, err := r.quotesBehind(ctx, []string{elementID})
	if err != nil {
		return nil, err
	}
	query := elementText(el, quotes[elementID])
	lex, err := a.taught(ctx)
	if err != nil {
		return nil, err
	}
	// the words accepted links bridged go first: a long query is clipped at its end
	search := query
	if more := lex.expansion(elementID, lex.terms(r.terms, text.NewAnalyzer(), el)); len(more) > 0 {
		search = strings.Join(more, " ") + "\n" + query
	}
	hits, err := a.store.Search(ctx, kb.SearchQuery{Text: clip(search, kb.MaxSearchText), Kinds: append(slices.Clone(kinds), kb.KindQuote), Limit: searchDepth})
	if err != nil {
		return nil, err
	}
	scores := map[string]float64{}
	quoteScore := map[string]float64{}
	var quoteIDs []string
	for _, h := range hits {
		if h.Kind == kb.KindQuote {
			quoteScore[h.ID] = h.Score
			quoteIDs = append(quoteIDs, h.ID)
		} else if h.ID != elementID {
			scores[h.ID] += h.Score
		}
	}
	// quotes count for the elements of the CMOCs they evidence
	ev, err := r.links(ctx, false, quoteIDs, kb.RelEvidences)
	if err != nil {
		return nil, err
	}
	quotesOfCMOC := map[string][]string{}
	var cmocs []string
	for _, l := range ev {
		quotesOfCMOC[l.To] = append(quotesOfCMOC[l.To], l.From)
		cmocs = append(cmocs, l.To)
	}
	rels := make([]kb.RelType, len(kinds))
	for i, k := range kinds {
		rels[i] = elementRel(k)
	}
	uses, err := r.links(ctx, false, cmocs, rels...)
	if err != nil {
		return nil, err
	}
	bestQuote := map[string]float64{}
	for _, l := range uses {
		for _, q := range quotesOfCMOC[l.From] {
			if quoteScore[q] > bestQuote[l.To] {
				bestQuote[l.To] = quoteScore[q]
			}
		}
	}
	for id, s := range bestQuote {
		if id != elementID {
			scores[id] += quoteWeight * s
		}
	}
	// what the reviewer's own alignments imply (A~B and B~C suggests A~C) ranks above what
	// words suggest
	implied, err := r.reachAcross(ctx, []string{elementID}, nil)
	if err != nil {
		return nil, err
	}
	top := 0.0
	textScores := make(map[string]float64, len(scores))
	for id, s := range scores {
		top = max(top, s)
		textScores[id] = s
	}
	// elements that instantiate one of the element's constructs are candidates even when they
	// share no words with it (CHIME's hope as "optimism" in one paper, "hope" in another)
	mates, err := r.constructMates(ctx, elementID, kinds)
	if err != nil {
		return nil, err
	}
	for _, id := range mates {
		scores[id] = max(scores[id], top*sharedConstruct)
		textScores[id] = scores[id]
	}
	paths := map[string][]string{}
	for key, p := range implied {
		paths[key[1]] = p
		scores[key[1]] += top + 1
	}
	rejected, err := r.rejectedWith(ctx, []string{elementID})
	if err != nil {
		return nil, err
	}
	candidates := make([]string, 0, len(scores))
	for id := range scores {
		if !rejected[[2]string{elementID, id}] {
			candidates = append(candidates, id)
		}
	}
	studyOf, err := r.studiesOf(ctx, append(candidates, elementID))
	if err != nil {
		return nil, err
	}
	home := studyOf[elementID]
	var out []Suggestion
	for _, id := range candidates {
		if study := studyOf[id]; study != "" && study != home {
			out = append(out, Suggestion{Element: r.node(id), StudyID: study, Score: scores[id], TextScore: textScores[id], Path: paths[id]})
		}
	}
	if err := weighByGraph(ctx, r, lex, el, home, out); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Element.NodeID() < out[j].Element.NodeID()
	})
	if len(out) > limit {
		out = out[:limit]
	}
	if err := a.describeSuggestions(ctx, r, elementID, query, out); err != nil {
		return nil, err
	}
	return out, nil
}

// describeSuggestions fills in the shared terms and any alignment already recorded.
func (a *Analyst) describeSuggestions(ctx context.Context, r *reader, elementID, query string, out []Suggestion) error {
	ids := make([]string, len(out))
	for i, s := range out {
		ids[i] = s.Element.NodeID()
	}
	quotes, err := r.quotesBehind(ctx, ids)
	if err != nil {
		return err
	}
	aligned, err := alignmentsFrom(ctx, r, elementID)
	if err != nil {
		return err
	}
	an := text.NewAnalyzer()
	for i := range out {
		id := ids[i]
		out[i].SharedTerms = r.terms.SharedTerms(an, query, elementText(out[i].Element, quotes[id]))
		out[i].Aligned = aligned[id]
	}
	return nil
}

// alignmentsFrom reads the element's alignments as relations from its own side.
func alignmentsFrom(ctx context.Context, r *reader, id string) (map[string]kb.AlignRelation, error) {
	out := map[string]kb.AlignRelation{}
	for _, in := range []bool{false, true} {
		ls, err := r.links(ctx, in, []string{id}, kb.RelAligns)
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			if in {
				out[l.From] = l.Relation.Inverse()
			} else {
				out[l.To] = l.Relation
			}
		}
	}
	return out, nil
}

// elementText is what an element says: its own words and the quotes behind it.
func elementText(n kb.Node, quotes []*kb.Quote) string {
	var b strings.Builder
	b.WriteString(kb.SearchText(n))
	for _, q := range quotes {
		b.WriteString("\n")
		b.WriteString(q.Text)
	}
	return b.String()
}

// clip cuts s to at most n bytes on a word boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.LastIndexByte(s[:n], ' '); i > 0 {
		return s[:i]
	}
	return s[:n]
}

// weighByGraph weighs each candidate's relevance by what the graph knows of the pair (see
// pairScorer): the match of their neighbours raises it by up to half, a construct both
// instantiate by half, words that accepted links bridged by up to half, a role both name by a
// fifth, a study of the same population by a tenth and one that heard the same kinds of
// informants by a twentieth, and CMOCs about other people halve it. It reads the CMOCs that use
// the element and its candidates, the constructs and the studies in six store calls.
func weighByGraph(ctx context.Context, r *reader, lex *lexicon, el kb.Node, home string, out []Suggestion) error {
	if len(out) == 0 {
		return nil
	}
	st, err := r.structureAround(ctx, append([]string{el.NodeID()}, suggestionIDs(out)...))
	if err != nil {
		return err
	}
	// the neighbours are compared by their own words, within their kind
	var neighbourIDs []string
	for _, id := range append([]string{el.NodeID()}, suggestionIDs(out)...) {
		neighbourIDs = append(neighbourIDs, st.neighbours[id]...)
	}
	if err := r.load(ctx, neighbourIDs...); err != nil {
		return err
	}
	docs := map[kb.Kind]map[string]string{}
	ps := pairScorer{st: st, corpora: map[kb.Kind]*text.Corpus{}, kindOf: map[string]kb.Kind{}, lex: lex, nodeOf: r.node, terms: map[string]termSet{}, cache: r.terms, an: text.NewAnalyzer()}
	for _, id := range neighbourIDs {
		n := r.node(id)
		if n == nil {
			continue
		}
		k := n.NodeKind()
		if docs[k] == nil {
			docs[k] = map[string]string{}
		}
		docs[k][id] = kb.SearchText(n)
		ps.kindOf[id] = k
	}
	for k, d := range docs {
		ps.corpora[k] = r.terms.Corpus(d)
	}
	constructs, err := r.links(ctx, false, append([]string{el.NodeID()}, suggestionIDs(out)...), kb.RelInstanceOf)
	if err != nil {
		return err
	}
	instanceOf := map[string][]string{}
	for _, l := range constructs {
		instanceOf[l.From] = append(instanceOf[l.From], l.To)
	}
	studies := []string{home}
	for _, s := range out {
		studies = append(studies, s.StudyID)
	}
	if err := r.load(ctx, studies...); err != nil {
		return err
	}
	population := func(id string) kb.Population {
		if st, ok := r.node(id).(*kb.Study); ok {
			return st.Population
		}
		return ""
	}
	informants := func(id string) []kb.Informant {
		if st, ok := r.node(id).(*kb.Study); ok {
			return st.Informants
		}
		return nil
	}
	// the pair's own words are scored by BM25 already: score only what the graph adds
	own := el.NodeKind()
	ps.corpora[own] = text.NewCorpus(nil)
	ps.kindOf[el.NodeID()] = own
	for i := range out {
		id := out[i].Element.NodeID()
		ps.kindOf[id] = own
		_, why := ps.score(el.NodeID(), id)
		factor := 1 + neighbourWeight*why.NeighbourScore
		if why.OtherActors {
			factor *= otherActors
		}
		if len(why.SharedRoles) > 0 {
			factor *= 1 + sharedRole
		}
		factor *= 1 + taughtWeight*why.BridgeScore
		for _, x := range informants(home) {
			if slices.Contains(informants(out[i].StudyID), x) {
				why.SharedInformants = append(why.SharedInformants, x)
			}
		}
		if len(why.SharedInformants) > 0 {
			factor *= 1 + sharedInformants
		}
		for _, c := range instanceOf[id] {
			if slices.Contains(instanceOf[el.NodeID()], c) {
				why.SharedConstructs = append(why.SharedConstructs, c)
			}
		}
		if len(why.SharedConstructs) > 0 {
			factor *= 1 + sharedConstruct
		}
		if p := population(home); p != "" && p == population(out[i].StudyID) {
			why.SamePopulation = true
			factor *= 1 + samePopulation
		}
		out[i].Score *= factor
		out[i].Reasons = why
	}
	return nil
}

func suggestionIDs(ss []Suggestion) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Element.NodeID()
	}
	return out
}

// acrossHint names the other kinds an element of kind k may be aligned with.
func acrossHint(k kb.Kind) string {
	var out []string
	for _, other := range elementKindsOrder {
		if kb.AlignsAcross(k, other) {
			out = append(out, string(other))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " or " + strings.Join(out, ", ")
}

// rejectedWith reads the pairs a reviewer rejected (REJECTS, either way) that involve the
// given elements, each both ways round.
func (r *reader) rejectedWith(ctx context.Context, ids []string) (map[[2]string]bool, error) {
	ls, err := r.linksBothWays(ctx, ids, kb.RelRejects)
	if err != nil {
		return nil, err
	}
	out := make(map[[2]string]bool, 2*len(ls))
	for _, l := range ls {
		out[[2]string{l.From, l.To}], out[[2]string{l.To, l.From}] = true, true
	}
	return out, nil
}

// constructMates lists the elements of the given kinds that instantiate a construct the element
// instantiates, the element aside, in three store calls.
func (r *reader) constructMates(ctx context.Context, elementID string, kinds []kb.Kind) ([]string, error) {
	mine, err := r.links(ctx, false, []string{elementID}, kb.RelInstanceOf)
	if err != nil || len(mine) == 0 {
		return nil, err
	}
	constructs := make([]string, len(mine))
	for i, l := range mine {
		constructs[i] = l.To
	}
	theirs, err := r.links(ctx, true, constructs, kb.RelInstanceOf)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, l := range theirs {
		if l.From != elementID {
			ids = append(ids, l.From)
		}
	}
	ids = uniqueSorted(ids)
	if err := r.load(ctx, ids...); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ids, func(id string) bool {
		n := r.node(id)
		return n == nil || !slices.Contains(kinds, n.NodeKind())
	}), nil
}
