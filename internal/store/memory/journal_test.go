package memory

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cmograph/cmograph/internal/kb"
)

func study(i int) kb.Op {
	return kb.Op{Type: kb.OpCreate, Node: &kb.Study{ID: fmt.Sprintf("s%d", i), Title: fmt.Sprintf("Study %d", i)}}
}

func openAt(t *testing.T, path string, opts Options) *Store {
	t.Helper()
	opts.Path = path
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// crash stops using the files as a killed process would: no compaction, the lock released.
func (s *Store) crash() {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = s.journal.close()
	s.journal = nil
	_ = s.file.close()
	s.file = nil
}

func studyIDs(t *testing.T, s *Store) []string {
	t.Helper()
	page, err := s.List(context.Background(), kb.ListQuery{Kind: kb.KindStudy})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(page.Nodes))
	for i, n := range page.Nodes {
		out[i] = n.NodeID()
	}
	return out
}

func TestJournalKeepsEveryChangeWithoutRewritingTheDataFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.json")
	s := openAt(t, path, Options{})
	for i := range 5 {
		if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{study(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpUpdate, Kind: kb.KindStudy, ID: "s1", Patch: kb.Props{"title": "Renamed"}},
		{Type: kb.OpDelete, Kind: kb.KindStudy, ID: "s2"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a small change rewrote the data file (%v)", err)
	}
	lines := journalLines(t, path)
	if len(lines) != 6 {
		t.Fatalf("want one journal line per change, got %d", len(lines))
	}
	s.crash()

	s = openAt(t, path, Options{})
	if got := strings.Join(studyIDs(t, s), ","); got != "s0,s1,s3,s4" {
		t.Fatalf("after a crash and reopening: %s", got)
	}
	if n := get(t, s, "s1").(*kb.Study); n.Title != "Renamed" || n.CreatedAt.IsZero() {
		t.Fatalf("the update was not replayed whole: %+v", n)
	}
	if s.revision.Load() != 6 {
		t.Fatalf("revision after replay %d, want 6", s.revision.Load())
	}
	// a clean stop folds the journal into the data file
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if len(journalLines(t, path)) != 0 {
		t.Fatal("a clean stop left the journal full")
	}
	s = openAt(t, path, Options{})
	defer s.Close(ctx)
	if got := strings.Join(studyIDs(t, s), ","); got != "s0,s1,s3,s4" {
		t.Fatalf("after a clean stop: %s", got)
	}
}

func get(t *testing.T, s *Store, id string) kb.Node {
	t.Helper()
	ns, err := s.Get(context.Background(), []string{id})
	if err != nil || len(ns) != 1 {
		t.Fatalf("get %s: %v %v", id, ns, err)
	}
	return ns[0]
}

func journalLines(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path + ".journal")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")[:strings.Count(string(raw), "\n")]
}

func TestTornJournalTailIsDroppedWithALogLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kb.json")
	s := openAt(t, path, Options{})
	for i := range 3 {
		if _, err := s.Apply(context.Background(), kb.Change{Ops: []kb.Op{study(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	s.crash()
	good, _ := os.ReadFile(path + ".journal")
	for name, tail := range map[string]string{
		"cut mid-line":   `0badc0de {"rev":4,"nodes":[{"kind":"Study","no`,
		"wrong checksum": "00000000 {\"rev\":4}\n",
		"not a record":   "\x00\x00\x00\x00\n",
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path+".journal", append(bytes.Clone(good), tail...), 0o644); err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			s := openAt(t, path, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			defer s.crash()
			if got := strings.Join(studyIDs(t, s), ","); got != "s0,s1,s2" {
				t.Fatalf("studies %s", got)
			}
			if !strings.Contains(logs.String(), "torn end of the journal") {
				t.Fatalf("no log line says the tail was dropped:\n%s", logs.String())
			}
			if now, _ := os.ReadFile(path + ".journal"); !bytes.Equal(now, good) {
				t.Fatal("the torn tail is still in the journal")
			}
			// and the next change lands after the good records
			if _, err := s.Apply(context.Background(), kb.Change{Ops: []kb.Op{study(9)}}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestTempFilesLeftByACrashAreRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kb.json")
	for _, name := range []string{"kb.json.tmp-123", "kb.json.tmp-9"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("half a snapshot"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "other.json.tmp-1"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s := openAt(t, path, Options{})
	defer s.Close(context.Background())
	left, _ := filepath.Glob(filepath.Join(dir, "*.tmp-*"))
	if len(left) != 1 || filepath.Base(left[0]) != "other.json.tmp-1" {
		t.Fatalf("left: %v", left)
	}
}

func TestCompactionBoundsTheJournal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.json")
	s := openAt(t, path, Options{CompactAt: 2048})
	for i := range 200 {
		if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{study(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := os.Stat(path + ".journal")
	if err != nil {
		t.Fatal(err)
	}
	snap, err := os.Stat(path)
	if err != nil {
		t.Fatalf("never compacted: %v", err)
	}
	if st.Size() > max(2048, snap.Size())+1024 {
		t.Fatalf("journal %d bytes beside a %d-byte snapshot", st.Size(), snap.Size())
	}
	s.crash()
	s = openAt(t, path, Options{})
	defer s.Close(ctx)
	if n := len(studyIDs(t, s)); n != 200 {
		t.Fatalf("%d studies after compactions and a crash", n)
	}
}

// A crash after a compaction's new snapshot is in place but before the journal is emptied
// leaves records the snapshot already holds; replaying them must change nothing.
func TestRecordsTheSnapshotHoldsAreSkipped(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "kb.json")
	s := openAt(t, path, Options{})
	for i := range 3 {
		if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{study(i)}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Apply(ctx, kb.Change{Ops: []kb.Op{{Type: kb.OpDelete, Kind: kb.KindStudy, ID: "s0"}}}); err != nil {
		t.Fatal(err)
	}
	s.mu.RLock()
	snap := s.snapshotLocked()
	s.mu.RUnlock()
	if _, err := s.file.save(snap, s.revision.Load()); err != nil {
		t.Fatal(err)
	}
	s.crash()
	s = openAt(t, path, Options{})
	defer s.Close(ctx)
	if got := strings.Join(studyIDs(t, s), ","); got != "s1,s2" {
		t.Fatalf("studies %s", got)
	}
	if s.revision.Load() != 4 {
		t.Fatalf("revision %d", s.revision.Load())
	}
}

// A change acknowledged is never lost under kill -9: a child process writes change after
// change and says "ack N" after each Apply returns; the parent kills it mid-stream and checks
// that the reopened store holds every acknowledged change.
func TestKill9LosesNoAcknowledgedChange(t *testing.T) {
	if path := os.Getenv("CMOGRAPH_CRASH_WRITER"); path != "" {
		crashWriter(path)
		return
	}
	path := filepath.Join(t.TempDir(), "kb.json")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKill9LosesNoAcknowledgedChange$")
	cmd.Env = append(os.Environ(), "CMOGRAPH_CRASH_WRITER="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := -1
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(30 * time.Second)
	for sc.Scan() && time.Now().Before(deadline) {
		if n, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
			acked, _ = strconv.Atoi(n)
			if acked >= 40 {
				break
			}
		}
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	if acked < 40 {
		t.Fatalf("the writer acknowledged only %d changes", acked)
	}
	s := openAt(t, path, Options{})
	defer s.Close(context.Background())
	have := map[string]bool{}
	for _, id := range studyIDs(t, s) {
		have[id] = true
	}
	for i := 0; i <= acked; i++ {
		if !have[fmt.Sprintf("s%d", i)] {
			t.Fatalf("change %d was acknowledged and lost (%d acknowledged, %d studies)", i, acked+1, len(have))
		}
	}
	t.Logf("%d changes acknowledged before kill -9, %d in the store after reopening", acked+1, len(have))
}

func crashWriter(path string) {
	s, err := Open(context.Background(), Options{Path: path})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		if _, err := s.Apply(context.Background(), kb.Change{Ops: []kb.Op{study(i)}}); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Printf("ack %d\n", i)
	}
}

func TestOpeningToReadWritesNoJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kb.json")
	s := openAt(t, path, Options{})
	if _, err := os.Stat(path + ".journal"); !os.IsNotExist(err) {
		t.Fatalf("opening made a journal (%v)", err)
	}
	if _, err := s.Apply(context.Background(), kb.Change{Ops: []kb.Op{study(1)}}); err != nil {
		t.Fatal(err)
	}
	if len(journalLines(t, path)) != 1 {
		t.Fatal("the first change is not in the journal")
	}
	s.crash()
	s = openAt(t, path, Options{})
	defer s.Close(context.Background())
	if got := strings.Join(studyIDs(t, s), ","); got != "s1" {
		t.Fatalf("studies %s", got)
	}
}

func TestDataFileThroughALinkIsLockedWhereItIs(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("real.json", link); err != nil {
		t.Fatal(err)
	}
	// the link's target does not exist yet: the store is made there
	s := openAt(t, link, Options{})
	if _, err := s.Apply(context.Background(), kb.Change{Ops: []kb.Op{study(1)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), Options{Path: real}); !errors.Is(err, ErrLocked) {
		t.Fatalf("the real name escaped the lock taken through the link: %v", err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(link); err != nil || target != "real.json" {
		t.Fatalf("the link was replaced: %q %v", target, err)
	}
	s = openAt(t, link, Options{})
	if got := strings.Join(studyIDs(t, s), ","); got != "s1" {
		t.Fatalf("through the link after a clean stop: %s", got)
	}
	s.Close(context.Background())

	hard := filepath.Join(dir, "hard.json")
	if err := os.Link(real, hard); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), Options{Path: hard}); err == nil || !strings.Contains(err.Error(), "hard links") {
		t.Fatalf("a hard-linked data file was opened: %v", err)
	}
}
