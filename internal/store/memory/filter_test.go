package memory

import (
	"strings"
	"testing"
)

// containsLowered must say what lowering the haystack would: on ASCII and on the rest.
func FuzzContainsLowered(f *testing.F) {
	for _, seed := range [][2]string{
		{"Hope for RECOVERY", "recovery"}, {"Hope", "hope"}, {"hop", "hope"}, {"", ""}, {"abc", ""},
		{"Ärger und Hoffnung", "hoffnung"}, {"İstanbul", "i̇stanbul"}, {"ΣΟΦΙΑ", "σοφια"}, {"a[Z]b", "[z]"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, haystack, needle string) {
		needle = strings.ToLower(needle)
		if got, want := containsLowered(haystack, needle), strings.Contains(strings.ToLower(haystack), needle); got != want {
			t.Fatalf("containsLowered(%q, %q) = %t, lowering says %t", haystack, needle, got, want)
		}
	})
}
