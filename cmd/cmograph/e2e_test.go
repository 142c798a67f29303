package main_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests build the real binary and run it as a user would.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cmograph-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "cmograph")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building cmograph:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// cmograph runs the binary to completion with the environment cleared of store settings.
func cmograph(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NEO4J_") && !strings.HasPrefix(kv, "CMOGRAPH_") {
			env = append(env, kv)
		}
	}
	return env
}

type server struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
}

type syncBuffer struct {
	ch  chan string
	buf strings.Builder
}

// serve starts `cmograph serve` on a free port and waits until it says where it listens.
func serve(t *testing.T, dir string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, stderr: &syncBuffer{ch: make(chan string, 1000)}}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			s.stderr.ch <- sc.Text()
		}
		close(s.stderr.ch)
	}()
	re := regexp.MustCompile(`graphql=(http://\S+)/graphql`)
	deadline := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-s.stderr.ch:
			if !ok {
				t.Fatalf("cmograph serve exited before listening:\n%s", s.stderr.buf.String())
			}
			s.stderr.buf.WriteString(line + "\n")
			if m := re.FindStringSubmatch(line); m != nil {
				s.url = m[1]
				return s
			}
		case <-deadline:
			t.Fatalf("cmograph serve did not start within 60s:\n%s", s.stderr.buf.String())
		}
	}
}

func (s *server) query(t *testing.T, q string) map[string]any {
	t.Helper()
	_, out := post(t, s.url+"/graphql", q)
	if out["errors"] != nil {
		t.Fatalf("query failed: %v", out["errors"])
	}
	return out["data"].(map[string]any)
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) string {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// read stderr to its end before Wait, which closes the pipe and would lose the last lines
	done := make(chan error, 1)
	go func() {
		for line := range s.stderr.ch {
			s.stderr.buf.WriteString(line + "\n")
		}
		done <- s.cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve did not exit cleanly on SIGTERM: %v\n%s", err, s.stderr.buf.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30s of SIGTERM")
	}
	return s.stderr.buf.String()
}

func TestServeDemoAnswersAndShutsDownCleanly(t *testing.T) {
	dir := t.TempDir()
	s := serve(t, dir, "--demo")
	d := s.query(t, `{ studies { totalCount } cmocs(where: {programmeTheoryId: {eq: "youth-peer-support-2023.ipt"}}) { totalCount } }`)
	if got := d["cmocs"].(map[string]any)["totalCount"]; got != float64(12) {
		t.Fatalf("the youth programme theory has %v CMOCs, want 12", got)
	}
	if got := d["studies"].(map[string]any)["totalCount"]; got != float64(4) {
		t.Fatalf("%v studies, want 4", got)
	}
	for _, path := range []string{"/", "/healthz", "/readyz"} {
		resp, err := http.Get(s.url + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, err, resp)
		}
		resp.Body.Close()
	}
	// a second process on the same data file is refused with a clear error
	_, stderr, code := cmograph(t, dir, "serve", "--addr", "127.0.0.1:0")
	if code == 0 || !strings.Contains(stderr, "in use by another cmograph process") {
		t.Fatalf("second serve on the same data file: exit %d, %s", code, stderr)
	}
	logs := s.stop(t)
	if !strings.Contains(logs, "stopped") {
		t.Fatalf("no clean-stop log line:\n%s", logs)
	}
	// the data survives a restart, and --demo does not load twice
	s = serve(t, dir, "--demo")
	d = s.query(t, `{ studies { totalCount } }`)
	if got := d["studies"].(map[string]any)["totalCount"]; got != float64(4) {
		t.Fatalf("after restart: %v studies", got)
	}
	s.stop(t)
}

func TestImportExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	seeds, err := filepath.Glob("../../internal/seed/corpus/*.yaml")
	if err != nil || len(seeds) == 0 {
		t.Fatalf("no seed files: %v", err)
	}
	for i := range seeds {
		seeds[i], _ = filepath.Abs(seeds[i])
	}
	out, stderr, code := cmograph(t, dir, append([]string{"import", "--data", "a.json"}, seeds...)...)
	if code != 0 || !strings.Contains(out, "nodes created") {
		t.Fatalf("import: %d %s %s", code, out, stderr)
	}
	out, _, code = cmograph(t, dir, append([]string{"import", "--data", "a.json"}, seeds...)...)
	if code != 0 || !strings.Contains(out, " 0 nodes created, 0 updated") || !strings.Contains(out, " 0 links made, 0 changed") {
		t.Fatalf("re-import changed something: %s", out)
	}
	if _, stderr, code := cmograph(t, dir, "export", "--data", "a.json", "--out", "export1.json"); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	if _, stderr, code := cmograph(t, dir, "import", "--data", "b.json", "export1.json"); code != 0 {
		t.Fatalf("importing the export: %s", stderr)
	}
	if _, stderr, code := cmograph(t, dir, "export", "--data", "b.json", "--out", "export2.json"); code != 0 {
		t.Fatalf("second export: %s", stderr)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "export1.json"))
	b, _ := os.ReadFile(filepath.Join(dir, "export2.json"))
	if !bytes.Equal(a, b) || len(a) < 10000 {
		t.Fatalf("export -> import -> export is not lossless (%d vs %d bytes)", len(a), len(b))
	}
}

func TestBadImportNamesFileAndLineAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	good := "format: cmograph/v1\nstudies:\n  - id: ok\n    title: Fine\n"
	bad := "format: cmograph/v1\nstudies:\n  - id: broken\n    title: Broken\n    population: MARTIANS\n"
	os.WriteFile(filepath.Join(dir, "good.yaml"), []byte(good), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o644)
	_, stderr, code := cmograph(t, dir, "import", "--data", "kb.json", "good.yaml", "bad.yaml")
	if code != 1 || !strings.Contains(stderr, "bad.yaml:5: studies[0].population") || !strings.Contains(stderr, "nothing was imported") {
		t.Fatalf("bad import: exit %d, %s", code, stderr)
	}
	out, _, _ := cmograph(t, dir, "export", "--data", "kb.json")
	if strings.Contains(out, `"ok"`) {
		t.Fatalf("the good file was imported although the batch failed:\n%s", out)
	}
}

func TestHelpTeaches(t *testing.T) {
	out, _, code := cmograph(t, t.TempDir(), "--help")
	if code != 0 || !strings.Contains(out, "cmograph serve --demo") || !strings.Contains(out, "import") {
		t.Fatalf("--help: %d %s", code, out)
	}
	_, stderr, code := cmograph(t, t.TempDir(), "help", "serve")
	if code != 0 || !strings.Contains(stderr, "NEO4J_URI") || !strings.Contains(stderr, "Examples:") {
		t.Fatalf("help serve: %d %s", code, stderr)
	}
	_, stderr, code = cmograph(t, t.TempDir(), "serve", "--no-such-flag")
	if code != 2 || !strings.Contains(stderr, "no-such-flag") {
		t.Fatalf("a bad flag: %d %s", code, stderr)
	}
	_, stderr, code = cmograph(t, t.TempDir(), "frobnicate")
	if code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Fatalf("an unknown command: %d %s", code, stderr)
	}
}

func TestGenerateWritesAnImportableCorpus(t *testing.T) {
	dir := t.TempDir()
	out, stderr, code := cmograph(t, dir, "generate", "--cmocs", "200", "--out", "f.json")
	if code != 0 || !strings.Contains(out, "generated 10 studies, 200 CMOCs, 1000 quotes and 100 alignments") {
		t.Fatalf("generate: exit %d\n%s%s", code, out, stderr)
	}
	out, stderr, code = cmograph(t, dir, "import", "--data", "kb.json", "f.json")
	if code != 0 || !strings.Contains(out, "imported 1 files") {
		t.Fatalf("importing the generated corpus: exit %d\n%s%s", code, out, stderr)
	}
	// The same flags give the same bytes, on standard output too.
	again, _, code := cmograph(t, dir, "generate", "--cmocs", "200", "--out", "-")
	first, _ := os.ReadFile(filepath.Join(dir, "f.json"))
	if code != 0 || again != string(first) {
		t.Fatalf("a second run gave a different document (exit %d, %d vs %d bytes)", code, len(again), len(first))
	}
	// --load goes straight into the store; loading what import already wrote changes nothing.
	out, stderr, code = cmograph(t, dir, "generate", "--cmocs", "200", "--load", "--data", "kb.json")
	if code != 0 || !strings.Contains(out, "0 nodes created, 0 updated") {
		t.Fatalf("generate --load: exit %d\n%s%s", code, out, stderr)
	}
	_, stderr, code = cmograph(t, dir, "generate", "--studies", "5", "--cmocs", "3")
	if code != 1 || !strings.Contains(stderr, "fewer than studies") {
		t.Fatalf("an impossible size: exit %d %s", code, stderr)
	}
}

// The files the README shows for each format import through the binary, all at once and then
// again without change, and each export format comes out of the result.
func TestImportEveryFormatAndExportEach(t *testing.T) {
	dir := t.TempDir()
	var files []string
	for _, f := range []string{
		"../../internal/seed/corpus/theories.yaml",
		"../../internal/seed/corpus/001-gillard-2015.yaml",
		"../../internal/cmoctable/testdata/example.csv",
		"../../internal/citation/testdata/example.ris",
		"../../internal/qda/testdata/example.qdpx",
	} {
		abs, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, abs)
	}
	out, stderr, code := cmograph(t, dir, append([]string{"import", "--data", "kb.json"}, files...)...)
	if code != 0 || !strings.Contains(out, "nodes created") {
		t.Fatalf("import: %d %s %s", code, out, stderr)
	}
	out, stderr, code = cmograph(t, dir, append([]string{"import", "--data", "kb.json"}, files...)...)
	if code != 0 || !strings.Contains(out, " 0 nodes created, 0 updated") || !strings.Contains(out, " 0 links made, 0 changed") {
		t.Fatalf("re-import changed something: %d %s %s", code, out, stderr)
	}
	mapped, _ := filepath.Abs("../../internal/cmoctable/testdata/example-mapped.csv")
	mapping, err := os.ReadFile("../../internal/cmoctable/testdata/example-mapped.mapping")
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code = cmograph(t, dir, "import", "--data", "kb.json", "--map", strings.TrimSpace(string(mapping)), mapped)
	if code != 0 {
		t.Fatalf("mapped import: %d %s %s", code, out, stderr)
	}
	for format, want := range map[string]string{"csv": "study,theory,cmoc", "markdown": "| CMOC |", "ris": "TY  - ", "bibtex": "@", "csljson": `"title"`, "graphml": "<graphml", "yaml": "format: cmograph/v1"} {
		out, stderr, code := cmograph(t, dir, "export", "--data", "kb.json", "--format", format)
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("export --format %s: %d %q %s", format, code, firstLine(out), stderr)
		}
	}
	out, stderr, code = cmograph(t, dir, "export", "--data", "kb.json", "--format", "mermaid", "--theory", "gillard-2015.change-model")
	if code != 0 || !strings.Contains(out, "flowchart") {
		t.Errorf("export mermaid: %d %s", code, stderr)
	}
	_, stderr, code = cmograph(t, dir, "export", "--data", "kb.json", "--format", "dot")
	if code == 0 || !strings.Contains(stderr, "programme theory") {
		t.Errorf("a DOT export without --theory: %d %s", code, stderr)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Exporting from a data file that does not exist is a mistake to say, not an empty document,
// and leaves nothing behind.
func TestExportFromAMissingDataFileFails(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := cmograph(t, dir, "export", "--data", "typo.json")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "no data file at typo.json") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left %v behind", entries)
	}
}

// While serve holds the data file, export reads it read-only and import --check tries files
// against it, listing every problem with the file, line and field the import would name;
// after a clean stop no lock file is left.
func TestExportAndCheckWhileServing(t *testing.T) {
	dir := t.TempDir()
	s := serve(t, dir, "--demo")
	out, stderr, code := cmograph(t, dir, "export", "--format", "csv")
	if code != 0 || !strings.Contains(out, "youth-peer-support-2023") {
		t.Fatalf("export while serving: exit %d, %s", code, stderr)
	}
	bad := "format: cmograph/v1\nstudies:\n  - id: check-2024\n    title: T\n    population: MARTIANS\n" +
		"alignments:\n  - from: gillard-2015.change-model.o.hope-for-recovery\n    to: no-such-element\n    relation: SAME_AS\n"
	os.WriteFile(filepath.Join(dir, "bad2.yaml"), []byte(bad), 0o644)
	out, stderr, code = cmograph(t, dir, "import", "--check", "bad2.yaml")
	if code != 1 || !strings.Contains(out, "bad2.yaml:5: studies[0].population") ||
		!strings.Contains(out, `bad2.yaml:7: alignments[0].to: no node with id "no-such-element"`) || !strings.Contains(stderr, "2 problems") {
		t.Fatalf("check while serving: exit %d\n%s\n%s", code, out, stderr)
	}
	good := "format: cmograph/v1\nalignments:\n  - from: gillard-2015.change-model.o.hope-for-recovery\n    to: youth-peer-support-2023.ipt.o.hope\n    relation: SAME_AS\n"
	os.WriteFile(filepath.Join(dir, "good.yaml"), []byte(good), 0o644)
	out, stderr, code = cmograph(t, dir, "import", "--check", "good.yaml")
	if code != 0 || !regexp.MustCompile(`ALIGNS links +1 made +0 changed +0 unchanged`).MatchString(out) {
		t.Fatalf("check of a good file while serving: exit %d\n%s\n%s", code, out, stderr)
	}
	s.stop(t)
	if _, err := os.Stat(filepath.Join(dir, "cmograph-data.json.lock")); err == nil {
		t.Errorf("the lock file is left after a clean stop")
	}
}
