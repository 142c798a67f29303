package kb

// NodeMeta gives every node (through the embedded Meta) access to its provenance.
func (m *Meta) NodeMeta() *Meta { return m }

// RelType names a relationship type of the graph.
type RelType string

// Ownership relationships: each follows from a node's owner field and is kept by the store.
const (
	RelReportedIn RelType = "REPORTED_IN" // ProgrammeTheory -> Study
	RelInTheory   RelType = "IN_THEORY"   // CMOC -> ProgrammeTheory
	RelDefinedIn  RelType = "DEFINED_IN"  // Context|Mechanism|Outcome -> ProgrammeTheory
	RelFrom       RelType = "FROM"        // Quote -> Study
	RelPartOf     RelType = "PART_OF"     // Setting -> Study, Construct -> Theory
)

// Link relationships: made and removed on their own, some with properties.
const (
	RelHasContext   RelType = "HAS_CONTEXT"   // CMOC -> Context
	RelHasMechanism RelType = "HAS_MECHANISM" // CMOC -> Mechanism
	RelHasOutcome   RelType = "HAS_OUTCOME"   // CMOC -> Outcome
	RelObservedIn   RelType = "OBSERVED_IN"   // CMOC -> Setting
	RelChainsTo     RelType = "CHAINS_TO"     // CMOC -> CMOC {rationale}
	RelEvidences    RelType = "EVIDENCES"     // Quote -> CMOC {stance, relevance, richness, rigour, rationale, reviewer}
	RelRevises      RelType = "REVISES"       // ProgrammeTheory -> ProgrammeTheory {change, rationale}
	RelDrawsOn      RelType = "DRAWS_ON"      // ProgrammeTheory -> Theory
	RelExplainedBy  RelType = "EXPLAINED_BY"  // Mechanism -> Theory|Construct
	RelInstanceOf   RelType = "INSTANCE_OF"   // Context|Mechanism|Outcome -> Construct
	RelAligns       RelType = "ALIGNS"        // element -> element of the same kind (or outcome <-> context, outcome <-> mechanism) in another programme theory
	// RelRejects records a reviewer's judgement that two elements of different programme
	// theories are not counterparts, so suggestions and comparisons stop offering the pair.
	RelRejects RelType = "REJECTS" // element -> element {rationale, reviewer}
)

// LinkSpec says which kinds a link type joins.
type LinkSpec struct {
	Type RelType
	From []Kind
	To   []Kind
}

var elementKinds = []Kind{KindContext, KindMechanism, KindOutcome}

// LinkSpecs lists every link type in the order the import format and exports use.
var LinkSpecs = []LinkSpec{
	{RelHasContext, []Kind{KindCMOC}, []Kind{KindContext}},
	{RelHasMechanism, []Kind{KindCMOC}, []Kind{KindMechanism}},
	{RelHasOutcome, []Kind{KindCMOC}, []Kind{KindOutcome}},
	{RelObservedIn, []Kind{KindCMOC}, []Kind{KindSetting}},
	{RelChainsTo, []Kind{KindCMOC}, []Kind{KindCMOC}},
	{RelEvidences, []Kind{KindQuote}, []Kind{KindCMOC}},
	{RelRevises, []Kind{KindProgrammeTheory}, []Kind{KindProgrammeTheory}},
	{RelDrawsOn, []Kind{KindProgrammeTheory}, []Kind{KindTheory}},
	{RelExplainedBy, []Kind{KindMechanism}, []Kind{KindTheory, KindConstruct}},
	{RelInstanceOf, elementKinds, []Kind{KindConstruct}},
	{RelAligns, elementKinds, elementKinds},
	{RelRejects, elementKinds, elementKinds},
}

// LinkSpecFor returns the spec of a link type.
func LinkSpecFor(t RelType) (LinkSpec, bool) {
	for _, s := range LinkSpecs {
		if s.Type == t {
			return s, true
		}
	}
	return LinkSpec{}, false
}

// LinkTypes lists every link type.
func LinkTypes() []RelType {
	out := make([]RelType, len(LinkSpecs))
	for i, s := range LinkSpecs {
		out[i] = s.Type
	}
	return out
}

// OwnerSpec says whom a kind of node belongs to: the field that holds the owner's id, the
// owner's kind and the relationship the graph draws for it.
type OwnerSpec struct {
	Field string
	Kind  Kind
	Rel   RelType
}

var owners = map[Kind]OwnerSpec{
	KindProgrammeTheory: {"studyId", KindStudy, RelReportedIn},
	KindCMOC:            {"programmeTheoryId", KindProgrammeTheory, RelInTheory},
	KindContext:         {"programmeTheoryId", KindProgrammeTheory, RelDefinedIn},
	KindMechanism:       {"programmeTheoryId", KindProgrammeTheory, RelDefinedIn},
	KindOutcome:         {"programmeTheoryId", KindProgrammeTheory, RelDefinedIn},
	KindQuote:           {"studyId", KindStudy, RelFrom},
	KindConstruct:       {"theoryId", KindTheory, RelPartOf},
	KindSetting:         {"studyId", KindStudy, RelPartOf},
}

// OwnerOf returns the owner spec of kind k; ok is false for kinds that stand alone.
func OwnerOf(k Kind) (OwnerSpec, bool) {
	s, ok := owners[k]
	return s, ok
}
