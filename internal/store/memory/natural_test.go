package memory_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/store/memory"
)

// CMOCs sorted by code come in natural order (CMOC 1, 2, 10, 11), as every list that shows
// them does, both ways.
func TestCMOCsSortByCodeInNaturalOrder(t *testing.T) {
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	year := 2020
	ops := []kb.Op{
		{Type: kb.OpUpsert, Node: &kb.Study{ID: "s", Title: "S", Year: &year}},
		{Type: kb.OpUpsert, Node: &kb.ProgrammeTheory{ID: "s.pt", StudyID: "s", Name: "PT"}},
	}
	for _, code := range []string{"CMOC 10", "CMOC 2", "cmoc 11", "CMOC 1", "CMOC 2a"} {
		ops = append(ops, kb.Op{Type: kb.OpUpsert, Node: &kb.CMOC{ID: "s.pt." + kb.Slug(code), ProgrammeTheoryID: "s.pt", Code: code}})
	}
	if _, err := s.Apply(ctx, kb.Change{Actor: "t", Ops: ops}); err != nil {
		t.Fatal(err)
	}
	for _, desc := range []bool{false, true} {
		p, err := s.List(ctx, kb.ListQuery{Kind: kb.KindCMOC, Sort: []kb.Sort{{Field: "code", Desc: desc}}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range p.Nodes {
			got = append(got, n.(*kb.CMOC).Code)
		}
		want := []string{"CMOC 1", "CMOC 2", "CMOC 2a", "CMOC 10", "cmoc 11"}
		if desc {
			slices.Reverse(want)
		}
		if !slices.Equal(got, want) {
			t.Errorf("sorted by code (desc %t): %q; want %q", desc, got, want)
		}
	}
	if got := fmt.Sprint(kb.NaturalCompare("CMOC 9", "CMOC 10"), kb.NaturalCompare("C007", "c7"), kb.NaturalCompare("b", "A10")); got != "-1 0 1" {
		t.Errorf("NaturalCompare: %s", got)
	}
}
