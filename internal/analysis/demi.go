package analysis

import (
	"context"

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
	if t, ok := a.tallier(); ok {
		return a.demiIn(ctx, t, minStudies, limit)
	}
	s, err := a.scope(ctx, nil, corpusNeeds{kinds: []kb.Kind{kb.KindMechanism, kb.KindOutcome}, crosswalk: true})
	if err != nil {
		return nil, err
	}
	mechanisms, outcomes := newKeySpace(s, ByMechanism), newKeySpace(s, ByOutcome)
	// every (mechanism cluster, outcome cluster) pair a CMOC shows, study by study, grouped
	// by two stable counting sorts (by outcome, then by mechanism): each pass streams through
	// memory, where a map of pairs probes at random, costs time in proportion to the corpus,
	// and keeps each pattern's CMOCs in study order
	width := uint32(len(s.elementIDs))
	var seen []occurrence
	uses := make([]int32, len(s.elementIDs))
	var ms, os []int32
	s.eachCMOC(func(study, m int32) {
		ms = uniqueInts(mechanisms.of(m, kb.KindMechanism, uses, ms[:0]))
		os = uniqueInts(outcomes.of(m, kb.KindOutcome, uses, os[:0]))
		for _, mech := range ms {
			for _, out := range os {
				seen = append(seen, occurrence{mechanism: mech, outcome: out, study: study, cmoc: m})
			}
		}
	})
	seen = countingSort(countingSort(seen, width, func(o occurrence) int32 { return o.outcome }), width, func(o occurrence) int32 { return o.mechanism })
	type pattern struct {
		mechanism, outcome int32
		start, end         int32 // its occurrences in seen
		studies            int32
	}
	var kept []pattern
	for start := 0; start < len(seen); {
		p := pattern{mechanism: seen[start].mechanism, outcome: seen[start].outcome, start: int32(start)}
		end := start
		for ; end < len(seen) && seen[end].mechanism == p.mechanism && seen[end].outcome == p.outcome; end++ {
			if end == start || seen[end].study != seen[end-1].study {
				p.studies++
			}
		}
		p.end = int32(end)
		if int(p.studies) >= minStudies {
			kept = append(kept, p)
		}
		start = end
	}
	// most studies first, then most CMOCs, then by the clusters' keys (root positions are id order)
	kept = firstK(kept, limit, func(a, b pattern) int {
		switch {
		case a.studies != b.studies:
			return int(b.studies - a.studies)
		case a.end-a.start != b.end-b.start:
			return int((b.end - b.start) - (a.end - a.start))
		case a.mechanism != b.mechanism:
			return int(a.mechanism - b.mechanism)
		}
		return int(a.outcome - b.outcome)
	})
	roots := make([]int32, 0, 2*len(kept))
	for _, p := range kept {
		roots = append(roots, p.mechanism, p.outcome)
	}
	described, err := s.describe(ctx, uniqueInts(roots), uses)
	if err != nil {
		return nil, err
	}
	out := make([]DemiRegularity, 0, len(kept))
	for _, p := range kept {
		d := DemiRegularity{Mechanism: described[p.mechanism], Outcome: described[p.outcome]}
		cmocs := make([]int32, 0, p.end-p.start)
		for j, o := range seen[p.start:p.end] {
			if j == 0 || o.study != seen[int(p.start)+j-1].study {
				d.Studies = append(d.Studies, s.studies[o.study])
			}
			cmocs = append(cmocs, o.cmoc)
		}
		s.sortCMOCs(cmocs)
		d.CMOCs = s.cmocsAt(cmocs)
		out = append(out, d)
	}
	return out, nil
}

// StudyCount is how many independent studies show the pattern.
func (d DemiRegularity) StudyCount() int { return len(d.Studies) }

// occurrence is one CMOC showing one pattern.
type occurrence struct {
	mechanism, outcome, study, cmoc int32
}

// countingSort sorts occurrences stably by a key below width.
func countingSort(xs []occurrence, width uint32, key func(occurrence) int32) []occurrence {
	start := make([]int32, width+1)
	for _, x := range xs {
		start[key(x)+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	out := make([]occurrence, len(xs))
	for _, x := range xs {
		k := key(x)
		out[start[k]] = x
		start[k]++
	}
	return out
}
