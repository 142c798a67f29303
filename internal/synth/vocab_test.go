package synth

import (
	"math/rand/v2"
	"testing"
)

// Every construct or theory the vocabulary points at must be in the theories list, or a corpus
// would fail to import only when the dice pick that concept.
func TestVocabularyReferencesExist(t *testing.T) {
	ids := map[string]bool{}
	for _, th := range theories() {
		ids[th.ID] = true
		for _, c := range th.Constructs {
			ids[c.ID] = true
		}
	}
	check := func(what, id string) {
		if id != "" && !ids[id] {
			t.Errorf("%s refers to %q, which is not a theory or construct", what, id)
		}
	}
	for _, c := range contextConcepts {
		check(c.names[0], c.construct)
	}
	for _, c := range mechanismConcepts {
		check(c.names[0], c.construct)
		check(c.names[0], c.explainedBy)
	}
	for _, c := range outcomeConcepts {
		check(c.names[0], c.construct)
	}
	for stage := range statusByStage {
		if stageName[stage] == "" {
			t.Errorf("stage %s has no name", stage)
		}
	}
}

func TestAllocateIsExactAndRespectsTheFloor(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		n := 1 + r.IntN(50)
		weights := make([]float64, n)
		for i := range weights {
			weights[i] = r.Float64() * 3
		}
		least := r.IntN(3)
		total := least*n + r.IntN(1000)
		got := allocate(total, weights, least)
		sum := 0
		for _, x := range got {
			if x < least {
				t.Fatalf("allocate(%d, %v, %d) = %v: below the floor", total, weights, least, got)
			}
			sum += x
		}
		if sum != total {
			t.Fatalf("allocate(%d, …, %d) sums to %d", total, least, sum)
		}
	}
}
