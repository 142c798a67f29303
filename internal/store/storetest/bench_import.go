package storetest

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"

	"github.com/cmograph/cmograph/internal/cmoctable"
	"github.com/cmograph/cmograph/internal/interchange"
	"github.com/cmograph/cmograph/internal/synth"
)

// ImportRows is the size of the CMOC table the import benchmark reads.
const ImportRows = 10_000

// cmocTable is a synthetic CMOC table of exactly ImportRows rows: the synthetic corpus of
// 2,000 CMOCs and 10,000 quotes written as a table, cut at ImportRows rows.
func cmocTable(b *testing.B) []byte {
	b.Helper()
	doc, err := synth.Generate(synth.Default().Scaled(2000))
	if err != nil {
		b.Fatal(err)
	}
	var full bytes.Buffer
	if err := cmoctable.WriteCSV(&full, doc); err != nil {
		b.Fatal(err)
	}
	rows, err := csv.NewReader(&full).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	if len(rows) < ImportRows+1 {
		b.Fatalf("the synthetic table has only %d rows", len(rows)-1)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows[:ImportRows+1]); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchImportTable reads a 10,000-row CMOC table ("Read": into the document to import, no
// store) and imports it into an empty store made by open ("Import": as `cmograph import
// table.csv` does, one change), reporting rows per second.
func BenchImportTable(b *testing.B, open OpenEmpty) {
	data := cmocTable(b)
	ctx := context.Background()
	source := []interchange.Source{{Name: "synth.csv", Data: data}}
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := interchange.Convert(ctx, nil, source, interchange.Options{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(ImportRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	b.Run("Import", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			b.StopTimer()
			s := open(b)
			b.StartTimer()
			res, _, err := interchange.Import(ctx, s, "bench", source, interchange.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if res.Created == 0 {
				b.Fatal("nothing imported")
			}
			b.StopTimer()
			_ = s.Close(ctx)
			b.StartTimer()
		}
		b.ReportMetric(float64(ImportRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	})
}
