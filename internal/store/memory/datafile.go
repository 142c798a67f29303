package memory

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/cmograph/cmograph/internal/kb"
)

const dataFormat = "cmograph-store/v1"

// ErrLocked is returned when another process holds the data file.
var ErrLocked = errors.New("data file is in use by another cmograph process")

// dataFile is the store's file on disk and the lock that keeps a second process off it.
type dataFile struct {
	path string
	lock *os.File
}

type fileNode struct {
	Kind kb.Kind         `json:"kind"`
	Node json.RawMessage `json:"node"`
}

type fileContents struct {
	Format string `json:"format"`
	// Revision is the last journal revision the snapshot holds (see journal.go).
	Revision uint64     `json:"revision,omitempty"`
	Nodes    []fileNode `json:"nodes"`
	Links    []kb.Link  `json:"links"`
}

// resolveDataPath is the data file's real path. A data file reached through a symbolic link
// is locked and rewritten where it really is (else two servers given two links would each
// lock a name of their own, and the first write would replace the link with a file); one with
// several hard links is refused, since its other names escape the lock.
func resolveDataPath(path string) (string, error) {
	real, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		// a new file, or a link to one not made yet: resolve the directory
		dir, derr := filepath.EvalSymlinks(filepath.Dir(path))
		if derr != nil {
			return path, nil // the directory is created on open
		}
		if target, lerr := os.Readlink(path); lerr == nil {
			if !filepath.IsAbs(target) {
				target = filepath.Join(dir, target)
			}
			return target, nil
		}
		return filepath.Join(dir, filepath.Base(path)), nil
	}
	if err != nil {
		return "", fmt.Errorf("resolving the data file %s: %w", path, err)
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("reading the data file %s: %w", path, err)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Nlink > 1 {
		return "", fmt.Errorf("data file %s has %d hard links: cmograph locks a data file by its name, so a server given another name would write it too; give each server its own copy", path, sys.Nlink)
	}
	return real, nil
}

// openDataFile takes an exclusive, non-blocking lock on PATH.lock, so a second cmograph on
// the same file fails at once with a clear error instead of both writing it.
func openDataFile(path string) (*dataFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("creating the data directory: %w", err)
	}
	lockPath := path + ".lock"
	// A clean stop removes the lock file; a process that opened it just before may then lock
	// the removed file while a third creates a new one and locks that. Whoever locks checks
	// that the lock file is still the one at the path, and tries again if not.
	for attempt := 0; ; attempt++ {
		lock, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("opening the lock file: %w", err)
		}
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			holder, _ := os.ReadFile(lockPath)
			lock.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				pid := strings.TrimSpace(string(holder))
				return nil, fmt.Errorf("%w: %s is locked by process %s; stop it or choose another --data file (cmograph export reads it meanwhile)", ErrLocked, path, pid)
			}
			return nil, fmt.Errorf("locking %s: %w", lockPath, err)
		}
		held, herr := lock.Stat()
		now, nerr := os.Stat(lockPath)
		if herr != nil || nerr != nil || !os.SameFile(held, now) {
			lock.Close()
			if attempt < 10 {
				continue
			}
			return nil, fmt.Errorf("locking %s: the lock file keeps being replaced", lockPath)
		}
		if err := lock.Truncate(0); err == nil {
			_, _ = lock.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		}
		return &dataFile{path: path, lock: lock}, nil
	}
}

func (f *dataFile) close() error {
	if f.lock == nil {
		return nil
	}
	// removed while still locked, so no other process can take a lock on it that the next
	// one does not see (see openDataFile)
	rerr := os.Remove(f.lock.Name())
	if errors.Is(rerr, fs.ErrNotExist) {
		rerr = nil
	}
	err := errors.Join(f.lock.Close(), rerr) // closing releases the flock
	f.lock = nil
	return err
}

// load reads the snapshot, its revision and its size on disk.
func (f *dataFile) load() (kb.Snapshot, uint64, int64, error) {
	raw, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return kb.Snapshot{}, 0, 0, nil
	}
	if err != nil {
		return kb.Snapshot{}, 0, 0, fmt.Errorf("reading the data file: %w", err)
	}
	var c fileContents
	if err := json.Unmarshal(raw, &c); err != nil {
		return kb.Snapshot{}, 0, 0, fmt.Errorf("data file %s is not valid: %w", f.path, err)
	}
	if c.Format != dataFormat {
		return kb.Snapshot{}, 0, 0, fmt.Errorf("data file %s has format %q; this cmograph reads %q", f.path, c.Format, dataFormat)
	}
	snap := kb.Snapshot{Links: c.Links}
	for i, fn := range c.Nodes {
		n, ok := kb.NewNode(fn.Kind)
		if !ok {
			return kb.Snapshot{}, 0, 0, fmt.Errorf("data file %s: node %d has unknown kind %q", f.path, i, fn.Kind)
		}
		if err := json.Unmarshal(fn.Node, n); err != nil {
			return kb.Snapshot{}, 0, 0, fmt.Errorf("data file %s: node %d: %w", f.path, i, err)
		}
		snap.Nodes = append(snap.Nodes, n)
	}
	return snap, c.Revision, int64(len(raw)), nil
}

// save writes the snapshot, holding every change up to rev, to a temporary file beside the
// data file, syncs it, renames it over the data file and syncs the directory: a crash leaves
// either the old file or the new one. It returns the size written.
func (f *dataFile) save(snap kb.Snapshot, rev uint64) (int64, error) {
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(f.path)+".tmp-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	counted := &countingWriter{w: tmp}
	w := bufio.NewWriterSize(counted, 1<<20)
	c := fileContents{Format: dataFormat, Revision: rev, Links: snap.Links}
	if c.Links == nil {
		c.Links = []kb.Link{}
	}
	c.Nodes = make([]fileNode, 0, len(snap.Nodes))
	for _, n := range snap.Nodes {
		raw, err := json.Marshal(n)
		if err != nil {
			tmp.Close()
			return 0, err
		}
		c.Nodes = append(c.Nodes, fileNode{Kind: n.NodeKind(), Node: raw})
	}
	if err := json.NewEncoder(w).Encode(c); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return 0, err
	}
	d, err := os.Open(dir)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	return counted.n, d.Sync()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
