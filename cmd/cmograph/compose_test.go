package main_test

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestComposeIsHardened holds docker-compose.yml and .dockerignore to what the README says of
// them: ports on loopback only, no default password, a health check through the binary, and
// a build context without npm packages, history or data.
func TestComposeIsHardened(t *testing.T) {
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Environment map[string]string `yaml:"environment"`
			Ports       []string          `yaml:"ports"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	for name, s := range c.Services {
		for _, p := range s.Ports {
			if !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("%s publishes %s beyond loopback", name, p)
			}
		}
		for k, v := range s.Environment {
			if strings.Contains(k, "PASSWORD") || k == "NEO4J_AUTH" {
				if !strings.Contains(v, "${NEO4J_PASSWORD:?") {
					t.Errorf("%s: %s must come from the environment, with no default: %q", name, k, v)
				}
			}
		}
	}
	app := c.Services["cmograph"]
	if got := strings.Join(app.Healthcheck.Test, " "); !strings.Contains(got, "cmograph healthcheck") {
		t.Errorf("cmograph's health check: %q", got)
	}
	if app.Environment["CMOGRAPH_ADDR"] == ":8080" && app.Environment["CMOGRAPH_INSECURE_NO_AUTH"] != "true" {
		t.Error("serve on every interface without tokens refuses to start: the container would never serve")
	}
	ignore, err := os.ReadFile("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{".git", "**/node_modules", "cmograph-data.json", "cmograph-tokens.json"} {
		if !strings.Contains(string(ignore), want+"\n") {
			t.Errorf(".dockerignore lacks %s", want)
		}
	}
}
