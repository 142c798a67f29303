package synth_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/cmograph/cmograph/internal/store/memory"
	"github.com/cmograph/cmograph/internal/synth"
)

// BenchmarkGenerateDefault measures generating the Default corpus alone.
func BenchmarkGenerateDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := synth.Generate(synth.Default()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDefault measures generating the Default corpus and loading it, as one change,
// into a fresh embedded store that persists to a data file (as cmograph runs by default).
// Run with: go test -run '^$' -bench LoadDefault -benchtime 1x ./internal/synth
func BenchmarkLoadDefault(b *testing.B) {
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s, err := memory.Open(ctx, memory.Options{Path: filepath.Join(b.TempDir(), "kb.json")})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := synth.Load(ctx, s, synth.Default()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Close(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
