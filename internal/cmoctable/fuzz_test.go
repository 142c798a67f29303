package cmoctable

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

func addTableSeeds(f *testing.F) {
	f.Add(readFile(f, "testdata/example.csv"))
	f.Add(readFile(f, "testdata/example-mapped.csv"))
	f.Add(writeCSV(f, snapshotDoc(f, seedStore(f))))
	for _, s := range []string{
		"study,theory,cmoc,context\ns,PT,C1,\"a\\;b; c\\\\\"\n",
		"study,theory,cmoc,mechanism,mechanism_resource,mechanism_reasoning,outcome,quote,participant,stance,informant,status,actor,year,study_title\n" +
			"okafor-2022,Initial programme theory,cmoc 1,M,r,q,hope for recovery,\"Seeing him holding down a job made me think it wasn't over for me.\",P11,refutes,staff,refuted,carer,2020,T\n",
		"study,theory,cmoc,outcome\nSmith 2020,PT,C1,O\nsmith-2020,pt,c1,o\n",
		"\ufeffStudy,Theory,CMOC,Outcome,# note\r\ns,PT,C1,O,x\r\n",
		"study,theory,cmoc,outcome,quote\ns,PT,C1,O,\"never closed\n",
		"study;theory;cmoc\n",
		// details and crosswalk links within the table, and a role beside a category
		"study,theory,cmoc,context,context_kind,mechanism,mechanism_aligns,outcome,outcome_aligns,actor\n" +
			"a,PT,C1,Ward,condition,Trust,,Hope,,peer supporter with diabetes (peer worker)\n" +
			"b,PT,C1,School,intervention component,Trusting,SAME_AS a: Trust,Hopeful,RELATED a: Trust; NARROWER a: Hope,staff\n",
	} {
		f.Add([]byte(s))
	}
}

// baseStore is a store holding the example table, for reads that merge into existing data.
func baseStore(t testing.TB, example []byte) kb.Store {
	t.Helper()
	st := emptyStore(t)
	if _, err := importTable(t, st, "example.csv", example, nil); err != nil {
		t.Fatal(err)
	}
	return st
}

// FuzzRead checks that whatever a CSV file holds, Read either refuses it or gives a document
// the store accepts whole; that importing the same file again changes nothing; and that the
// table written back reads to the same table.
func FuzzRead(f *testing.F) {
	addTableSeeds(f)
	example := readFile(f, "testdata/example.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		st := baseStore(t, example)
		doc, err := Read(snapshotDoc(t, st), data, Options{Name: "f.csv"})
		if err != nil {
			return
		}
		ctx := context.Background()
		if _, err := document.ImportFiles(ctx, st, "f", document.Built("f.csv", doc)); err != nil {
			t.Fatalf("Read accepted a table the store refuses: %v", err)
		}
		again, err := Read(snapshotDoc(t, st), data, Options{Name: "f.csv"})
		if err != nil {
			t.Fatalf("second read failed: %v", err)
		}
		res, err := document.ImportFiles(ctx, st, "f", document.Built("f.csv", again))
		if err != nil {
			t.Fatalf("second import failed: %v", err)
		}
		if res.Changed() {
			t.Fatalf("second import changed the store: %+v", res)
		}
		// Written back and read into an empty knowledge base, the table is a fixed point. (A
		// table may rely on base: rows that only add quotes to a CMOC base has.)
		fresh, err := Read(document.Document{}, data, Options{Name: "f.csv"})
		if err != nil {
			return
		}
		out := writeCSV(t, fresh)
		back, err := Read(document.Document{}, out, Options{Name: "out.csv"})
		if err != nil {
			t.Fatalf("the written table does not read: %v\n%s", err, out)
		}
		if out2 := writeCSV(t, back); !bytes.Equal(out, out2) {
			t.Fatalf("written table changes when read and written again:\n%s\n---\n%s", out, out2)
		}
		var md bytes.Buffer
		if err := WriteMarkdown(&md, back); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzReadXLSX checks that no workbook crashes the reader and that an accepted one plans.
func FuzzReadXLSX(f *testing.F) {
	f.Add(workbookOf(f, readFile(f, "testdata/example.csv")))
	f.Add(workbookOf(f, []byte("study,theory,cmoc,outcome,year\ns,PT,C1,O,2020\n")))
	f.Add(zipParts(f, xlsxParts(map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`}, []string{"study"})))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ReadXLSX(document.Document{}, data, Options{Name: "f.xlsx"})
		if err != nil {
			return
		}
		if _, err := document.Plan([]*document.File{document.Built("f.xlsx", doc)}); err != nil {
			t.Fatalf("ReadXLSX accepted a workbook that does not plan: %v", err)
		}
	})
}

// FuzzReadXLSXSheet fuzzes the sheet and shared strings XML inside a well-formed zip, which
// byte mutations of a whole workbook rarely reach (they break the zip's checksums).
func FuzzReadXLSXSheet(f *testing.F) {
	var shared []string
	rows := [][]string{{"study", "theory", "cmoc", "outcome", "quote", "year"}, {"s", "PT", "C1", "O; P", "Hi", "2020"}}
	sheet := sheetXML(rows, &shared)
	parts := xlsxParts(nil, shared)
	f.Add([]byte(sheet), []byte(parts["xl/sharedStrings.xml"]))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><r><t>stu</t></r><r><t>dy</t></r></is></c><c t="b"><v>1</v></c></row></sheetData></worksheet>`),
		[]byte(`<sst><si><t>x</t><rPh><t>y</t></rPh></si></sst>`))
	f.Fuzz(func(t *testing.T, sheet, shared []byte) {
		parts := xlsxParts(map[string]string{"xl/worksheets/sheet1.xml": string(sheet)}, nil)
		parts["xl/sharedStrings.xml"] = string(shared)
		doc, err := ReadXLSX(document.Document{}, zipParts(t, parts), Options{Name: "f.xlsx"})
		if err != nil {
			return
		}
		if _, err := document.Plan([]*document.File{document.Built("f.xlsx", doc)}); err != nil {
			t.Fatalf("ReadXLSX accepted a workbook that does not plan: %v", err)
		}
	})
}

func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{"cmoc=CMOC code,outcome=O", "", "a=b", "cmoc=,", "Mechanism Resource = M(r)", "cmoc=A,cmoc=B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		m, err := ParseMapping(spec)
		if err != nil {
			return
		}
		for k, v := range m {
			if !isColumn(k) || v == "" {
				t.Fatalf("ParseMapping(%q) gave %q=%q", spec, k, v)
			}
		}
	})
}

func FuzzSplitList(f *testing.F) {
	for _, s := range []string{"a; b", `a\;b`, `\\;`, `x\`, ";;", `\\\;`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cell string) {
		vals := splitList(cell)
		if got := splitList(joinList(vals)); !slices.Equal(got, vals) {
			t.Fatalf("splitList(%q) = %q, but written and read again %q", cell, vals, got)
		}
	})
}
