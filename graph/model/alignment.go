// Package model holds the GraphQL types that are not domain types: connections, payloads and
// views of links read from one side.
package model

import "github.com/cmograph/cmograph/internal/kb"

// Alignment is an ALIGNS link read from one of its ends.
type Alignment struct {
	Link kb.Link
	// Incoming is true when the link was recorded from the other element to this one.
	Incoming bool
}
