package kb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// OpType names what one operation of a change does.
type OpType string

const (
	// OpCreate adds a node; its id must be new.
	OpCreate OpType = "create"
	// OpUpdate sets the properties in Patch on an existing node (nil clears one).
	OpUpdate OpType = "update"
	// OpUpsert creates a node or replaces its content; unchanged content changes nothing, so
	// importing the same file twice leaves the store as it was.
	OpUpsert OpType = "upsert"
	// OpDelete removes a node and the links that touch it; a node that owns others is refused.
	OpDelete OpType = "delete"
	// OpLink makes a link or sets its properties.
	OpLink OpType = "link"
	// OpUnlink removes a link.
	OpUnlink OpType = "unlink"
)

// Op is one operation of a change. Path says where it came from (an input field, a file and
// line) and prefixes any error it raises.
type Op struct {
	Type  OpType
	Node  Node   // create, upsert
	Kind  Kind   // update, delete
	ID    string // update, delete
	Patch Props  // update
	// ExpectedRevision, for an update or delete, is the revision the writer read; a node at
	// another revision refuses the op with a conflict.
	ExpectedRevision *int
	Link             Link // link, unlink
	Path             string
	// EndPaths, for a link or unlink, name where its from and to ends came from
	// ("input.quoteId", "input.contextIds[2]"): an error about an end names that instead of
	// Path + ".from" or ".to".
	EndPaths [2]string
}

// OpError places an error an op raised: at the op's path, or, for a problem with one end of a
// link, at where that end came from.
func OpError(op Op, err error) error {
	var de *Error
	if errors.As(err, &de) && (de.Path == "from" || de.Path == "to") {
		if end := op.EndPaths[map[string]int{"from": 0, "to": 1}[de.Path]]; end != "" {
			c := *de
			c.Path = end
			return &c
		}
	}
	return AtPath(op.Path, err)
}

// Change is a set of operations applied all together or not at all.
type Change struct {
	Actor string
	At    time.Time // zero: the store's clock
	Ops   []Op
}

// Result counts what a change did.
type Result struct {
	Created, Updated, Unchanged, Deleted int
	Linked, Relinked, LinksUnchanged     int
	Unlinked                             int
}

// Changed reports whether the change altered anything.
func (r Result) Changed() bool {
	return r.Created+r.Updated+r.Deleted+r.Linked+r.Relinked+r.Unlinked > 0
}

// FilterOp is how a filter compares a property with its value.
type FilterOp string

const (
	FilterEq          FilterOp = "eq"          // equal (strings: exactly)
	FilterIn          FilterOp = "in"          // one of a list
	FilterContains    FilterOp = "contains"    // substring, ignoring case
	FilterGte         FilterOp = "gte"         // at least
	FilterLte         FilterOp = "lte"         // at most
	FilterIncludes    FilterOp = "includes"    // a list property holds the value
	FilterIncludesAny FilterOp = "includesAny" // a list property holds one of the values
)

// Filter narrows a list. Field is a property name, a relation filter such as a CMOC's
// "outcome" (see RelationFilters), or StudyField on the kinds a programme theory owns.
type Filter struct {
	Field string
	Op    FilterOp
	Value any
	// Any makes the filter a disjunction: it holds when every filter of at least one group
	// holds (GraphQL's OR); Field, Op and Value are then unset.
	Any [][]Filter
	// Path names the filter in errors (where.OR[1].code); "where.<Field>" when empty.
	Path string
}

// StudyField filters the kinds a programme theory owns (CMOCs and elements) by the study
// their theory is reported in, with eq or in.
const StudyField = "studyId"

// MaxFilterDepth bounds how deeply OR groups nest.
const MaxFilterDepth = 5

// OwnedByTheory says whether kind k is owned by a programme theory, and so takes StudyField.
func OwnedByTheory(k Kind) bool {
	spec, ok := OwnerOf(k)
	return ok && spec.Kind == KindProgrammeTheory
}

// Sort orders a list by a property; ties break by id.
type Sort struct {
	Field string
	Desc  bool
}

// ListQuery asks for one page of nodes of a kind. Limit 0 means all.
type ListQuery struct {
	Kind    Kind
	Filters []Filter
	Sort    []Sort
	Offset  int
	Limit   int
	// Reverse reads the list in the opposite order (every sort key and the id that breaks
	// ties reversed, so missing values come first): the last items of a list in one read.
	Reverse bool
}

// Page is one page of a list and the size of the whole.
type Page struct {
	Nodes []Node
	Total int
}

// LinkQuery asks for the links of some types that leave (Out) or reach (In) any of IDs, or,
// with All, every link of those types in the graph.
type LinkQuery struct {
	Types []RelType
	IDs   []string
	In    bool
	All   bool
}

// SearchQuery asks for the nodes whose text best matches Text, of the given kinds (any when
// none), at most Limit (MaxSearchHits when 0).
type SearchQuery struct {
	Text  string
	Kinds []Kind
	Limit int
}

// Bounds of one search.
const (
	MaxSearchHits = 1000
	// MaxSearchText bounds the text searched for: room for an element and the quotes behind it.
	MaxSearchText = 8000
)

// SearchHit is a node a search found, with its relevance (BM25: higher is better; scores
// compare within one search, not across searches or stores).
type SearchHit struct {
	ID    string
	Kind  Kind
	Score float64
}

// Snapshot is the whole graph, in Kinds order and then by id, links by type, from, to.
type Snapshot struct {
	Nodes []Node
	Links []Link
}

// Store keeps the knowledge graph. Every read takes a batch so that a GraphQL request costs a
// bounded number of round trips however many rows it returns. Nodes a read returns are the
// caller's to read, not to change: a store may share them between callers (the embedded store
// does, which keeps reads of thousands of nodes cheap). A store keeps its own copy of what is
// written, so changing a node after Apply does not change the store.
type Store interface {
	// Get returns the nodes with the given ids, of any kind; unknown ids are left out.
	Get(ctx context.Context, ids []string) ([]Node, error)
	// List returns a filtered, sorted page of one kind.
	List(ctx context.Context, q ListQuery) (Page, error)
	// Links returns the links of the given types at the given ends, in SortLinks order.
	Links(ctx context.Context, q LinkQuery) ([]Link, error)
	// Read runs a read plan in one round trip (see ReadPlan).
	Read(ctx context.Context, p ReadPlan) (ReadResult, error)
	// Search ranks nodes by full-text relevance over their text fields (see SearchText).
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
	// Apply makes a change atomically: every op or none.
	Apply(ctx context.Context, c Change) (Result, error)
	// Snapshot reads the whole graph, for export.
	Snapshot(ctx context.Context) (Snapshot, error)
	// Ready reports whether the store can serve.
	Ready(ctx context.Context) error
	Close(ctx context.Context) error
}

// Revisioned is a store that can tell cheaply whether anything has changed: Revision differs
// after every write that changed the graph, whoever made it (on Neo4j, every cmograph process
// writing to the database advances one revision in the same transaction as its change). What
// a reader derives from the whole graph (the analysis package's index of the corpus) can then
// be kept until the next write instead of being rebuilt on every question.
type Revisioned interface {
	Revision(ctx context.Context) (uint64, error)
}

// ChangeLog is a store that remembers which nodes its latest writes changed. What a reader
// derived from a few thousand nodes at one revision (the analysis package's lexicon of
// accepted links and their ends' names) is then brought up to date by reading the nodes
// written since, not all of them again.
type ChangeLog interface {
	// NodesChangedSince lists the ids of the nodes that writes after revision since created,
	// changed or deleted, up to the current revision, each at least once; ok is false when the
	// store cannot say (it no longer remembers back that far, or a write since changed more
	// nodes than it lists), and the reader must read everything again.
	NodesChangedSince(ctx context.Context, since uint64) (ids []string, ok bool, err error)
}

// RelationFilter is a filter field that matches the text of linked nodes: a CMOC whose
// outcome mentions "hope".
type RelationFilter struct {
	Field  string
	Rel    RelType
	Fields []string // properties of the linked node searched
}

var relationFilters = map[Kind][]RelationFilter{
	KindCMOC: {
		{"context", RelHasContext, []string{"name", "description"}},
		{"mechanism", RelHasMechanism, []string{"name", "description", "resource", "reasoning"}},
		{"outcome", RelHasOutcome, []string{"name", "description"}},
	},
}

// RelationFilters lists the relation filters of kind k.
func RelationFilters(k Kind) []RelationFilter { return relationFilters[k] }

var textFields = map[Kind][]string{
	KindStudy:           {"title", "abstract"},
	KindProgrammeTheory: {"name", "description"},
	KindCMOC:            {"label", "statement"},
	KindContext:         {"name", "description"},
	KindMechanism:       {"name", "description", "resource", "reasoning"},
	KindOutcome:         {"name", "description"},
	KindQuote:           {"text"},
	KindTheory:          {"name", "description"},
	KindConstruct:       {"name", "description"},
	KindSetting:         {"name", "serviceType", "description"},
}

// AllTextFields lists every property any kind's search reads, once each.
func AllTextFields() []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range Kinds {
		for _, f := range textFields[k] {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// textFieldReaders reads each kind's text fields straight from its struct: SearchText runs for
// every candidate of a suggestion, and going through ToProps' map was a tenth of it.
var textFieldReaders = func() map[Kind][]func(Node) string {
	out := map[Kind][]func(Node) string{}
	for k, fields := range textFields {
		for _, f := range fields {
			read, ok := StringField(k, f)
			if !ok {
				panic(fmt.Sprintf("kb: %s's text field %q is not a string field", k, f))
			}
			out[k] = append(out[k], read)
		}
	}
	return out
}()

// SearchText is a node's searchable text: its kind's text fields joined.
func SearchText(n Node) string {
	var parts []string
	for _, read := range textFieldReaders[n.NodeKind()] {
		if s := read(n); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "\n")
}

// Validate checks a search before any store runs it.
func (q SearchQuery) Validate() error {
	if strings.TrimSpace(q.Text) == "" {
		return Invalid("text", "is required")
	}
	if len(q.Text) > MaxSearchText {
		return Invalid("text", "is %d bytes long; at most %d", len(q.Text), MaxSearchText)
	}
	if q.Limit < 0 || q.Limit > MaxSearchHits {
		return Invalid("first", "must be between 1 and %d", MaxSearchHits)
	}
	for i, k := range q.Kinds {
		if _, ok := NewNode(k); !ok {
			return Invalid("kinds", "item %d: %q is not a kind", i, k)
		}
	}
	return nil
}
