package graph

import (
	"context"
	"slices"

	"github.com/cmograph/cmograph/graph/model"
	"github.com/cmograph/cmograph/internal/analysis"
	"github.com/cmograph/cmograph/internal/kb"
)

func evidenceLinks(qs []analysis.QuoteEvidence) []kb.Link {
	out := make([]kb.Link, len(qs))
	for i, q := range qs {
		out[i] = q.Link
	}
	return out
}

var searchKinds = map[model.SearchKind]kb.Kind{
	model.SearchKindStudy:           kb.KindStudy,
	model.SearchKindProgrammeTheory: kb.KindProgrammeTheory,
	model.SearchKindCmoc:            kb.KindCMOC,
	model.SearchKindContext:         kb.KindContext,
	model.SearchKindMechanism:       kb.KindMechanism,
	model.SearchKindOutcome:         kb.KindOutcome,
	model.SearchKindQuote:           kb.KindQuote,
	model.SearchKindTheory:          kb.KindTheory,
	model.SearchKindConstruct:       kb.KindConstruct,
	model.SearchKindSetting:         kb.KindSetting,
}

var elementKinds = map[model.ElementKind]kb.Kind{
	model.ElementKindContext:   kb.KindContext,
	model.ElementKindMechanism: kb.KindMechanism,
	model.ElementKindOutcome:   kb.KindOutcome,
}

// matchPath is the elements of an evidence match's path, in order.
func (r *Resolver) matchPath(ctx context.Context, m *analysis.Match) ([]kb.Node, error) {
	return r.pathOf(ctx, m.Path)
}

// pathOf is the nodes of a path of ids, in order, leaving out any since deleted.
func (r *Resolver) pathOf(ctx context.Context, ids []string) ([]kb.Node, error) {
	nodes, err := nodesOrNil(ctx, r, ids)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(nodes, func(n kb.Node) bool { return n == nil }), nil
}

// optionalRelation is a relation, or null when there is none.
func optionalRelation(rel kb.AlignRelation) *kb.AlignRelation {
	if rel == "" {
		return nil
	}
	return &rel
}

// neighbourMatch is a pair's best-matching neighbours, or null when none match.
func (r *Resolver) neighbourMatch(ctx context.Context, why *analysis.PairReasons) (*model.NeighbourMatch, error) {
	if why.Neighbours[0] == "" {
		return nil, nil
	}
	nodes, err := nodesOrNil(ctx, r, why.Neighbours[:])
	if err != nil || nodes[0] == nil || nodes[1] == nil {
		return nil, err
	}
	return &model.NeighbourMatch{Left: nodes[0], Right: nodes[1], Score: why.NeighbourScore}, nil
}

// kindsOf maps element kinds as GraphQL names them to the store's.
func kindsOf(ks []model.ElementKind) []kb.Kind {
	out := make([]kb.Kind, len(ks))
	for i, k := range ks {
		out[i] = elementKinds[k]
	}
	return out
}

// constructsOf is the constructs with the given ids, in order, leaving out any since deleted.
func (r *Resolver) constructsOf(ctx context.Context, ids []string) ([]kb.Construct, error) {
	nodes, err := nodesOrNil(ctx, r, ids)
	if err != nil {
		return nil, err
	}
	out := make([]kb.Construct, 0, len(nodes))
	for _, n := range nodes {
		if c, ok := n.(*kb.Construct); ok {
			out = append(out, *c)
		}
	}
	return out, nil
}

// termPairs are the word pairs accepted links bridged, as GraphQL gives them.
func termPairs(pairs [][2]string) []model.TermPair {
	out := make([]model.TermPair, len(pairs))
	for i, p := range pairs {
		out[i] = model.TermPair{Left: p[0], Right: p[1]}
	}
	return out
}
