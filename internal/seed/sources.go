package seed

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// Sources returns the seed documents in file-name order, named as they stand in the repo so
// an error points at the file to fix.
func Sources() ([]document.Source, error) {
	corpus := Corpus()
	names, err := fs.Glob(corpus, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]document.Source, 0, len(names))
	for _, name := range names {
		data, err := fs.ReadFile(corpus, name)
		if err != nil {
			return nil, fmt.Errorf("reading seed %s: %w", name, err)
		}
		out = append(out, document.Source{Name: path.Join("internal/seed/corpus", name), Data: data})
	}
	return out, nil
}

// Import writes the seed corpus into store as one change by actor: the demo, and the corpus
// most tests read.
func Import(ctx context.Context, store kb.Store, actor string) (kb.Result, error) {
	sources, err := Sources()
	if err != nil {
		return kb.Result{}, err
	}
	return document.Import(ctx, store, actor, sources...)
}
