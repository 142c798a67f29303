package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/kb"
)

// BenchWrites loads a synthetic corpus of each size into a store made by open and times what
// an editing reviewer does to it: one mutation (a CMOC's statement changed, made durable before
// it returns), a read of one CMOC on an idle store, and the same read while another client
// writes back to back. Each reports ms/median.
func BenchWrites(b *testing.B, open OpenEmpty) {
	for _, size := range benchSizes(b) {
		b.Run(fmt.Sprintf("cmocs=%d", size), func(b *testing.B) {
			ctx := context.Background()
			s := loadSynthetic(b, open, size)
			page, err := s.List(ctx, kb.ListQuery{Kind: kb.KindCMOC, Limit: 100})
			if err != nil || len(page.Nodes) < 2 {
				b.Fatalf("no CMOCs to edit: %v", err)
			}
			target, reader := page.Nodes[0].NodeID(), page.Nodes[1].NodeID()
			n := 0
			write := func() error {
				n++
				_, err := s.Apply(ctx, kb.Change{Actor: "bench", Ops: []kb.Op{{Type: kb.OpUpdate, Kind: kb.KindCMOC, ID: target,
					Patch: kb.Props{"statement": fmt.Sprintf("When a peer is matched (C), hope grows (O), revision %d.", n)}, Path: "bench"}}})
				return err
			}
			read := func() error {
				ns, err := s.Get(ctx, []string{reader})
				if err == nil && len(ns) != 1 {
					err = fmt.Errorf("%s vanished", reader)
				}
				return err
			}
			timed(b, "Mutation", write)
			timed(b, "ReadIdle", read)
			b.Run("ReadWhileWriting", func(b *testing.B) {
				stop := make(chan struct{})
				var wg sync.WaitGroup
				wg.Add(1)
				writes := 0
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						if err := write(); err != nil {
							b.Error(err)
							return
						}
						writes++
					}
				}()
				// let the writer get going
				time.Sleep(20 * time.Millisecond)
				measure(b, read)
				close(stop)
				wg.Wait()
				b.ReportMetric(float64(writes), "writes")
			})
		})
	}
}

func timed(b *testing.B, name string, op func() error) {
	b.Run(name, func(b *testing.B) { measure(b, op) })
}

func measure(b *testing.B, op func() error) {
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2])/float64(time.Millisecond), "ms/median")
}
