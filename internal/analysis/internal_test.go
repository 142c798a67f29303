package analysis

import (
	"slices"
	"sort"
	"testing"
)

func TestNaturalCompare(t *testing.T) {
	codes := []string{"CMOC 10", "CMOC 2", "CMOC 1", "CMOC 02b", "Mechanism 3", "CMOC 1a"}
	sort.Slice(codes, func(i, j int) bool { return naturalCompare(codes[i], codes[j]) < 0 })
	want := []string{"CMOC 1", "CMOC 1a", "CMOC 2", "CMOC 02b", "CMOC 10", "Mechanism 3"}
	if !slices.Equal(codes, want) {
		t.Errorf("sorted %q, want %q", codes, want)
	}
}

func TestUnionFindNamesClustersBySmallestID(t *testing.T) {
	u := unionFind{}
	u.union("c", "b")
	u.union("d", "e")
	u.union("e", "b")
	for _, id := range []string{"b", "c", "d", "e"} {
		if r := u.find(id); r != "b" {
			t.Errorf("find(%s) = %s, want b", id, r)
		}
	}
	if u.find("z") != "z" {
		t.Error("an id never joined is its own cluster")
	}
}

func TestClipKeepsWords(t *testing.T) {
	if got := clip("peer modelling recovery", 12); got != "peer" {
		t.Errorf("clip = %q", got)
	}
	if got := clip("short", 12); got != "short" {
		t.Errorf("clip = %q", got)
	}
}
