package analysis

import (
	"cmp"
	"context"
	"slices"
	"sort"

	"github.com/cmograph/cmograph/internal/kb"
)

// CMOCSuggestion is a likely counterpart of a whole CMOC in another study: a configuration
// whose context, mechanism and outcome match the asked one's.
type CMOCSuggestion struct {
	CMOC    *kb.CMOC
	StudyID string
	// Score sums, kind by kind, the best BM25 relevance of one of the candidate's elements to
	// one of the asked CMOC's, halved when the two are about different people.
	Score float64
	// Matches are those best pairs, context first, then mechanism, then outcome.
	Matches []PartMatch
	// SharedActors are the actors both CMOCs name; OtherActors says both name some and share
	// none.
	SharedActors []kb.Actor
	OtherActors  bool
	// SharedRoles are the roles (as the studies name them) both CMOCs name; they raise the
	// score a fifth.
	SharedRoles []string
}

// PartMatch pairs an element of the asked CMOC with one of a candidate's.
type PartMatch struct {
	Asked, Candidate kb.Node
	Score            float64
}

// SuggestCMOCs ranks the CMOCs of other studies by how well their contexts, mechanisms and
// outcomes together match the CMOC's: a configuration is a counterpart when all its parts are,
// not when one word of one part is. A reviewer accepts one by aligning the matched parts (an
// applyBatch of alignElements). It searches once per element of the CMOC and reads the
// candidates in three more store calls.
func (a *Analyst) SuggestCMOCs(ctx context.Context, cmocID string, limit int) ([]CMOCSuggestion, error) {
	limit, err := pageSize(limit, DefaultSuggestions, MaxSuggestions)
	if err != nil {
		return nil, err
	}
	r := a.reader()
	n, err := r.mustNode(ctx, "cmocId", cmocID, kb.KindCMOC)
	if err != nil {
		return nil, err
	}
	asked := n.(*kb.CMOC)
	parts, err := r.links(ctx, false, []string{cmocID}, elementRels...)
	if err != nil {
		return nil, err
	}
	var partIDs []string
	for _, l := range parts {
		partIDs = append(partIDs, l.To)
	}
	if err := r.load(ctx, partIDs...); err != nil {
		return nil, err
	}
	// best[e'] is the asked element that candidate element e' matches best, and how well
	type hit struct {
		asked string
		score float64
	}
	best := map[string]hit{}
	for _, id := range uniqueSorted(partIDs) {
		el := r.node(id)
		if el == nil {
			continue
		}
		hits, err := a.store.Search(ctx, kb.SearchQuery{Text: clip(kb.SearchText(el), kb.MaxSearchText), Kinds: []kb.Kind{el.NodeKind()}, Limit: searchDepth})
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			if h.ID != id && h.Score > best[h.ID].score {
				best[h.ID] = hit{id, h.Score}
			}
		}
	}
	candidateElements := make([]string, 0, len(best))
	for id := range best {
		candidateElements = append(candidateElements, id)
	}
	uses, err := r.links(ctx, true, uniqueSorted(candidateElements), elementRels...)
	if err != nil {
		return nil, err
	}
	// per candidate CMOC and kind, its best-matching element
	byCMOC := map[string]map[kb.RelType]string{}
	for _, l := range uses {
		if l.From == cmocID {
			continue
		}
		m := byCMOC[l.From]
		if m == nil {
			m = map[kb.RelType]string{}
			byCMOC[l.From] = m
		}
		if cur, ok := m[l.Type]; !ok || best[l.To].score > best[cur].score || (best[l.To].score == best[cur].score && l.To < cur) {
			m[l.Type] = l.To
		}
	}
	ids := make([]string, 0, len(byCMOC))
	for id := range byCMOC {
		ids = append(ids, id)
	}
	toLoad := slices.Clone(ids)
	for _, m := range byCMOC {
		for _, e := range m {
			toLoad = append(toLoad, e)
		}
	}
	if err := r.load(ctx, toLoad...); err != nil {
		return nil, err
	}
	studyOf, err := r.studiesOf(ctx, append(slices.Clone(ids), cmocID))
	if err != nil {
		return nil, err
	}
	var out []CMOCSuggestion
	for _, id := range ids {
		c, ok := r.node(id).(*kb.CMOC)
		if !ok || studyOf[id] == "" || studyOf[id] == studyOf[cmocID] {
			continue
		}
		s := CMOCSuggestion{CMOC: c, StudyID: studyOf[id]}
		for _, rel := range elementRels {
			e, ok := byCMOC[id][rel]
			if !ok {
				continue
			}
			h := best[e]
			s.Score += h.score
			s.Matches = append(s.Matches, PartMatch{Asked: r.node(h.asked), Candidate: r.node(e), Score: h.score})
		}
		for _, x := range asked.Actors {
			if slices.Contains(c.Actors, x) {
				s.SharedActors = append(s.SharedActors, x)
			}
		}
		if len(asked.Actors) > 0 && len(c.Actors) > 0 && len(s.SharedActors) == 0 {
			s.OtherActors = true
			s.Score *= otherActors
		}
		for _, x := range asked.Roles {
			if slices.ContainsFunc(c.Roles, func(y string) bool { return kb.RoleKey(x) == kb.RoleKey(y) }) {
				s.SharedRoles = append(s.SharedRoles, x)
			}
		}
		if len(s.SharedRoles) > 0 {
			s.Score *= 1 + sharedRole
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		return cmp.Or(cmp.Compare(out[j].Score, out[i].Score), cmp.Compare(out[i].CMOC.ID, out[j].CMOC.ID)) < 0
	})
	return out[:min(limit, len(out))], nil
}
