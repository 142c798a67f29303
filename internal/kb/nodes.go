package kb

import "time"

// Kind names a node type. It is also the node's Neo4j label (every node carries :Node as well).
type Kind string

const (
	KindStudy           Kind = "Study"
	KindProgrammeTheory Kind = "ProgrammeTheory"
	KindCMOC            Kind = "CMOC"
	KindContext         Kind = "Context"
	KindMechanism       Kind = "Mechanism"
	KindOutcome         Kind = "Outcome"
	KindQuote           Kind = "Quote"
	KindTheory          Kind = "Theory"
	KindConstruct       Kind = "Construct"
	KindSetting         Kind = "Setting"
)

// Kinds lists every node kind in dependency order: a kind's owner comes before it, so creating
// in this order and deleting in reverse never trips over a missing owner.
var Kinds = []Kind{KindTheory, KindConstruct, KindStudy, KindSetting, KindProgrammeTheory,
	KindContext, KindMechanism, KindOutcome, KindCMOC, KindQuote}

// IsElement reports whether k is a context, mechanism or outcome: the parts of a CMOC.
func (k Kind) IsElement() bool {
	return k == KindContext || k == KindMechanism || k == KindOutcome
}

// Meta is the provenance every node keeps.
type Meta struct {
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	CreatedBy string    `json:"createdBy,omitempty"`
	UpdatedBy string    `json:"updatedBy,omitempty"`
	// Revision counts the writes that changed the node: 1 when created. An update or delete
	// may state the revision it read (Op.ExpectedRevision) and is refused if the node moved on.
	// (A programme theory's version is its own "v2" label.)
	Revision int `json:"revision,omitempty"`
}

// Node is any vertex of the knowledge graph.
type Node interface {
	NodeID() string
	NodeKind() Kind
	NodeMeta() *Meta
	// Owner is the id of the node this one belongs to ("" for none) and Validate checks the
	// node's own fields; both are per kind.
	Owner() string
	Validate() error
}

// Study is one paper: the unit a reviewer extracts from.
type Study struct {
	ID         string      `json:"id"`
	Title      string      `json:"title"`
	Authors    []string    `json:"authors,omitempty"`
	Year       *int        `json:"year,omitempty"`
	Journal    string      `json:"journal,omitempty"`
	Volume     string      `json:"volume,omitempty"`
	Issue      string      `json:"issue,omitempty"`
	Pages      string      `json:"pages,omitempty"`
	DOI        string      `json:"doi,omitempty"`
	PMID       string      `json:"pmid,omitempty"`
	PMCID      string      `json:"pmcid,omitempty"`
	URL        string      `json:"url,omitempty"`
	Abstract   string      `json:"abstract,omitempty"`
	Framing    Framing     `json:"framing,omitempty"`
	Country    string      `json:"country,omitempty"`
	Population Population  `json:"population,omitempty"`
	Informants []Informant `json:"informants,omitempty"`
	SampleSize *int        `json:"sampleSize,omitempty"`
	Design     string      `json:"design,omitempty"`
	Meta
}

// ProgrammeTheory is a study's account of how a programme works: a set of CMOCs.
type ProgrammeTheory struct {
	ID          string `json:"id"`
	StudyID     string `json:"studyId"`
	Name        string `json:"name"`
	Stage       Stage  `json:"stage,omitempty"`
	Version     string `json:"version,omitempty"`
	Description string `json:"description,omitempty"`
	Meta
}

// CMOC is one context-mechanism-outcome configuration. Partial CMOCs (only some of C, M, O)
// are how reviewers extract from non-realist papers.
type CMOC struct {
	ID                string `json:"id"`
	ProgrammeTheoryID string `json:"programmeTheoryId"`
	Code              string `json:"code"`
	Label             string `json:"label,omitempty"`
	Statement         string `json:"statement,omitempty"`
	// Intervention names the programme component the configuration is about: the I of an
	// ICAMO configuration (intervention, context, actor, mechanism, outcome).
	Intervention string     `json:"intervention,omitempty"`
	Status       CMOCStatus `json:"status,omitempty"`
	Actors       []Actor    `json:"actors,omitempty"`
	// Roles name whose reasoning the CMOC is about as the study does, more finely than the
	// Actor categories: "peer supporter with diabetes" (a PEER_WORKER). A review extends them
	// by using them.
	Roles   []string `json:"roles,omitempty"`
	Source  string   `json:"source,omitempty"`
	Caveats []string `json:"caveats,omitempty"`
	Meta
}

// Context is a condition or intervention component under which a mechanism fires.
type Context struct {
	ID                string      `json:"id"`
	ProgrammeTheoryID string      `json:"programmeTheoryId"`
	Name              string      `json:"name"`
	Description       string      `json:"description,omitempty"`
	Kind              ContextKind `json:"kind,omitempty"`
	Level             Level       `json:"level,omitempty"`
	Meta
}

// Mechanism is a resource the programme offers and the reasoning people bring in response
// (Dalkin et al. 2015).
type Mechanism struct {
	ID                string `json:"id"`
	ProgrammeTheoryID string `json:"programmeTheoryId"`
	Name              string `json:"name"`
	Description       string `json:"description,omitempty"`
	Resource          string `json:"resource,omitempty"`
	Reasoning         string `json:"reasoning,omitempty"`
	Meta
}

// Outcome is what a mechanism produces, intended or not.
type Outcome struct {
	ID                string    `json:"id"`
	ProgrammeTheoryID string    `json:"programmeTheoryId"`
	Name              string    `json:"name"`
	Description       string    `json:"description,omitempty"`
	Proximity         Proximity `json:"proximity,omitempty"`
	Intended          *bool     `json:"intended,omitempty"`
	Meta
}

// Quote is an excerpt of a study's data that evidences CMOCs.
type Quote struct {
	ID            string    `json:"id"`
	StudyID       string    `json:"studyId"`
	Text          string    `json:"text"`
	Participant   string    `json:"participant,omitempty"`
	InformantRole Informant `json:"informantRole,omitempty"`
	Location      string    `json:"location,omitempty"`
	StartOffset   *int      `json:"startOffset,omitempty"`
	EndOffset     *int      `json:"endOffset,omitempty"`
	Meta
}

// Theory is a substantive, middle-range theory or framework that programme theories draw on.
type Theory struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Kind        TheoryKind `json:"kind,omitempty"`
	Citation    string     `json:"citation,omitempty"`
	Description string     `json:"description,omitempty"`
	Meta
}

// Construct is a named part of a theory, such as CHIME's Hope.
type Construct struct {
	ID          string `json:"id"`
	TheoryID    string `json:"theoryId"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Meta
}

// Setting is a service a study observed: a row of its services table.
type Setting struct {
	ID          string   `json:"id"`
	StudyID     string   `json:"studyId"`
	Name        string   `json:"name"`
	ServiceType string   `json:"serviceType,omitempty"`
	Location    string   `json:"location,omitempty"`
	Modality    []string `json:"modality,omitempty"`
	Description string   `json:"description,omitempty"`
	Meta
}

func (n *Study) NodeID() string           { return n.ID }
func (n *ProgrammeTheory) NodeID() string { return n.ID }
func (n *CMOC) NodeID() string            { return n.ID }
func (n *Context) NodeID() string         { return n.ID }
func (n *Mechanism) NodeID() string       { return n.ID }
func (n *Outcome) NodeID() string         { return n.ID }
func (n *Quote) NodeID() string           { return n.ID }
func (n *Theory) NodeID() string          { return n.ID }
func (n *Construct) NodeID() string       { return n.ID }
func (n *Setting) NodeID() string         { return n.ID }

func (*Study) NodeKind() Kind           { return KindStudy }
func (*ProgrammeTheory) NodeKind() Kind { return KindProgrammeTheory }
func (*CMOC) NodeKind() Kind            { return KindCMOC }
func (*Context) NodeKind() Kind         { return KindContext }
func (*Mechanism) NodeKind() Kind       { return KindMechanism }
func (*Outcome) NodeKind() Kind         { return KindOutcome }
func (*Quote) NodeKind() Kind           { return KindQuote }
func (*Theory) NodeKind() Kind          { return KindTheory }
func (*Construct) NodeKind() Kind       { return KindConstruct }
func (*Setting) NodeKind() Kind         { return KindSetting }

func (n *Study) Owner() string           { return "" }
func (n *ProgrammeTheory) Owner() string { return n.StudyID }
func (n *CMOC) Owner() string            { return n.ProgrammeTheoryID }
func (n *Context) Owner() string         { return n.ProgrammeTheoryID }
func (n *Mechanism) Owner() string       { return n.ProgrammeTheoryID }
func (n *Outcome) Owner() string         { return n.ProgrammeTheoryID }
func (n *Quote) Owner() string           { return n.StudyID }
func (n *Theory) Owner() string          { return "" }
func (n *Construct) Owner() string       { return n.TheoryID }
func (n *Setting) Owner() string         { return n.StudyID }

// NewNode returns an empty node of kind k, for decoders.
func NewNode(k Kind) (Node, bool) {
	switch k {
	case KindStudy:
		return &Study{}, true
	case KindProgrammeTheory:
		return &ProgrammeTheory{}, true
	case KindCMOC:
		return &CMOC{}, true
	case KindContext:
		return &Context{}, true
	case KindMechanism:
		return &Mechanism{}, true
	case KindOutcome:
		return &Outcome{}, true
	case KindQuote:
		return &Quote{}, true
	case KindTheory:
		return &Theory{}, true
	case KindConstruct:
		return &Construct{}, true
	case KindSetting:
		return &Setting{}, true
	}
	return nil, false
}

// NameOf is what a node is called: a CMOC's code, a study's title, other kinds' names; the id
// for a quote, which has none.
func NameOf(n Node) string {
	switch x := n.(type) {
	case *CMOC:
		return x.Code
	case *Study:
		return x.Title
	case *ProgrammeTheory:
		return x.Name
	case *Context:
		return x.Name
	case *Mechanism:
		return x.Name
	case *Outcome:
		return x.Name
	case *Theory:
		return x.Name
	case *Construct:
		return x.Name
	case *Setting:
		return x.Name
	}
	return n.NodeID()
}
