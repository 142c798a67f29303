package cmoctable

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
)

// An XLSX workbook is a zip of XML parts. ReadXLSX reads the cell values of its first sheet
// with the standard library (archive/zip, encoding/xml): a CMOC table needs no formatting,
// formulas or styles, and a spreadsheet library would bring half a dozen modules for that.
//
// A workbook is a compressed container, so every bound is on what it expands to: each part
// read is refused if its declared size is too big and cut off if it turns out bigger than
// declared; the cells' text together, the number of cells and of columns are bounded too.
const (
	maxXLSXPart    = document.MaxFileSize // one XML part, uncompressed
	maxXLSXEntries = 10_000               // files in the zip
	maxXLSXColumns = 1_024                // a CMOC table has ~20
	maxXLSXCells   = 4_000_000            // every cell of the sheet, empty ones included
	maxXLSXText    = document.MaxFileSize // the text of every cell together
)

// ReadXLSX converts the first sheet of an Excel workbook (.xlsx) into the Document to
// upsert, exactly as Read does a CSV file: the same columns, rules and errors, which name the
// sheet and row.
func ReadXLSX(base document.Document, data []byte, opts Options) (document.Document, error) {
	doc, _, err := ReadXLSXReport(base, data, opts)
	return doc, err
}

// ReadXLSXReport is ReadXLSX with what the read matched and replaced (see Report).
func ReadXLSXReport(base document.Document, data []byte, opts Options) (document.Document, Report, error) {
	name := fileName(opts)
	rows, err := readXLSX(name, data)
	if err != nil {
		return document.Document{}, Report{}, err
	}
	if len(rows) > opts.maxRows()+1 {
		return document.Document{}, Report{}, tooManyRows(rows[opts.maxRows()+1].where, opts.maxRows())
	}
	return build(base, name, sliceRows(rows), opts)
}

type workbook struct {
	name  string
	files map[string]*zip.File
}

func readXLSX(name string, data []byte) ([]record, error) {
	if len(data) > document.MaxFileSize {
		return nil, fmt.Errorf("%s: file is %d bytes; at most %d", name, len(data), document.MaxFileSize)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: not an Excel workbook (.xlsx): %v", name, err)
	}
	if len(zr.File) > maxXLSXEntries {
		return nil, fmt.Errorf("%s: workbook has %d parts; at most %d", name, len(zr.File), maxXLSXEntries)
	}
	wb := &workbook{name: name, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		wb.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	bookPath, err := wb.workbookPath()
	if err != nil {
		return nil, err
	}
	sheetName, sheetPath, sharedPath, err := wb.firstSheet(bookPath)
	if err != nil {
		return nil, err
	}
	var shared []string
	if sharedPath != "" {
		if shared, err = wb.sharedStrings(sharedPath); err != nil {
			return nil, err
		}
	}
	return wb.sheetRows(sheetPath, sheetName, shared)
}

// open returns a part's reader, bounded: a zip entry may claim one size and inflate to
// another, so both the claim and the bytes read are checked.
func (wb *workbook) open(p string) (io.ReadCloser, error) {
	f := wb.files[p]
	if f == nil {
		return nil, fmt.Errorf("%s: not an Excel workbook: it has no part %s", wb.name, p)
	}
	if f.UncompressedSize64 > maxXLSXPart {
		return nil, fmt.Errorf("%s: part %s is %d bytes uncompressed; at most %d", wb.name, p, f.UncompressedSize64, maxXLSXPart)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: part %s: %v", wb.name, p, err)
	}
	return &boundedReader{r: rc, left: int64(f.UncompressedSize64), name: wb.name, part: p}, nil
}

// boundedReader fails once a part gives more bytes than it declared.
type boundedReader struct {
	r          io.ReadCloser
	left       int64
	name, part string
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, fmt.Errorf("%s: part %s is bigger than it declares", b.name, b.part)
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, fmt.Errorf("%s: part %s is bigger than it declares", b.name, b.part)
	}
	return n, err
}

func (b *boundedReader) Close() error { return b.r.Close() }

// decode streams a part's XML elements to fn, which sees every start element and the text
// inside it.
func (wb *workbook) decode(p string, fn func(d *xml.Decoder, t xml.Token) error) error {
	rc, err := wb.open(p)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	for {
		t, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if strings.HasPrefix(err.Error(), wb.name+":") {
				return err
			}
			return fmt.Errorf("%s: part %s: %v", wb.name, p, err)
		}
		if err := fn(d, t); err != nil {
			return err
		}
	}
}

func attr(se xml.StartElement, local string, namespaced bool) string {
	for _, a := range se.Attr {
		if a.Name.Local == local && (a.Name.Space != "") == namespaced {
			return a.Value
		}
	}
	return ""
}

// relationships reads a .rels part: id -> target and type -> target, targets resolved
// against dir.
func (wb *workbook) relationships(p, dir string) (byID, byType map[string]string, err error) {
	byID, byType = map[string]string{}, map[string]string{}
	if wb.files[p] == nil {
		return byID, byType, nil
	}
	err = wb.decode(p, func(_ *xml.Decoder, t xml.Token) error {
		se, ok := t.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			return nil
		}
		target := attr(se, "Target", false)
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join(dir, target)
		}
		byID[attr(se, "Id", false)] = target
		typ := attr(se, "Type", false)
		if _, dup := byType[typ[strings.LastIndexByte(typ, '/')+1:]]; !dup {
			byType[typ[strings.LastIndexByte(typ, '/')+1:]] = target
		}
		return nil
	})
	return byID, byType, err
}

func (wb *workbook) workbookPath() (string, error) {
	_, byType, err := wb.relationships("_rels/.rels", "")
	if err != nil {
		return "", err
	}
	if p := byType["officeDocument"]; p != "" && wb.files[p] != nil {
		return p, nil
	}
	if wb.files["xl/workbook.xml"] != nil {
		return "xl/workbook.xml", nil
	}
	return "", fmt.Errorf("%s: not an Excel workbook: it has no workbook part", wb.name)
}

// firstSheet finds the first sheet in tab order, and the shared strings part if any.
func (wb *workbook) firstSheet(bookPath string) (name, sheetPath, sharedPath string, err error) {
	dir := path.Dir(bookPath)
	byID, byType, err := wb.relationships(path.Join(dir, "_rels", path.Base(bookPath)+".rels"), dir)
	if err != nil {
		return "", "", "", err
	}
	var rid string
	found := false
	err = wb.decode(bookPath, func(_ *xml.Decoder, t xml.Token) error {
		if se, ok := t.(xml.StartElement); ok && se.Name.Local == "sheet" && !found {
			found = true
			name, rid = attr(se, "name", false), attr(se, "id", true)
		}
		return nil
	})
	if err != nil {
		return "", "", "", err
	}
	if !found {
		return "", "", "", fmt.Errorf("%s: the workbook has no sheets", wb.name)
	}
	sheetPath = byID[rid]
	if sheetPath == "" {
		return "", "", "", fmt.Errorf("%s: sheet %q has no part in the workbook", wb.name, name)
	}
	return name, sheetPath, byType["sharedStrings"], nil
}

// textOf collects the text of the <t> elements inside the element just started, leaving out
// phonetic runs (<rPh>), which are reading aids and not part of the value.
func textOf(d *xml.Decoder, limit int) (string, error) {
	var b strings.Builder
	depth, inT, skip := 1, 0, 0
	for depth > 0 {
		t, err := d.Token()
		if err != nil {
			return "", err
		}
		switch x := t.(type) {
		case xml.StartElement:
			depth++
			switch x.Name.Local {
			case "t":
				inT++
			case "rPh":
				skip++
			}
		case xml.EndElement:
			depth--
			switch x.Name.Local {
			case "t":
				inT--
			case "rPh":
				skip--
			}
		case xml.CharData:
			if inT > 0 && skip == 0 {
				if b.Len()+len(x) > limit {
					return "", fmt.Errorf("a cell's text is over %d bytes", limit)
				}
				b.Write(x)
			}
		}
	}
	return b.String(), nil
}

func (wb *workbook) sharedStrings(p string) ([]string, error) {
	var out []string
	total := 0
	err := wb.decode(p, func(d *xml.Decoder, t xml.Token) error {
		se, ok := t.(xml.StartElement)
		if !ok || se.Name.Local != "si" {
			return nil
		}
		s, err := textOf(d, maxField)
		if err != nil {
			return fmt.Errorf("%s: part %s: string %d: %v", wb.name, p, len(out), err)
		}
		if total += len(s); total > maxXLSXText {
			return fmt.Errorf("%s: the workbook's text is over %d bytes", wb.name, maxXLSXText)
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// sheetRows reads the sheet's rows as records; a row's where names the sheet and row number.
func (wb *workbook) sheetRows(p, sheet string, shared []string) ([]record, error) {
	var out []record
	var cur *record
	rowNum, col, cells, total := 0, 0, 0, 0
	err := wb.decode(p, func(d *xml.Decoder, t xml.Token) error {
		se, ok := t.(xml.StartElement)
		if !ok {
			return nil
		}
		switch se.Name.Local {
		case "row":
			rowNum++
			if r := attr(se, "r", false); r != "" {
				n, err := strconv.Atoi(r)
				if err != nil || n < rowNum || n > 1<<20 {
					return fmt.Errorf("%s: sheet %q: row number %q is not valid here", wb.name, sheet, r)
				}
				rowNum = n
			}
			out = append(out, record{where: fmt.Sprintf("%s: sheet %q, row %d", wb.name, sheet, rowNum)})
			cur, col = &out[len(out)-1], 0
		case "c":
			if cur == nil {
				return fmt.Errorf("%s: sheet %q: a cell outside any row", wb.name, sheet)
			}
			where := cur.where
			if ref := attr(se, "r", false); ref != "" {
				c, err := columnOf(ref)
				if err != nil {
					return fmt.Errorf("%s: cell %q: %v", where, ref, err)
				}
				col = c
			}
			if col >= maxXLSXColumns {
				return fmt.Errorf("%s: column %d: a CMOC table has at most %d columns", where, col+1, maxXLSXColumns)
			}
			v, err := cellValue(d, se, shared)
			if err != nil {
				return fmt.Errorf("%s: column %d: %v", where, col+1, err)
			}
			if grow := col + 1 - len(cur.cells); grow > 0 {
				if cells += grow; cells > maxXLSXCells {
					return fmt.Errorf("%s: the sheet has over %d cells", where, maxXLSXCells)
				}
			}
			if total += len(v); total > maxXLSXText {
				return fmt.Errorf("%s: the sheet's text is over %d bytes", where, maxXLSXText)
			}
			for len(cur.cells) <= col {
				cur.cells = append(cur.cells, "")
			}
			cur.cells[col] = v
			col++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if blankRecords(out) {
		return nil, fmt.Errorf("%s: sheet %q is empty; a CMOC table starts with a header row", wb.name, sheet)
	}
	return out, nil
}

func blankRecords(rs []record) bool {
	for _, r := range rs {
		if !blank(r.cells) {
			return false
		}
	}
	return true
}

// cellValue reads a <c> element's value as text, whatever its type.
func cellValue(d *xml.Decoder, se xml.StartElement, shared []string) (string, error) {
	typ := attr(se, "t", false)
	var v, inline string
	depth := 1
	for depth > 0 {
		t, err := d.Token()
		if err != nil {
			return "", err
		}
		switch x := t.(type) {
		case xml.StartElement:
			switch x.Name.Local {
			case "v":
				s, err := textOfV(d)
				if err != nil {
					return "", err
				}
				v = s
			case "is":
				s, err := textOf(d, maxField)
				if err != nil {
					return "", err
				}
				inline = s
			default:
				depth++
			}
		case xml.EndElement:
			depth--
		}
	}
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(shared) {
			return "", fmt.Errorf("shared string %q does not exist", v)
		}
		return shared[i], nil
	case "inlineStr":
		return inline, nil
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE", nil
		}
		return "FALSE", nil
	}
	return v, nil
}

// textOfV reads the text of a <v> element just started.
func textOfV(d *xml.Decoder) (string, error) {
	var b strings.Builder
	depth := 1
	for depth > 0 {
		t, err := d.Token()
		if err != nil {
			return "", err
		}
		switch x := t.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if b.Len()+len(x) > maxField {
				return "", fmt.Errorf("a cell's value is over %d bytes", maxField)
			}
			b.Write(x)
		}
	}
	return b.String(), nil
}

// columnOf turns a cell reference such as "AB12" into its column index (AB -> 27).
func columnOf(ref string) (int, error) {
	n, letters := 0, 0
	for _, r := range ref {
		switch {
		case r >= 'A' && r <= 'Z':
			n = n*26 + int(r-'A'+1)
		case r >= 'a' && r <= 'z':
			n = n*26 + int(r-'a'+1)
		default:
			if letters == 0 {
				return 0, errors.New("not a cell reference")
			}
			return n - 1, nil
		}
		if letters++; letters > 3 {
			return 0, errors.New("column is beyond the sheet's last (XFD)")
		}
	}
	if letters == 0 {
		return 0, errors.New("not a cell reference")
	}
	return n - 1, nil
}
