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

// BenchImportTable imports a 10,000-row CMOC table into an empty store made by open, as
// `cmograph import table.csv` does (one change), and reports rows per second.
func BenchImportTable(b *testing.B, open OpenEmpty) {
	data := cmocTable(b)
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		s := open(b)
		b.StartTimer()
		res, _, err := interchange.Import(ctx, s, "bench", []interchange.Source{{Name: "synth.csv", Data: data}}, interchange.Options{})
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
}
