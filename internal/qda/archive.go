package qda

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
)

// limits bound what one import reads. A .qdpx is untrusted input: a few kilobytes of zip can
// claim (or, worse, really hold) gigabytes once inflated.
type limits struct {
	archive int64 // the .qdpx itself
	entries int   // entries in its directory
	xml     int64 // project.qde once inflated
	text    int64 // one source text once inflated
	total   int64 // everything inflated from one archive
}

func defaultLimits() limits {
	return limits{
		archive: document.MaxFileSize,
		entries: 10_000,
		xml:     document.MaxFileSize,
		text:    16 << 20,
		total:   128 << 20,
	}
}

// archive is an opened .qdpx: its entries by cleaned, lower-cased path (exporters disagree on
// "Sources" or "sources"), and a count of what has been inflated so far.
type archive struct {
	name    string
	entries map[string]*zip.File
	lim     limits
	read    int64
}

// centralHeader starts every entry of a zip's central directory; counting it bounds the
// number of entries before archive/zip allocates one record per entry.
var centralHeader = []byte("PK\x01\x02")

func openArchive(name string, data []byte, lim limits) (*archive, error) {
	if int64(len(data)) > lim.archive {
		return nil, fmt.Errorf("%s: file is %d bytes; at most %d", name, len(data), lim.archive)
	}
	if n := bytes.Count(data, centralHeader); n > lim.entries {
		return nil, fmt.Errorf("%s: archive has about %d entries; at most %d", name, n, lim.entries)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // names are checked below
		return nil, fmt.Errorf("%s: not a readable zip archive (a .qdpx project is a zip file): %w", name, err)
	}
	if len(zr.File) > lim.entries {
		return nil, fmt.Errorf("%s: archive has %d entries; at most %d", name, len(zr.File), lim.entries)
	}
	a := &archive{name: name, entries: map[string]*zip.File{}, lim: lim}
	for _, f := range zr.File {
		p, err := cleanEntryName(f.Name)
		if err != nil {
			return nil, fmt.Errorf("%s: entry %q: %v", name, f.Name, err)
		}
		if p == "" {
			continue // a directory
		}
		key := strings.ToLower(p)
		if prev, dup := a.entries[key]; dup {
			return nil, fmt.Errorf("%s: entries %q and %q are the same file", name, prev.Name, f.Name)
		}
		a.entries[key] = f
	}
	return a, nil
}

// cleanEntryName refuses names that would escape a directory if anyone ever extracted the
// archive, and normalises the rest. Backslashes, which some Windows tools write, count as
// slashes. A directory yields "".
func cleanEntryName(name string) (string, error) {
	n := strings.ReplaceAll(name, `\`, "/")
	switch {
	case n == "":
		return "", errors.New("has an empty name")
	case strings.ContainsRune(n, 0):
		return "", errors.New("has a NUL in its name")
	case strings.HasPrefix(n, "/") || (len(n) >= 2 && n[1] == ':'):
		return "", errors.New("has an absolute path; entries must be relative to the archive")
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "", errors.New("climbs out of the archive with \"..\"")
		}
	}
	if strings.HasSuffix(n, "/") {
		return "", nil
	}
	return path.Clean(n), nil
}

// lookup finds an entry by path, ignoring case.
func (a *archive) lookup(p string) (*zip.File, bool) {
	f, ok := a.entries[strings.ToLower(p)]
	return f, ok
}

// projectEntry finds the project document: project.qde, or the only .qde at the top level
// (some exporters name it after the project).
func (a *archive) projectEntry() (*zip.File, error) {
	if f, ok := a.lookup("project.qde"); ok {
		return f, nil
	}
	var found []*zip.File
	for key, f := range a.entries {
		if !strings.Contains(key, "/") && strings.HasSuffix(key, ".qde") {
			found = append(found, f)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%s: no project.qde in the archive; is this a REFI-QDA project (.qdpx)?", a.name)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("%s: %d .qde files and none named project.qde; cannot tell which is the project", a.name, len(found))
}

// readEntry inflates one entry, trusting neither its declared size nor the total: the bytes
// actually read are counted through a LimitReader.
func (a *archive) readEntry(f *zip.File, limit int64) ([]byte, error) {
	where := a.name + ": " + f.Name
	if f.Flags&0x1 != 0 {
		return nil, fmt.Errorf("%s: entry is encrypted; export the project without a password", where)
	}
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("%s: entry is %d bytes once uncompressed; at most %d", where, f.UncompressedSize64, limit)
	}
	remaining := max(a.lim.total-a.read, 0)
	if f.UncompressedSize64 > uint64(remaining) {
		return nil, fmt.Errorf("%s: the archive's entries come to more than %d bytes once uncompressed", where, a.lim.total)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	defer rc.Close()
	bound := min(limit, remaining)
	data, err := io.ReadAll(io.LimitReader(rc, bound+1))
	a.read += int64(len(data))
	if int64(len(data)) > bound {
		if bound == limit {
			return nil, fmt.Errorf("%s: entry inflates to more than %d bytes (its header declared %d)", where, limit, f.UncompressedSize64)
		}
		return nil, fmt.Errorf("%s: the archive's entries come to more than %d bytes once uncompressed", where, a.lim.total)
	}
	if err != nil {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) {
			return nil, fmt.Errorf("%s: entry is corrupt or does not match its header: %w", where, err)
		}
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return data, nil
}
