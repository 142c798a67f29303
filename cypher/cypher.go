// Package cypher is the only home of the Cypher text cmograph sends to Neo4j: the schema
// migrations and every query of the Neo4j store, embedded from the *.cypher files beside this
// one.
//
// Values always travel as $parameters. Labels and relationship types cannot be parameters in
// Neo4j 5.13, so the statements that need one are rendered from the templates/ files with
// fragments taken from kb's fixed schema (kb.Kinds, kb.LinkSpecs, kb.OwnerOf) and checked to be
// plain identifiers; nothing a user typed is ever spliced into a statement. The list queries
// are assembled the same way by List from kb's whitelisted fields and filter operators.
//
// The write path batches runs of operations: CreateNodes, ReplaceNodes, MergeLinks and
// LinkStates are CreateNode, ReplaceNode, MergeLink and LinkState over a list, UNWIND $rows AS
// row, each row a map of the single statement's parameters plus its number i, which the
// statement hands back so the store can tell which rows were written.
//
// Every statement runs on Neo4j 5.13 through 5.26: no scoped CALL (x) { } subqueries, no
// dynamic labels, no APOC. All enumerates every statement the store can send, so that the lint
// test can check each one with Neo4j's own parser and semantic analysis.
package cypher

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"text/template"

	"github.com/cmograph/cmograph/internal/kb"
)

//go:embed queries/*.cypher templates/*.cypher migrations/*.cypher
var files embed.FS

// Statement is one named Cypher statement.
type Statement struct {
	Name  string `json:"name"`
	Query string `json:"query"`
}

// The names of the fixed statements, as used in errors and by All.
const (
	nameGetNodes        = "get_nodes"
	nameLockNodes       = "lock_nodes"
	nameLinksOut        = "links_out"
	nameLinksIn         = "links_in"
	nameLinkState       = "link_state"
	nameDeleteNode      = "delete_node"
	nameSnapshotNodes   = "snapshot_nodes"
	nameSnapshotLinks   = "snapshot_links"
	nameWipe            = "wipe"
	nameSearchNodes     = "search_nodes"
	nameLinkStates      = "link_states"
	nameBumpRevision    = "bump_revision"
	nameReadRevision    = "read_revision"
	nameFloorNested     = "floor_nested"
	nameFloorFiltered   = "floor_filtered"
	nameFloorOutcomes   = "floor_counts_outcome"
	nameFloorInformants = "floor_counts_informant"
	nameFloorGaps       = "floor_gap_counts"
	nameScratchState    = "scratch_state"
	nameMarkScratch     = "mark_scratch"
)

var staticNames = []string{nameGetNodes, nameLockNodes, nameLinksOut, nameLinksIn, nameLinkState,
	nameDeleteNode, nameSnapshotNodes, nameSnapshotLinks, nameWipe, nameSearchNodes, nameLinkStates,
	nameBumpRevision, nameReadRevision, nameFloorNested, nameFloorFiltered, nameFloorOutcomes, nameFloorInformants, nameFloorGaps,
	nameScratchState, nameMarkScratch}

// GetNodes reads nodes by id ($ids) and returns props and labels per node.
func GetNodes() Statement { return mustCatalog().static[nameGetNodes] }

// LockNodes is GetNodes with a write lock on every node found, for use inside a write
// transaction before checking the rules.
func LockNodes() Statement { return mustCatalog().static[nameLockNodes] }

// LinksOut reads the links of the types $types that leave the nodes $ids.
func LinksOut() Statement { return mustCatalog().static[nameLinksOut] }

// LinksIn reads the links of the types $types that reach the nodes $ids.
func LinksIn() Statement { return mustCatalog().static[nameLinksIn] }

// LinkState reads, in one row, both ends of a link ($from, $to) and the link of type $type
// between them: fromProps, fromLabels, toProps, toLabels, linkProps (null where missing).
func LinkState() Statement { return mustCatalog().static[nameLinkState] }

// LinkStates is LinkState for a batch: $rows is a list of {i, from, to, type}, and each entry
// gets one row: i, fromProps, fromLabels, toProps, toLabels, linkProps.
func LinkStates() Statement { return mustCatalog().static[nameLinkStates] }

// DeleteNode detaches and deletes the node $id.
func DeleteNode() Statement { return mustCatalog().static[nameDeleteNode] }

// SnapshotNodes reads every node.
func SnapshotNodes() Statement { return mustCatalog().static[nameSnapshotNodes] }

// SnapshotLinks reads every link of the types $types.
func SnapshotLinks() Statement { return mustCatalog().static[nameSnapshotLinks] }

// SearchNodes ranks nodes against the Lucene query $query in the full-text index, keeping the
// labels $kinds (all when empty), at most $limit: id, kind, score.
func SearchNodes() Statement { return mustCatalog().static[nameSearchNodes] }

// BumpRevision advances the graph's revision in the transaction of a change: revision.
func BumpRevision() Statement { return mustCatalog().static[nameBumpRevision] }

// ReadRevision reads the graph's revision: revision, 0 before the first change.
func ReadRevision() Statement { return mustCatalog().static[nameReadRevision] }

// FloorNested is the peer benchmark's hand-written nested read: study, one row per study.
func FloorNested() Statement { return mustCatalog().static[nameFloorNested] }

// FloorFiltered is the peer benchmark's hand-written filtered list ($w, $first): totalCount and
// nodes.
func FloorFiltered() Statement { return mustCatalog().static[nameFloorFiltered] }

// FloorOutcomeCounts is the peer benchmark's hand-written count of CMOCs per outcome (not
// merged): key, count, studyCount.
func FloorOutcomeCounts() Statement { return mustCatalog().static[nameFloorOutcomes] }

// FloorInformantCounts is the peer benchmark's hand-written count of CMOCs per informant role:
// key, count, studyCount.
func FloorInformantCounts() Statement { return mustCatalog().static[nameFloorInformants] }

// FloorGapCounts is the peer benchmark's hand-written count of gaps: cmocsWithoutQuoteCount,
// staffOnlyCmocsCount, unlinkedElementsCount, parts.
func FloorGapCounts() Statement { return mustCatalog().static[nameFloorGaps] }

// ScratchState counts the database's graph nodes and scratch markers: nodes, marked.
func ScratchState() Statement { return mustCatalog().static[nameScratchState] }

// MarkScratch marks the database as one tests and benchmarks may empty.
func MarkScratch() Statement { return mustCatalog().static[nameMarkScratch] }

// Wipe deletes every node and relationship of the graph: for tests and demos.
func Wipe() Statement { return mustCatalog().static[nameWipe] }

// LockForDelete write-locks the node $id and returns it with owned: the label lists of the
// nodes it owns.
func LockForDelete() Statement { return mustCatalog().lockForDelete }

// CreateNode creates a node of kind k from $props and, for owned kinds, the ownership
// relationship to the owner $ownerId; it returns no row when the owner is missing.
func CreateNode(k kb.Kind) (Statement, bool) {
	st, ok := mustCatalog().create[k]
	return st, ok
}

// ReplaceNode replaces the properties of the node $id of kind k with $props and, for owned
// kinds, points its ownership relationship at $ownerId; it returns no row when the node or the
// owner is missing.
func ReplaceNode(k kb.Kind) (Statement, bool) {
	st, ok := mustCatalog().replace[k]
	return st, ok
}

// CreateNodes is CreateNode for a batch of nodes of kind k: $rows is a list of
// {i, props, ownerId} (no ownerId for kinds that stand alone), and written lists the i of the
// rows written, leaving out those whose owner is missing.
func CreateNodes(k kb.Kind) (Statement, bool) {
	st, ok := mustCatalog().createBatch[k]
	return st, ok
}

// ReplaceNodes is ReplaceNode for a batch of nodes of kind k: $rows is a list of
// {i, id, props, ownerId} (no ownerId for kinds that stand alone), and written lists the i of
// the rows written, leaving out those whose node or owner is missing.
func ReplaceNodes(k kb.Kind) (Statement, bool) {
	st, ok := mustCatalog().replaceBatch[k]
	return st, ok
}

// MergeLink makes the link of type t from $from to $to, or replaces its properties with
// $props; linked is 0 when an end is missing.
func MergeLink(t kb.RelType) (Statement, bool) {
	st, ok := mustCatalog().mergeLink[t]
	return st, ok
}

// MergeLinks is MergeLink for a batch of links of type t: $rows is a list of
// {i, from, to, props}, and linked lists the i of the rows written, leaving out those with a
// missing end.
func MergeLinks(t kb.RelType) (Statement, bool) {
	st, ok := mustCatalog().mergeLinkBatch[t]
	return st, ok
}

// DeleteLink removes the link of type t from $from to $to; unlinked counts the removed links.
func DeleteLink(t kb.RelType) (Statement, bool) {
	st, ok := mustCatalog().deleteLink[t]
	return st, ok
}

// Migrations lists the schema statements (constraints and indexes) in the order to run them.
// Each is idempotent and runs on its own.
func Migrations() []Statement { return slices.Clone(mustCatalog().migrations) }

// All lists every statement the store can send: the fixed ones, the per-kind and per-type ones,
// the migrations and, for each kind, a list query without filters and one with every filter
// and sort fragment List can produce for that kind.
func All() []Statement {
	c := mustCatalog()
	var out []Statement
	for _, name := range staticNames {
		out = append(out, c.static[name])
	}
	out = append(out, c.lockForDelete)
	for _, k := range kb.Kinds {
		out = append(out, c.create[k], c.replace[k], c.createBatch[k], c.replaceBatch[k])
	}
	for _, t := range kb.LinkTypes() {
		out = append(out, c.mergeLink[t], c.deleteLink[t], c.mergeLinkBatch[t])
	}
	out = append(out, c.migrations...)
	for _, k := range kb.Kinds {
		plain, err := buildList(kb.ListQuery{Kind: k}, "list/"+string(k)+"/plain")
		if err != nil {
			panic(fmt.Sprintf("cypher: %v", err))
		}
		every, err := buildList(everyFragment(k), "list/"+string(k)+"/every-fragment")
		if err != nil {
			panic(fmt.Sprintf("cypher: %v", err))
		}
		out = append(out, plain.Statement, every.Statement)
	}
	out = append(out, tallies()...)
	return append(out, readShapes()...)
}

var paramPattern = regexp.MustCompile(`\$([A-Za-z_][A-Za-z0-9_]*)`)

// Params lists the names of the $parameters a statement uses, sorted, without duplicates;
// comments are ignored. Neo4j fails a statement that misses one.
func Params(query string) []string {
	var names []string
	for _, line := range strings.Split(stripComments(query), "\n") {
		for _, m := range paramPattern.FindAllStringSubmatch(line, -1) {
			names = append(names, m[1])
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// stripComments drops // comments; the statements here have no string literal holding "//".
func stripComments(query string) string {
	lines := strings.Split(query, "\n")
	for i, line := range lines {
		if j := strings.Index(line, "//"); j >= 0 {
			lines[i] = line[:j]
		}
	}
	return strings.Join(lines, "\n")
}

var identPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// ident checks that a label, relationship type or property name taken from kb's schema is a
// plain identifier, safe to write into a statement without quoting.
func ident(s string) (string, error) {
	if !identPattern.MatchString(s) {
		return "", fmt.Errorf("cypher: %q is not a plain identifier", s)
	}
	return s, nil
}

// catalog holds every fixed and rendered statement; it is built once and never changed.
type catalog struct {
	static         map[string]Statement
	lockForDelete  Statement
	create         map[kb.Kind]Statement
	replace        map[kb.Kind]Statement
	createBatch    map[kb.Kind]Statement
	replaceBatch   map[kb.Kind]Statement
	mergeLink      map[kb.RelType]Statement
	mergeLinkBatch map[kb.RelType]Statement
	deleteLink     map[kb.RelType]Statement
	migrations     []Statement
}

var loadCatalog = sync.OnceValues(buildCatalog)

func mustCatalog() *catalog {
	c, err := loadCatalog()
	if err != nil {
		// The files are embedded at build time and checked by this package's tests.
		panic(err)
	}
	return c
}

func buildCatalog() (*catalog, error) {
	c := &catalog{
		static:         map[string]Statement{},
		create:         map[kb.Kind]Statement{},
		replace:        map[kb.Kind]Statement{},
		createBatch:    map[kb.Kind]Statement{},
		replaceBatch:   map[kb.Kind]Statement{},
		mergeLink:      map[kb.RelType]Statement{},
		mergeLinkBatch: map[kb.RelType]Statement{},
		deleteLink:     map[kb.RelType]Statement{},
	}
	for _, name := range staticNames {
		text, err := fs.ReadFile(files, "queries/"+name+".cypher")
		if err != nil {
			return nil, fmt.Errorf("cypher: %w", err)
		}
		c.static[name] = Statement{Name: name, Query: strings.TrimSpace(string(text))}
	}
	tmpl, err := template.New("").Option("missingkey=error").ParseFS(files, "templates/*.cypher")
	if err != nil {
		return nil, fmt.Errorf("cypher: %w", err)
	}
	render := func(file, name string, data templateData) (Statement, error) {
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, file, data); err != nil {
			return Statement{}, fmt.Errorf("cypher: rendering %s: %w", name, err)
		}
		return Statement{Name: name, Query: strings.TrimSpace(b.String())}, nil
	}

	var ownerRels []string
	for _, k := range kb.Kinds {
		data, err := kindData(k)
		if err != nil {
			return nil, err
		}
		if data.OwnerRel != "" && !slices.Contains(ownerRels, data.OwnerRel) {
			ownerRels = append(ownerRels, data.OwnerRel)
		}
		if c.create[k], err = render("create_node.cypher", "create_node/"+string(k), data); err != nil {
			return nil, err
		}
		if c.replace[k], err = render("replace_node.cypher", "replace_node/"+string(k), data); err != nil {
			return nil, err
		}
		if c.createBatch[k], err = render("create_nodes.cypher", "create_nodes/"+string(k), data); err != nil {
			return nil, err
		}
		if c.replaceBatch[k], err = render("replace_nodes.cypher", "replace_nodes/"+string(k), data); err != nil {
			return nil, err
		}
	}
	c.lockForDelete, err = render("lock_for_delete.cypher", "lock_for_delete", templateData{OwnerRels: strings.Join(ownerRels, "|")})
	if err != nil {
		return nil, err
	}
	for _, t := range kb.LinkTypes() {
		typ, err := ident(string(t))
		if err != nil {
			return nil, err
		}
		data := templateData{Type: typ}
		if c.mergeLink[t], err = render("merge_link.cypher", "merge_link/"+typ, data); err != nil {
			return nil, err
		}
		if c.mergeLinkBatch[t], err = render("merge_links.cypher", "merge_links/"+typ, data); err != nil {
			return nil, err
		}
		if c.deleteLink[t], err = render("delete_link.cypher", "delete_link/"+typ, data); err != nil {
			return nil, err
		}
	}
	if c.migrations, err = loadMigrations(); err != nil {
		return nil, err
	}
	return c, nil
}

// templateData fills the templates: every field is an identifier from kb's fixed schema.
type templateData struct {
	Label      string // the kind's label
	OwnerLabel string // the owner kind's label, "" for kinds that stand alone
	OwnerRel   string // the ownership relationship type
	OwnerRels  string // every ownership relationship type, joined by |
	Type       string // a link type
}

func kindData(k kb.Kind) (templateData, error) {
	label, err := ident(string(k))
	if err != nil {
		return templateData{}, err
	}
	data := templateData{Label: label}
	if spec, ok := kb.OwnerOf(k); ok {
		if data.OwnerLabel, err = ident(string(spec.Kind)); err != nil {
			return templateData{}, err
		}
		if data.OwnerRel, err = ident(string(spec.Rel)); err != nil {
			return templateData{}, err
		}
	}
	return data, nil
}

var migrationName = regexp.MustCompile(`^CREATE (?:RANGE INDEX|FULLTEXT INDEX|CONSTRAINT) ([a-z0-9_]+) IF NOT EXISTS `)

// loadMigrations splits the migrations/ files, in name order, into statements ending in ';'
// and names each after the constraint or index it creates.
func loadMigrations() ([]Statement, error) {
	names, err := fs.Glob(files, "migrations/*.cypher")
	if err != nil {
		return nil, fmt.Errorf("cypher: %w", err)
	}
	slices.Sort(names)
	var out []Statement
	for _, file := range names {
		text, err := fs.ReadFile(files, file)
		if err != nil {
			return nil, fmt.Errorf("cypher: %w", err)
		}
		for _, part := range strings.Split(stripComments(string(text)), ";") {
			q := strings.Join(strings.Fields(part), " ")
			if q == "" {
				continue
			}
			m := migrationName.FindStringSubmatch(q)
			if m == nil {
				return nil, fmt.Errorf("cypher: %s: %q does not create a named constraint or index IF NOT EXISTS", path.Base(file), q)
			}
			out = append(out, Statement{Name: "migrate/" + m[1], Query: q})
		}
	}
	return out, nil
}
