package cmoctable

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/store/memory"
	"github.com/cmograph/cmograph/internal/synth"
)

// benchRows is the size of the table the import benchmark reads.
const benchRows = 10_000

// table10k is a synthetic CMOC table of exactly benchRows rows: the synthetic corpus of 2,000
// CMOCs and 10,000 quotes written as a table, cut at benchRows rows.
func table10k(b *testing.B) []byte {
	b.Helper()
	doc, err := synth.Generate(synth.Default().Scaled(2000))
	if err != nil {
		b.Fatal(err)
	}
	full := writeCSV(b, doc)
	rows, err := csv.NewReader(bytes.NewReader(full)).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	if len(rows) < benchRows+1 {
		b.Fatalf("the synthetic table has only %d rows", len(rows)-1)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(rows[:benchRows+1]); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImport10k measures reading a 10,000-row table and importing it into an empty
// embedded store, as one change.
func BenchmarkImport10k(b *testing.B) {
	data := table10k(b)
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		st, err := memory.Open(ctx, memory.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		doc, err := Read(document.Document{}, data, Options{Name: "synth.csv"})
		if err != nil {
			b.Fatal(err)
		}
		res, err := document.ImportFiles(ctx, st, "bench", document.Built("synth.csv", doc))
		if err != nil {
			b.Fatal(err)
		}
		if res.Created == 0 {
			b.Fatal("nothing imported")
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkRead10k measures reading alone: the table into the document to import.
func BenchmarkRead10k(b *testing.B) {
	data := table10k(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read(document.Document{}, data, Options{Name: "synth.csv"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
