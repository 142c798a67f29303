// Package document reads and writes the cmograph document: one file holding studies, their
// programme theories, CMOCs, elements, quotes and settings, the theories they draw on, and the
// alignments between studies. It is what reviewers write by hand (YAML) and what export
// produces (JSON, which is also YAML), so an export imports back unchanged.
package document

import "time"

// FormatV1 is the value of the "format" key of every document this version reads and writes.
const FormatV1 = "cmograph/v1"

// Document is one file.
type Document struct {
	Format     string      `json:"format" yaml:"format"`
	Theories   []Theory    `json:"theories,omitempty" yaml:"theories,omitempty"`
	Studies    []Study     `json:"studies,omitempty" yaml:"studies,omitempty"`
	Alignments []Alignment `json:"alignments,omitempty" yaml:"alignments,omitempty"`
	// Rejections are the suggested counterparts reviewers judged not to be: kept with the
	// review so that suggestions do not offer them again.
	Rejections []Rejection `json:"rejections,omitempty" yaml:"rejections,omitempty"`
}

// Provenance is optional in hand-written files; export writes it so a round trip keeps it.
type Provenance struct {
	CreatedAt *time.Time `json:"createdAt,omitempty" yaml:"createdAt,omitempty"`
	UpdatedAt *time.Time `json:"updatedAt,omitempty" yaml:"updatedAt,omitempty"`
	CreatedBy string     `json:"createdBy,omitempty" yaml:"createdBy,omitempty"`
	UpdatedBy string     `json:"updatedBy,omitempty" yaml:"updatedBy,omitempty"`
}

// Theory is a substantive theory or framework with its constructs.
type Theory struct {
	ID          string      `json:"id" yaml:"id"`
	Name        string      `json:"name" yaml:"name"`
	Kind        string      `json:"kind,omitempty" yaml:"kind,omitempty"`
	Citation    string      `json:"citation,omitempty" yaml:"citation,omitempty"`
	Description string      `json:"description,omitempty" yaml:"description,omitempty"`
	Constructs  []Construct `json:"constructs,omitempty" yaml:"constructs,omitempty"`
	Provenance  `yaml:",inline"`
}

// Construct is a part of a theory. Its id defaults to "<theory id>.<slug of name>".
type Construct struct {
	ID          string `json:"id,omitempty" yaml:"id,omitempty"`
	Name        string `json:"name" yaml:"name"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
	Provenance  `yaml:",inline"`
}

// Study is a paper with everything extracted from it.
type Study struct {
	ID                string            `json:"id" yaml:"id"`
	Title             string            `json:"title" yaml:"title"`
	Authors           []string          `json:"authors,omitempty" yaml:"authors,omitempty"`
	Year              *int              `json:"year,omitempty" yaml:"year,omitempty"`
	Journal           string            `json:"journal,omitempty" yaml:"journal,omitempty"`
	Volume            string            `json:"volume,omitempty" yaml:"volume,omitempty"`
	Issue             string            `json:"issue,omitempty" yaml:"issue,omitempty"`
	Pages             string            `json:"pages,omitempty" yaml:"pages,omitempty"`
	DOI               string            `json:"doi,omitempty" yaml:"doi,omitempty"`
	PMID              string            `json:"pmid,omitempty" yaml:"pmid,omitempty"`
	PMCID             string            `json:"pmcid,omitempty" yaml:"pmcid,omitempty"`
	URL               string            `json:"url,omitempty" yaml:"url,omitempty"`
	Abstract          string            `json:"abstract,omitempty" yaml:"abstract,omitempty"`
	Framing           string            `json:"framing,omitempty" yaml:"framing,omitempty"`
	Country           string            `json:"country,omitempty" yaml:"country,omitempty"`
	Population        string            `json:"population,omitempty" yaml:"population,omitempty"`
	Informants        []string          `json:"informants,omitempty" yaml:"informants,omitempty"`
	SampleSize        *int              `json:"sampleSize,omitempty" yaml:"sampleSize,omitempty"`
	Design            string            `json:"design,omitempty" yaml:"design,omitempty"`
	Settings          []Setting         `json:"settings,omitempty" yaml:"settings,omitempty"`
	ProgrammeTheories []ProgrammeTheory `json:"programmeTheories,omitempty" yaml:"programmeTheories,omitempty"`
	Quotes            []Quote           `json:"quotes,omitempty" yaml:"quotes,omitempty"`
	Provenance        `yaml:",inline"`
}

// Setting is a service the study observed. Its id defaults to "<study id>.s.<slug of name>".
type Setting struct {
	ID          string   `json:"id,omitempty" yaml:"id,omitempty"`
	Name        string   `json:"name" yaml:"name"`
	ServiceType string   `json:"serviceType,omitempty" yaml:"serviceType,omitempty"`
	Location    string   `json:"location,omitempty" yaml:"location,omitempty"`
	Modality    []string `json:"modality,omitempty" yaml:"modality,omitempty"`
	Description string   `json:"description,omitempty" yaml:"description,omitempty"`
	Provenance  `yaml:",inline"`
}

// ProgrammeTheory holds its elements and CMOCs. Its id defaults to "<study id>.<slug of name>".
type ProgrammeTheory struct {
	ID          string      `json:"id,omitempty" yaml:"id,omitempty"`
	Name        string      `json:"name" yaml:"name"`
	Stage       string      `json:"stage,omitempty" yaml:"stage,omitempty"`
	Version     string      `json:"version,omitempty" yaml:"version,omitempty"`
	Description string      `json:"description,omitempty" yaml:"description,omitempty"`
	DrawsOn     []string    `json:"drawsOn,omitempty" yaml:"drawsOn,omitempty"`
	Revises     []Revision  `json:"revises,omitempty" yaml:"revises,omitempty"`
	Contexts    []Context   `json:"contexts,omitempty" yaml:"contexts,omitempty"`
	Mechanisms  []Mechanism `json:"mechanisms,omitempty" yaml:"mechanisms,omitempty"`
	Outcomes    []Outcome   `json:"outcomes,omitempty" yaml:"outcomes,omitempty"`
	CMOCs       []CMOC      `json:"cmocs,omitempty" yaml:"cmocs,omitempty"`
	Provenance  `yaml:",inline"`
}

// Revision says this theory revises an earlier one (by id).
type Revision struct {
	Theory         string `json:"theory" yaml:"theory"`
	Change         string `json:"change" yaml:"change"`
	Rationale      string `json:"rationale,omitempty" yaml:"rationale,omitempty"`
	LinkProvenance `yaml:",inline"`
}

// LinkProvenance is when and by whom a link was made; export writes it, import keeps it.
type LinkProvenance struct {
	CreatedAt *time.Time `json:"createdAt,omitempty" yaml:"createdAt,omitempty"`
	CreatedBy string     `json:"createdBy,omitempty" yaml:"createdBy,omitempty"`
}

// Construct references (instanceOf, explainedBy) are ids of constructs or theories.

// Context ids default to "<programme theory id>.c.<slug of name>".
type Context struct {
	ID          string   `json:"id,omitempty" yaml:"id,omitempty"`
	Name        string   `json:"name" yaml:"name"`
	Description string   `json:"description,omitempty" yaml:"description,omitempty"`
	Kind        string   `json:"kind,omitempty" yaml:"kind,omitempty"`
	Level       string   `json:"level,omitempty" yaml:"level,omitempty"`
	InstanceOf  []string `json:"instanceOf,omitempty" yaml:"instanceOf,omitempty"`
	Provenance  `yaml:",inline"`
}

// Mechanism ids default to "<programme theory id>.m.<slug of name>".
type Mechanism struct {
	ID          string   `json:"id,omitempty" yaml:"id,omitempty"`
	Name        string   `json:"name" yaml:"name"`
	Description string   `json:"description,omitempty" yaml:"description,omitempty"`
	Resource    string   `json:"resource,omitempty" yaml:"resource,omitempty"`
	Reasoning   string   `json:"reasoning,omitempty" yaml:"reasoning,omitempty"`
	ExplainedBy []string `json:"explainedBy,omitempty" yaml:"explainedBy,omitempty"`
	InstanceOf  []string `json:"instanceOf,omitempty" yaml:"instanceOf,omitempty"`
	Provenance  `yaml:",inline"`
}

// Outcome ids default to "<programme theory id>.o.<slug of name>".
type Outcome struct {
	ID          string   `json:"id,omitempty" yaml:"id,omitempty"`
	Name        string   `json:"name" yaml:"name"`
	Description string   `json:"description,omitempty" yaml:"description,omitempty"`
	Proximity   string   `json:"proximity,omitempty" yaml:"proximity,omitempty"`
	Intended    *bool    `json:"intended,omitempty" yaml:"intended,omitempty"`
	InstanceOf  []string `json:"instanceOf,omitempty" yaml:"instanceOf,omitempty"`
	Provenance  `yaml:",inline"`
}

// CMOC refers to its theory's elements by id or by name, and to settings by id or name. Its id
// defaults to "<programme theory id>.<slug of code>".
type CMOC struct {
	ID        string   `json:"id,omitempty" yaml:"id,omitempty"`
	Code      string   `json:"code" yaml:"code"`
	Label     string   `json:"label,omitempty" yaml:"label,omitempty"`
	Statement string   `json:"statement,omitempty" yaml:"statement,omitempty"`
	Status    string   `json:"status,omitempty" yaml:"status,omitempty"`
	Actors    []string `json:"actors,omitempty" yaml:"actors,omitempty"`
	// Roles name whose reasoning it is about as the study does ("peer supporter with
	// diabetes"), more finely than the actor categories.
	Roles  []string `json:"roles,omitempty" yaml:"roles,omitempty"`
	Source string   `json:"source,omitempty" yaml:"source,omitempty"`
	// Intervention is ICAMO's I: the programme component the configuration is about.
	Intervention string   `json:"intervention,omitempty" yaml:"intervention,omitempty"`
	Caveats      []string `json:"caveats,omitempty" yaml:"caveats,omitempty"`
	Contexts     []string `json:"contexts,omitempty" yaml:"contexts,omitempty"`
	Mechanisms   []string `json:"mechanisms,omitempty" yaml:"mechanisms,omitempty"`
	Outcomes     []string `json:"outcomes,omitempty" yaml:"outcomes,omitempty"`
	Settings     []string `json:"settings,omitempty" yaml:"settings,omitempty"`
	ChainsTo     []Chain  `json:"chainsTo,omitempty" yaml:"chainsTo,omitempty"`
	Provenance   `yaml:",inline"`
}

// Chain says this CMOC's outcome feeds another CMOC (by id, or by code in the same theory).
type Chain struct {
	CMOC           string `json:"cmoc" yaml:"cmoc"`
	Rationale      string `json:"rationale,omitempty" yaml:"rationale,omitempty"`
	LinkProvenance `yaml:",inline"`
}

// Quote is an excerpt with the CMOCs it evidences. Its id defaults to a hash of its text.
type Quote struct {
	ID            string     `json:"id,omitempty" yaml:"id,omitempty"`
	Text          string     `json:"text" yaml:"text"`
	Participant   string     `json:"participant,omitempty" yaml:"participant,omitempty"`
	InformantRole string     `json:"informantRole,omitempty" yaml:"informantRole,omitempty"`
	Location      string     `json:"location,omitempty" yaml:"location,omitempty"`
	StartOffset   *int       `json:"startOffset,omitempty" yaml:"startOffset,omitempty"`
	EndOffset     *int       `json:"endOffset,omitempty" yaml:"endOffset,omitempty"`
	Evidences     []Evidence `json:"evidences,omitempty" yaml:"evidences,omitempty"`
	Provenance    `yaml:",inline"`
}

// Evidence links a quote to a CMOC (by id, or by code within the study) with the reviewer's
// judgement.
type Evidence struct {
	CMOC           string `json:"cmoc" yaml:"cmoc"`
	Stance         string `json:"stance" yaml:"stance"`
	Relevance      string `json:"relevance,omitempty" yaml:"relevance,omitempty"`
	Richness       string `json:"richness,omitempty" yaml:"richness,omitempty"`
	Rigour         string `json:"rigour,omitempty" yaml:"rigour,omitempty"`
	Rationale      string `json:"rationale,omitempty" yaml:"rationale,omitempty"`
	Reviewer       string `json:"reviewer,omitempty" yaml:"reviewer,omitempty"`
	LinkProvenance `yaml:",inline"`
}

// Rejection is a reviewer's judgement that two elements of different studies are not
// counterparts, by id.
type Rejection struct {
	From           string `json:"from" yaml:"from"`
	To             string `json:"to" yaml:"to"`
	Rationale      string `json:"rationale,omitempty" yaml:"rationale,omitempty"`
	Reviewer       string `json:"reviewer,omitempty" yaml:"reviewer,omitempty"`
	LinkProvenance `yaml:",inline"`
}

// Alignment is a cross-study crosswalk link between two elements of the same kind, by id.
type Alignment struct {
	From           string   `json:"from" yaml:"from"`
	To             string   `json:"to" yaml:"to"`
	Relation       string   `json:"relation" yaml:"relation"`
	Rationale      string   `json:"rationale,omitempty" yaml:"rationale,omitempty"`
	Confidence     *float64 `json:"confidence,omitempty" yaml:"confidence,omitempty"`
	Reviewer       string   `json:"reviewer,omitempty" yaml:"reviewer,omitempty"`
	LinkProvenance `yaml:",inline"`
}
