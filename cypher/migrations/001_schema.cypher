// Schema of the knowledge graph. Every node carries :Node and its kind's label; ids are unique
// across the whole graph (node_id) and within each kind. Every statement is idempotent
// (IF NOT EXISTS), so migrate can run on every start. Community edition: no existence or type
// constraints, those are Enterprise only.

CREATE CONSTRAINT node_id IF NOT EXISTS FOR (n:Node) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT theory_id IF NOT EXISTS FOR (n:Theory) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT construct_id IF NOT EXISTS FOR (n:Construct) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT study_id IF NOT EXISTS FOR (n:Study) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT setting_id IF NOT EXISTS FOR (n:Setting) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT programme_theory_id IF NOT EXISTS FOR (n:ProgrammeTheory) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT context_id IF NOT EXISTS FOR (n:Context) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT mechanism_id IF NOT EXISTS FOR (n:Mechanism) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT outcome_id IF NOT EXISTS FOR (n:Outcome) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT cmoc_id IF NOT EXISTS FOR (n:CMOC) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT quote_id IF NOT EXISTS FOR (n:Quote) REQUIRE n.id IS UNIQUE;

// Owner ids: what lists of a study's, a programme theory's or a theory's nodes filter on.
CREATE RANGE INDEX construct_theory_id IF NOT EXISTS FOR (n:Construct) ON (n.theoryId);
CREATE RANGE INDEX setting_study_id IF NOT EXISTS FOR (n:Setting) ON (n.studyId);
CREATE RANGE INDEX programme_theory_study_id IF NOT EXISTS FOR (n:ProgrammeTheory) ON (n.studyId);
CREATE RANGE INDEX context_programme_theory_id IF NOT EXISTS FOR (n:Context) ON (n.programmeTheoryId);
CREATE RANGE INDEX mechanism_programme_theory_id IF NOT EXISTS FOR (n:Mechanism) ON (n.programmeTheoryId);
CREATE RANGE INDEX outcome_programme_theory_id IF NOT EXISTS FOR (n:Outcome) ON (n.programmeTheoryId);
CREATE RANGE INDEX cmoc_programme_theory_id IF NOT EXISTS FOR (n:CMOC) ON (n.programmeTheoryId);
CREATE RANGE INDEX quote_study_id IF NOT EXISTS FOR (n:Quote) ON (n.studyId);

// Properties lists commonly filter or sort on.
CREATE RANGE INDEX study_year IF NOT EXISTS FOR (n:Study) ON (n.year);
CREATE RANGE INDEX cmoc_status IF NOT EXISTS FOR (n:CMOC) ON (n.status);
CREATE RANGE INDEX cmoc_code IF NOT EXISTS FOR (n:CMOC) ON (n.code);
CREATE RANGE INDEX quote_participant IF NOT EXISTS FOR (n:Quote) ON (n.participant);
