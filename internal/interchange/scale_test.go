package interchange_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/cmoctable"
	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/interchange"
	"github.com/cmograph/cmograph/internal/store/memory"
	"github.com/cmograph/cmograph/internal/synth"
)

// heapPeak samples the heap in use until stopped and reports the highest it saw, so a test can
// say that an import stayed within a bound.
type heapPeak struct {
	stop chan struct{}
	done sync.WaitGroup
	peak uint64
}

func watchHeap() *heapPeak {
	runtime.GC()
	h := &heapPeak{stop: make(chan struct{})}
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			h.peak = max(h.peak, m.HeapInuse)
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// Stop ends the sampling and returns the peak in MiB.
func (h *heapPeak) Stop() float64 {
	close(h.stop)
	h.done.Wait()
	return float64(h.peak) / (1 << 20)
}

// Whatever cmograph exports it imports: the export of a synthetic review is imported into an
// empty store and exported again byte for byte, through the streamed JSON reader (the file is
// over its threshold). The default size keeps the suite fast; CMOGRAPH_LARGE=1 runs the
// 10,000-CMOC corpus whose 82 MB export the import used to refuse.
func TestExportImportRoundTripAtScale(t *testing.T) {
	cmocs := 600
	if n, err := strconv.Atoi(os.Getenv("CMOGRAPH_LARGE_CMOCS")); err == nil {
		cmocs = n
	} else if os.Getenv("CMOGRAPH_LARGE") != "" {
		cmocs = 10000
	}
	ctx := context.Background()
	doc, err := synth.Generate(synth.Default().Scaled(cmocs))
	if err != nil {
		t.Fatal(err)
	}
	src, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Import(ctx, src, "synth", doc); err != nil {
		t.Fatal(err)
	}
	exported, err := interchange.Export(ctx, src, interchange.ExportJSON, interchange.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if len(exported) <= 4<<20 {
		t.Fatalf("the export is %d bytes, too small to be streamed", len(exported))
	}
	dst, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := watchHeap()
	start := time.Now()
	r, _, err := interchange.Import(ctx, dst, "test", []interchange.Source{{Name: "export.json", Data: exported}}, interchange.Options{})
	took := time.Since(start)
	peak := h.Stop()
	if err != nil {
		t.Fatal(err)
	}
	again, err := interchange.Export(ctx, dst, interchange.ExportJSON, interchange.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(exported, again) {
		t.Fatalf("export -> import -> export differs (%d vs %d bytes)", len(exported), len(again))
	}
	mb := float64(len(exported)) / (1 << 20)
	t.Logf("%d CMOCs: a %.1f MiB export imported in %s (%d nodes), heap in use at most %.0f MiB (%.1f× the file)",
		cmocs, mb, took.Round(time.Millisecond), r.Created, peak, peak/mb)
	// the store holds the graph (about 6× the file); parsing adds the document and the plan,
	// not a node tree of every value (which took over 20× the file)
	if peak > 20*mb+64 {
		t.Errorf("importing a %.1f MiB export took %.0f MiB of heap", mb, peak)
	}
	_ = document.MaxDocumentSize
}

// tableOf writes a CMOC table of n rows, each its own CMOC with its own context and outcome:
// the costliest rows a table can have.
func tableOf(n int) []byte {
	var b bytes.Buffer
	b.WriteString("study,theory,cmoc,context,outcome\n")
	for i := range n {
		fmt.Fprintf(&b, "s-2020,T,CMOC %d,Context %d,Outcome %d\n", i, i, i)
	}
	return b.Bytes()
}

// An import's memory is bounded by more than the file cap: a table of a million rows (38 MB)
// used to grow past 8 GB; now it is refused for its rows before any is built, naming the limit
// and how to raise it, and the heap stays small. A table at the limit is built, as a stream
// of rows, within a bound per row.
func TestAMillionRowTableIsRefusedWithinBoundedMemory(t *testing.T) {
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "million.csv")
	if err := os.WriteFile(path, tableOf(1_000_000), 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := watchHeap()
	start := time.Now()
	_, _, err = interchange.Import(ctx, s, "test", []interchange.Source{{Name: "million.csv", Data: data}}, interchange.Options{})
	took, peak := time.Since(start), h.Stop()
	want := fmt.Sprintf("million.csv:%d: the table has more than %d rows", cmoctable.DefaultMaxRows+2, cmoctable.DefaultMaxRows)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "--max-rows") {
		t.Fatalf("import of a million rows: %v; want %q", err, want)
	}
	fileMB := float64(len(data)) / (1 << 20)
	t.Logf("a %.1f MiB table of 1,000,000 rows refused in %s; heap in use at most %.0f MiB", fileMB, took.Round(time.Millisecond), peak)
	if peak > fileMB+64 {
		t.Errorf("refusing a million-row table took %.0f MiB of heap", peak)
	}

	// under the limit (lowered, to keep the test fast) the rows are built
	rows := 20_000
	if os.Getenv("CMOGRAPH_LARGE") != "" {
		rows = cmoctable.DefaultMaxRows
	}
	data = tableOf(rows)
	h = watchHeap()
	start = time.Now()
	r, _, err := interchange.Import(ctx, s, "test", []interchange.Source{{Name: "table.csv", Data: data}}, interchange.Options{MaxTableRows: rows})
	took, peak = time.Since(start), h.Stop()
	if err != nil || r.Created != 3*rows+2 {
		t.Fatalf("import of %d rows: %+v %v", rows, r, err)
	}
	perRow := peak * (1 << 20) / float64(rows)
	t.Logf("a table of %d rows imported in %s; heap in use at most %.0f MiB, %.1f KiB a row", rows, took.Round(time.Millisecond), peak, perRow/1024)
	if perRow > 24<<10 {
		t.Errorf("%.1f KiB of heap a row", perRow/1024)
	}
}
