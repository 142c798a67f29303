package cmoctable

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
)

// A bad file must fail with a clear error and leave the store as it was.
func TestHostileCSV(t *testing.T) {
	header := "study,theory,cmoc,outcome,quote\n"
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"not UTF-8", []byte(header + "s,PT,C1,O,ok\ns,PT,C2,O,caf\xe9\n"), "t.csv:3: file is not UTF-8 text"},
		{"UTF-16", append([]byte{0xFF, 0xFE}, "s\x00t\x00"...), "t.csv:1: file is UTF-16 text; save it as CSV UTF-8"},
		{"huge field", []byte(header + "s,PT,C1,O,\"" + strings.Repeat("x", maxField+1) + "\"\n"), "t.csv:2: column 5: value is 1048577 bytes"},
		{"long quote", []byte(header + "s,PT,C1,O," + strings.Repeat("x", 100_001) + "\n"), `t.csv:2: column "quote": is 100001 bytes long; at most 100000`},
		{"truncated in a quoted field", []byte(header + "s,PT,C1,O,\"never closed\n"), `t.csv:2: extraneous or missing " in quoted-field`},
		{"bare quote", []byte(header + "s,PT,C1,O,say \"hi\"\n"), `t.csv:2: bare " in non-quoted-field`},
		{"too few cells", []byte(header + "s,PT,C1\n"), "t.csv:2: row has 3 cells; the header has 5"},
		{"too many cells", []byte(header + "s,PT,C1,O,q,extra\n"), "t.csv:2: row has 6 cells; the header has 5"},
		{"empty", nil, "t.csv: file is empty"},
		{"blank lines only", []byte("\n\n\n"), "t.csv: file is empty"},
		{"NUL bytes", []byte(header + "s,PT,C1,O,a\x00b\n"), "t.csv:2: file holds NUL bytes: it is not text"},
		{"a workbook", []byte("PK\x03\x04\x14\x00\x00\x00"), "t.csv: file is a zip archive (an Excel workbook?), not CSV text"},
		{"too big", bytes.Repeat([]byte("a"), document.MaxFileSize+1), "t.csv: file is 67108865 bytes; at most 67108864"},
	}
	st := seedStore(t)
	before, err := document.Export(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := importTable(t, st, "t.csv", c.data, nil)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, c.want)
			}
			after, _ := document.Export(context.Background(), st)
			if !bytes.Equal(before, after) {
				t.Error("the store changed")
			}
		})
	}
}

func TestBOMIsSkipped(t *testing.T) {
	data := append([]byte{0xEF, 0xBB, 0xBF}, "Study,Theory,CMOC,Outcome\r\ns,PT,C1,O\r\n"...)
	doc, err := Read(document.Document{}, data, Options{Name: "excel.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Studies[0].ID != "s" {
		t.Errorf("study = %q", doc.Studies[0].ID)
	}
}

// One bad row among good ones: nothing of the table is written.
func TestOneBadRowWritesNothing(t *testing.T) {
	st := seedStore(t)
	before, _ := document.Export(context.Background(), st)
	bad := "study,theory,cmoc,outcome\nnew-study,PT,C1,O\ngillard-2015,Change model for peer worker interventions,Mechanism 9,\n"
	_, err := importTable(t, st, "t.csv", []byte(bad), nil)
	if err == nil || !strings.Contains(err.Error(), `t.csv:3: CMOC "Mechanism 9" has no context, mechanism or outcome`) {
		t.Fatalf("error = %v", err)
	}
	after, _ := document.Export(context.Background(), st)
	if !bytes.Equal(before, after) {
		t.Error("the store changed")
	}
}
