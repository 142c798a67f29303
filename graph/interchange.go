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
			return nil, kb.Invalid(path, "%s is %d bytes; at most %d", f.Filename, f.Size, document.MaxFileSize)
		}
		data, err := io.ReadAll(io.LimitReader(f.File, document.MaxFileSize+1))
		if err != nil {
			return nil, fmt.Errorf("reading upload %s: %w", f.Filename, err)
		}
		if len(data) > document.MaxFileSize {
			return nil, kb.Invalid(path, "%s is over %d bytes", f.Filename, document.MaxFileSize)
		}
		out[i] = interchange.Source{Name: f.Filename, Data: data}
		if format != nil {
			out[i].Format = importFormats[*format]
		}
	}
	return out, nil
}

// applyConverted plans the converted files and applies them as one change.
func applyConverted(ctx context.Context, r *Resolver, converted []interchange.Converted) (kb.Result, int, error) {
	ops, err := interchange.Plan(converted)
	if err != nil {
		return kb.Result{}, 0, err
	}
	res, err := r.applyChange(ctx, ops)
	return res, len(ops), err
}

// importError shows a problem with the files as bad input, with the file and line it names.
func importError(err error) error {
	var ie *interchange.InputError
	if errors.As(err, &ie) {
		return kb.Invalid("files", "%s", ie.Error())
	}
	return err
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
