// Package headless finds the Chromium the browser tests drive, so that every package's browser
// tests look for it alike.
package headless

import (
	"os"
	"os/exec"
)

// Chrome is the browser to drive: CMOGRAPH_CHROME when set, else the first of Chromium's
// usual names on PATH; "" when there is none, and the tests skip.
func Chrome() string {
	if p := os.Getenv("CMOGRAPH_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
