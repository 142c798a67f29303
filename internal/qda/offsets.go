package qda

import "slices"

// byteOffsets maps character positions (code points) in text to byte offsets, for many
// positions in one pass, and returns the text's length in characters. Positions past the end
// are left out of the map.
func byteOffsets(text string, positions []int) (map[int]int, int) {
	want := slices.Clone(positions)
	slices.Sort(want)
	want = slices.Compact(want)
	out := make(map[int]int, len(want))
	chars, k := 0, 0
	for b := range text {
		for k < len(want) && want[k] == chars {
			out[chars] = b
			k++
		}
		chars++
	}
	if k < len(want) && want[k] == chars {
		out[chars] = len(text)
	}
	return out, chars
}
