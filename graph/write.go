package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/cmograph/cmograph/graph/model"
	"github.com/cmograph/cmograph/internal/kb"
)

// ActorHeader names the HTTP header a client sets to say who makes a change; it is kept as
// createdBy/updatedBy.
const ActorHeader = "X-Cmograph-Actor"

const defaultActor = "api"

type actorKey struct{}

// WithActor reads the actor of each request from ActorHeader.
func WithActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := strings.TrimSpace(r.Header.Get(ActorHeader))
		if len(actor) > 200 {
			actor = actor[:200]
		}
		if actor == "" {
			actor = defaultActor
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, actor)))
	})
}

// actorOf is who makes a change: the authenticated principal; only an anonymous request of
// open development mode may name itself with ActorHeader.
func actorOf(ctx context.Context) string {
	if p := principalOf(ctx); !p.Anonymous() && p.Actor != "" {
		return p.Actor
	}
	if a, ok := ctx.Value(actorKey{}).(string); ok {
		return a
	}
	return defaultActor
}

// apply makes one atomic change and forgets what this request's loaders cached, so fields read
// after a mutation see it.
func (r *Resolver) apply(ctx context.Context, ops ...kb.Op) error {
	_, err := r.applyChange(ctx, ops)
	return err
}

// applyChange is apply that also says what the change did.
func (r *Resolver) applyChange(ctx context.Context, ops []kb.Op) (kb.Result, error) {
	c := kb.Change{Actor: actorOf(ctx), Ops: ops}
	if r.Clock != nil {
		c.At = r.Clock()
	}
	res, err := r.Store.Apply(ctx, c)
	l := loadersFor(ctx, r.Store)
	l.nodes.ClearAll()
	l.links.ClearAll()
	l.children.ClearAll()
	return res, reportAll(ctx, err)
}

// reportAll adds every problem of a joined validation error to the response but the last,
// which the resolver returns, so a client sees all of them at once.
func reportAll(ctx context.Context, err error) error {
	errs := kb.Errors(err)
	if len(errs) <= 1 {
		return err
	}
	for _, e := range errs[:len(errs)-1] {
		graphql.AddError(ctx, e)
	}
	return errs[len(errs)-1]
}

// reload reads a node back after a change, with the provenance the store stamped, and what the
// mutation's selection reads below it, in one plan.
func reload[T any, P nodePtr[T]](ctx context.Context, r *Resolver, id string) (*T, error) {
	n, err := rootByID[T, P](ctx, r, id)
	if err == nil && n == nil {
		return nil, fmt.Errorf("%q vanished after the change", id)
	}
	return n, err
}

// create stores a new node (its id already defaulted) and returns it as stored.
func create[T any, P nodePtr[T]](ctx context.Context, r *Resolver, n P, extra ...kb.Op) (*T, error) {
	ops := append([]kb.Op{{Type: kb.OpCreate, Node: n, Path: "input"}}, extra...)
	if err := r.apply(ctx, ops...); err != nil {
		return nil, err
	}
	return reload[T, P](ctx, r, n.NodeID())
}

// update applies the fields given in an update input (null clears) to a node of T's kind.
func update[T any, P nodePtr[T]](ctx context.Context, r *Resolver, input map[string]any) (*T, error) {
	var zero T
	kind := P(&zero).NodeKind()
	id, _ := input["id"].(string)
	op := kb.Op{Type: kb.OpUpdate, Kind: kind, ID: id, Patch: kb.Props{}, Path: "input"}
	for k, v := range input {
		switch k {
		case "id":
		case "expectedRevision":
			if n, ok := plainValue(v).(int64); ok {
				rev := int(n)
				op.ExpectedRevision = &rev
			}
		default:
			op.Patch[k] = plainValue(v)
		}
	}
	if err := r.apply(ctx, op); err != nil {
		return nil, err
	}
	return reload[T, P](ctx, r, id)
}

// plainValue turns what gqlgen hands an input map (pointers to typed values, enum types,
// json.Number, slices) into the plain values kb's codec reads.
func plainValue(v any) any {
	if n, ok := v.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i
		}
		f, _ := n.Float64()
		return f
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil
		}
		return plainValue(rv.Elem().Interface())
	case reflect.String:
		return rv.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Slice:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = plainValue(rv.Index(i).Interface())
		}
		return out
	}
	return v
}

// remove deletes a node of the given kind (any kind when kind is empty). An element or quote
// that CMOCs use is refused unless the input says to detach it, and never deleted when a CMOC
// would be left with no context, mechanism or outcome.
func (r *Resolver) remove(ctx context.Context, kind kb.Kind, input model.DeleteInput) (*model.Deleted, error) {
	id := input.ID
	if kind == "" {
		ns, err := r.Store.Get(ctx, []string{id})
		if err != nil {
			return nil, err
		}
		if len(ns) == 0 {
			return nil, kb.NotFound("input.id", "no node with id %q", id)
		}
		kind = ns[0].NodeKind()
	}
	if err := r.checkUse(ctx, kind, id, deref(input.Detach)); err != nil {
		return nil, err
	}
	if err := r.apply(ctx, kb.Op{Type: kb.OpDelete, Kind: kind, ID: id, Path: "input", ExpectedRevision: input.ExpectedRevision}); err != nil {
		return nil, err
	}
	return &model.Deleted{ID: id, Kind: kind}, nil
}

// usedBy names the link through which CMOCs use a node of each kind, and which way it points.
var usedBy = map[kb.Kind]struct {
	rel kb.RelType
	in  bool
}{
	kb.KindContext:   {kb.RelHasContext, true},
	kb.KindMechanism: {kb.RelHasMechanism, true},
	kb.KindOutcome:   {kb.RelHasOutcome, true},
	kb.KindQuote:     {kb.RelEvidences, false},
}

// checkUse refuses deleting an element or a quote that CMOCs use, unless detach; and an
// element that is some CMOC's last context, mechanism or outcome in any case.
func (r *Resolver) checkUse(ctx context.Context, kind kb.Kind, id string, detach bool) error {
	use, ok := usedBy[kind]
	if !ok {
		return nil
	}
	links, err := r.Store.Links(ctx, kb.LinkQuery{Types: []kb.RelType{use.rel}, IDs: []string{id}, In: use.in})
	if err != nil || len(links) == 0 {
		return err
	}
	cmocs := make([]string, len(links))
	for i, l := range links {
		cmocs[i] = l.From
		if !use.in {
			cmocs[i] = l.To
		}
	}
	if !detach {
		return kb.Conflict("input.id", "%s %q is used by %d CMOC(s): %s; unlink it from them first, or delete it with detach: true", kind, id, len(cmocs), listIDs(cmocs))
	}
	if kind == kb.KindQuote {
		return nil // a CMOC may stand without evidence
	}
	elements, err := r.Store.Links(ctx, kb.LinkQuery{Types: []kb.RelType{kb.RelHasContext, kb.RelHasMechanism, kb.RelHasOutcome}, IDs: cmocs})
	if err != nil {
		return err
	}
	count := map[string]int{}
	for _, l := range elements {
		count[l.From]++
	}
	var emptied []string
	for _, c := range cmocs {
		if count[c] == 1 {
			emptied = append(emptied, c)
		}
	}
	if len(emptied) > 0 {
		return kb.Conflict("input.id", "deleting %s %q would leave CMOC(s) %s with no context, mechanism or outcome; give them another element first, or delete them", kind, id, listIDs(emptied))
	}
	return nil
}

// listIDs names up to ten ids, and how many more there are.
func listIDs(ids []string) string {
	if len(ids) <= 10 {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:10], ", "), len(ids)-10)
}

// link makes or unmakes links in one change.
func (r *Resolver) link(ctx context.Context, opType kb.OpType, links ...kb.Link) error {
	return r.linkAt(ctx, opType, nil, links...)
}

// linkAt is link for links whose writer states the revision it read of each.
func (r *Resolver) linkAt(ctx context.Context, opType kb.OpType, expected *int, links ...kb.Link) error {
	ops := make([]kb.Op, len(links))
	for i, l := range links {
		ops[i] = kb.Op{Type: opType, Link: l, Path: "input", EndPaths: linkInputs[l.Type], ExpectedRevision: expected}
	}
	return r.apply(ctx, ops...)
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// elementLinks lists the HAS_CONTEXT, HAS_MECHANISM and HAS_OUTCOME links from a CMOC.
func elementLinks(cmoc string, contexts, mechanisms, outcomes []string) []kb.Link {
	var out []kb.Link
	for _, op := range elementOps(kb.OpLink, "", cmoc, contexts, mechanisms, outcomes) {
		out = append(out, op.Link)
	}
	return out
}

// elementOps are the ops that link (or unlink) a CMOC's elements, each end placed at the input
// field it came from, so that a mistyped element id is named as input.contextIds[1].
func elementOps(opType kb.OpType, cmocPath, cmoc string, contexts, mechanisms, outcomes []string) []kb.Op {
	var out []kb.Op
	for _, part := range []struct {
		rel   kb.RelType
		field string
		ids   []string
	}{{kb.RelHasContext, "contextIds", contexts}, {kb.RelHasMechanism, "mechanismIds", mechanisms}, {kb.RelHasOutcome, "outcomeIds", outcomes}} {
		for i, id := range part.ids {
			out = append(out, kb.Op{Type: opType, Link: kb.Link{Type: part.rel, From: cmoc, To: id}, Path: "input",
				EndPaths: [2]string{cmocPath, fmt.Sprintf("input.%s[%d]", part.field, i)}})
		}
	}
	return out
}

// linkInputs names, for each link type, the input fields its link mutation takes its ends from.
// (the mutations that batches also take build their ops in batch.go)
var linkInputs = map[kb.RelType][2]string{
	kb.RelRevises:     {"input.fromId", "input.toId"},
	kb.RelExplainedBy: {"input.elementId", "input.targetId"},
	kb.RelObservedIn:  {"input.cmocId", "input.settingId"},
	kb.RelDrawsOn:     {"input.programmeTheoryId", "input.theoryId"},
}

// storedLink reads a link back as the store holds it (with its provenance).
func storedLink(ctx context.Context, r *Resolver, l kb.Link) (*kb.Link, error) {
	ls, err := r.Store.Links(ctx, kb.LinkQuery{Types: []kb.RelType{l.Type}, IDs: []string{l.From}})
	if err != nil {
		return nil, err
	}
	for _, have := range ls {
		if have.Key() == l.Key() {
			return &have, nil
		}
	}
	return nil, kb.NotFound("input", "no %s link from %q to %q", l.Type, l.From, l.To)
}

// reloadAny reads a node of any kind back after a change.
func reloadAny(ctx context.Context, r *Resolver, id string) (kb.Node, error) {
	n, err := rootNode(ctx, r, id)
	if err == nil && n == nil {
		return nil, kb.NotFound("input", "no node with id %q", id)
	}
	return n, err
}

// existingLink is the link of l's type between l's ends as stored, or a zero link when there
// is none.
func existingLink(ctx context.Context, r *Resolver, l kb.Link) (kb.Link, error) {
	have, err := storedLink(ctx, r, l)
	if errors.Is(err, kb.ErrNotFound) {
		return kb.Link{}, nil
	}
	if err != nil {
		return kb.Link{}, err
	}
	return *have, nil
}

// patched is the value given, or the one kept when none was given.
func patched[T any](given *T, kept T) T {
	if given == nil {
		return kept
	}
	return *given
}
