package main_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
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
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```\\s*```json\n(.*?)```").FindAllStringSubmatch(text, -1)
	if len(blocks) < 3 {
		t.Fatalf("the README shows %d example queries with output, want at least 3", len(blocks))
	}
	s := serve(t, t.TempDir(), "--demo")
	for i, b := range blocks {
		var want any
		if err := json.Unmarshal([]byte(b[2]), &want); err != nil {
			t.Fatalf("example %d: the README's output is not JSON: %v", i+1, err)
		}
		body, _ := json.Marshal(map[string]string{"query": b[1]})
		resp, err := http.Post(s.url+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var got any
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("example %d: %s", i+1, raw)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("example %d of the README no longer holds:\nquery:\n%s\ngot:\n%s", i+1, b[1], raw)
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
