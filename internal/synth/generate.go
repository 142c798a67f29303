package synth

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/cmograph/cmograph/internal/document"
	"github.com/cmograph/cmograph/internal/kb"
)

// pcgStream is the fixed second word of the PCG state; the first is the seed.
const pcgStream = 0x5eed_c0de_cafe_f00d

// Element kinds, indexing the per-kind tables below.
const (
	kindContext = iota
	kindMechanism
	kindOutcome
	numKinds
)

var kindOf = [numKinds]kb.Kind{kb.KindContext, kb.KindMechanism, kb.KindOutcome}

// generator holds one run's random source and the elements made so far, which the crosswalk
// draws on once every study exists.
type generator struct {
	cfg       Config
	r         *rand.Rand
	elems     [numKinds][]elemRef
	byConcept [numKinds][][]int // concept -> indexes into elems
}

// elemRef is what the crosswalk needs to know of an element.
type elemRef struct {
	id, name string
	study    int
	concept  int
	qual     int // index into qualifiers, -1 when the element is not qualified
}

// studyCtx is what a study's parts share while it is built.
type studyCtx struct {
	index      int
	id         string
	framing    string
	population string
	informants []string
	sampleSize int
	quals      []int    // the qualifiers this study's elements use
	settings   []string // setting ids
	cmocs      []cmocRef
}

// cmocRef is what a quote needs to know of the CMOC it evidences.
type cmocRef struct {
	id, code, status string
	mechName         string
	concepts         [numKinds][]int
}

func newGenerator(cfg Config) *generator {
	g := &generator{cfg: cfg, r: rand.New(rand.NewPCG(uint64(cfg.Seed), pcgStream))}
	g.byConcept[kindContext] = make([][]int, len(contextConcepts))
	g.byConcept[kindMechanism] = make([][]int, len(mechanismConcepts))
	g.byConcept[kindOutcome] = make([][]int, len(outcomeConcepts))
	return g
}

func (g *generator) run() (document.Document, error) {
	cfg := g.cfg
	doc := document.Document{Format: document.FormatV1, Theories: theories()}
	// A log-normal spread gives a few large studies and many middling ones, as in real reviews.
	weights := make([]float64, cfg.Studies)
	for i := range weights {
		weights[i] = clamp(math.Exp(0.6*g.r.NormFloat64()), 0.25, 2.5)
	}
	cmocCounts := allocate(cfg.CMOCs, weights, 1)
	// Quotes follow CMOCs, with noise: some studies quote generously, some sparingly.
	for i := range weights {
		weights[i] = float64(cmocCounts[i]) * (0.6 + 0.8*g.r.Float64())
	}
	quoteCounts := allocate(cfg.Quotes, weights, 0)
	revising := g.revisingStudies(cmocCounts)
	doc.Studies = make([]document.Study, cfg.Studies)
	for i := range doc.Studies {
		doc.Studies[i] = g.study(i, cmocCounts[i], quoteCounts[i], revising[i])
	}
	aligns, err := g.alignments()
	if err != nil {
		return document.Document{}, err
	}
	doc.Alignments = aligns
	return doc, nil
}

// allocate splits total into len(weights) parts of at least least each, in proportion to the
// weights (largest remainder, ties to the lower index), so the parts add up exactly.
func allocate(total int, weights []float64, least int) []int {
	out := make([]int, len(weights))
	rest := total - least*len(weights)
	var sum float64
	for _, w := range weights {
		sum += w
	}
	type remainder struct {
		i    int
		frac float64
	}
	rems := make([]remainder, len(weights))
	given := 0
	for i, w := range weights {
		share := 0.0
		if sum > 0 {
			share = float64(rest) * w / sum
		}
		n := int(share)
		out[i] = least + n
		given += n
		rems[i] = remainder{i, share - float64(n)}
	}
	slices.SortStableFunc(rems, func(a, b remainder) int { return cmp.Compare(b.frac, a.frac) })
	// Floating-point error can leave the floors a little over or under rest; settle it on the
	// largest remainders (over) or the smallest (under) so the total is exact.
	for k := 0; given < rest; k++ {
		out[rems[k%len(rems)].i]++
		given++
	}
	for k := 0; given > rest; k++ {
		if i := rems[len(rems)-1-k%len(rems)].i; out[i] > least {
			out[i]--
			given--
		}
	}
	return out
}

// revisingStudies picks one study in every 50 (with at least two CMOCs to split) to have a
// refined programme theory revising its initial one.
func (g *generator) revisingStudies(cmocCounts []int) []bool {
	out := make([]bool, len(cmocCounts))
	want := len(cmocCounts) / 50
	for _, i := range g.r.Perm(len(cmocCounts)) {
		if want == 0 {
			break
		}
		if cmocCounts[i] >= 2 {
			out[i] = true
			want--
		}
	}
	return out
}

func theories() []document.Theory {
	out := make([]document.Theory, len(theoryDefs))
	for i, t := range theoryDefs {
		th := document.Theory{ID: t.id, Name: t.name, Kind: t.kind, Citation: t.citation, Description: t.description}
		for _, c := range t.constructs {
			th.Constructs = append(th.Constructs, document.Construct{ID: kb.ChildID(t.id, "", c.name), Name: c.name, Description: c.description})
		}
		out[i] = th
	}
	return out
}

func (g *generator) study(i, nCMOCs, nQuotes int, revise bool) document.Study {
	r := g.r
	// Recent years are commoner: peer-support research has grown fast since 2015.
	year := 2025 - int(21*math.Pow(r.Float64(), 1.6)) // 2005 to 2025
	surname := pick(r, surnames)
	sc := &studyCtx{
		index:      i,
		id:         fmt.Sprintf("syn-%04d-%s-%d", i+1, kb.Slug(surname), year),
		framing:    pickWeighted(r, framingWeights),
		population: pickWeighted(r, populationWeights),
	}
	for _, c := range informantOdds {
		if r.Float64() < c.w {
			sc.informants = append(sc.informants, c.v)
		}
	}
	if len(sc.informants) == 0 {
		sc.informants = []string{"SERVICE_USERS"}
	}
	switch sc.framing {
	case "TRIAL":
		sc.sampleSize = 60 + r.IntN(341)
	case "REALIST_REVIEW":
		sc.sampleSize = 20 + r.IntN(101) // documents included
	default:
		sc.sampleSize = 8 + r.IntN(53)
	}
	for _, q := range r.Perm(len(qualifiers))[:2+r.IntN(2)] {
		sc.quals = append(sc.quals, q)
	}
	intervention := pick(r, interventions)
	popPhrase := pick(r, populationPhrases[sc.population])
	design := pick(r, designPhrases[sc.framing])
	if strings.Contains(design, "%s") {
		design = fmt.Sprintf(design, intervention)
	}
	sampleSize := sc.sampleSize
	st := document.Study{
		ID:         sc.id,
		Title:      fmt.Sprintf("%s %s for %s %s", design, intervention, popPhrase, qualifiers[sc.quals[0]]),
		Authors:    g.authors(surname),
		Year:       &year,
		Journal:    pick(r, journals),
		Volume:     strconv.Itoa(1 + r.IntN(40)),
		Issue:      strconv.Itoa(1 + r.IntN(12)),
		DOI:        fmt.Sprintf("10.5555/syn.%d.%04d", year, i+1), // 10.5555 is Crossref's test prefix: never a real paper
		Framing:    sc.framing,
		Country:    pick(r, countries),
		Population: sc.population,
		Informants: sc.informants,
		SampleSize: &sampleSize,
	}
	first := 1 + r.IntN(400)
	st.Pages = fmt.Sprintf("%d-%d", first, first+6+r.IntN(15))
	st.Design = fmt.Sprintf("%s drawing on %d %s with %s.", strings.TrimSuffix(design, " of"), sc.sampleSize,
		sampleUnit(sc.framing), informantList(sc.informants))
	if sc.framing != "REALIST_REVIEW" {
		st.Settings = g.settings(sc)
	}

	if revise {
		n1 := max(1, (nCMOCs*11+10)/20)
		n1 = min(n1, nCMOCs-1)
		pt1, used := g.programmeTheory(sc, sc.id+".pt1", "Initial programme theory", "INITIAL", n1, nil)
		pt2, _ := g.programmeTheory(sc, sc.id+".pt2", "Refined programme theory", "REFINED", nCMOCs-n1, &used)
		pt2.Version = "2"
		change := pickWeighted(r, revisionWeights)
		pt2.Revises = []document.Revision{{Theory: pt1.ID, Change: change,
			Rationale: fmt.Sprintf("Testing the initial theory against %d %s led to %s of its CMOCs.", sc.sampleSize,
				sampleUnit(sc.framing), revisionWords[change])}}
		st.ProgrammeTheories = []document.ProgrammeTheory{pt1, pt2}
	} else {
		stage := stageFor(r, sc.framing)
		pt, _ := g.programmeTheory(sc, sc.id+".pt1", stageName[stage], stage, nCMOCs, nil)
		st.ProgrammeTheories = []document.ProgrammeTheory{pt}
	}
	st.Abstract = g.abstract(sc, intervention, popPhrase, nCMOCs)
	st.Quotes = g.quotes(sc, nQuotes)
	return st
}

// stageFor: evaluations refine a theory, reviews end with a final one, trials state a change
// model, and theories extracted from other designs are initial.
func stageFor(r *rand.Rand, framing string) string {
	switch framing {
	case "REALIST_EVALUATION":
		return pickWeighted(r, []choice{{"INITIAL", 40}, {"REFINED", 60}})
	case "REALIST_REVIEW":
		return pickWeighted(r, []choice{{"INITIAL", 30}, {"FINAL", 70}})
	case "TRIAL":
		return "CHANGE_MODEL"
	}
	return "INITIAL"
}

// informantList names informant groups in words: "service users and peer workers".
func informantList(groups []string) string {
	words := make([]string, len(groups))
	for i, g := range groups {
		words[i] = informantWords[g]
	}
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// sampleUnit is what a study's sample size counts: a review samples documents.
func sampleUnit(framing string) string {
	if framing == "REALIST_REVIEW" {
		return "documents"
	}
	return "participants"
}

func (g *generator) authors(first string) []string {
	r := g.r
	name := func(s string) string {
		in := pick(r, initials)
		if r.Float64() < 0.4 {
			in += pick(r, initials)
		}
		return s + " " + in
	}
	out := []string{name(first)}
	for range 1 + r.IntN(5) {
		out = append(out, name(pick(r, surnames)))
	}
	return out
}

func (g *generator) settings(sc *studyCtx) []document.Setting {
	r := g.r
	n := 1 + r.IntN(3)
	out := make([]document.Setting, 0, n)
	for k, t := range r.Perm(len(serviceTypes))[:n] {
		name := fmt.Sprintf("Service %d: %s", k+1, serviceTypes[t])
		var mods []string
		for _, m := range modalities {
			if r.Float64() < 0.45 {
				mods = append(mods, m)
			}
		}
		s := document.Setting{ID: kb.ChildID(sc.id, kb.ElementTag(kb.KindSetting), name), Name: name, ServiceType: serviceTypes[t],
			Location: pick(r, places), Modality: mods,
			Description: fmt.Sprintf("%s offering %s %s.", serviceTypes[t], pick(r, interventions), qualifiers[pick(r, sc.quals)])}
		sc.settings = append(sc.settings, s.ID)
		out = append(out, s)
	}
	return out
}

// programmeTheory builds a theory of n CMOCs over a smaller set of elements that the CMOCs
// share. prefer, when given, holds the concepts of the theory this one revises, which it
// mostly rewords rather than replaces. It returns the concepts it used.
func (g *generator) programmeTheory(sc *studyCtx, ptID, name, stage string, n int, prefer *[numKinds][]int) (document.ProgrammeTheory, [numKinds][]int) {
	r := g.r
	pt := document.ProgrammeTheory{ID: ptID, Name: name, Stage: stage, Version: "1"}
	for _, t := range r.Perm(len(theoryDefs))[:1+r.IntN(3)] {
		pt.DrawsOn = append(pt.DrawsOn, theoryDefs[t].id)
	}
	slices.Sort(pt.DrawsOn)

	// Each kind has 60-80% as many elements as the theory has CMOCs, so elements are reused.
	var made [numKinds][]elemRef
	var used [numKinds][]int
	taken := map[string]bool{}
	for k := range numKinds {
		count := clamp(int(math.Round(float64(n)*(0.6+0.2*r.Float64()))), 1, n)
		var preferred []int
		if prefer != nil {
			preferred = prefer[k]
		}
		for range count {
			e := g.element(sc, ptID, k, preferred, taken)
			made[k] = append(made[k], e)
			used[k] = append(used[k], e.concept)
			g.byConcept[k][e.concept] = append(g.byConcept[k][e.concept], len(g.elems[k]))
			g.elems[k] = append(g.elems[k], e)
			pt.Contexts, pt.Mechanisms, pt.Outcomes = g.appendElement(k, e, pt.Contexts, pt.Mechanisms, pt.Outcomes)
		}
	}

	// Every element is used by at least one CMOC: the first `count` slots of each kind's
	// assignment cover the elements, the rest reuse them at random.
	var assign [numKinds][]int
	var reused [numKinds][]bool
	for k := range numKinds {
		assign[k] = make([]int, n)
		reused[k] = make([]bool, n)
		for j := range n {
			if j < len(made[k]) {
				assign[k][j] = j
			} else {
				assign[k][j], reused[k][j] = r.IntN(len(made[k])), true
			}
		}
		r.Shuffle(n, func(a, b int) {
			assign[k][a], assign[k][b] = assign[k][b], assign[k][a]
			reused[k][a], reused[k][b] = reused[k][b], reused[k][a]
		})
	}
	secondOdds := [numKinds]float64{0.35, 0.15, 0.2}
	realist := sc.framing == "REALIST_EVALUATION" || sc.framing == "REALIST_REVIEW"
	pt.CMOCs = make([]document.CMOC, n)
	for j := range n {
		code := fmt.Sprintf("CMOC %d", j+1)
		var parts [numKinds][]elemRef
		for k := range numKinds {
			// Papers that are not realist often give no mechanism; extract such partial CMOCs
			// only where the element is used elsewhere, so no element is left orphaned.
			if k == kindMechanism && !realist && reused[k][j] && r.Float64() < 0.1 {
				continue
			}
			first := made[k][assign[k][j]]
			parts[k] = append(parts[k], first)
			if len(made[k]) > 1 && r.Float64() < secondOdds[k] {
				if second := made[k][r.IntN(len(made[k]))]; second.id != first.id {
					parts[k] = append(parts[k], second)
				}
			}
		}
		c := document.CMOC{
			ID:     kb.ChildID(ptID, "", code),
			Code:   code,
			Status: pickWeighted(r, statusByStage[stage]),
			Actors: g.actors(),
			Source: fmt.Sprintf(pick(r, sources), 1+r.IntN(8)),
		}
		ctx, out := parts[kindContext][0], parts[kindOutcome][0]
		if m := parts[kindMechanism]; len(m) > 0 {
			c.Label = m[0].name
			c.Statement = fmt.Sprintf("When %s (C), this leads to %s (O) because %s (M).", lowerFirst(ctx.name), lowerFirst(out.name),
				lowerFirst(mechanismConcepts[m[0].concept].reasonings[r.IntN(len(mechanismConcepts[m[0].concept].reasonings))]))
		} else {
			c.Label = ctx.name
			c.Statement = fmt.Sprintf("When %s (C), this leads to %s (O).", lowerFirst(ctx.name), lowerFirst(out.name))
		}
		if r.Float64() < 0.08 {
			c.Caveats = []string{pick(r, caveats)}
		}
		ref := cmocRef{id: c.ID, code: code, status: c.Status, mechName: c.Label}
		for k, ps := range parts {
			for _, p := range ps {
				ref.concepts[k] = append(ref.concepts[k], p.concept)
				switch k {
				case kindContext:
					c.Contexts = append(c.Contexts, p.id)
				case kindMechanism:
					c.Mechanisms = append(c.Mechanisms, p.id)
				case kindOutcome:
					c.Outcomes = append(c.Outcomes, p.id)
				}
			}
		}
		if len(sc.settings) > 0 && r.Float64() < 0.3 {
			c.Settings = []string{pick(r, sc.settings)}
		}
		if j < n-1 && r.Float64() < 0.02 {
			to := j + 2 + r.IntN(n-j-1)
			c.ChainsTo = []document.Chain{{CMOC: fmt.Sprintf("CMOC %d", to),
				Rationale: fmt.Sprintf("%s, the outcome of %s, is part of the context of CMOC %d.", out.name, code, to)}}
		}
		sc.cmocs = append(sc.cmocs, ref)
		pt.CMOCs[j] = c
	}
	pt.Description = fmt.Sprintf("%s of %d CMOCs over %d contexts, %d mechanisms and %d outcomes.", name, n,
		len(pt.Contexts), len(pt.Mechanisms), len(pt.Outcomes))
	return pt, used
}

// element picks a concept, a phrasing and maybe a qualifier whose name is new in this theory.
func (g *generator) element(sc *studyCtx, ptID string, k int, preferred []int, taken map[string]bool) elemRef {
	r := g.r
	tag := kb.ElementTag(kindOf[k])
	var e elemRef
	var base string
	for attempt := 0; ; attempt++ {
		if len(preferred) > 0 && r.Float64() < 0.7 {
			e.concept = pick(r, preferred)
		} else {
			e.concept = r.IntN(len(g.byConcept[k]))
		}
		names := conceptOf(k, e.concept).names
		base = names[r.IntN(len(names))]
		e.qual = -1
		if r.Float64() < 0.5 {
			e.qual = pick(r, sc.quals)
		}
		e.name = base
		if e.qual >= 0 {
			e.name += " " + qualifiers[e.qual]
		}
		e.id = kb.ChildID(ptID, tag, e.name)
		if !taken[e.id] {
			break
		}
		// A theory larger than the vocabulary runs out of names; number the aspects rather
		// than loop forever.
		if attempt >= 30 {
			for aspect := 2; taken[e.id]; aspect++ {
				e.name = fmt.Sprintf("%s (aspect %d)", base, aspect)
				if e.qual >= 0 {
					e.name = fmt.Sprintf("%s %s (aspect %d)", base, qualifiers[e.qual], aspect)
				}
				e.id = kb.ChildID(ptID, tag, e.name)
			}
			break
		}
	}
	taken[e.id] = true
	e.study = sc.index
	return e
}

func conceptOf(k, i int) concept {
	switch k {
	case kindContext:
		return contextConcepts[i].concept
	case kindMechanism:
		return mechanismConcepts[i].concept
	}
	return outcomeConcepts[i].concept
}

// appendElement writes e as the document element of kind k.
func (g *generator) appendElement(k int, e elemRef, cs []document.Context, ms []document.Mechanism, os []document.Outcome) ([]document.Context, []document.Mechanism, []document.Outcome) {
	r := g.r
	con := conceptOf(k, e.concept)
	desc := con.description
	if e.qual >= 0 {
		desc += " Reported " + qualifiers[e.qual] + "."
	}
	var instanceOf []string
	if con.construct != "" && r.Float64() < 0.25 {
		instanceOf = []string{con.construct}
	}
	switch k {
	case kindContext:
		cc := contextConcepts[e.concept]
		cs = append(cs, document.Context{ID: e.id, Name: e.name, Description: desc, Kind: cc.kind, Level: cc.level, InstanceOf: instanceOf})
	case kindMechanism:
		mc := mechanismConcepts[e.concept]
		m := document.Mechanism{ID: e.id, Name: e.name, Description: desc, Resource: pick(r, mc.resources),
			Reasoning: pick(r, mc.reasonings), InstanceOf: instanceOf}
		if mc.explainedBy != "" && r.Float64() < 0.25 {
			m.ExplainedBy = []string{mc.explainedBy}
		}
		ms = append(ms, m)
	case kindOutcome:
		oc := outcomeConcepts[e.concept]
		intended := oc.intended
		os = append(os, document.Outcome{ID: e.id, Name: e.name, Description: desc, Proximity: oc.proximity, Intended: &intended, InstanceOf: instanceOf})
	}
	return cs, ms, os
}

func (g *generator) actors() []string {
	first := pickWeighted(g.r, actorWeights)
	out := []string{first}
	if g.r.Float64() < 0.2 {
		if second := pickWeighted(g.r, actorWeights); second != first {
			out = append(out, second)
		}
	}
	return out
}

func (g *generator) abstract(sc *studyCtx, intervention, popPhrase string, nCMOCs int) string {
	r := g.r
	var mechs []string
	seen := map[int]bool{}
	for _, c := range sc.cmocs {
		for _, m := range c.concepts[kindMechanism] {
			if !seen[m] && len(mechs) < 3 {
				seen[m] = true
				mechs = append(mechs, lowerFirst(mechanismConcepts[m].names[0]))
			}
		}
	}
	focus := "how it works"
	if len(mechs) > 0 {
		focus = "mechanisms including " + strings.Join(mechs, ", ")
	}
	return fmt.Sprintf("Background: %s is increasingly offered to %s %s, but little is known about how it works, for whom and in what circumstances. "+
		"Methods: %s drawing on %d %s. Results: We identified %d context-mechanism-outcome configurations, with %s. "+
		"Conclusion: %s",
		upperFirst(intervention), popPhrase, qualifiers[sc.quals[0]], framingPhrase[sc.framing], sc.sampleSize,
		sampleUnit(sc.framing), nCMOCs, focus, pick(r, conclusions))
}

// quotes makes n quotes for the study. The first quotes cover its CMOCs in a random order so
// that most CMOCs have evidence; the rest fall at random, as some findings are quoted often.
func (g *generator) quotes(sc *studyCtx, n int) []document.Quote {
	r := g.r
	out := make([]document.Quote, n)
	order := r.Perm(len(sc.cmocs))
	for q := range n {
		var primary cmocRef
		if q < len(order) {
			primary = sc.cmocs[order[q]]
		} else {
			primary = sc.cmocs[r.IntN(len(sc.cmocs))]
		}
		role := pick(r, sc.informants)
		prefix := participantPrefix[role]
		if role == "SERVICE_USERS" && (sc.population == "YOUNG_PEOPLE" || sc.population == "CHILDREN") {
			prefix = "YP"
		}
		quote := document.Quote{
			ID:            fmt.Sprintf("%s.q.%d", sc.id, q+1),
			Text:          g.quoteText(primary),
			Participant:   fmt.Sprintf("%s%d", prefix, 1+r.IntN(max(1, sc.sampleSize))),
			InformantRole: role,
			Evidences:     []document.Evidence{g.evidence(primary)},
		}
		if r.Float64() < 0.5 {
			quote.Location = fmt.Sprintf("Results, %s (%s)", primary.mechName, primary.code)
		} else {
			quote.Location = fmt.Sprintf("p. %d", 3+r.IntN(20))
		}
		if len(sc.cmocs) > 1 && r.Float64() < 0.15 {
			if second := sc.cmocs[r.IntN(len(sc.cmocs))]; second.id != primary.id {
				quote.Evidences = append(quote.Evidences, g.evidence(second))
			}
		}
		out[q] = quote
	}
	return out
}

func (g *generator) evidence(c cmocRef) document.Evidence {
	r := g.r
	stances := stanceWeights
	if c.status == "REFUTED" {
		stances = stanceWeightsRefuted
	}
	ev := document.Evidence{CMOC: c.id, Stance: pickWeighted(r, stances), Reviewer: pick(r, reviewers)}
	if r.Float64() < 0.5 {
		ev.Relevance = pickWeighted(r, ratingWeights)
		ev.Richness = pickWeighted(r, ratingWeights)
		ev.Rigour = pickWeighted(r, ratingWeights)
	}
	if r.Float64() < 0.6 {
		ev.Rationale = fmt.Sprintf("Speaks to %s.", lowerFirst(c.mechName))
	}
	return ev
}

// Quotes run from 15 to 60 words.
const (
	minQuoteWords = 15
	maxQuoteWords = 60
)

// quoteText composes an interview excerpt about the CMOC's elements, padded with what anyone
// might say; it is between minQuoteWords and maxQuoteWords long.
func (g *generator) quoteText(c cmocRef) string {
	r := g.r
	var pool []string
	for k, cs := range c.concepts {
		for _, i := range cs {
			pool = append(pool, conceptOf(k, i).quotes...)
		}
	}
	target := minQuoteWords + r.IntN(maxQuoteWords-minQuoteWords+1)
	var parts []string
	words := 0
	said := map[string]bool{}
	// The first sentence is always about the CMOC, so a quote is never only padding.
	for tries := 0; tries < 12 && words < target; tries++ {
		s := pick(r, fillerSentences)
		if len(pool) > 0 && (len(parts) == 0 || r.Float64() < 0.6) {
			s = pick(r, pool)
		}
		n := len(strings.Fields(s))
		if said[s] || words+n > maxQuoteWords {
			continue
		}
		parts, words, said[s] = append(parts, s), words+n, true
	}
	// Short fillers are at most four words, so topping up never passes the maximum.
	order := r.Perm(len(shortFillers))
	for k := 0; words < minQuoteWords; k++ {
		s := shortFillers[order[k%len(order)]]
		parts, words = append(parts, s), words+len(strings.Fields(s))
	}
	return strings.Join(parts, " ")
}

// alignments draws cfg.Links distinct cross-study pairs of elements of one kind. Three in four
// pairs share a concept, as reviewers align what reads alike; the relation follows from how
// the two names relate.
func (g *generator) alignments() ([]document.Alignment, error) {
	r := g.r
	want := g.cfg.Links
	out := make([]document.Alignment, 0, want)
	seen := map[[2]string]bool{}
	add := func(k int, a, b elemRef) bool {
		if a.study == b.study {
			return false
		}
		key := [2]string{min(a.id, b.id), max(a.id, b.id)}
		if seen[key] {
			return false
		}
		seen[key] = true
		out = append(out, g.alignment(k, a, b))
		return true
	}
	kindWeights := []choice{{"0", 25}, {"1", 40}, {"2", 35}}
	for tries := 0; len(out) < want && tries < 30*want+1000; tries++ {
		k, _ := strconv.Atoi(pickWeighted(r, kindWeights))
		all := g.elems[k]
		if len(all) < 2 {
			continue
		}
		a := all[r.IntN(len(all))]
		b := all[r.IntN(len(all))]
		if same := g.byConcept[k][a.concept]; r.Float64() < 0.75 && len(same) > 1 {
			b = all[same[r.IntN(len(same))]]
		}
		add(k, a, b)
	}
	// Small corpora can run short of random hits; sweep every pair in order to finish.
	for k := 0; k < numKinds && len(out) < want; k++ {
		all := g.elems[k]
		for i := 0; i < len(all) && len(out) < want; i++ {
			for j := i + 1; j < len(all) && len(out) < want; j++ {
				add(k, all[i], all[j])
			}
		}
	}
	if len(out) < want {
		return nil, fmt.Errorf("synthetic corpus: only %d distinct cross-study pairs of elements for %d links; use fewer links or more studies", len(out), want)
	}
	return out, nil
}

func (g *generator) alignment(k int, a, b elemRef) document.Alignment {
	r := g.r
	var rel, why string
	var lo, hi float64
	topic := lowerFirst(conceptOf(k, a.concept).names[0])
	switch {
	case a.concept == b.concept && a.qual == b.qual:
		rel, lo, hi = "SAME_AS", 0.75, 0.95
		why = fmt.Sprintf("Both describe %s; the wording differs, the idea is the same.", topic)
	case a.concept == b.concept && a.qual < 0:
		rel, lo, hi = "BROADER", 0.6, 0.85
		why = fmt.Sprintf("%q is the general case of %q.", a.name, b.name)
	case a.concept == b.concept && b.qual < 0:
		rel, lo, hi = "NARROWER", 0.6, 0.85
		why = fmt.Sprintf("%q is a special case of %q.", a.name, b.name)
	case a.concept == b.concept:
		rel, lo, hi = "RELATED", 0.5, 0.8
		why = fmt.Sprintf("Both describe %s, in different settings.", topic)
	case r.Float64() < 0.15:
		rel, lo, hi = "CONTRADICTS", 0.4, 0.7
		why = fmt.Sprintf("The studies give opposing accounts: %q against %q.", a.name, b.name)
	default:
		rel, lo, hi = "RELATED", 0.35, 0.65
		why = fmt.Sprintf("%q and %q are reported together.", a.name, b.name)
	}
	conf := math.Round((lo+(hi-lo)*r.Float64())*100) / 100
	return document.Alignment{From: a.id, To: b.id, Relation: rel, Rationale: why, Confidence: &conf, Reviewer: pick(r, reviewers)}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func pickWeighted(r *rand.Rand, cs []choice) string {
	var sum float64
	for _, c := range cs {
		sum += c.w
	}
	x := r.Float64() * sum
	for _, c := range cs {
		if x < c.w {
			return c.v
		}
		x -= c.w
	}
	return cs[len(cs)-1].v
}

func clamp[T cmp.Ordered](x, lo, hi T) T { return max(lo, min(x, hi)) }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
