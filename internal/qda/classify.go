package qda

import (
	"regexp"
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
)

// kindWords are the words that name a kind, as a category code or as a name prefix.
var kindWords = map[string]kb.Kind{
	"c": kb.KindContext, "ctx": kb.KindContext, "context": kb.KindContext, "contexts": kb.KindContext,
	"m": kb.KindMechanism, "mech": kb.KindMechanism, "mechanism": kb.KindMechanism, "mechanisms": kb.KindMechanism,
	"o": kb.KindOutcome, "out": kb.KindOutcome, "outcome": kb.KindOutcome, "outcomes": kb.KindOutcome,
}

// categoryKind reports whether a code's whole name makes it a category whose descendants are
// of one kind: Context(s), Mechanism(s), Outcome(s).
func categoryKind(name string) (kb.Kind, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "context", "contexts":
		return kb.KindContext, true
	case "mechanism", "mechanisms":
		return kb.KindMechanism, true
	case "outcome", "outcomes":
		return kb.KindOutcome, true
	}
	return "", false // the short words ("C", "CTX") are for prefixes only
}

// prefixed matches "C: name", "M - name", "Outcome: name": a kind word, then a colon, or a
// dash followed by a space (so "O-level exams" is not an outcome).
var prefixed = regexp.MustCompile(`^\s*([A-Za-z]+)\s*(?::|[-–—]\s)\s*(.*?)\s*$`)

// prefixKind reads a kind prefix off a code name and returns the rest as the element's name.
func prefixKind(name string) (kb.Kind, string, bool) {
	m := prefixed.FindStringSubmatch(name)
	if m == nil {
		return "", "", false
	}
	k, ok := kindWords[strings.ToLower(m[1])]
	if !ok || m[2] == "" {
		return "", "", false
	}
	return k, m[2], true
}

// classify sets every code's kind and element name by the package's rules: the nearest
// ancestor category decides, else the code's own prefix. Category codes stay unclassified
// but are not reported as ignored.
func classify(codes []*code) {
	for _, c := range codes {
		c.kind, c.element = "", ""
		if _, ok := categoryKind(c.name); ok {
			c.category = true
			continue
		}
		for a := c.parent; a != nil; a = a.parent {
			if k, ok := categoryKind(a.name); ok {
				c.kind, c.element = k, strings.TrimSpace(c.name)
				if pk, rest, ok := prefixKind(c.name); ok && pk == k {
					c.element = rest // "C: x" under Contexts is still "x"
				}
				break
			}
		}
		if c.kind == "" {
			if k, rest, ok := prefixKind(c.name); ok {
				c.kind, c.element = k, rest
			}
		}
	}
}

// path is the code's place in the tree, for reports: "Logistics / Transport".
func (c *code) path() string {
	parts := []string{c.name}
	for a := c.parent; a != nil; a = a.parent {
		parts = append([]string{a.name}, parts...)
	}
	return strings.Join(parts, " / ")
}
