package text

import "unicode/utf8"

// FirstInvalidLine is the line (from 1) of the first byte of data that is not UTF-8, for an
// error that points the reader at it; the line after the last when all of it is UTF-8.
func FirstInvalidLine(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}
