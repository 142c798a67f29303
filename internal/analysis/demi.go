package analysis

import (
	"context"
	"slices"

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
	s, err := a.scope(ctx, nil, corpusNeeds{kinds: []kb.Kind{kb.KindMechanism, kb.KindOutcome}, crosswalk: true})
	if err != nil {
		return nil, err
	}
	mechanisms, outcomes := newKeySpace(s, ByMechanism), newKeySpace(s, ByOutcome)
	type pattern struct {
		mechanism, outcome int32
		tally
	}
	var patterns []pattern
	var found [][2]int32                          // (pattern, CMOC), study by study
	index := make(map[uint64]int32, len(s.cmocs)) // mechanism root << 32 | outcome root -> pattern
	uses := make([]int32, len(s.elementIDs))
	var ms, os []int32
	s.eachCMOC(func(study, m int32) {
		ms = uniqueInts(mechanisms.of(m, kb.KindMechanism, uses, ms[:0]))
		os = uniqueInts(outcomes.of(m, kb.KindOutcome, uses, os[:0]))
		for _, mech := range ms {
			for _, out := range os {
				key := uint64(mech)<<32 | uint64(out)
				i, ok := index[key]
				if !ok {
					i = int32(len(patterns))
					index[key] = i
					patterns = append(patterns, pattern{mechanism: mech, outcome: out, tally: tally{lastStudy: -1}})
				}
				patterns[i].add(study)
				found = append(found, [2]int32{i, m})
			}
		}
	})
	cmocsOf := newAdjacency(len(patterns), found)
	var kept []int32
	for i := range patterns {
		if int(patterns[i].tally.studies) >= minStudies {
			kept = append(kept, int32(i))
		}
	}
	// most studies first, then most CMOCs, then by the clusters' keys (root positions are id order)
	slices.SortFunc(kept, func(a, b int32) int {
		pa, pb := &patterns[a], &patterns[b]
		switch {
		case pa.tally.studies != pb.tally.studies:
			return int(pb.tally.studies - pa.tally.studies)
		case pa.cmocs != pb.cmocs:
			return int(pb.cmocs - pa.cmocs)
		case pa.mechanism != pb.mechanism:
			return int(pa.mechanism - pb.mechanism)
		}
		return int(pa.outcome - pb.outcome)
	})
	kept = kept[:min(limit, len(kept))]
	roots := make([]int32, 0, 2*len(kept))
	for _, i := range kept {
		roots = append(roots, patterns[i].mechanism, patterns[i].outcome)
	}
	described, err := s.describe(ctx, uniqueInts(roots), uses)
	if err != nil {
		return nil, err
	}
	out := make([]DemiRegularity, 0, len(kept))
	for _, i := range kept {
		p := &patterns[i]
		d := DemiRegularity{Mechanism: described[p.mechanism], Outcome: described[p.outcome]}
		// a pattern's CMOCs came study by study
		cmocs := slices.Clone(cmocsOf.of(i))
		for j, m := range cmocs {
			if st := s.cmocStudy[m]; j == 0 || st != s.cmocStudy[cmocs[j-1]] {
				d.Studies = append(d.Studies, s.corpus.studies[st])
			}
		}
		s.sortCMOCs(cmocs)
		d.CMOCs = s.cmocsAt(cmocs)
		out = append(out, d)
	}
	return out, nil
}

// StudyCount is how many independent studies show the pattern.
func (d DemiRegularity) StudyCount() int { return len(d.Studies) }
