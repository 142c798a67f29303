package kb

import (
	"fmt"
	"strings"
	"testing"
)

// SearchText reads the struct where it used to read ToProps' map: the two must give the same
// text for every kind, whichever of its text fields are empty.
func TestSearchTextReadsAsToProps(t *testing.T) {
	for _, k := range Kinds {
		fields := textFields[k]
		if len(fields) == 0 {
			continue
		}
		for mask := range 1 << len(fields) {
			n, _ := NewNode(k)
			props := Props{}
			for i, f := range fields {
				if mask&(1<<i) != 0 {
					props[f] = fmt.Sprintf("%s of a %s", f, k)
				}
			}
			if err := DecodeProps(props, n); err != nil {
				t.Fatalf("%s: %v", k, err)
			}
			var parts []string
			for _, f := range fields {
				if s, ok := ToProps(n)[f].(string); ok {
					parts = append(parts, s)
				}
			}
			if got, want := SearchText(n), strings.Join(parts, "\n"); got != want {
				t.Errorf("%s with fields %b set: SearchText gives %q, ToProps %q", k, mask, got, want)
			}
		}
	}
}
