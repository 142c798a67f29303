// Package seed holds the seed corpus: the first studies, programme theories, CMOCs, quotes,
// theories and alignments, written as cmograph/v1 documents (one file per study, plus the
// theories they draw on).
package seed

import (
	"embed"
	"io/fs"
)

//go:embed corpus/*.yaml
var files embed.FS

// Corpus returns the seed documents; file names are the base names under corpus/.
func Corpus() fs.FS {
	sub, err := fs.Sub(files, "corpus")
	if err != nil {
		panic(err) // the embedded directory always exists
	}
	return sub
}
