package main_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeIsTrue runs every GraphQL example of the README against `serve --demo` and compares
// the answer with the JSON the README shows under it; it also holds the README's two first
// commands and CI's test command together.
func TestReadmeIsTrue(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	blocks := regexp.MustCompile("(?s)```(graphql|sh)\n(.*?)```\\s*```json\n(.*?)```").FindAllStringSubmatch(text, -1)
	if len(blocks) < 3 {
		t.Fatalf("the README shows %d example queries with output, want at least 3", len(blocks))
	}
	s := serve(t, t.TempDir(), "--demo")
	for i, b := range blocks {
		var want any
		if err := json.Unmarshal([]byte(b[3]), &want); err != nil {
			t.Fatalf("example %d: the README's output is not JSON: %v", i+1, err)
		}
		var resp *http.Response
		if b[1] == "sh" {
			// a curl upload (GraphQL multipart request), posted as curl would
			req, ok := uploadRequest(t, s.url, b[2])
			if !ok {
				continue
			}
			resp, err = http.DefaultClient.Do(req)
		} else {
			body, _ := json.Marshal(map[string]string{"query": b[2]})
			resp, err = http.Post(s.url+"/graphql", "application/json", bytes.NewReader(body))
		}
		if err != nil {
			t.Fatalf("example %d: %v", i+1, err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var got any
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("example %d: %s", i+1, raw)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("example %d of the README no longer holds:\nquery:\n%s\ngot:\n%s", i+1, b[2], raw)
		}
	}
	s.stop(t)

	commands := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(text, 2)
	if len(commands) < 2 || strings.TrimSpace(commands[0][1]) != "go run ./cmd/cmograph serve --demo" {
		t.Fatalf("the README's first command should start the demo: %q", commands)
	}
	testCommand := strings.TrimSpace(commands[1][1])
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.TrimSpace(string(ci)), "\n"+testCommand) {
		t.Fatalf("CI must end by running the README's test command %q", testCommand)
	}
}

// uploadRequest is the request a README command `curl … -F operations='…' -F map='…' -F
// 0=@file` sends, with its headers; ok is false for any other command.
func uploadRequest(t *testing.T, url, command string) (*http.Request, bool) {
	t.Helper()
	field := func(name string) string {
		m := regexp.MustCompile(`-F ` + name + `='([^']*)'`).FindStringSubmatch(command)
		if m == nil {
			return ""
		}
		return m[1]
	}
	file := regexp.MustCompile(`-F 0=@(\S+)`).FindStringSubmatch(command)
	operations, fileMap := field("operations"), field("map")
	if !strings.HasPrefix(strings.TrimSpace(command), "curl") || operations == "" || fileMap == "" || file == nil {
		return nil, false
	}
	data, err := os.ReadFile("../../" + file[1])
	if err != nil {
		t.Fatalf("the README uploads %s: %v", file[1], err)
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("operations", operations)
	_ = w.WriteField("map", fileMap)
	part, err := w.CreateFormFile("0", filepath.Base(file[1]))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = part.Write(data)
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, url+"/graphql", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	for _, h := range regexp.MustCompile(`-H '([^:]+): ([^']*)'`).FindAllStringSubmatch(command, -1) {
		req.Header.Set(h[1], h[2])
	}
	return req, true
}
