package document

import (
	"context"
	"fmt"
	"os"

	"github.com/cmograph/cmograph/internal/kb"
)

// Source is one file to import: a name for errors and its bytes.
type Source struct {
	Name string
	Data []byte
}

// ReadSources reads files from disk, refusing one over limit bytes before reading it whole;
// tooLarge words the refusal (how to raise the limit).
func ReadSources(limit int64, tooLarge func(name string, size, limit int64) error, paths ...string) ([]Source, error) {
	out := make([]Source, 0, len(paths))
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		if info.Size() > limit {
			return nil, tooLarge(p, info.Size(), limit)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, err)
		}
		out = append(out, Source{Name: p, Data: data})
	}
	return out, nil
}

// Import parses every source and applies them to the store as one change: all files or none.
// Errors name the file and line.
func Import(ctx context.Context, store kb.Store, actor string, sources ...Source) (kb.Result, error) {
	files := make([]*File, 0, len(sources))
	for _, s := range sources {
		f, err := Parse(s.Name, s.Data)
		if err != nil {
			return kb.Result{}, err
		}
		files = append(files, f)
	}
	return ImportFiles(ctx, store, actor, files...)
}

// ImportFiles applies parsed or built documents (see Built: what a converter from another
// format produces) as one change: all or none.
func ImportFiles(ctx context.Context, store kb.Store, actor string, files ...*File) (kb.Result, error) {
	ops, err := Plan(files)
	if err != nil {
		return kb.Result{}, err
	}
	return store.Apply(ctx, kb.Change{Actor: actor, Ops: ops})
}

// Export writes the whole store (or the given studies) as canonical JSON.
func Export(ctx context.Context, store kb.Store, studyIDs ...string) ([]byte, error) {
	snap, err := store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return MarshalJSON(FromSnapshot(snap, studyIDs...))
}
