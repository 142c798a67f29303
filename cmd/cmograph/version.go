package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version describes the binary from the build information Go records: the module version
// (a release tag when installed with go install …@v1.2.3), the VCS revision and time it was
// built from, whether the tree had uncommitted changes, and the Go version.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "cmograph (no build information)"
	}
	parts := []string{"cmograph", bi.Main.Version}
	var rev, at, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "(modified)"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	for _, p := range []string{rev, at, modified, bi.GoVersion} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " ")
}

func printVersion(c *cli) { fmt.Fprintln(c.stdout, version()) }
