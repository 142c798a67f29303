package cmoctable

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/cmograph/cmograph/internal/text"
	"io"
	"unicode/utf8"

	"github.com/cmograph/cmograph/internal/document"
)

// maxField bounds one cell, whatever its column: no CMOC table field is anywhere near it, and
// kb's own limits (names 1,000 bytes, texts 100,000) are checked per column after.
const maxField = 1 << 20

// record is one row of a table with where it stands, for errors.
type record struct {
	where string // "cmocs.csv:14"
	cells []string
}

// Read converts a CMOC table in CSV form into the Document to upsert: every study, programme
// theory, element, CMOC and quote it names, copied from base where base has them and updated
// with what the table says. base is the knowledge base as it is (document.FromSnapshot).
// Errors name opts.Name, the line and the column; a table with any error gives no document.
func Read(base document.Document, data []byte, opts Options) (document.Document, error) {
	doc, _, err := ReadReport(base, data, opts)
	return doc, err
}

// ReadReport is Read with what the read matched and replaced (see Report).
func ReadReport(base document.Document, data []byte, opts Options) (document.Document, Report, error) {
	name := fileName(opts)
	rows, err := readCSV(name, data)
	if err != nil {
		return document.Document{}, Report{}, err
	}
	return build(base, name, rows, opts.Mapping)
}

func fileName(opts Options) string {
	if opts.Name != "" {
		return opts.Name
	}
	return "table"
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
	zipMagic   = []byte("PK\x03\x04")
)

// readCSV splits a CSV file into records, the header first, refusing what is not plain
// UTF-8 comma-separated text with a message that says what to do.
func readCSV(name string, data []byte) ([]record, error) {
	if len(data) > document.MaxFileSize {
		return nil, fmt.Errorf("%s: file is %d bytes; at most %d", name, len(data), document.MaxFileSize)
	}
	if bytes.HasPrefix(data, bomUTF16LE) || bytes.HasPrefix(data, bomUTF16BE) {
		return nil, fmt.Errorf("%s:1: file is UTF-16 text; save it as CSV UTF-8", name)
	}
	if bytes.HasPrefix(data, zipMagic) {
		return nil, fmt.Errorf("%s: file is a zip archive (an Excel workbook?), not CSV text; read workbooks as .xlsx", name)
	}
	data = bytes.TrimPrefix(data, bomUTF8)
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, fmt.Errorf("%s:%d: file holds NUL bytes: it is not text", name, 1+bytes.Count(data[:i], []byte{'\n'}))
	}
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s:%d: file is not UTF-8 text; save it as CSV UTF-8", name, text.FirstInvalidLine(data))
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = 0 // the header's width binds every row
	r.LazyQuotes = false
	var out []record
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(name, err, cells, out)
		}
		line, _ := r.FieldPos(0)
		where := fmt.Sprintf("%s:%d", name, line)
		for i, c := range cells {
			if len(c) > maxField {
				return nil, fmt.Errorf("%s: column %d: value is %d bytes; at most %d", where, i+1, len(c), maxField)
			}
		}
		out = append(out, record{where: where, cells: cells})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: file is empty; a CMOC table starts with a header row", name)
	}
	return out, nil
}

func csvError(name string, err error, cells []string, read []record) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", name, err)
	}
	if errors.Is(pe.Err, csv.ErrFieldCount) && len(read) > 0 {
		return fmt.Errorf("%s:%d: row has %d cells; the header has %d (a cell with a comma or line break must be in double quotes)",
			name, pe.StartLine, len(cells), len(read[0].cells))
	}
	hint := ""
	if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
		hint = `; a cell holding " must be in double quotes, with each " inside written ""`
	}
	return fmt.Errorf("%s:%d: %v (at character %d of the line)%s", name, pe.Line, pe.Err, pe.Column, hint)
}
