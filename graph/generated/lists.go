package generated

// This file is written by hand; cmd/gqlgen points the generated list marshalers at it.

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// ListOrder says, for the list being written under ctx, whether its elements can be written
// one after another: true when nothing below them waits for a loader.
type ListOrder func(ctx context.Context) bool

type listOrderKey struct{}

// WithListOrder makes the lists of the request under ctx ask inOrder how to write their
// elements. Without it every list of more than one element is written a goroutine per element.
func WithListOrder(ctx context.Context, inOrder ListOrder) context.Context {
	return context.WithValue(ctx, listOrderKey{}, inOrder)
}

// marshalSlice writes a list's elements in order when the request's ListOrder allows it, and
// concurrently otherwise. gqlgen writes every element of a list in a goroutine of its own so
// that elements waiting for a loader wait together; when a read plan has fetched everything
// below the list, nothing waits, and a goroutine per element (and the stack growth of its deep
// marshaling) costs more than the element.
func (ec *executionContext) marshalSlice(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	inOrder, _ := ctx.Value(listOrderKey{}).(ListOrder)
	if length < 2 || inOrder == nil || !inOrder(ctx) {
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, marshalElement)
	}
	ret := make(graphql.Array, length)
	// the elements' field contexts and indexes are made together, two allocations a list
	// rather than two an element
	fcs := make([]graphql.FieldContext, length)
	indexes := make([]int, length)
	for i := range length {
		indexes[i] = i
		fcs[i].Index = &indexes[i]
		childCtx := graphql.WithFieldContext(ctx, &fcs[i])
		ret[i] = marshalElement1(childCtx, i, omitPanicHandler, marshalElement)
	}
	return ret
}

// marshalElement1 writes one element, turning a panic into an error and a null element as
// graphql.MarshalSliceConcurrently does.
func marshalElement1(ctx context.Context, i int, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) (ret graphql.Marshaler) {
	if !omitPanicHandler {
		defer func() {
			if r := recover(); r != nil {
				graphql.AddError(ctx, graphql.Recover(ctx, r))
				ret = graphql.Null
			}
		}()
	}
	return marshalElement(ctx, i)
}
