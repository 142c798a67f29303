package analysis

import (
	"context"
	"sort"

	"github.com/cmograph/cmograph/internal/kb"
)

// DemiRegularity is a semi-predictable pattern: a mechanism (or a cluster of aligned
// mechanisms) producing an outcome (or cluster) in CMOCs of several independent studies.
type DemiRegularity struct {
	Mechanism, Outcome Cluster
	Studies            []*kb.Study
	CMOCs              []*kb.CMOC
}

// Demi-regularity bounds.
const (
	DefaultMinStudies = 2
	MaxDemiResults    = 1000
)

// DemiRegularities finds mechanism → outcome patterns that CMOCs of at least minStudies
// different studies report, counting aligned elements (SAME_AS, BROADER, NARROWER) and
// instances of one construct as the same element. Patterns backed by more studies come first.
func (a *Analyst) DemiRegularities(ctx context.Context, minStudies, limit int) ([]DemiRegularity, error) {
	if minStudies == 0 {
		minStudies = DefaultMinStudies
	}
	if minStudies < 1 {
		return nil, kb.Invalid("minStudies", "must be at least 1, not %d", minStudies)
	}
	limit, err := pageSize(limit, MaxDemiResults, MaxDemiResults)
	if err != nil {
		return nil, err
	}
	r := a.reader()
	v, err := r.readView(ctx, nil, viewNeeds{kinds: []kb.Kind{kb.KindMechanism, kb.KindOutcome}, clusters: true})
	if err != nil {
		return nil, err
	}
	type pattern struct {
		studies map[string]bool
		cmocs   []*kb.CMOC
	}
	patterns := map[[2]string]*pattern{}
	members := map[string][]string{}
	uses := map[string]int{}
	for i, c := range v.cmocs {
		ms := uniqueSorted(v.keysOf(i, ByMechanism, kb.KindMechanism, members, uses))
		os := uniqueSorted(v.keysOf(i, ByOutcome, kb.KindOutcome, members, uses))
		for _, m := range ms {
			for _, o := range os {
				key := [2]string{m, o}
				p := patterns[key]
				if p == nil {
					p = &pattern{studies: map[string]bool{}}
					patterns[key] = p
				}
				p.studies[v.studyOf(c)] = true
				p.cmocs = append(p.cmocs, c)
			}
		}
	}
	var keys [][2]string
	used := map[string][]string{}
	for key, p := range patterns {
		if len(p.studies) >= minStudies {
			keys = append(keys, key)
			used[key[0]], used[key[1]] = members[key[0]], members[key[1]]
		}
	}
	// compare counts read once, not looked up per comparison
	type ranked struct {
		key            [2]string
		studies, cmocs int
	}
	rank := make([]ranked, len(keys))
	for i, k := range keys {
		rank[i] = ranked{k, len(patterns[k].studies), len(patterns[k].cmocs)}
	}
	sort.Slice(rank, func(i, j int) bool {
		a, b := rank[i], rank[j]
		if a.studies != b.studies {
			return a.studies > b.studies
		}
		if a.cmocs != b.cmocs {
			return a.cmocs > b.cmocs
		}
		if a.key[0] != b.key[0] {
			return a.key[0] < b.key[0]
		}
		return a.key[1] < b.key[1]
	})
	for i, r := range rank {
		keys[i] = r.key
	}
	if len(keys) > limit {
		keys = keys[:limit]
	}
	described, err := v.describe(ctx, used, uses)
	if err != nil {
		return nil, err
	}
	out := make([]DemiRegularity, 0, len(keys))
	for _, key := range keys {
		p := patterns[key]
		d := DemiRegularity{Mechanism: described[key[0]], Outcome: described[key[1]], CMOCs: p.cmocs}
		for _, s := range v.studies {
			if p.studies[s.ID] {
				d.Studies = append(d.Studies, s)
			}
		}
		sort.SliceStable(d.CMOCs, func(i, j int) bool { return cmocLess(d.CMOCs[i], d.CMOCs[j]) })
		out = append(out, d)
	}
	return out, nil
}

// StudyCount is how many independent studies show the pattern.
func (d DemiRegularity) StudyCount() int { return len(d.Studies) }
