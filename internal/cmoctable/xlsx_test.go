package cmoctable

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/csv"
	"fmt"
	"hash/crc32"
	"html"
	"strconv"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
)

// xlsxParts are the parts of a minimal workbook as Excel writes it; sheet XML is filled in.
func xlsxParts(sheets map[string]string, sharedStrings []string) map[string]string {
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="CMOCs" sheetId="1" r:id="rId1"/><sheet name="Notes" sheetId="2" r:id="rId2"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>`,
	}
	var ss strings.Builder
	ss.WriteString(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for i, s := range sharedStrings {
		if i%2 == 1 {
			// Rich text: the value is split over runs, with a phonetic hint that is not part of it.
			half := len(s) / 2
			for half > 0 && half < len(s) && (s[half]&0xC0) == 0x80 {
				half--
			}
			fmt.Fprintf(&ss, `<si><r><rPr><b/></rPr><t xml:space="preserve">%s</t></r><r><t>%s</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh></si>`,
				html.EscapeString(s[:half]), html.EscapeString(s[half:]))
			continue
		}
		fmt.Fprintf(&ss, `<si><t>%s</t></si>`, html.EscapeString(s))
	}
	ss.WriteString(`</sst>`)
	parts["xl/sharedStrings.xml"] = ss.String()
	for name, xml := range sheets {
		parts[name] = xml
	}
	return parts
}

// sheetXML writes rows as a worksheet: numbers as numbers, every third text cell inline, the
// rest as shared strings (appended to *shared).
func sheetXML(rows [][]string, shared *[]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	n := 0
	for r, row := range rows {
		fmt.Fprintf(&b, `<row r="%d">`, r+2) // a blank first row, as sheets with a title gap have
		for c, v := range row {
			if v == "" {
				continue
			}
			ref := colName(c) + strconv.Itoa(r+2)
			switch _, err := strconv.Atoi(v); {
			case err == nil:
				fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, v)
			case n%3 == 2:
				fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, html.EscapeString(v))
				n++
			default:
				fmt.Fprintf(&b, `<c r="%s" t="s"><v>%d</v></c>`, ref, len(*shared))
				*shared = append(*shared, v)
				n++
			}
		}
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.String()
}

func colName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

func zipParts(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// workbookOf turns a CSV table into a workbook whose first sheet holds it.
func workbookOf(t testing.TB, csvData []byte) []byte {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(csvData)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var shared []string
	sheet := sheetXML(rows, &shared)
	other := sheetXML([][]string{{"not", "this", "sheet"}}, &shared)
	return zipParts(t, xlsxParts(map[string]string{"xl/worksheets/sheet1.xml": sheet, "xl/worksheets/sheet2.xml": other}, shared))
}

func TestXLSXReadsLikeCSV(t *testing.T) {
	for _, c := range []struct {
		file string
		m    Mapping
	}{{"testdata/example.csv", nil}, {"testdata/example-mapped.csv", exampleMapping(t)}} {
		data := readFile(t, c.file)
		fromCSV, err := Read(document.Document{}, data, Options{Name: "x", Mapping: c.m})
		if err != nil {
			t.Fatal(err)
		}
		fromXLSX, err := ReadXLSX(document.Document{}, workbookOf(t, data), Options{Name: "x", Mapping: c.m})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := document.MarshalJSON(fromCSV)
		b, _ := document.MarshalJSON(fromXLSX)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: workbook reads differently:\n%s\n---\n%s", c.file, b, a)
		}
	}
}

func TestXLSXSeedRoundTrip(t *testing.T) {
	seedDoc := snapshotDoc(t, seedStore(t))
	st := theoriesStore(t, seedDoc)
	doc, err := ReadXLSX(snapshotDoc(t, st), workbookOf(t, writeCSV(t, seedDoc)), Options{Name: "seed.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := document.ImportFiles(t.Context(), st, "t", document.Built("seed.xlsx", doc)); err != nil {
		t.Fatal(err)
	}
	if a, b := fmt.Sprint(summarise(seedDoc)), fmt.Sprint(summarise(snapshotDoc(t, st))); a != b {
		t.Error("workbook round trip lost data")
	}
}

func TestXLSXErrorsNameSheetAndRow(t *testing.T) {
	data := workbookOf(t, []byte("study,theory,cmoc,outcome,stance,quote\ns,PT,C1,O,maybe,hi\n"))
	_, err := ReadXLSX(document.Document{}, data, Options{Name: "book.xlsx"})
	want := `book.xlsx: sheet "CMOCs", row 3: column "stance": "maybe" is not one of SUPPORTS, REFUTES, REFINES`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
}

// rawZip builds a zip whose single entry declares declared bytes but inflates to actual.
func rawZip(t *testing.T, name string, actual []byte, declared uint64) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(actual)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(actual),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	return buf.Bytes()
}

func TestHostileXLSX(t *testing.T) {
	okSheet := func(body string) []byte {
		return zipParts(t, xlsxParts(map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData>` + body + `</sheetData></worksheet>`}, []string{"study"}))
	}
	bomb := bytes.Repeat([]byte("<a/>"), 1<<20)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("study,theory\n"), "b.xlsx: not an Excel workbook (.xlsx): zip: not a valid zip file"},
		{"truncated zip", okSheet("")[:100], "b.xlsx: not an Excel workbook (.xlsx)"},
		{"no workbook", zipParts(t, map[string]string{"a.txt": "x"}), "b.xlsx: not an Excel workbook: it has no workbook part"},
		{"declared too big", rawZip(t, "xl/workbook.xml", []byte("<workbook/>"), 1<<40), "b.xlsx: part xl/workbook.xml is 1099511627776 bytes uncompressed; at most 67108864"},
		{"bigger than declared", rawZip(t, "xl/workbook.xml", bomb, 100), "b.xlsx: part xl/workbook.xml"},
		{"no sheets", zipParts(t, map[string]string{"xl/workbook.xml": "<workbook><sheets/></workbook>"}), "b.xlsx: the workbook has no sheets"},
		{"bad XML", okSheet(`<row><c t="s"><v>0</v></row>`), `b.xlsx: sheet "CMOCs", row 1: column 1: XML syntax error on line 1: element <c> closed by </row>`},
		{"missing shared string", okSheet(`<row r="1"><c r="A1" t="s"><v>7</v></c></row>`), `b.xlsx: sheet "CMOCs", row 1: column 1: shared string "7" does not exist`},
		{"far column", okSheet(`<row r="1"><c r="XFD1"><v>1</v></c></row>`), `b.xlsx: sheet "CMOCs", row 1: column 16384: a CMOC table has at most 1024 columns`},
		{"bad cell ref", okSheet(`<row r="1"><c r="ZZZZ1"><v>1</v></c></row>`), `cell "ZZZZ1": column is beyond the sheet's last`},
		{"rows out of order", okSheet(`<row r="5"/><row r="2"/>`), `row number "2" is not valid here`},
		{"empty sheet", okSheet(``), `b.xlsx: sheet "CMOCs" is empty`},
		{"entity", okSheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>&bomb;</t></is></c></row>`), `invalid character entity &bomb;`},
		{"cell right of header", okSheet(`<row r="1"><c r="A1" t="inlineStr"><is><t>study</t></is></c><c r="B1" t="inlineStr"><is><t>theory</t></is></c><c r="C1" t="inlineStr"><is><t>cmoc</t></is></c></row>` +
			`<row r="2"><c r="A2" t="inlineStr"><is><t>s</t></is></c><c r="B2" t="inlineStr"><is><t>p</t></is></c><c r="C2" t="inlineStr"><is><t>c</t></is></c><c r="F2"><v>9</v></c></row>`),
			`b.xlsx: sheet "CMOCs", row 2: column 6 has no header but holds "9"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadXLSX(document.Document{}, c.data, Options{Name: "b.xlsx"})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, c.want)
			}
		})
	}
}

func TestColumnOf(t *testing.T) {
	for ref, want := range map[string]int{"A1": 0, "Z9": 25, "AA10": 26, "AB1": 27, "XFD1048576": 16383} {
		if got, err := columnOf(ref); err != nil || got != want {
			t.Errorf("columnOf(%q) = %d, %v; want %d", ref, got, err, want)
		}
	}
	for i := range 1000 {
		if got, _ := columnOf(colName(i) + "1"); got != i {
			t.Fatalf("columnOf(colName(%d)) = %d", i, got)
		}
	}
}
