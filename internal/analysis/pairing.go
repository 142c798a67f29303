package analysis

import (
	"context"
	"slices"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/text"
)

// Words alone pair elements badly across studies: the youth paper's empowerment of the peer
// worker shares more words with Gillard's role-modelling than the youth paper's own peer
// modelling does. What the graph knows tells them apart: whose reasoning the CMOCs using an
// element are about (its actors), and what it is used with (its neighbours: the outcomes a
// mechanism produces, the mechanisms an outcome comes from, the mechanisms a context triggers).
// Two mechanisms about the same people, producing outcomes that match, are likelier
// counterparts than two that merely share words.

// structure is what the CMOCs of some programme theories say about their elements.
type structure struct {
	actors     map[string][]kb.Actor // element -> the actors of the CMOCs using it, each once
	roles      map[string][]string   // element -> the roles of the CMOCs using it, each once
	neighbours map[string][]string   // element -> the elements of other kinds its CMOCs use
}

// structureOf reads the CMOCs of the programme theories and the elements they use, in two
// store calls.
func (r *reader) structureOf(ctx context.Context, ptIDs ...string) (*structure, error) {
	cmocs, err := r.owned(ctx, kb.KindCMOC, ptIDs...)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(cmocs))
	for i, c := range cmocs {
		ids[i] = c.NodeID()
	}
	uses, err := r.links(ctx, false, ids, elementRels...)
	if err != nil {
		return nil, err
	}
	return structureFrom(cmocs, uses), nil
}

// structureAround is structureOf for just the given elements, read from the CMOCs that use
// them, in three store calls: what a suggestion weighs its candidates by, without reading
// every CMOC of every candidate's theory.
func (r *reader) structureAround(ctx context.Context, elementIDs []string) (*structure, error) {
	using, err := r.links(ctx, true, elementIDs, elementRels...)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(using))
	for _, l := range using {
		ids = append(ids, l.From)
	}
	ids = uniqueSorted(ids)
	if err := r.load(ctx, ids...); err != nil {
		return nil, err
	}
	uses, err := r.links(ctx, false, ids, elementRels...)
	if err != nil {
		return nil, err
	}
	cmocs := make([]kb.Node, 0, len(ids))
	for _, id := range ids {
		if n := r.node(id); n != nil {
			cmocs = append(cmocs, n)
		}
	}
	return structureFrom(cmocs, uses), nil
}

// structureFrom is what the CMOCs say of the elements they use (uses: their element links).
func structureFrom(cmocs []kb.Node, uses []kb.Link) *structure {
	// an element is linked by the one relationship of its kind, so each use carries its type
	type use struct {
		element string
		rel     kb.RelType
	}
	usedBy := make(map[string][]use, len(cmocs))
	for _, l := range uses {
		usedBy[l.From] = append(usedBy[l.From], use{l.To, l.Type})
	}
	st := &structure{actors: map[string][]kb.Actor{}, roles: map[string][]string{}, neighbours: map[string][]string{}}
	for _, c := range cmocs {
		cmoc, ok := c.(*kb.CMOC)
		if !ok {
			continue
		}
		its := usedBy[cmoc.ID]
		for _, e := range its {
			for _, a := range cmoc.Actors {
				if !slices.Contains(st.actors[e.element], a) {
					st.actors[e.element] = append(st.actors[e.element], a)
				}
			}
			for _, role := range cmoc.Roles {
				if !slices.ContainsFunc(st.roles[e.element], func(r string) bool { return kb.RoleKey(r) == kb.RoleKey(role) }) {
					st.roles[e.element] = append(st.roles[e.element], role)
				}
			}
			for _, other := range its {
				if other.rel != e.rel && neighbourly(e.rel, other.rel) && !slices.Contains(st.neighbours[e.element], other.element) {
					st.neighbours[e.element] = append(st.neighbours[e.element], other.element)
				}
			}
		}
	}
	return st
}

// neighbourly says which elements of a CMOC characterise one another: a mechanism by its
// outcomes, an outcome by its mechanisms, a context by the mechanisms it triggers. (A context
// says little of an outcome, and the other way round.)
func neighbourly(of, by kb.RelType) bool {
	switch of {
	case kb.RelHasMechanism:
		return by == kb.RelHasOutcome
	case kb.RelHasOutcome, kb.RelHasContext:
		return by == kb.RelHasMechanism
	}
	return false
}

// Weights of the graph's signals in a pair's score.
const (
	// neighbourWeight is how much the best match among two elements' neighbours adds to the
	// similarity of their own words.
	neighbourWeight = 0.5
	// otherActors scales the score of two elements whose CMOCs are about different people
	// (both recorded, none in common): the peer worker's growth is no counterpart of a
	// mechanism that works on the young person.
	otherActors = 0.5
	// sharedConstruct raises a suggestion whose elements instantiate one construct by half: a
	// reviewer said each stands for it.
	sharedConstruct = 0.5
	// samePopulation raises a suggestion from a study of the same population a little:
	// children's services and adults' may differ in how a mechanism works.
	samePopulation = 0.1
	// sharedRole raises a pair whose CMOCs name one role a fifth: the study's own words for
	// whom it is about ("peer supporter with diabetes") say more than the category does.
	sharedRole = 0.2
	// sharedInformants raises a suggestion from a study that heard the same kinds of
	// informants a little: what staff report of a mechanism is not what service users do.
	sharedInformants = 0.05
)

// pairScorer scores pairs of elements of two sides from their words, their neighbours and
// their actors.
type pairScorer struct {
	st      *structure
	corpora map[kb.Kind]*text.Corpus // per kind, over both sides' elements
	kindOf  map[string]kb.Kind
	// lex is what accepted links taught (nil: nothing); nodeOf gives the elements whose own
	// words it is matched against, and terms keeps them
	lex    *lexicon
	nodeOf func(string) kb.Node
	terms  map[string]termSet
	// names are split through cache, and an stems the words it has not seen
	cache *text.TermCache
	an    *text.Analyzer
	// rankOnly skips writing the words of the reasons
	rankOnly bool
	// sims keeps the similarities of neighbours compared (nil: none kept): the elements of a
	// theory share neighbours, and a comparison asks of every pair of two theories' elements
	sims map[[2]string]float64
}

func (ps pairScorer) neighbourSimilarity(k kb.Kind, a, b string) float64 {
	if ps.sims == nil {
		return ps.corpora[k].Similarity(a, b)
	}
	key := [2]string{a, b}
	if s, ok := ps.sims[key]; ok {
		return s
	}
	s := ps.corpora[k].Similarity(a, b)
	ps.sims[key] = s
	return s
}

// PairReasons say why a pair scores as it does, beyond the words the two share.
type PairReasons struct {
	// Neighbours is the best-matching pair of neighbours (one of each side), when any match.
	Neighbours [2]string
	// NeighbourScore is their similarity, 0 to 1.
	NeighbourScore float64
	// SharedActors are the actors both sides' CMOCs are about; OtherActors says both record
	// actors and share none.
	SharedActors []kb.Actor
	OtherActors  bool
	// SharedConstructs are the constructs both elements instantiate, and SamePopulation says
	// their studies are about one population (suggestions only: a comparison pairs shared
	// constructs on their own basis, and its two sides' populations are fixed).
	SharedConstructs []string
	SamePopulation   bool
	// SharedRoles are the roles (as studies name them) both sides' CMOCs are about.
	SharedRoles []string
	// SharedInformants are the kinds of informant both studies heard (suggestions only).
	SharedInformants []kb.Informant
	// BridgedTerms are pairs of words, one of each side and neither shared, that alignments
	// reviewers accepted have bridged, strongest first; BridgeScore is how strongly, 0 to 1.
	BridgedTerms [][2]string
	BridgeScore  float64
}

// score is the pair's combined score and why.
func (ps pairScorer) score(a, b string) (float64, PairReasons) {
	k := ps.kindOf[a]
	s := ps.corpora[k].Similarity(a, b)
	var why PairReasons
	for _, na := range ps.st.neighbours[a] {
		for _, nb := range ps.st.neighbours[b] {
			nk := ps.kindOf[na]
			if nk != ps.kindOf[nb] || ps.corpora[nk] == nil {
				continue
			}
			if sim := ps.neighbourSimilarity(nk, na, nb); sim > why.NeighbourScore {
				why.NeighbourScore, why.Neighbours = sim, [2]string{na, nb}
			}
		}
	}
	s += neighbourWeight * why.NeighbourScore
	aa, ab := ps.st.actors[a], ps.st.actors[b]
	for _, x := range aa {
		if slices.Contains(ab, x) {
			why.SharedActors = append(why.SharedActors, x)
		}
	}
	if len(aa) > 0 && len(ab) > 0 && len(why.SharedActors) == 0 {
		why.OtherActors = true
		s *= otherActors
	}
	for _, ra := range ps.st.roles[a] {
		if slices.ContainsFunc(ps.st.roles[b], func(rb string) bool { return kb.RoleKey(ra) == kb.RoleKey(rb) }) {
			why.SharedRoles = append(why.SharedRoles, ra)
		}
	}
	if len(why.SharedRoles) > 0 {
		s *= 1 + sharedRole
	}
	if ps.lex != nil {
		why.BridgeScore, why.BridgedTerms = ps.lex.bridge(a, b, ps.termsOf(a), ps.termsOf(b), !ps.rankOnly)
		s *= 1 + taughtWeight*why.BridgeScore
	}
	return s, why
}

// rank is the pair's score alone, for a comparison that scores every pair of two theories'
// elements and reports the reasons of the few it pairs.
func (ps pairScorer) rank(a, b string) float64 {
	ps.rankOnly = true
	s, _ := ps.score(a, b)
	return s
}

func (ps pairScorer) termsOf(id string) termSet {
	if t, ok := ps.terms[id]; ok {
		return t
	}
	t := ps.lex.terms(ps.cache, ps.an, ps.nodeOf(id))
	ps.terms[id] = t
	return t
}
