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

// rowReader returns a table's records one at a time, and io.EOF after the last.
type rowReader func() (record, error)

// sliceRows reads records held in memory.
func sliceRows(rs []record) rowReader {
	return func() (record, error) {
		if len(rs) == 0 {
			return record{}, io.EOF
		}
		r := rs[0]
		rs = rs[1:]
		return r, nil
	}
}

// DefaultMaxRows bounds the rows of one table: room for the CMOC table of the 10,000-CMOC
// synthetic review (58,570 rows), while a table's rows cost the import some kilobytes each
// (the CMOCs, elements, quotes and links they become), so a runaway file is refused before
// it is built rather than after it has taken gigabytes.
const DefaultMaxRows = 100_000

func (o Options) maxRows() int {
	if o.MaxRows > 0 {
		return o.MaxRows
	}
	return DefaultMaxRows
}

func tooManyRows(where string, limit int) error {
	return fmt.Errorf("%s: the table has more than %d rows, as many as one import reads: split it into several imports, or raise the limit with cmograph import --max-rows (CMOGRAPH_MAX_ROWS)", where, limit)
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
	rows, err := readCSV(name, data, opts.maxRows())
	if err != nil {
		return document.Document{}, Report{}, err
	}
	return build(base, name, rows, opts)
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

// readCSV checks a CSV file whole and returns its records one at a time, the header first,
// refusing what is not plain UTF-8 comma-separated text with a message that says what to do.
// The check is a first pass that keeps nothing (it reuses one record's cells), so a file of a
// million rows costs no memory to refuse for having more than maxRows; the records the
// builder then reads are parsed again as it asks for them, never held all at once.
func readCSV(name string, data []byte, maxRows int) (rowReader, error) {
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
	newReader := func(reuse bool) *csv.Reader {
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = 0 // the header's width binds every row
		r.LazyQuotes = false
		r.ReuseRecord = reuse
		return r
	}
	r := newReader(true)
	records, width := 0, 0
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(name, err, cells, width)
		}
		if records == 0 {
			width = len(cells)
		}
		records++
		if records-1 > maxRows {
			line, _ := r.FieldPos(0)
			return nil, tooManyRows(fmt.Sprintf("%s:%d", name, line), maxRows)
		}
		for i, c := range cells {
			if len(c) > maxField {
				line, _ := r.FieldPos(0)
				return nil, fmt.Errorf("%s:%d: column %d: value is %d bytes; at most %d", name, line, i+1, len(c), maxField)
			}
		}
	}
	if records == 0 {
		return nil, fmt.Errorf("%s: file is empty; a CMOC table starts with a header row", name)
	}
	r = newReader(false)
	return func() (record, error) {
		cells, err := r.Read()
		if err != nil {
			return record{}, err // io.EOF: the first pass found no other error
		}
		line, _ := r.FieldPos(0)
		return record{where: fmt.Sprintf("%s:%d", name, line), cells: cells}, nil
	}, nil
}

func csvError(name string, err error, cells []string, headerWidth int) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", name, err)
	}
	if errors.Is(pe.Err, csv.ErrFieldCount) && headerWidth > 0 {
		return fmt.Errorf("%s:%d: row has %d cells; the header has %d (a cell with a comma or line break must be in double quotes)",
			name, pe.StartLine, len(cells), headerWidth)
	}
	hint := ""
	if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
		hint = `; a cell holding " must be in double quotes, with each " inside written ""`
	}
	return fmt.Errorf("%s:%d: %v (at character %d of the line)%s", name, pe.Line, pe.Err, pe.Column, hint)
}
