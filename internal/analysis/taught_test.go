package analysis

import (
	"context"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/cmograph/cmograph/internal/kb"
	"github.com/cmograph/cmograph/internal/store/memory"
	"github.com/cmograph/cmograph/internal/synth"
	"github.com/cmograph/cmograph/internal/text"
)

// Warming an analyst builds its lexicon, which is then kept across writes that touch neither
// the accepted links nor their ends' names and rebuilt by those that do; kept or rebuilt, it
// is what a fresh build gives.
func TestLexiconIsWarmedAndKeptWhileItsLinksAndNamesAre(t *testing.T) {
	ctx := context.Background()
	s := syntheticStore(t, 300)
	a := New(s)
	taught := func() *lexicon {
		t.Helper()
		lx, err := a.taught(ctx)
		if err != nil {
			t.Fatal(err)
		}
		madeOf, err := readTaught(ctx, s, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		// numbering stems as the analyst's lexicons have, a fresh build gives the same lexicon
		if fresh := teach(nil, madeOf, lx.dict); !reflect.DeepEqual(lx, fresh) {
			t.Fatal("the lexicon kept is not what a fresh build gives")
		}
		return lx
	}
	apply := func(ops ...kb.Op) {
		t.Helper()
		if _, err := s.Apply(ctx, kb.Change{Actor: "test", Ops: ops}); err != nil {
			t.Fatal(err)
		}
	}
	aligns := func() []kb.Link {
		t.Helper()
		ls, err := s.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelAligns}, All: true})
		if err != nil {
			t.Fatal(err)
		}
		return slices.Clone(ls)
	}
	before := aligns()
	if !slices.ContainsFunc(before, func(l kb.Link) bool { return l.Relation == kb.AlignContradicts }) {
		t.Fatal("the synthetic corpus has no contradicting alignment, which a lexicon leaves out")
	}
	// serve warms the analyst at start-up: the first comparison must not build the lexicon
	if err := a.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if !a.lexicons.kept {
		t.Fatal("warming the analyst built no lexicon")
	}
	warmed := a.lexicons.value
	first := taught()
	if first != warmed {
		t.Error("the first question after warming built the lexicon again")
	}
	// the embedded store lends its own list of alignments: leaving out the contradicting ones
	// must not rearrange it
	if after := aligns(); !reflect.DeepEqual(after, before) {
		t.Fatal("building a lexicon changed the store's alignments")
	}
	if len(first.madeOf) == 0 || len(first.total) == 0 {
		t.Fatalf("the synthetic corpus taught nothing (%d links, %d pairs)", len(first.madeOf), len(first.total))
	}
	ends, err := s.Get(ctx, []string{first.madeOf[0].from})
	if err != nil || len(ends) != 1 {
		t.Fatalf("reading %s: %v", first.madeOf[0].from, err)
	}
	end := ends[0]

	apply(kb.Op{Type: kb.OpUpdate, Kind: end.NodeKind(), ID: end.NodeID(), Patch: kb.Props{"description": "a description no lexicon reads"}})
	if taught() != first {
		t.Error("a write to a description rebuilt the lexicon")
	}

	apply(kb.Op{Type: kb.OpUpdate, Kind: end.NodeKind(), ID: end.NodeID(), Patch: kb.Props{"name": "Quixotic zebra bridging"}})
	renamed := taught()
	if renamed == first {
		t.Fatal("renaming an accepted link's end kept the lexicon")
	}

	l := first.madeOf[1]
	apply(kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelAligns, From: l.from, To: l.to}})
	if unlinked := taught(); unlinked == renamed || len(unlinked.madeOf) != len(renamed.madeOf)-1 {
		t.Errorf("unlinking an accepted link: %d links taught, want %d in a new lexicon", len(unlinked.madeOf), len(renamed.madeOf)-1)
	}
}

// A lexicon updated by the links a write changed is what building it afresh gives, after every
// kind of write to the crosswalk: an alignment accepted or contradicted, its relation changed,
// an alignment undone, an end renamed (to words of its own, to words the other side has),
// an aligned element deleted, and a change of more links than an update is made by. What it
// answers does not depend on how the analyst's lexicons happened to number their stems.
func TestLexiconUpdatedByAWriteIsWhatBuildingAfreshGives(t *testing.T) {
	ctx := context.Background()
	s := syntheticStore(t, 600)
	a := New(s)
	previous, err := a.taught(ctx)
	if err != nil {
		t.Fatal(err)
	}
	links := slices.Clone(previous.madeOf)
	if len(links) < 40 {
		t.Fatalf("the synthetic corpus has %d accepted links; the test needs 40", len(links))
	}
	updates := 0
	check := func(what string) {
		t.Helper()
		lx, err := a.taught(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if lx == previous {
			t.Fatalf("%s: the lexicon was kept", what)
		}
		if sharesRecords(lx, previous) {
			updates++
		}
		previous = lx
		madeOf, err := readTaught(ctx, s, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if fresh := teach(nil, madeOf, lx.dict); !reflect.DeepEqual(lx, fresh) {
			t.Fatalf("%s: the lexicon updated is not what building it afresh gives", what)
		}
		sameAnswers(t, what, s, lx, teach(nil, madeOf, nil))
	}
	apply := func(what string, ops ...kb.Op) {
		t.Helper()
		if _, err := s.Apply(ctx, kb.Change{Actor: "test", Ops: ops}); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		check(what)
	}
	align := func(from, to string, rel kb.AlignRelation) kb.Op {
		return kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: from, To: to, LinkProps: kb.LinkProps{Relation: rel}}}
	}
	unalign := func(l taughtBy) kb.Op {
		return kb.Op{Type: kb.OpUnlink, Link: kb.Link{Type: kb.RelAligns, From: l.from, To: l.to}}
	}
	rename := func(id, name string) kb.Op {
		ns, err := s.Get(ctx, []string{id})
		if err != nil || len(ns) != 1 {
			t.Fatalf("reading %s: %v", id, err)
		}
		return kb.Op{Type: kb.OpUpdate, Kind: ns[0].NodeKind(), ID: id, Patch: kb.Props{"name": name}}
	}

	apply("undoing an alignment", unalign(links[3]))
	apply("accepting it again", align(links[3].from, links[3].to, kb.AlignSameAs))
	apply("contradicting it", unalign(links[3]), align(links[3].from, links[3].to, kb.AlignContradicts))
	apply("accepting it as related", unalign(links[3]), align(links[3].from, links[3].to, kb.AlignRelated))
	apply("renaming an end to words of its own", rename(links[0].from, "Quixotic zebra bridging hope"))
	apply("renaming the other end to them", rename(links[0].to, "Zebra bridging recovery"))
	apply("renaming an end to what its other end says", rename(links[5].from, links[5].toName))
	// the first link to write a word gives it: undo the first links, and the words come from
	// the next ones
	apply("undoing the first two links", unalign(links[0]), unalign(links[1]))
	var deleted bool
	for _, l := range links[10:20] {
		ns, err := s.Get(ctx, []string{l.to})
		if err != nil || len(ns) != 1 {
			continue
		}
		if _, err := s.Apply(ctx, kb.Change{Actor: "test", Ops: []kb.Op{{Type: kb.OpDelete, Kind: ns[0].NodeKind(), ID: l.to}}}); err == nil {
			check("deleting an aligned element")
			deleted = true
			break
		}
	}
	if !deleted {
		t.Error("no aligned element could be deleted")
	}
	// links between ends of different links, which no study drew
	var crossed []kb.Op
	for i := 20; i+1 < len(links) && len(crossed) < 5; i += 2 {
		from, to := links[i].from, links[i+1].to
		if slices.ContainsFunc(previous.madeOf, func(l taughtBy) bool { return l.from == from && l.to == to || l.from == to && l.to == from }) {
			continue
		}
		op := align(from, to, kb.AlignBroader)
		if _, err := s.Apply(ctx, kb.Change{Actor: "test", Ops: []kb.Op{op}}); err == nil {
			check("accepting an alignment no study drew")
			crossed = append(crossed, op)
		}
	}
	if len(crossed) == 0 {
		t.Error("no new alignment could be accepted")
	}
	// more links than an update is made by: built afresh
	var many []kb.Op
	for _, l := range links[len(links)-maxDelta(len(links))-2:] {
		many = append(many, unalign(l))
	}
	before := previous
	apply("undoing many links at once", many...)
	if sharesRecords(previous, before) {
		t.Error("undoing many links at once updated the lexicon instead of building it afresh")
	}
	if updates < 12 {
		t.Errorf("%d of the writes updated the lexicon; the rest built it afresh", updates)
	}
}

// sharesRecords says whether lexicon x was updated from y: it holds y's records of the links
// both have, where a lexicon built afresh splits every link's names again.
func sharesRecords(x, y *lexicon) bool {
	for i, l := range x.madeOf {
		if j := slices.Index(y.madeOf, l); j >= 0 && len(x.records[i].terms) > 0 {
			return &x.records[i].terms[0] == &y.records[j].terms[0]
		}
	}
	return false
}

// sameAnswers fails the test unless two lexicons of the same links say the same of every pair
// of some of their links' ends, to the bit.
func sameAnswers(t *testing.T, what string, s kb.Store, x, y *lexicon) {
	t.Helper()
	var ids []string
	for i, l := range x.madeOf {
		if i%7 == 0 {
			ids = append(ids, l.from, l.to)
		}
	}
	ids = uniqueSorted(ids)
	ns, err := s.Get(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	an := text.NewAnalyzer()
	bridges := 0
	for _, na := range ns {
		ta, ua := x.terms(nil, an, na), y.terms(nil, an, na)
		if ex, ey := x.expansion(na.NodeID(), ta), y.expansion(na.NodeID(), ua); !slices.Equal(ex, ey) {
			t.Fatalf("%s: %s: expansion %q against %q", what, na.NodeID(), ex, ey)
		}
		for _, nb := range ns {
			tb, ub := x.terms(nil, an, nb), y.terms(nil, an, nb)
			sx, wx := x.bridge(na.NodeID(), nb.NodeID(), ta, tb, true)
			sy, wy := y.bridge(na.NodeID(), nb.NodeID(), ua, ub, true)
			if math.Float64bits(sx) != math.Float64bits(sy) || !reflect.DeepEqual(wx, wy) {
				t.Fatalf("%s: %s and %s: bridged %v %q against %v %q", what, na.NodeID(), nb.NodeID(), sx, wx, sy, wy)
			}
			if sx > 0 {
				bridges++
			}
		}
	}
	if bridges == 0 {
		t.Fatalf("%s: no pair of %d elements is bridged: the comparison proves nothing", what, len(ns))
	}
}

// syntheticStore is an embedded store holding the synthetic corpus of cmocs CMOCs.
func syntheticStore(t *testing.T, cmocs int) *memory.Store {
	t.Helper()
	ctx := context.Background()
	s, err := memory.Open(ctx, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(ctx) })
	if _, err := synth.Load(ctx, s, synth.Default().Scaled(cmocs)); err != nil {
		t.Fatal(err)
	}
	return s
}

// getCounter counts the nodes a store was asked for, passing on everything else the store
// does, its change log included.
type getCounter struct {
	*memory.Store
	asked int
}

func (g *getCounter) Get(ctx context.Context, ids []string) ([]kb.Node, error) {
	g.asked += len(ids)
	return g.Store.Get(ctx, ids)
}

// withoutChangeLog is a store that cannot say which nodes changed.
type withoutChangeLog struct{ kb.Store }

// After a write, the accepted links are read again with the names the lexicon before read,
// except those of the links whose ends the write changed, and of the links that are new:
// what the store's change log names is read, not every end of every accepted link. What is
// read is what reading everything gives; a store without a change log, or one that no longer
// remembers back to the lexicon's revision, is read whole.
func TestTaughtLinksReadOnlyTheNamesAWriteChanged(t *testing.T) {
	ctx := context.Background()
	s := syntheticStore(t, 300)
	a := New(s)
	// taught is the lexicon of the store's current revision, and the revision
	taught := func() (*lexicon, uint64) {
		t.Helper()
		lx, err := a.taught(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rev, err := s.Revision(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return lx, rev
	}
	// reread reads the links through store, from lexicon lx of revision since, and says how
	// many nodes it asked for; what it read must be what reading everything gives
	reread := func(what string, store kb.Store, counter *getCounter, lx *lexicon, since uint64) int {
		t.Helper()
		counter.asked = 0
		got, err := readTaught(ctx, store, lx, since)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := readTaught(ctx, s, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, whole) {
			t.Fatalf("%s: the links read again are not what reading everything gives", what)
		}
		return counter.asked
	}
	apply := func(ops ...kb.Op) {
		t.Helper()
		if _, err := s.Apply(ctx, kb.Change{Actor: "test", Ops: ops}); err != nil {
			t.Fatal(err)
		}
	}
	counter := &getCounter{Store: s}
	lx, rev := taught()
	links := lx.madeOf
	if n := reread("nothing written", counter, counter, lx, rev); n != 0 {
		t.Errorf("nothing written: %d nodes read, want none", n)
	}

	// distinctEnds counts the ends of the links that pass keep, each once
	distinctEnds := func(links []taughtBy, keep func(taughtBy) bool) int {
		ends := map[string]bool{}
		for _, l := range links {
			if keep(l) {
				ends[l.from], ends[l.to] = true, true
			}
		}
		return len(ends)
	}
	// an end renamed: the links it ends are read again, both their ends
	renamed := links[0].from
	ends := distinctEnds(links, func(l taughtBy) bool { return l.from == renamed || l.to == renamed })
	ns, err := s.Get(ctx, []string{renamed})
	if err != nil || len(ns) != 1 {
		t.Fatalf("reading %s: %v", renamed, err)
	}
	apply(kb.Op{Type: kb.OpUpdate, Kind: ns[0].NodeKind(), ID: renamed, Patch: kb.Props{"name": "Quixotic zebra bridging"}})
	if n := reread("an end renamed", counter, counter, lx, rev); n != ends {
		t.Errorf("an end renamed: %d nodes read, want the %d ends of its links, each once", n, ends)
	}

	// a link accepted between two elements no link joined: its two ends are read
	lx, rev = taught()
	from, to := links[2].from, links[len(links)-1].to
	if slices.ContainsFunc(links, func(l taughtBy) bool { return l.from == from && l.to == to || l.from == to && l.to == from }) {
		t.Fatalf("%s and %s are aligned already", from, to)
	}
	apply(kb.Op{Type: kb.OpLink, Link: kb.Link{Type: kb.RelAligns, From: from, To: to, LinkProps: kb.LinkProps{Relation: kb.AlignRelated}}})
	if n := reread("a link accepted", counter, counter, lx, rev); n != 2 {
		t.Errorf("a link accepted: %d nodes read, want its 2 ends", n)
	}

	lx, rev = taught()
	whole := distinctEnds(lx.madeOf, func(taughtBy) bool { return true })
	if n := reread("a store without a change log", withoutChangeLog{counter}, counter, lx, rev); n != whole {
		t.Errorf("a store without a change log: %d nodes read, want every end once, %d", n, whole)
	}
	if n := reread("a revision the store does not know", counter, counter, lx, rev+1); n != whole {
		t.Errorf("a revision the store does not know: %d nodes read, want every end once, %d", n, whole)
	}
	if n := reread("no lexicon before", counter, counter, nil, 0); n != whole {
		t.Errorf("no lexicon before: %d nodes read, want every end once, %d", n, whole)
	}
}

// A dictionary of stems does not keep the words of every name an element was ever given: once
// it holds many more stems than the accepted links use, the next lexicon is built afresh, with
// only the stems in use, and answers as the one before would have.
func TestRenamesDoNotGrowTheDictionaryForever(t *testing.T) {
	ctx := context.Background()
	s := syntheticStore(t, 300)
	a := New(s)
	lx, err := a.taught(ctx)
	if err != nil {
		t.Fatal(err)
	}
	end := lx.madeOf[0].from
	ns, err := s.Get(ctx, []string{end})
	if err != nil || len(ns) != 1 {
		t.Fatalf("reading %s: %v", end, err)
	}
	kind := ns[0].NodeKind()
	// word is a word of letters no other name has, different for every i
	word := func(i int) string {
		w := []byte("zq")
		for ; i > 0; i /= 26 {
			w = append(w, byte('a'+i%26))
		}
		return string(append(w, 'x'))
	}
	fresh := 0
	for i := range 4 * minDictStems {
		name := word(4*i) + " " + word(4*i+1) + " " + word(4*i+2) + " " + word(4*i+3)
		if _, err := s.Apply(ctx, kb.Change{Actor: "test", Ops: []kb.Op{{Type: kb.OpUpdate, Kind: kind, ID: end, Patch: kb.Props{"name": name}}}}); err != nil {
			t.Fatal(err)
		}
		next, err := a.taught(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !sharesRecords(next, lx) {
			fresh++
		}
		lx = next
		if limit := max(2*len(lx.words), minDictStems) + 4; len(lx.dict.stems) > limit {
			t.Fatalf("after %d renames the dictionary holds %d stems; the links use %d", i+1, len(lx.dict.stems), len(lx.words))
		}
	}
	if fresh == 0 {
		t.Fatal("no rename built the lexicon afresh")
	}
	madeOf, err := readTaught(ctx, s, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := teach(nil, madeOf, lx.dict); !reflect.DeepEqual(lx, want) {
		t.Fatal("the lexicon after the renames is not what building it afresh gives")
	}
	sameAnswers(t, "after the renames", s, lx, teach(nil, madeOf, nil))
}
