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
}

// Converted is one source made into a document, with what the converter has to say about it.
type Converted struct {
	File   *document.File
	Format Format
	Notes  []string
}

// Convert turns every source into a cmograph document against the knowledge base as it is now
// (converters add to what is there rather than replace it); a nil store stands for an empty
// one. Nothing is written.
func Convert(ctx context.Context, store kb.Store, sources []Source, opts Options) ([]Converted, error) {
	b := &baseline{store: store}
	out := make([]Converted, 0, len(sources))
	for _, s := range sources {
		if len(s.Data) > document.MaxFileSize {
			return nil, inputError(fmt.Errorf("%s: file is %d bytes; at most %d", s.Name, len(s.Data), document.MaxFileSize))
		}
		format := s.Format
		if format == "" {
			f, err := Detect(s.Name, s.Data)
			if err != nil {
				return nil, inputError(err)
			}
			format = f
		}
		if format == FormatDocument {
			f, err := document.Parse(s.Name, s.Data)
			if err != nil {
				return nil, inputError(err)
			}
			out = append(out, Converted{File: f, Format: format})
			continue
		}
		base, err := b.after(ctx, out)
		if err != nil {
			return nil, err
		}
		c, err := convert(base, s, format, opts)
		if err != nil {
			return nil, inputError(err)
		}
		out = append(out, c)
	}
	return out, nil
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
	files := make([]*document.File, 0, len(before)-b.applied)
	for _, c := range before[b.applied:] {
		files = append(files, c.File)
	}
	if err := applyFiles(ctx, b.scratch, files...); err != nil {
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
	var ops []kb.Op
	var documents []*document.File
	flush := func() error {
		if len(documents) == 0 {
			return nil
		}
		planned, err := document.Plan(documents)
		if err != nil {
			return inputError(err)
		}
		ops, documents = append(ops, planned...), nil
		return nil
	}
	for _, c := range converted {
		if c.Format == FormatDocument {
			documents = append(documents, c.File)
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		planned, err := document.Plan([]*document.File{c.File})
		if err != nil {
			return nil, inputError(err)
		}
		ops = append(ops, planned...)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return lastWins(ops), nil
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
	case FormatCSV:
		doc, err = cmoctable.Read(base, s.Data, cmoctable.Options{Mapping: opts.Mapping, Name: s.Name})
	case FormatXLSX:
		doc, err = cmoctable.ReadXLSX(base, s.Data, cmoctable.Options{Mapping: opts.Mapping, Name: s.Name})
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
// Importing the same files again changes nothing.
func Import(ctx context.Context, store kb.Store, actor string, sources []Source, opts Options) (kb.Result, []Converted, error) {
	converted, err := Convert(ctx, store, sources, opts)
	if err != nil {
		return kb.Result{}, nil, err
	}
	ops, err := Plan(converted)
	if err != nil {
		return kb.Result{}, nil, err
	}
	r, err := store.Apply(ctx, kb.Change{Actor: actor, Ops: ops})
	if err != nil {
		return kb.Result{}, nil, err
	}
	return r, converted, nil
}

// Check converts and plans the sources without writing: how many operations they would apply.
func Check(ctx context.Context, store kb.Store, sources []Source, opts Options) (int, []Converted, error) {
	converted, err := Convert(ctx, store, sources, opts)
	if err != nil {
		return 0, nil, err
	}
	ops, err := Plan(converted)
	if err != nil {
		return 0, nil, err
	}
	return len(ops), converted, nil
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
