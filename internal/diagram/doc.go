// Package diagram draws the knowledge graph for people and for graph tools: a programme
// theory's web of CMOCs as Mermaid (which GitHub renders in Markdown) or Graphviz DOT, and the
// whole graph or a selection of it as GraphML for Gephi.
//
// The web of CMOCs is laid out as realist papers draw it, left to right: contexts ->
// mechanisms -> outcomes, each edge labelled with the codes of the CMOCs it stands for (CMOCs
// that share a context and a mechanism share the edge). There is one group (a Mermaid
// subgraph, a DOT cluster) per outcome, holding the outcome and the elements used only by the
// CMOCs whose first outcome it is; a CMOC with several outcomes is drawn in its first
// outcome's group and joined to the others. Every element is drawn once: one that CMOCs of
// several groups share is drawn outside the groups. A CMOC missing a stage skips it (a C-O CMOC
// joins its contexts to its outcomes); a CMOC with one kind of element only is drawn as a
// node of its own, so that it still shows. CHAINS_TO is a dashed edge from the first CMOC's
// first outcome to the next CMOC's first context; CMOCs of other programme theories that a
// chain leaves or reaches are drawn as nodes outside the groups. Groups "No outcome" and "Not
// in any CMOC" hold what fits no outcome. Mechanisms show their resource and reasoning, cut
// short; labels are wrapped.
//
// Every writer is deterministic: the same data gives the same bytes, whatever order a store or
// a hand-written file lists it in, so outputs can be committed and diffed.
package diagram
