package graph

import (
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
