package kb

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// Enumerations are string types so that their values read the same in Go, GraphQL, the import
// format and the graph. Each implements gqlgen's Marshaler/Unmarshaler shape (without importing
// gqlgen) so the GraphQL layer binds to them directly.

type Framing string

const (
	FramingRealistEvaluation Framing = "REALIST_EVALUATION"
	FramingRealistReview     Framing = "REALIST_REVIEW"
	FramingGroundedTheory    Framing = "GROUNDED_THEORY"
	FramingThematicAnalysis  Framing = "THEMATIC_ANALYSIS"
	FramingTrial             Framing = "TRIAL"
	FramingOther             Framing = "OTHER"
)

type Population string

const (
	PopulationChildren    Population = "CHILDREN"
	PopulationYoungPeople Population = "YOUNG_PEOPLE"
	PopulationAdults      Population = "ADULTS"
	PopulationMixed       Population = "MIXED"
)

// Informant is a group a study drew its informants from, and the role of one quote's speaker.
type Informant string

const (
	InformantServiceUsers Informant = "SERVICE_USERS"
	InformantPeerWorkers  Informant = "PEER_WORKERS"
	InformantStaff        Informant = "STAFF"
	InformantCarers       Informant = "CARERS"
)

type Stage string

const (
	StageInitial     Stage = "INITIAL"
	StageRefined     Stage = "REFINED"
	StageFinal       Stage = "FINAL"
	StageChangeModel Stage = "CHANGE_MODEL"
)

type RevisionChange string

const (
	RevisionSplit  RevisionChange = "SPLIT"
	RevisionMerge  RevisionChange = "MERGE"
	RevisionReword RevisionChange = "REWORD"
	RevisionRefute RevisionChange = "REFUTE"
	RevisionRetire RevisionChange = "RETIRE"
)

type CMOCStatus string

const (
	StatusProposed  CMOCStatus = "PROPOSED"
	StatusSupported CMOCStatus = "SUPPORTED"
	StatusRefuted   CMOCStatus = "REFUTED"
	StatusRefined   CMOCStatus = "REFINED"
	StatusRetired   CMOCStatus = "RETIRED"
)

type Actor string

const (
	ActorServiceUser  Actor = "SERVICE_USER"
	ActorPeerWorker   Actor = "PEER_WORKER"
	ActorStaff        Actor = "STAFF"
	ActorCarer        Actor = "CARER"
	ActorOrganisation Actor = "ORGANISATION"
	ActorCommunity    Actor = "COMMUNITY"
)

type ContextKind string

const (
	ContextCondition             ContextKind = "CONDITION"
	ContextInterventionComponent ContextKind = "INTERVENTION_COMPONENT"
)

type Level string

const (
	LevelIndividual      Level = "INDIVIDUAL"
	LevelInterpersonal   Level = "INTERPERSONAL"
	LevelInstitutional   Level = "INSTITUTIONAL"
	LevelInfrastructural Level = "INFRASTRUCTURAL"
)

type Proximity string

const (
	ProximityProximal     Proximity = "PROXIMAL"
	ProximityIntermediate Proximity = "INTERMEDIATE"
	ProximityDistal       Proximity = "DISTAL"
)

type Stance string

const (
	StanceSupports Stance = "SUPPORTS"
	StanceRefutes  Stance = "REFUTES"
	StanceRefines  Stance = "REFINES"
)

// Rating is a reviewer's judgement of a piece of evidence's relevance, richness or rigour.
type Rating string

const (
	RatingHigh   Rating = "HIGH"
	RatingMedium Rating = "MEDIUM"
	RatingLow    Rating = "LOW"
)

type TheoryKind string

const (
	TheorySubstantive TheoryKind = "SUBSTANTIVE"
	TheoryMiddleRange TheoryKind = "MIDDLE_RANGE"
	TheoryFramework   TheoryKind = "FRAMEWORK"
)

type AlignRelation string

const (
	AlignSameAs      AlignRelation = "SAME_AS"
	AlignBroader     AlignRelation = "BROADER"
	AlignNarrower    AlignRelation = "NARROWER"
	AlignRelated     AlignRelation = "RELATED"
	AlignContradicts AlignRelation = "CONTRADICTS"
)

// Inverse is the relation read from the other end: A BROADER B is B NARROWER A.
func (r AlignRelation) Inverse() AlignRelation {
	switch r {
	case AlignBroader:
		return AlignNarrower
	case AlignNarrower:
		return AlignBroader
	}
	return r
}

var enumValues = map[string][]string{
	"Framing":        {"REALIST_EVALUATION", "REALIST_REVIEW", "GROUNDED_THEORY", "THEMATIC_ANALYSIS", "TRIAL", "OTHER"},
	"Population":     {"CHILDREN", "YOUNG_PEOPLE", "ADULTS", "MIXED"},
	"Informant":      {"SERVICE_USERS", "PEER_WORKERS", "STAFF", "CARERS"},
	"Stage":          {"INITIAL", "REFINED", "FINAL", "CHANGE_MODEL"},
	"RevisionChange": {"SPLIT", "MERGE", "REWORD", "REFUTE", "RETIRE"},
	"CMOCStatus":     {"PROPOSED", "SUPPORTED", "REFUTED", "REFINED", "RETIRED"},
	"Actor":          {"SERVICE_USER", "PEER_WORKER", "STAFF", "CARER", "ORGANISATION", "COMMUNITY"},
	"ContextKind":    {"CONDITION", "INTERVENTION_COMPONENT"},
	"Level":          {"INDIVIDUAL", "INTERPERSONAL", "INSTITUTIONAL", "INFRASTRUCTURAL"},
	"Proximity":      {"PROXIMAL", "INTERMEDIATE", "DISTAL"},
	"Stance":         {"SUPPORTS", "REFUTES", "REFINES"},
	"Rating":         {"HIGH", "MEDIUM", "LOW"},
	"TheoryKind":     {"SUBSTANTIVE", "MIDDLE_RANGE", "FRAMEWORK"},
	"AlignRelation":  {"SAME_AS", "BROADER", "NARROWER", "RELATED", "CONTRADICTS"},
}

// EnumValues lists the allowed values of the named enumeration, for validation messages and docs.
func EnumValues(enum string) []string { return enumValues[enum] }

func checkEnum(enum, value string) error {
	if value == "" || slices.Contains(enumValues[enum], value) {
		return nil
	}
	return fmt.Errorf("%q is not a %s (one of %v)", value, enum, enumValues[enum])
}

func unmarshalEnum[T ~string](enum string, v any) (T, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string, got %T", enum, v)
	}
	if s == "" {
		return "", fmt.Errorf("%s must not be empty", enum)
	}
	if err := checkEnum(enum, s); err != nil {
		return "", err
	}
	return T(s), nil
}

// writeEnum writes an unset value as null: GraphQL has no empty enum value.
func writeEnum(w io.Writer, s string) {
	if s == "" {
		_, _ = io.WriteString(w, "null")
		return
	}
	_, _ = io.WriteString(w, strconv.Quote(s))
}

func (e Framing) MarshalGQL(w io.Writer) { writeEnum(w, string(e)) }
func (e *Framing) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum[Framing]("Framing", v)
	return
}
func (e Population) MarshalGQL(w io.Writer) { writeEnum(w, string(e)) }
func (e *Population) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum[Population]("Population", v)
	return
}
func (e Informant) MarshalGQL(w io.Writer) { writeEnum(w, string(e)) }
func (e *Informant) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum[Informant]("Informant", v)
	return
}
func (e Stage) MarshalGQL(w io.Writer)          { writeEnum(w, string(e)) }
func (e *Stage) UnmarshalGQL(v any) (err error) { *e, err = unmarshalEnum[Stage]("Stage", v); return }
func (e RevisionChange) MarshalGQL(w io.Writer) { writeEnum(w, string(e)) }
func (e *RevisionChange) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum[RevisionChange]("RevisionChange", v)
	return
}
func (e CMOCStatus) MarshalGQL(w io.Writer) { writeEnum(w, string(e)) }
func (e *CMOCStatus) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum[CMOCStatus]("CMOCStatus", v)
	return
}
func (e Actor) MarshalGQL(w io.Writer)          { writeEnum(w, string(e)) }
func (e *Actor) UnmarshalGQL(v any) (err error) { *e, err = unmarshalEnum[Actor]("Actor", v); return }
func (e ContextKind) MarshalGQL(w io.Writer)    { writeEnum(w, string(e)) }
func (e *ContextKind) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum[ContextKind]("ContextKind", v)
	return
}
func (e Level) MarshalGQL(w io.Writer)          { writeEnum(w, string(e)) }
func (e *Level) UnmarshalGQL(v any) (err error) { *e, err = unmarshalEnum[Level]("Level", v); return }
func (e Proximity) MarshalGQL(w io.Writer)      { writeEnum(w, string(e)) }
func (e *Proximity) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum[Proximity]("Proximity", v)
	return
}
func (e Stance) MarshalGQL(w io.Writer) { writeEnum(w, string(e)) }
func (e *Stance) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum[Stance]("Stance", v)
	return
}
func (e Rating) MarshalGQL(w io.Writer) { writeEnum(w, string(e)) }
func (e *Rating) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum[Rating]("Rating", v)
	return
}
func (e TheoryKind) MarshalGQL(w io.Writer) { writeEnum(w, string(e)) }
func (e *TheoryKind) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum[TheoryKind]("TheoryKind", v)
	return
}
func (e AlignRelation) MarshalGQL(w io.Writer) { writeEnum(w, string(e)) }
func (e *AlignRelation) UnmarshalGQL(v any) (err error) {
	*e, err = unmarshalEnum[AlignRelation]("AlignRelation", v)
	return
}

func (k Kind) MarshalGQL(w io.Writer) { writeEnum(w, string(k)) }
func (k *Kind) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if _, known := NewNode(Kind(s)); !ok || !known {
		return fmt.Errorf("%v is not a Kind", v)
	}
	*k = Kind(s)
	return nil
}
