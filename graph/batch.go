package graph

import (
	"cmp"
	"context"
	"fmt"

	"github.com/cmograph/cmograph/graph/model"
	"github.com/cmograph/cmograph/internal/kb"
)

// The link mutations build their ops here, each placed at the input it came from, so that a
// single mutation and one operation of a batch make the same change and name the same field.

// MaxBatchOperations bounds one batch.
const MaxBatchOperations = 1000

// linkOp is one link op whose ends came from the given fields under path.
func linkOp(opType kb.OpType, path string, l kb.Link, fromField, toField string) kb.Op {
	return kb.Op{Type: opType, Link: l, Path: path, EndPaths: [2]string{path + "." + fromField, path + "." + toField}}
}

// alignOps aligns two elements; aligning a linked pair again changes what is given and keeps
// the rest, and the reviewer is the actor unless one is given.
func (r *Resolver) alignOps(ctx context.Context, path string, in model.AlignInput) ([]kb.Op, error) {
	l := kb.Link{Type: kb.RelAligns, From: in.FromID, To: in.ToID, LinkProps: kb.LinkProps{Relation: in.Relation}}
	have, err := existingLink(ctx, r, l)
	if err != nil {
		return nil, err
	}
	l.Rationale = patched(in.Rationale, have.Rationale)
	l.Confidence = in.Confidence
	if l.Confidence == nil {
		l.Confidence = have.Confidence
	}
	l.Reviewer = cmp.Or(patched(in.Reviewer, have.Reviewer), actorOf(ctx))
	op := linkOp(kb.OpLink, path, l, "fromId", "toId")
	op.ExpectedRevision = in.ExpectedRevision
	return []kb.Op{op}, nil
}

// linkRevision is a link's revision as clients see it: links stored before links counted
// their revisions are at 1.
func linkRevision(l kb.Link) int { return max(l.Revision, 1) }

// unalignOps removes an alignment recorded either way round.
func (r *Resolver) unalignOps(ctx context.Context, path string, in model.UnalignInput) ([]kb.Op, error) {
	return r.unlinkEitherWay(ctx, path, kb.RelAligns, in, "alignment")
}

// rejectOps records that two elements are not counterparts; rejecting a rejected pair again
// changes what is given and keeps the rest, and the reviewer is the actor unless one is given.
func (r *Resolver) rejectOps(ctx context.Context, path string, in model.RejectInput) ([]kb.Op, error) {
	l := kb.Link{Type: kb.RelRejects, From: in.FromID, To: in.ToID}
	have, err := existingLink(ctx, r, l)
	if err != nil {
		return nil, err
	}
	l.Rationale = patched(in.Rationale, have.Rationale)
	l.Reviewer = cmp.Or(patched(in.Reviewer, have.Reviewer), actorOf(ctx))
	op := linkOp(kb.OpLink, path, l, "fromId", "toId")
	op.ExpectedRevision = in.ExpectedRevision
	return []kb.Op{op}, nil
}

// unrejectOps takes back a rejection recorded either way round.
func (r *Resolver) unrejectOps(ctx context.Context, path string, in model.UnalignInput) ([]kb.Op, error) {
	return r.unlinkEitherWay(ctx, path, kb.RelRejects, in, "rejection")
}

// unlinkEitherWay removes the links of type t between two elements, whichever way recorded.
func (r *Resolver) unlinkEitherWay(ctx context.Context, path string, t kb.RelType, in model.UnalignInput, what string) ([]kb.Op, error) {
	var ops []kb.Op
	for _, l := range []kb.Link{{Type: t, From: in.FromID, To: in.ToID}, {Type: t, From: in.ToID, To: in.FromID}} {
		if _, err := storedLink(ctx, r, l); err == nil {
			op := linkOp(kb.OpUnlink, path, l, "fromId", "toId")
			op.ExpectedRevision = in.ExpectedRevision
			ops = append(ops, op)
		}
	}
	if len(ops) == 0 {
		if in.ExpectedRevision != nil {
			return nil, kb.CheckLinkRevision(kb.Link{Type: t, From: in.FromID, To: in.ToID}, nil, in.ExpectedRevision)
		}
		return nil, kb.NotFound(path, "no %s between %q and %q", what, in.FromID, in.ToID)
	}
	return ops, nil
}

// evidenceOps links a quote to a CMOC as evidence, patching a link already there.
func (r *Resolver) evidenceOps(ctx context.Context, path string, in model.EvidenceInput) ([]kb.Op, error) {
	l := kb.Link{Type: kb.RelEvidences, From: in.QuoteID, To: in.CmocID, LinkProps: kb.LinkProps{Stance: in.Stance}}
	have, err := existingLink(ctx, r, l)
	if err != nil {
		return nil, err
	}
	l.Relevance, l.Richness, l.Rigour = patched(in.Relevance, have.Relevance), patched(in.Richness, have.Richness), patched(in.Rigour, have.Rigour)
	l.Rationale = patched(in.Rationale, have.Rationale)
	l.Reviewer = cmp.Or(patched(in.Reviewer, have.Reviewer), actorOf(ctx))
	op := linkOp(kb.OpLink, path, l, "quoteId", "cmocId")
	op.ExpectedRevision = in.ExpectedRevision
	return []kb.Op{op}, nil
}

func unlinkEvidenceOps(path string, in model.UnlinkEvidenceInput) []kb.Op {
	op := linkOp(kb.OpUnlink, path, kb.Link{Type: kb.RelEvidences, From: in.QuoteID, To: in.CmocID}, "quoteId", "cmocId")
	op.ExpectedRevision = in.ExpectedRevision
	return []kb.Op{op}
}

func chainOps(opType kb.OpType, path string, in model.ChainInput) []kb.Op {
	l := kb.Link{Type: kb.RelChainsTo, From: in.FromID, To: in.ToID}
	if opType == kb.OpLink {
		l.Rationale = str(in.Rationale)
	}
	op := linkOp(opType, path, l, "fromId", "toId")
	op.ExpectedRevision = in.ExpectedRevision
	return []kb.Op{op}
}

func constructOps(opType kb.OpType, path string, in model.ConstructLinkInput) []kb.Op {
	op := linkOp(opType, path, kb.Link{Type: kb.RelInstanceOf, From: in.ElementID, To: in.TargetID}, "elementId", "targetId")
	op.ExpectedRevision = in.ExpectedRevision
	return []kb.Op{op}
}

// applyBatch makes every operation of a batch as one change.
func (r *Resolver) applyBatch(ctx context.Context, input model.BatchInput) (*model.BatchResult, error) {
	if len(input.Operations) == 0 || len(input.Operations) > MaxBatchOperations {
		return nil, kb.Invalid("input.operations", "holds %d operations; give 1 to %d", len(input.Operations), MaxBatchOperations)
	}
	var ops []kb.Op
	for i, o := range input.Operations {
		more, err := r.batchOps(ctx, fmt.Sprintf("input.operations[%d]", i), o)
		if err != nil {
			return nil, err
		}
		ops = append(ops, more...)
	}
	res, err := r.applyChange(ctx, ops)
	if err != nil {
		return nil, err
	}
	return &model.BatchResult{Operations: len(input.Operations), Linked: res.Linked, Relinked: res.Relinked,
		Unchanged: res.LinksUnchanged, Unlinked: res.Unlinked}, nil
}

// batchOps turns one operation of a batch into ops; it must set exactly one field.
func (r *Resolver) batchOps(ctx context.Context, path string, o model.BatchOperation) ([]kb.Op, error) {
	var ops []kb.Op
	var err error
	set := 0
	one := func(field string, build func(path string) ([]kb.Op, error)) {
		set++
		if set == 1 {
			ops, err = build(path + "." + field)
		}
	}
	if o.AlignElements != nil {
		one("alignElements", func(p string) ([]kb.Op, error) { return r.alignOps(ctx, p, *o.AlignElements) })
	}
	if o.UnalignElements != nil {
		one("unalignElements", func(p string) ([]kb.Op, error) { return r.unalignOps(ctx, p, *o.UnalignElements) })
	}
	if o.RejectSuggestion != nil {
		one("rejectSuggestion", func(p string) ([]kb.Op, error) { return r.rejectOps(ctx, p, *o.RejectSuggestion) })
	}
	if o.UnrejectSuggestion != nil {
		one("unrejectSuggestion", func(p string) ([]kb.Op, error) { return r.unrejectOps(ctx, p, *o.UnrejectSuggestion) })
	}
	if o.LinkEvidence != nil {
		one("linkEvidence", func(p string) ([]kb.Op, error) { return r.evidenceOps(ctx, p, *o.LinkEvidence) })
	}
	if o.UnlinkEvidence != nil {
		one("unlinkEvidence", func(p string) ([]kb.Op, error) { return unlinkEvidenceOps(p, *o.UnlinkEvidence), nil })
	}
	if o.LinkCMOCElements != nil {
		in := o.LinkCMOCElements
		one("linkCMOCElements", func(p string) ([]kb.Op, error) {
			return elementOps(kb.OpLink, p, in.CmocID, in.ContextIds, in.MechanismIds, in.OutcomeIds), nil
		})
	}
	if o.ChainCMOCs != nil {
		one("chainCMOCs", func(p string) ([]kb.Op, error) { return chainOps(kb.OpLink, p, *o.ChainCMOCs), nil })
	}
	if o.UnchainCMOCs != nil {
		one("unchainCMOCs", func(p string) ([]kb.Op, error) { return chainOps(kb.OpUnlink, p, *o.UnchainCMOCs), nil })
	}
	if o.LinkConstruct != nil {
		one("linkConstruct", func(p string) ([]kb.Op, error) { return constructOps(kb.OpLink, p, *o.LinkConstruct), nil })
	}
	if o.UnlinkConstruct != nil {
		one("unlinkConstruct", func(p string) ([]kb.Op, error) { return constructOps(kb.OpUnlink, p, *o.UnlinkConstruct), nil })
	}
	if set != 1 {
		return nil, kb.Invalid(path, "sets %d operations; set exactly one of its fields", set)
	}
	return ops, err
}

// linkAndReload applies the ops build makes and reads the node id back for the answer.
func (r *Resolver) linkAndReload(ctx context.Context, id string, build func() ([]kb.Op, error)) (kb.Node, error) {
	ops, err := build()
	if err != nil {
		return nil, err
	}
	if err := r.apply(ctx, ops...); err != nil {
		return nil, err
	}
	return reloadAny(ctx, r, id)
}
