// Package interchange brings reviews in from the forms reviewers already keep them in (cmograph
// documents, CMOC tables, citation files, REFI-QDA projects and codebooks) and gives them back in
// the forms papers and other tools need (documents, CMOC tables, RAMESES Markdown, citations,
// Mermaid, Graphviz DOT, GraphML). The CLI and the GraphQL API both go through here, so a file
// imports the same way from either.
package interchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/cmograph/cmograph/internal/citation"
	"github.com/cmograph/cmograph/internal/cmoctable"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/qda"
	"github.com/cmograph/cmograph/internal/store/memory"
)

// Format names what a file to import holds.
type Format string

const (
	FormatDocument Format = "cmograph" // a cmograph document, YAML or JSON
	FormatCSV      Format = "csv"      // a CMOC table
	FormatXLSX     Format = "xlsx"     // a CMOC table, first sheet
	FormatRIS      Format = "ris"
	FormatBibTeX   Format = "bibtex"
	FormatCSLJSON  Format = "csljson"
	FormatQDPX     Format = "qdpx" // a REFI-QDA project
	FormatQDC      Format = "qdc"  // a REFI-QDA codebook
)

// Formats lists what Import reads.
var Formats = []Format{FormatDocument, FormatCSV, FormatXLSX, FormatRIS, FormatBibTeX, FormatCSLJSON, FormatQDPX, FormatQDC}

// ParseFormat reads a format name as a user types it ("", "auto" mean detect).
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	switch f {
	case "", "auto":
		return "", nil
	case "yaml", "json", "yml":
		return FormatDocument, nil
	case "bib":
		return FormatBibTeX, nil
	case "csl", "csl-json":
		return FormatCSLJSON, nil
	}
	if !slices.Contains(Formats, f) {
		return "", fmt.Errorf("unknown import format %q (one of %s)", s, joinFormats(Formats))
	}
	return f, nil
}

func joinFormats[T ~string](fs []T) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = string(f)
	}
	return strings.Join(parts, ", ")
}

// Detect tells the format of a file from its name, then its first bytes: a JSON file may be a
// cmograph document or CSL-JSON, and only its content says which.
func Detect(name string, data []byte) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return FormatDocument, nil
	case ".csv", ".tsv":
		return FormatCSV, nil
	case ".xlsx":
		return FormatXLSX, nil
	case ".ris":
		return FormatRIS, nil
	case ".bib", ".bibtex":
		return FormatBibTeX, nil
	case ".qdpx":
		return FormatQDPX, nil
	case ".qdc":
		return FormatQDC, nil
	case ".json":
		if bytes.Contains(firstBytes(data, 4096), []byte(`"format"`)) && bytes.Contains(firstBytes(data, 4096), []byte(document.FormatV1)) {
			return FormatDocument, nil
		}
		return FormatCSLJSON, nil
	}
	head := bytes.TrimSpace(firstBytes(data, 512))
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "", fmt.Errorf("%s: a zip archive; name it .qdpx (REFI-QDA project) or .xlsx (CMOC table), or give the format", name)
	case bytes.HasPrefix(head, []byte("format:")), bytes.Contains(head, []byte(document.FormatV1)):
		return FormatDocument, nil
	case bytes.HasPrefix(head, []byte("@")):
		return FormatBibTeX, nil
	case bytes.HasPrefix(head, []byte("TY  -")):
		return FormatRIS, nil
	}
	return "", fmt.Errorf("%s: cannot tell the format from the name or content; give it (one of %s)", name, joinFormats(Formats))
}

func firstBytes(b []byte, n int) []byte { return b[:min(n, len(b))] }

// InputError is a problem with the files themselves (their format, content or how they fit the
// knowledge base), as opposed to a failure of the store: what an API reports as bad input.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

func inputError(err error) error {
	var ke *kb.Error
	if err == nil || errors.As(err, &ke) {
		return err
	}
	return &InputError{Err: err}
}

// Source is one file to import.
type Source struct {
	Name string
	Data []byte
	// Format is what the file holds; empty means detect it.
	Format Format
}

// Options tune imports.
type Options struct {
	// Mapping renames CMOC table columns (see cmoctable.ParseMapping).
	Mapping cmoctable.Mapping
	// MaxDocumentSize bounds a cmograph document (0: document.MaxDocumentSize). Other formats
	// are at most document.MaxFileSize: their readers hold the whole file several times over.
	MaxDocumentSize int64
	// MaxTableRows bounds the rows of one CMOC table (0: cmoctable.DefaultMaxRows).
	MaxTableRows int
}

// RaiseLimitHint says how a user raises the document limit; the CLI and the API set their own.
const RaiseLimitHint = "raise it with cmograph import --max-file-size or CMOGRAPH_MAX_FILE_SIZE"

func (o Options) maxDocument() int64 {
	if o.MaxDocumentSize > 0 {
		return o.MaxDocumentSize
	}
	return document.MaxDocumentSize
}

// MaxSize is the largest file of any format an import with these options reads.
func (o Options) MaxSize() int64 { return max(o.maxDocument(), document.MaxFileSize) }

// TooLarge refuses a file over the largest a cmograph document may be, saying how to raise it.
func TooLarge(name string, size, limit int64) error {
	return inputError(fmt.Errorf("%s: file is %d bytes; a cmograph document is at most %d (%s)", name, size, limit, RaiseLimitHint))
}

// tooLarge refuses a file over its format's limit.
func tooLarge(name string, size, limit int64, format Format) error {
	if format == FormatDocument {
		return TooLarge(name, size, limit)
	}
	return inputError(fmt.Errorf("%s: file is %d bytes; a CMOC table, citation file or QDA project is at most %d (64 MiB): split it, or bring it in as a cmograph document", name, size, limit))
}

// Converted is one source made into a document, with what the converter has to say about it.
type Converted struct {
	File   *document.File
	Format Format
	Notes  []string
	// Unlinks are what a document cannot say: the links the file's rows replace (a CMOC
	// table's edited outcome), removed in the same change.
	Unlinks []kb.Op
}

// tableNotes reports what a CMOC table matched and replaced, and plans the unlinking of what
// it replaced.
func tableNotes(c *Converted, name string, rep cmoctable.Report) {
	for _, m := range rep.Matched {
		c.Notes = append(c.Notes, fmt.Sprintf("%s: study %q is %s, matched by %s", m.Where, m.Study, m.ID, m.By))
	}
	rels := map[kb.Kind]kb.RelType{kb.KindContext: kb.RelHasContext, kb.KindMechanism: kb.RelHasMechanism, kb.KindOutcome: kb.RelHasOutcome}
	for _, r := range rep.Replaced {
		kind := strings.ToLower(string(r.Kind))
		c.Notes = append(c.Notes, fmt.Sprintf("%s: %s (%s): replaced %s %s with %s", name, r.Code, r.CMOC, kind,
			strings.Join(r.Removed, ", "), strings.Join(r.Now, ", ")))
		for _, id := range r.Removed {
			c.Unlinks = append(c.Unlinks, kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: rels[r.Kind], From: r.CMOC, To: id},
				Path: fmt.Sprintf("%s: %s %s", name, r.Code, kind)})
		}
	}
}

// Convert turns every source into a cmograph document against the knowledge base as it is now
// (converters add to what is there rather than replace it); a nil store stands for an empty
// one. Nothing is written.
func Convert(ctx context.Context, store kb.Store, sources []Source, opts Options) ([]Converted, error) {
	out, problems, err := convertAll(ctx, store, sources, opts, false)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, inputError(problems[0])
	}
	return out, nil
}

// convertAll is Convert; with keepGoing, a source that cannot be converted is reported among
// the problems and left out, and the others are converted still, so a check lists every file's
// problems at once. The error is a failure to read the store.
func convertAll(ctx context.Context, store kb.Store, sources []Source, opts Options, keepGoing bool) ([]Converted, []error, error) {
	b := &baseline{store: store}
	out := make([]Converted, 0, len(sources))
	var problems []error
	for _, s := range sources {
		c, err := convertOne(ctx, b, out, s, opts)
		var ie *InputError
		switch {
		case err == nil:
			out = append(out, c)
			continue
		case !errors.As(err, &ie):
			return nil, nil, err
		}
		problems = append(problems, ie.Err)
		if !keepGoing {
			break
		}
	}
	return out, problems, nil
}

func convertOne(ctx context.Context, b *baseline, before []Converted, s Source, opts Options) (Converted, error) {
	format := s.Format
	if format == "" {
		f, err := Detect(s.Name, s.Data)
		if err != nil {
			return Converted{}, inputError(err)
		}
		format = f
	}
	limit := int64(document.MaxFileSize)
	if format == FormatDocument {
		limit = opts.maxDocument()
	}
	if int64(len(s.Data)) > limit {
		return Converted{}, tooLarge(s.Name, int64(len(s.Data)), limit, format)
	}
	if format == FormatDocument {
		f, err := document.Parse(s.Name, s.Data)
		if err != nil {
			return Converted{}, inputError(err)
		}
		return Converted{File: f, Format: format}, nil
	}
	base, err := b.after(ctx, before)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			return Converted{}, inputError(fmt.Errorf("%s: not read: it is read against the files before it, which have problems", s.Name))
		}
		return Converted{}, err
	}
	c, err := convert(base, s, format, opts)
	if err != nil {
		return Converted{}, inputError(err)
	}
	return c, nil
}

// baseline is what a converter adds to: the knowledge base as it is, plus the files before it
// in the same import, which go in with it as one change. A citation file after a document that
// adds a study must match that study, not create a second one.
type baseline struct {
	store   kb.Store
	scratch kb.Store // the knowledge base and the files so far, when there are files before
	applied int      // how many of the files before are in scratch
	doc     *document.Document
}

func (b *baseline) after(ctx context.Context, before []Converted) (document.Document, error) {
	if b.doc == nil {
		doc := document.Document{Format: document.FormatV1}
		if b.store != nil {
			snap, err := b.store.Snapshot(ctx)
			if err != nil {
				return document.Document{}, fmt.Errorf("reading the knowledge base to import into: %w", err)
			}
			doc = document.FromSnapshot(snap)
		}
		b.doc = &doc
	}
	if len(before) == b.applied {
		return *b.doc, nil
	}
	// play the knowledge base and the files before into an in-memory scratch store, the same
	// way the import will, and read the result back
	if b.scratch == nil {
		scratch, err := memory.Open(ctx, memory.Options{})
		if err != nil {
			return document.Document{}, err
		}
		if err := applyFiles(ctx, scratch, document.Built("knowledge base", *b.doc)); err != nil {
			return document.Document{}, fmt.Errorf("copying the knowledge base: %w", err)
		}
		b.scratch = scratch
	}
	if err := applyConverted(ctx, b.scratch, before[b.applied:]...); err != nil {
		return document.Document{}, inputError(err)
	}
	b.applied = len(before)
	snap, err := b.scratch.Snapshot(ctx)
	if err != nil {
		return document.Document{}, err
	}
	doc := document.FromSnapshot(snap)
	b.doc = &doc
	return doc, nil
}

// Plan turns converted files into one change's operations, in file order. Documents written
// by hand are planned together, so one id defined in two of them is an error; a converted file
// is planned alone, after the files before it, because it was built on them and restates what
// it adds to: its definitions of their nodes are meant to win.
func Plan(converted []Converted) ([]kb.Op, error) {
	ops, _, errs := planAll(converted)
	if len(errs) > 0 {
		return nil, inputError(errors.Join(errs...))
	}
	return ops, nil
}

// planAll is Plan going on past problems (see document.PlanAll).
func planAll(converted []Converted) (ops []kb.Op, refused []kb.Node, errs []error) {
	var documents []*document.File
	plan := func(files []*document.File) {
		o, f, e := document.PlanAll(files)
		ops, refused, errs = append(ops, o...), append(refused, f...), append(errs, e...)
	}
	for _, c := range converted {
		if c.Format == FormatDocument {
			documents = append(documents, c.File)
			continue
		}
		if len(documents) > 0 {
			plan(documents)
			documents = nil
		}
		plan([]*document.File{c.File})
		ops = append(ops, c.Unlinks...)
	}
	if len(documents) > 0 {
		plan(documents)
	}
	return lastWins(ops), refused, errs
}

// lastWins keeps one operation per node and per link: the last file's, which was built on the
// ones before, in the place of the first, which keeps owners ahead of what they own. Without
// it, re-importing a batch would rewrite a node to the first file's version and back, and count
// (and stamp) a change that leaves nothing different.
func lastWins(ops []kb.Op) []kb.Op {
	at := map[string]int{}
	out := make([]kb.Op, 0, len(ops))
	for _, op := range ops {
		var key string
		switch op.Type {
		case kb.OpUpsert:
			key = "n\x00" + op.Node.NodeID()
		case kb.OpLink:
			key = "l\x00" + string(op.Link.Type) + "\x00" + op.Link.From + "\x00" + op.Link.To
		}
		if i, ok := at[key]; ok && key != "" {
			out[i] = op
			continue
		}
		if key != "" {
			at[key] = len(out)
		}
		out = append(out, op)
	}
	return out
}

func applyFiles(ctx context.Context, s kb.Store, files ...*document.File) error {
	converted := make([]Converted, len(files))
	for i, f := range files {
		converted[i] = Converted{File: f}
	}
	return applyConverted(ctx, s, converted...)
}

func applyConverted(ctx context.Context, s kb.Store, converted ...Converted) error {
	ops, err := Plan(converted)
	if err != nil {
		return err
	}
	_, err = s.Apply(ctx, kb.Change{Actor: "import", Ops: ops})
	return err
}

func convert(base document.Document, s Source, format Format, opts Options) (Converted, error) {
	c := Converted{Format: format}
	var doc document.Document
	var err error
	switch format {
	case FormatCSV, FormatXLSX:
		read := cmoctable.ReadReport
		if format == FormatXLSX {
			read = cmoctable.ReadXLSXReport
		}
		var rep cmoctable.Report
		if doc, rep, err = read(base, s.Data, cmoctable.Options{Mapping: opts.Mapping, Name: s.Name, MaxRows: opts.MaxTableRows}); err == nil {
			tableNotes(&c, s.Name, rep)
		}
	case FormatRIS, FormatBibTeX, FormatCSLJSON:
		var records []citation.Record
		if records, err = citation.Parse(s.Name, s.Data, citation.Format(format)); err != nil {
			break
		}
		var rep citation.Report
		if doc, rep, err = citation.MergeFile(s.Name, base, records); err == nil {
			c.Notes = append(c.Notes, fmt.Sprintf("%s: %d studies new, %d updated, %d matched", s.Name, len(rep.Created), len(rep.Updated), len(rep.Matched)))
		}
	case FormatQDPX, FormatQDC:
		var rep qda.Report
		if format == FormatQDPX {
			doc, rep, err = qda.ReadProject(base, s.Name, s.Data)
		} else {
			doc, rep, err = qda.ReadCodebook(base, s.Name, s.Data)
		}
		if err == nil {
			c.Notes = append(c.Notes, s.Name+": "+rep.String())
		}
	default:
		err = fmt.Errorf("%s: cannot import format %q", s.Name, format)
	}
	if err != nil {
		return Converted{}, err
	}
	doc.Format = document.FormatV1
	c.File = document.Built(s.Name, doc)
	return c, nil
}

// Import converts every source and applies them all as one change: every file or none.
// Importing the same files again changes nothing. A refused import names every problem (see
// Check), not just the first the planner or the store met.
func Import(ctx context.Context, store kb.Store, actor string, sources []Source, opts Options) (kb.Result, []Converted, error) {
	return ImportWith(ctx, store, sources, opts, func(ctx context.Context, ops []kb.Op) (kb.Result, error) {
		return store.Apply(ctx, kb.Change{Actor: actor, Ops: ops})
	})
}

// ImportWith is Import applying the change with apply (the API's, which stamps the actor).
func ImportWith(ctx context.Context, store kb.Store, sources []Source, opts Options,
	apply func(context.Context, []kb.Op) (kb.Result, error)) (kb.Result, []Converted, error) {
	converted, err := Convert(ctx, store, sources, opts)
	if err != nil {
		return kb.Result{}, nil, explain(ctx, store, sources, opts, err)
	}
	ops, err := Plan(converted)
	if err != nil {
		return kb.Result{}, nil, explain(ctx, store, sources, opts, err)
	}
	r, err := apply(ctx, ops)
	if err != nil {
		return kb.Result{}, nil, explain(ctx, store, sources, opts, err)
	}
	return r, converted, nil
}

// explain turns the error of a refused import into one that lists every problem, found by
// checking the files (the planner stops before the store, and the store at its first
// refusal). An error that is not about the files (the store failed) is returned as it is, and
// so is one that is the only problem.
func explain(ctx context.Context, store kb.Store, sources []Source, opts Options, importErr error) error {
	var ie *InputError
	var ke *kb.Error
	if !errors.As(importErr, &ie) && !errors.As(importErr, &ke) {
		return importErr
	}
	rep, err := Check(ctx, store, sources, opts)
	if err != nil || len(rep.Problems) <= 1 {
		return importErr
	}
	return &InputError{Err: errors.Join(rep.Problems...)}
}

// Report is what a check found: what the files would do, per kind of node and type of link,
// and every problem the import would refuse them for.
type Report struct {
	Converted  []Converted
	Operations int
	kb.CheckReport
}

// OK reports whether the import would go through.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Check converts, plans and tries the sources against the store exactly as Import does, and
// writes nothing. Unlike Import it goes on past every problem, so the report lists them all,
// each as the import would word it; the error is a failure of the store alone. A store that
// cannot try a change itself (Neo4j) is copied into an in-memory one to try it on.
func Check(ctx context.Context, store kb.Store, sources []Source, opts Options) (Report, error) {
	converted, problems, err := convertAll(ctx, store, sources, opts, true)
	if err != nil {
		return Report{}, err
	}
	var all []error
	for _, p := range problems {
		all = append(all, kb.Errors(p)...)
	}
	ops, refused, errs := planAll(converted)
	rep, err := try(ctx, store, kb.Change{Actor: "check", Ops: ops}, refused)
	if err != nil {
		return Report{}, err
	}
	names := make([]string, len(sources))
	for i, s := range sources {
		names[i] = s.Name
	}
	rep.Problems = inFileOrder(names, append(append(all, errs...), rep.Problems...))
	return Report{Converted: converted, Operations: len(ops), CheckReport: rep}, nil
}

// try tries a change on the store, or on an in-memory copy of it when the store cannot.
func try(ctx context.Context, store kb.Store, c kb.Change, refused []kb.Node) (kb.CheckReport, error) {
	checker, ok := store.(kb.Checker)
	if !ok {
		var snap kb.Snapshot
		if store != nil {
			var err error
			if snap, err = store.Snapshot(ctx); err != nil {
				return kb.CheckReport{}, fmt.Errorf("reading the knowledge base to check against: %w", err)
			}
		}
		scratch, err := memory.FromSnapshot(ctx, snap)
		if err != nil {
			return kb.CheckReport{}, err
		}
		checker = scratch
	}
	return checker.Check(ctx, c, refused)
}

// inFileOrder sorts problems by the file they name (in the order the files were given) and
// then by line, keeping the order of problems at one place.
func inFileOrder(names []string, problems []error) []error {
	type key struct{ file, line int }
	keyOf := func(e error) key {
		msg := e.Error()
		best, k := -1, key{len(names), 0}
		for i, n := range names {
			if strings.HasPrefix(msg, n+":") && len(n) > best {
				best, k = len(n), key{i, 0}
				rest := msg[len(n)+1:]
				if j := strings.IndexByte(rest, ':'); j > 0 {
					if line, err := strconv.Atoi(rest[:j]); err == nil {
						k.line = line
					}
				}
			}
		}
		return k
	}
	slices.SortStableFunc(problems, func(a, b error) int {
		ka, kb := keyOf(a), keyOf(b)
		if ka.file != kb.file {
			return ka.file - kb.file
		}
		return ka.line - kb.line
	})
	return problems
}

// NeedsBase reports whether any source is in a format converted against the knowledge base:
// a cmograph document alone can be checked without opening a store.
func NeedsBase(sources []Source) bool {
	for _, s := range sources {
		f := s.Format
		if f == "" {
			f, _ = Detect(s.Name, s.Data)
		}
		if f != FormatDocument {
			return true
		}
	}
	return false
}
