package graph

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"github.com/cmograph/cmograph/graph/model"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/interchange"
	"github.com/cmograph/cmograph/internal/kb"
)

var importFormats = map[model.ImportFormat]interchange.Format{
	model.ImportFormatCmograph: interchange.FormatDocument,
	model.ImportFormatCSV:      interchange.FormatCSV,
	model.ImportFormatXlsx:     interchange.FormatXLSX,
	model.ImportFormatRis:      interchange.FormatRIS,
	model.ImportFormatBibtex:   interchange.FormatBibTeX,
	model.ImportFormatCsljson:  interchange.FormatCSLJSON,
	model.ImportFormatQdpx:     interchange.FormatQDPX,
	model.ImportFormatQdc:      interchange.FormatQDC,
}

var exportFormats = map[model.ExportFormat]interchange.ExportFormat{
	model.ExportFormatJSON:     interchange.ExportJSON,
	model.ExportFormatYaml:     interchange.ExportYAML,
	model.ExportFormatCSV:      interchange.ExportCSV,
	model.ExportFormatMarkdown: interchange.ExportMarkdown,
	model.ExportFormatRis:      interchange.ExportRIS,
	model.ExportFormatBibtex:   interchange.ExportBibTeX,
	model.ExportFormatCsljson:  interchange.ExportCSLJSON,
	model.ExportFormatMermaid:  interchange.ExportMermaid,
	model.ExportFormatDot:      interchange.ExportDOT,
	model.ExportFormatGraphml:  interchange.ExportGraphML,
}

// readUploads reads every uploaded file, refusing one larger than an import takes before
// reading past the limit.
func readUploads(files []graphql.Upload, format *model.ImportFormat) ([]interchange.Source, error) {
	if len(files) == 0 {
		return nil, kb.Invalid("files", "give at least one file")
	}
	out := make([]interchange.Source, len(files))
	for i, f := range files {
		path := fmt.Sprintf("files[%d]", i)
		if f.Size > document.MaxFileSize {
			return nil, kb.Invalid(path, "%s is %d bytes; an upload is at most %d: import larger files with cmograph import", f.Filename, f.Size, document.MaxFileSize)
		}
		data, err := io.ReadAll(io.LimitReader(f.File, document.MaxFileSize+1))
		if err != nil {
			return nil, fmt.Errorf("reading upload %s: %w", f.Filename, err)
		}
		if len(data) > document.MaxFileSize {
			return nil, kb.Invalid(path, "%s is over %d bytes; an upload is at most that: import larger files with cmograph import", f.Filename, document.MaxFileSize)
		}
		out[i] = interchange.Source{Name: f.Filename, Data: data}
		if format != nil {
			out[i].Format = importFormats[*format]
		}
	}
	return out, nil
}

// importFiles converts, plans and applies the files as one change, or with check tries them
// and writes nothing (see interchange.Check).
func (r *Resolver) importFiles(ctx context.Context, sources []interchange.Source, opts interchange.Options, check bool) (*model.ImportResult, error) {
	if check {
		rep, err := interchange.Check(ctx, r.Store, sources, opts)
		if err != nil {
			return nil, err
		}
		out := importResult(rep.Operations, rep.CheckReport, rep.Converted)
		out.Checked = true
		for _, p := range rep.Problems {
			out.Problems = append(out.Problems, p.Error())
		}
		return out, nil
	}
	var operations int
	res, converted, err := interchange.ImportWith(ctx, r.Store, sources, opts, func(ctx context.Context, ops []kb.Op) (kb.Result, error) {
		operations = len(ops)
		return r.applyChange(ctx, ops)
	})
	if err != nil {
		return nil, importError(ctx, err)
	}
	// the store counts totals; the counts per kind come with check
	return importResult(operations, kb.CheckReport{Result: res}, converted), nil
}

func importResult(ops int, rep kb.CheckReport, converted []interchange.Converted) *model.ImportResult {
	res := rep.Result
	out := &model.ImportResult{Operations: ops, Created: res.Created, Updated: res.Updated, Unchanged: res.Unchanged,
		Linked: res.Linked, Relinked: res.Relinked, LinksUnchanged: res.LinksUnchanged, Unlinked: res.Unlinked, Notes: importNotes(converted),
		Kinds: []model.ImportKindCounts{}, Links: []model.ImportLinkCounts{}, Problems: []string{}}
	for _, k := range kb.Kinds {
		if c, ok := rep.Kinds[k]; ok {
			out.Kinds = append(out.Kinds, model.ImportKindCounts{Kind: k, Created: c.Created, Updated: c.Updated, Unchanged: c.Unchanged})
		}
	}
	for _, t := range kb.LinkTypes() {
		if c, ok := rep.Links[t]; ok {
			out.Links = append(out.Links, model.ImportLinkCounts{Type: string(t), Linked: c.Linked, Relinked: c.Relinked, Unchanged: c.LinksUnchanged, Unlinked: c.Unlinked})
		}
	}
	return out
}

// importError shows a problem with the files as bad input, with the file and line it names:
// each problem of several as an error of its own.
func importError(ctx context.Context, err error) error {
	var ie *interchange.InputError
	if !errors.As(err, &ie) {
		return err
	}
	var each []error
	for _, e := range kb.Errors(ie.Err) {
		each = append(each, kb.Invalid("files", "%s", e.Error()))
	}
	return reportAll(ctx, errors.Join(each...))
}

// exportError shows a writer's refusal (an unknown programme theory, say) as bad input.
func exportError(err error) error {
	var ie *interchange.InputError
	if errors.As(err, &ie) {
		return kb.Invalid("programmeTheoryId", "%s", ie.Error())
	}
	return err
}

func importNotes(converted []interchange.Converted) []string {
	out := []string{}
	for _, c := range converted {
		out = append(out, c.Notes...)
	}
	return out
}
