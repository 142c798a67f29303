package seed

import (
	"fmt"
	"io/fs"
	"path"
	"sort"

	"github.com/cmograph/cmograph/internal/document"
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
