package memory

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
)

// The journal is the store's write-ahead log: PATH.journal beside the snapshot PATH, one line
// per committed change, appended and fsynced before the change is acknowledged, so a write
// costs what the change weighs, not what the whole graph weighs. A line is
//
//	<crc32 of the JSON, 8 hex digits> <JSON of a journalRecord>\n
//
// and holds the change's net effect (the final state of every node and link it touched), so
// that replaying a record is the same whatever came before it and replaying it twice is
// harmless. Records carry the revision they made; the snapshot says up to which revision it
// holds, and opening replays only later records. A crash can leave a torn last line, which
// opening drops (with a log line): its change was never acknowledged. When the journal has
// grown past the snapshot's size the store compacts it into a new snapshot.

// journalRecord is the net effect of one change.
type journalRecord struct {
	Revision uint64       `json:"rev"`
	Nodes    []fileNode   `json:"nodes,omitempty"`
	Deleted  []string     `json:"deleted,omitempty"`
	Links    []kb.Link    `json:"links,omitempty"`
	Unlinked []kb.LinkKey `json:"unlinked,omitempty"`
}

// netEffect is a change's effect in memory, as the graph holds it: what a record replays.
type netEffect struct {
	nodes    map[string]*entry // nil: deleted
	links    map[kb.LinkKey]*kb.Link
	nodeIDs  []string // in the order first touched
	linkKeys []kb.LinkKey
}

func newNetEffect() *netEffect {
	return &netEffect{nodes: map[string]*entry{}, links: map[kb.LinkKey]*kb.Link{}}
}

// capture reads the final state of everything touched from the graph.
func (e *netEffect) capture(g *graph, ids []string, keys []kb.LinkKey) {
	for _, id := range ids {
		if _, seen := e.nodes[id]; !seen {
			e.nodeIDs = append(e.nodeIDs, id)
		}
		e.nodes[id] = g.nodes[id]
	}
	for _, k := range keys {
		if _, seen := e.links[k]; !seen {
			e.linkKeys = append(e.linkKeys, k)
		}
		if l, ok := g.link(k); ok {
			e.links[k] = &l
		} else {
			e.links[k] = nil
		}
	}
}

// apply sets the graph to the effect: nodes first, so links find their ends; deleted nodes
// last, after the links that touched them are gone.
func (e *netEffect) apply(g *graph) {
	for _, id := range e.nodeIDs {
		if en := e.nodes[id]; en != nil {
			g.setNode(id, en)
		}
	}
	for _, k := range e.linkKeys {
		g.setLink(k, e.links[k])
	}
	for _, id := range e.nodeIDs {
		if e.nodes[id] == nil {
			g.setNode(id, nil)
		}
	}
}

// encode renders the effect as one journal line.
func (e *netEffect) encode(rev uint64) ([]byte, error) {
	rec := journalRecord{Revision: rev}
	for _, id := range e.nodeIDs {
		en := e.nodes[id]
		if en == nil {
			rec.Deleted = append(rec.Deleted, id)
			continue
		}
		raw, err := json.Marshal(en.node)
		if err != nil {
			return nil, err
		}
		rec.Nodes = append(rec.Nodes, fileNode{Kind: en.node.NodeKind(), Node: raw})
	}
	for _, k := range e.linkKeys {
		if l := e.links[k]; l != nil {
			rec.Links = append(rec.Links, *l)
		} else {
			rec.Unlinked = append(rec.Unlinked, k)
		}
	}
	body, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	line := make([]byte, 0, len(body)+10)
	line = fmt.Appendf(line, "%08x ", crc32.ChecksumIEEE(body))
	line = append(line, body...)
	return append(line, '\n'), nil
}

// decodeEffect reads a record back into an effect.
func decodeEffect(rec journalRecord) (*netEffect, error) {
	e := newNetEffect()
	for i, fn := range rec.Nodes {
		n, ok := kb.NewNode(fn.Kind)
		if !ok {
			return nil, fmt.Errorf("node %d has unknown kind %q", i, fn.Kind)
		}
		if err := json.Unmarshal(fn.Node, n); err != nil {
			return nil, fmt.Errorf("node %d: %w", i, err)
		}
		if err := n.Validate(); err != nil {
			return nil, fmt.Errorf("node %q: %w", n.NodeID(), err)
		}
		e.nodeIDs = append(e.nodeIDs, n.NodeID())
		e.nodes[n.NodeID()] = newEntry(n)
	}
	for _, id := range rec.Deleted {
		e.nodeIDs = append(e.nodeIDs, id)
		e.nodes[id] = nil
	}
	for _, l := range rec.Links {
		e.linkKeys = append(e.linkKeys, l.Key())
		e.links[l.Key()] = &l
	}
	for _, k := range rec.Unlinked {
		e.linkKeys = append(e.linkKeys, k)
		e.links[k] = nil
	}
	return e, nil
}

// journal is the open journal file.
type journal struct {
	path string
	f    *os.File
	size int64
}

// openJournal opens the journal, if there is one, and reads its records; a torn or damaged
// tail is cut off, and torn says how many bytes were dropped. A journal that does not exist is
// created by the first change, so that opening a store to read it writes nothing.
func openJournal(path string) (j *journal, records []journalRecord, torn int64, err error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return &journal{path: path}, nil, 0, nil
	}
	if err != nil {
		return nil, nil, 0, fmt.Errorf("opening the journal: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	records, good, torn, err := scanJournal(f)
	if err != nil {
		return nil, nil, 0, err
	}
	if torn > 0 {
		if err := f.Truncate(good); err != nil {
			return nil, nil, 0, fmt.Errorf("cutting the journal's torn tail: %w", err)
		}
		if err := f.Sync(); err != nil {
			return nil, nil, 0, err
		}
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		return nil, nil, 0, err
	}
	return &journal{path: path, f: f, size: good}, records, torn, nil
}

// scanJournal reads the good records from the start of f, and how many bytes they and the torn
// or damaged tail after them take.
func scanJournal(f *os.File) (records []journalRecord, good, torn int64, err error) {
	r := bufio.NewReaderSize(f, 1<<20)
	for {
		line, rerr := r.ReadBytes('\n')
		if errors.Is(rerr, io.EOF) {
			return records, good, int64(len(line)), nil
		}
		if rerr != nil {
			return nil, 0, 0, fmt.Errorf("reading the journal: %w", rerr)
		}
		rec, ok := parseJournalLine(line)
		if !ok {
			st, serr := f.Stat()
			if serr != nil {
				return nil, 0, 0, serr
			}
			return records, good, st.Size() - good, nil
		}
		records = append(records, rec)
		good += int64(len(line))
	}
}

// readJournal reads the journal's good records and changes nothing: a torn tail may be a line
// the process holding the store is writing right now.
func readJournal(path string) ([]journalRecord, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("opening the journal: %w", err)
	}
	defer f.Close()
	records, _, _, err := scanJournal(f)
	return records, err
}

func parseJournalLine(line []byte) (journalRecord, bool) {
	var rec journalRecord
	line = bytes.TrimSuffix(line, []byte{'\n'})
	sum, body, ok := bytes.Cut(line, []byte{' '})
	if !ok || len(sum) != 8 {
		return rec, false
	}
	want, err := strconv.ParseUint(string(sum), 16, 32)
	if err != nil || uint32(want) != crc32.ChecksumIEEE(body) {
		return rec, false
	}
	if err := json.Unmarshal(body, &rec); err != nil {
		return rec, false
	}
	return rec, true
}

// append writes one line and fsyncs it; on failure the journal is cut back to where it was,
// so a change that was not acknowledged leaves nothing behind.
func (j *journal) append(line []byte) error {
	if j.f == nil {
		f, err := os.OpenFile(j.path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("creating the journal: %w", err)
		}
		// the directory entry must survive a crash too
		if err := syncDir(filepath.Dir(j.path)); err != nil {
			f.Close()
			return err
		}
		j.f = f
	}
	if _, err := j.f.Write(line); err != nil {
		j.rewind()
		return fmt.Errorf("writing the journal: %w", err)
	}
	if err := j.f.Sync(); err != nil {
		j.rewind()
		return fmt.Errorf("syncing the journal: %w", err)
	}
	j.size += int64(len(line))
	return nil
}

func (j *journal) rewind() {
	_ = j.f.Truncate(j.size)
	_, _ = j.f.Seek(j.size, io.SeekStart)
}

// reset empties the journal once a snapshot holds everything in it.
func (j *journal) reset() error {
	if j.f == nil {
		return nil
	}
	if err := j.f.Truncate(0); err != nil {
		return fmt.Errorf("emptying the journal: %w", err)
	}
	if _, err := j.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	j.size = 0
	return j.f.Sync()
}

func (j *journal) close() error {
	if j == nil || j.f == nil {
		return nil
	}
	err := j.f.Close()
	j.f = nil
	return err
}

// removeTemps deletes the temporary files a crash left beside the data file; the caller holds
// the data file's lock, so no other process is writing one.
func removeTemps(dataPath string) (int, error) {
	matches, err := globTemps(dataPath)
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, m := range matches {
		if err := os.Remove(m); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("removing the leftover %s: %w", m, err)
		}
		removed++
	}
	return removed, nil
}

// globTemps lists the temporary files beside the data file: PATH.tmp-*, as save makes them.
func globTemps(dataPath string) ([]string, error) {
	dir, base := filepath.Dir(dataPath), filepath.Base(dataPath)+".tmp-"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", dir, err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasPrefix(e.Name(), base) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
