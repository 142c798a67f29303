package graph

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/cmograph/cmograph/graph/generated"
	"github.com/cmograph/cmograph/internal/kb"
	"github.com/vikstrous/dataloadgen"
)

// DefaultLoaderWait is how long a loader gathers keys before one store call answers them all:
// long enough for gqlgen to reach every sibling field of a list, short enough not to be felt.
const DefaultLoaderWait = 5 * time.Millisecond

type linkKey struct {
	rel kb.RelType
	id  string
	in  bool
}

type childKey struct {
	kind  kb.Kind
	owner string
}

// loaders batch the reads of one request.
type loaders struct {
	nodes    *dataloadgen.Loader[string, kb.Node]
	links    *dataloadgen.Loader[linkKey, []kb.Link]
	children *dataloadgen.Loader[childKey, []kb.Node]
	// plans holds what the read plans of the request's root fields read
	plans *plans
}

type loadersKey struct{}

func newLoaders(store kb.Store, wait time.Duration) *loaders {
	if wait <= 0 {
		wait = DefaultLoaderWait
	}
	opt := dataloadgen.WithWait(wait)
	return &loaders{
		nodes:    dataloadgen.NewMappedLoader(nodeFetcher(store), opt),
		links:    dataloadgen.NewLoader(linkFetcher(store), opt),
		children: dataloadgen.NewLoader(childFetcher(store), opt),
		plans:    &plans{},
	}
}

// WithLoaders gives every request its own loaders, so cached reads never outlive a request.
// wait is how long each loader gathers keys (0: DefaultLoaderWait).
func WithLoaders(store kb.Store, wait time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), loadersKey{}, newLoaders(store, wait))
		ctx = generated.WithListOrder(ctx, listsInOrder(store))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func loadersFor(ctx context.Context, store kb.Store) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	// Outside an HTTP request (tests calling the executor directly): one-off loaders.
	return newLoaders(store, 0)
}

func nodeFetcher(store kb.Store) func(ctx context.Context, ids []string) (map[string]kb.Node, error) {
	return func(ctx context.Context, ids []string) (map[string]kb.Node, error) {
		nodes, err := store.Get(ctx, ids)
		if err != nil {
			return nil, err
		}
		out := make(map[string]kb.Node, len(nodes))
		for _, n := range nodes {
			out[n.NodeID()] = n
		}
		return out, nil
	}
}

// linkFetcher answers a batch with at most two store calls: one for the outgoing links of
// every id and type asked, one for the incoming.
func linkFetcher(store kb.Store) func(ctx context.Context, keys []linkKey) ([][]kb.Link, []error) {
	return func(ctx context.Context, keys []linkKey) ([][]kb.Link, []error) {
		results := make(map[linkKey][]kb.Link, len(keys))
		for _, in := range []bool{false, true} {
			var ids []string
			var types []kb.RelType
			for _, k := range keys {
				if k.in != in {
					continue
				}
				ids = append(ids, k.id)
				if !slices.Contains(types, k.rel) {
					types = append(types, k.rel)
				}
			}
			if len(ids) == 0 {
				continue
			}
			links, err := store.Links(ctx, kb.LinkQuery{Types: types, IDs: ids, In: in})
			if err != nil {
				return nil, repeatErr(err, len(keys))
			}
			for _, l := range links {
				end := l.From
				if in {
					end = l.To
				}
				k := linkKey{l.Type, end, in}
				results[k] = append(results[k], l)
			}
		}
		out := make([][]kb.Link, len(keys))
		for i, k := range keys {
			out[i] = results[k]
		}
		return out, nil
	}
}

// childFetcher answers a batch with one List call per kind asked.
func childFetcher(store kb.Store) func(ctx context.Context, keys []childKey) ([][]kb.Node, []error) {
	return func(ctx context.Context, keys []childKey) ([][]kb.Node, []error) {
		owners := map[kb.Kind][]string{}
		for _, k := range keys {
			owners[k.kind] = append(owners[k.kind], k.owner)
		}
		results := map[childKey][]kb.Node{}
		for kind, ids := range owners {
			spec, _ := kb.OwnerOf(kind)
			page, err := store.List(ctx, kb.ListQuery{Kind: kind,
				Filters: []kb.Filter{{Field: spec.Field, Op: kb.FilterIn, Value: ids}}})
			if err != nil {
				return nil, repeatErr(err, len(keys))
			}
			for _, n := range page.Nodes {
				k := childKey{kind, n.Owner()}
				results[k] = append(results[k], n)
			}
		}
		out := make([][]kb.Node, len(keys))
		for i, k := range keys {
			out[i] = results[k]
		}
		return out, nil
	}
}

func repeatErr(err error, n int) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}
