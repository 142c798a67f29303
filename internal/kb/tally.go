package kb

import "context"

// Tallier is a store that counts across the corpus where the corpus lives, so that a
// whole-corpus question reads rows in proportion to its answer rather than to the corpus:
// Neo4j, which would otherwise ship every CMOC and link over the network for each question.
// A store that keeps the graph in the process does not need it: the analyst indexes its
// corpus in memory instead.
//
// Every method works on the CMOCs of the studies StudyIDs (all when empty), a CMOC being in a
// study when its programme theory is reported in it. The rows carry ids and counts; the
// analyst decides what they mean (clusters, labels, order of ties) the same way over every
// store.
type Tallier interface {
	// Crosswalk lists the elements of one kind that CMOCs in scope use and that have a
	// crosswalk among them: the joining alignments (relations in Joins, either direction) to
	// other such elements of the kind, and the constructs they are instances of. Elements
	// with neither are left out.
	Crosswalk(ctx context.Context, q CrosswalkQuery) ([]CrosswalkRow, error)
	// Tally counts the CMOCs in scope into buckets: at most Limit of them, most CMOCs first
	// (most studies first when ByStudies), then by key.
	Tally(ctx context.Context, q TallyQuery) ([]TallyRow, error)
	// ElementUses reads the elements with the given ids and kind, each with how many CMOCs in
	// scope use it.
	ElementUses(ctx context.Context, q UsesQuery) ([]ElementUse, error)
	// CMOCGaps lists the CMOCs in scope that have a gap: no quote, only staff quoted, or no
	// context, mechanism or outcome.
	CMOCGaps(ctx context.Context, studyIDs []string) ([]CMOCGap, error)
	// UnlinkedElements counts the elements defined in the programme theories in scope that
	// have no alignment (either direction, any relation) and no construct, and reads the
	// first limit of them in id order.
	UnlinkedElements(ctx context.Context, studyIDs []string, limit int) (int, []Node, error)
	// Patterns finds the (mechanism key, outcome key) pairs the CMOCs of at least MinStudies
	// studies show, at most Limit, most studies first, then most CMOCs, then by keys.
	Patterns(ctx context.Context, q PatternQuery) ([]PatternRow, error)
}

// NotStatedKey is the key of the bucket of CMOCs that record nothing for what is counted.
const NotStatedKey = "NOT_STATED"

// CrosswalkQuery asks Tallier.Crosswalk for the crosswalk of one element kind.
type CrosswalkQuery struct {
	Kind     Kind
	StudyIDs []string
	// Joins are the alignment relations that make two elements one.
	Joins []AlignRelation
}

// CrosswalkRow is one element with its joining alignments and constructs.
type CrosswalkRow struct {
	ID string
	// Joined are the elements in scope it is aligned with by a joining relation.
	Joined []string
	// Constructs are the constructs it is an instance of.
	Constructs []string
}

// TallyBy says what Tally counts by: an element kind's relationship or a CMOC or study
// property.
type TallyBy string

const (
	TallyContext         TallyBy = "CONTEXT"
	TallyMechanism       TallyBy = "MECHANISM"
	TallyOutcome         TallyBy = "OUTCOME"
	TallyActor           TallyBy = "ACTOR"
	TallyPopulation      TallyBy = "POPULATION"
	TallyInformant       TallyBy = "INFORMANT"
	TallyStudy           TallyBy = "STUDY"
	TallyStatus          TallyBy = "STATUS"
	TallyProgrammeTheory TallyBy = "PROGRAMME_THEORY"
)

// TallyDimensions lists every TallyBy.
var TallyDimensions = []TallyBy{TallyContext, TallyMechanism, TallyOutcome, TallyActor, TallyPopulation,
	TallyInformant, TallyStudy, TallyStatus, TallyProgrammeTheory}

// ElementKind is the element kind an element dimension counts, and whether it is one.
func (b TallyBy) ElementKind() (Kind, bool) {
	switch b {
	case TallyContext:
		return KindContext, true
	case TallyMechanism:
		return KindMechanism, true
	case TallyOutcome:
		return KindOutcome, true
	}
	return "", false
}

// TallyQuery asks Tally for buckets. A CMOC falls in the bucket of each distinct key it has:
// for element dimensions, the key of each element it uses (Merge[id], else the element's id);
// for ACTOR each actor; for POPULATION its study's population; for INFORMANT the role of each
// person quoted for it, among Roles; for STUDY and PROGRAMME_THEORY their ids; for STATUS its
// status. A CMOC with no key falls in NotStatedKey's bucket unless NoNotStated.
type TallyQuery struct {
	By       TallyBy
	StudyIDs []string
	Merge    map[string]string
	Roles    []Informant
	Limit    int
	// ByStudies orders by studies, then CMOCs; it also fills TallyRow.Cells.
	ByStudies   bool
	NoNotStated bool
}

// TallyRow is one bucket: how many CMOCs fall in it and from how many studies.
type TallyRow struct {
	Key     string
	CMOCs   int
	Studies int
	// Cells count the bucket's CMOCs per study id (ByStudies only).
	Cells map[string]int
}

// UsesQuery asks ElementUses for elements of one kind.
type UsesQuery struct {
	Kind     Kind
	IDs      []string
	StudyIDs []string
}

// ElementUse is an element and how many CMOCs in scope use it.
type ElementUse struct {
	Node Node
	Uses int
}

// CMOCGap is a CMOC with at least one gap, with what orders CMOCs (programme theory, code,
// id) so that lists of them can be sorted without reading the CMOCs.
type CMOCGap struct {
	ID, ProgrammeTheoryID, Code string
	Unquoted, StaffOnly         bool
	// Missing says, for context, mechanism and outcome in that order, that it has none.
	Missing [3]bool
}

// PatternQuery asks Patterns for mechanism → outcome pairs; Mechanisms and Outcomes merge
// element ids into keys as TallyQuery.Merge does.
type PatternQuery struct {
	Mechanisms, Outcomes map[string]string
	MinStudies, Limit    int
}

// PatternRow is one pair with the CMOCs showing it, each with its study.
type PatternRow struct {
	Mechanism, Outcome string
	Studies            int
	// CMOCs and CMOCStudies line up: a CMOC id and the id of its study.
	CMOCs, CMOCStudies []string
}
