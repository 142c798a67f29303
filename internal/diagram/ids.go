package diagram

import (
	"strings"

	"github.com/cmograph/cmograph/internal/kb"
)

// maxIDPart bounds the readable part of a node id; longer keys are cut and hashed.
const maxIDPart = 48

// idAllocator gives every drawn node an identifier that both Mermaid and DOT accept bare:
// an upper-case kind prefix (so no id is a keyword, starts with a digit, or starts with the
// 'o'/'x' that Mermaid would read as an arrow head), then ASCII letters, digits and '_'. The
// readable part comes from the element's id; two keys that read the same get a hash of the
// key appended, so ids never collide.
type idAllocator struct {
	byKey map[string]string // prefix+"\x00"+key -> id
	taken map[string]string // id -> prefix+"\x00"+key
}

func newIDAllocator() *idAllocator {
	return &idAllocator{byKey: map[string]string{}, taken: map[string]string{}}
}

// id returns the identifier of key under prefix, the same one every time it is asked.
func (a *idAllocator) id(prefix, key string) string {
	full := prefix + "\x00" + key
	if id, ok := a.byKey[full]; ok {
		return id
	}
	id := prefix + "_" + sanitizeID(key)
	if owner, ok := a.taken[id]; ok && owner != full {
		id += "_" + kb.ShortHash(key)
		for n := 0; a.taken[id] != ""; n++ { // a hash collision: lengthen until free
			id += "_" + kb.ShortHash(key+strings.Repeat("#", n+1))
		}
	}
	a.byKey[full], a.taken[id] = id, full
	return id
}

// sanitizeID keeps ASCII letters and digits, turns every other run into one '_' and cuts the
// result; a key with nothing readable is named by its hash.
func sanitizeID(key string) string {
	var b strings.Builder
	under := false
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b.WriteByte(c)
			under = false
		default:
			if !under && b.Len() > 0 {
				b.WriteByte('_')
				under = true
			}
		}
	}
	s := strings.TrimRight(b.String(), "_")
	if len(s) > maxIDPart {
		s = strings.TrimRight(s[:maxIDPart], "_") + "_" + kb.ShortHash(key)
	}
	if s == "" {
		s = kb.ShortHash(key)
	}
	return s
}

// localPart is the part of an element id that its programme theory does not already say:
// "pt.c.matched-peer" -> "matched-peer".
func localPart(ptID, tag, id string) string {
	s := strings.TrimPrefix(id, ptID+".")
	if tag != "" {
		s = strings.TrimPrefix(s, tag+".")
	}
	if s == "" {
		return id
	}
	return s
}
