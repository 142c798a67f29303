package analysis

import (
	"context"
	"fmt"
	"slices"

	"github.com/cmograph/cmograph/internal/kb"
)

// scope is the part of a corpus one question is about.
type scope struct {
	*corpus
	chosen   []int32 // the studies in scope, in corpus order
	clusters []int32
	inScope  []bool // per study
}

// forStudies narrows the corpus to the given studies (all when none). Narrowed, elements join
// only through elements the scope's CMOCs use, as they would in a corpus of those studies alone.
func (c *corpus) forStudies(studyIDs []string) (*scope, error) {
	s := &scope{corpus: c, inScope: make([]bool, len(c.studies)), clusters: c.clusters}
	if len(studyIDs) == 0 {
		for i := range c.studies {
			s.chosen = append(s.chosen, int32(i))
			s.inScope[i] = true
		}
		return s, nil
	}
	for _, id := range studyIDs {
		i, ok := c.studyIndex[id]
		if !ok {
			return nil, kb.NotFound("studyIds", "no study with id %q", id)
		}
		s.inScope[i] = true
	}
	for i, in := range s.inScope {
		if in {
			s.chosen = append(s.chosen, int32(i))
		}
	}
	if len(s.chosen) < len(c.studies) && c.crosswalk {
		used := make([]bool, len(c.elementIDs))
		for _, st := range s.chosen {
			for _, m := range c.byStudy[c.studyStart[st]:c.studyStart[st+1]] {
				for k := range c.uses {
					for _, e := range c.uses[k].of(m) {
						used[e] = true
					}
				}
			}
		}
		s.clusters = c.clusterRoots(used)
	}
	return s, nil
}

// eachCMOC calls fn for every CMOC in scope, study by study.
func (s *scope) eachCMOC(fn func(study, cmoc int32)) {
	for _, st := range s.chosen {
		for _, m := range s.byStudy[s.studyStart[st]:s.studyStart[st+1]] {
			fn(st, m)
		}
	}
}

// sortCMOCs puts CMOC positions in cmocLess order.
func (c *corpus) sortCMOCs(ms []int32) {
	slices.SortFunc(ms, func(a, b int32) int { return int(c.cmocRank[a]) - int(c.cmocRank[b]) })
}

// scope returns the corpus of the given studies (all when none) with what a question needs:
// the shared index when the store keeps one (see shared), else a corpus read for this question
// alone.
func (a *Analyst) scope(ctx context.Context, studyIDs []string, needs corpusNeeds) (*scope, error) {
	c, err := a.shared(ctx)
	if err != nil {
		return nil, err
	}
	if c != nil {
		return c.forStudies(studyIDs)
	}
	if c, err = buildCorpus(ctx, a.store, studyIDs, needs); err != nil {
		return nil, err
	}
	return c.forStudies(nil)
}

// shared returns the index of everything that questions share, built once per revision of a
// store that reports its revision and keeps the graph in the process; nil over any other
// store, whose questions each read just what they need. A store that counts where the
// corpus lives (kb.Tallier) keeps no index here: reading its whole corpus after every write
// is what the Tallier exists to avoid.
func (a *Analyst) shared(ctx context.Context) (*corpus, error) {
	rs, ok := a.store.(kb.Revisioned)
	if _, counts := a.tallier(); !ok || counts {
		return nil, nil
	}
	return a.cache.get(ctx, rs, func(ctx context.Context, _ *corpus, _ uint64) (*corpus, error) {
		return buildCorpus(ctx, a.store, nil, everything)
	})
}

// Warm builds the shared index and the lexicon of accepted links, so that the first dashboard,
// comparison or suggestion after start-up does not wait for them. Over a store that keeps
// neither (no revision) it does nothing.
func (a *Analyst) Warm(ctx context.Context) error {
	if _, err := a.shared(ctx); err != nil {
		return err
	}
	if _, ok := a.store.(kb.Revisioned); !ok {
		return nil
	}
	if _, err := a.taught(ctx); err != nil {
		return fmt.Errorf("building the lexicon of accepted links: %w", err)
	}
	return nil
}
