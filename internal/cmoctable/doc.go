// Package cmoctable reads and writes CMOC tables: the spreadsheet reviewers keep while they
// extract, one row per CMOC (or per CMOC and quote), and the Markdown table a RAMESES report
// appends.
//
// # Columns
//
// The first row is a header. Header names are matched ignoring case, spaces, '_' and '-', so
// "Mechanism resource" is the mechanism_resource column. The default columns are
//
//	study                a study id (a value that is not a valid id is turned into one with kb.Slug)
//	theory               a programme theory of that study, by name or id
//	cmoc                 the CMOC's code, e.g. "CMOC 1"
//	context              context names                            (a list, see below)
//	mechanism_resource   what the programme offers
//	mechanism_reasoning  how people respond to it
//	outcome              outcome names                            (a list)
//	actor                whose reasoning the CMOC is about         (a list: service user, peer
//	                     worker, staff, carer, organisation, community, or the enum values;
//	                     any other entry is a role as the study names it, with its category
//	                     in brackets when known: "peer supporter with diabetes (peer worker)")
//	quote                a quote from the study that evidences the CMOC
//	participant          the quote's participant id, e.g. P12
//	stance               SUPPORTS, REFUTES or REFINES; SUPPORTS when a quote has none
//
// and these are optional:
//
//	label, statement, status (PROPOSED, SUPPORTED, REFUTED, REFINED, RETIRED), source
//	                     the CMOC's fields of those names
//	mechanism            the mechanism's name; without it the name is made from the resource
//	                     and reasoning ("resource → reasoning", shortened)
//	informant            the quote speaker's role: service user(s), peer worker(s), staff, carer(s)
//	study_title, year    title and year for a study the knowledge base does not have yet
//	doi, pmid            its DOI and PubMed id
//	context_kind         the kind of the row's contexts (condition, intervention component, ...)
//	context_construct, mechanism_construct, outcome_construct
//	                     the constructs the row's elements of that kind instantiate: a list of
//	                     construct ids or names; the theory must be in the knowledge base
//	context_aligns, mechanism_aligns, outcome_aligns
//	                     the crosswalk links the row's elements of that kind make: a list of
//	                     "RELATION study-id: element name" (or "RELATION element-id"), e.g.
//	                     "SAME_AS gillard-2015: Building trust"; RELATION is SAME_AS, BROADER,
//	                     NARROWER, RELATED or CONTRADICTS, and the other end may be in the
//	                     table. A link the knowledge base has keeps its rationale; a table
//	                     without a link takes none away
//
// A row's detail cells speak for every element of that kind it names, so WriteCSV puts
// contexts or outcomes whose kind, constructs or links differ on rows of their own.
//
// Only study, theory and cmoc are required. A column whose header starts with '#' is a note
// column and is ignored; any other unknown header is an error, so that a misspelt column never
// drops data silently. A Mapping renames columns for files that use other headers.
//
// # Rows
//
// Rows with the same study, theory and cmoc are one CMOC: its contexts, mechanisms, outcomes,
// actors and quotes are the union of its rows, and a field given on several rows must say the
// same thing on each. An empty cell says nothing: it never clears what the knowledge base
// already holds. Each row holds at most one mechanism and one quote; a CMOC with more takes more
// rows. Within a programme theory an element is known by its name (ignoring case and repeated
// spaces), so the same text on two rows, or in the knowledge base already, is one element.
//
// context, outcome and actor cells may list several values separated by ';'. Write "\;" for a
// ';' inside a name and "\\" for a backslash before one; any other backslash is literal.
//
// A quote belongs to the row's study and is known by its text (ignoring runs of white space)
// and participant: two participants may say the same words. A row without a participant
// takes the study's one quote with that text, if there is exactly one.
//
// A row's study is the knowledge base's study whose id is in the study cell, or else the one
// its doi, pmid or study_title and year match the way citations match (title: the study cell
// when there is no study_title), so a paper imported from a citation file and then from a table
// is one study. A study the knowledge base has keeps its fields (study_title, year, doi and
// pmid only describe a new one); a theory, element, CMOC or quote it has is updated with what
// the table gives. The table is the truth for the CMOCs it lists: a CMOC whose rows name
// contexts (or mechanisms, or outcomes) has those and no others of that kind, so an outcome
// edited in the table replaces the one the CMOC had (ReadReport says which); a kind its rows
// leave empty keeps what the CMOC has. Importing the same table twice changes nothing.
//
// ReadXLSX reads the first sheet of an Excel workbook the same way; leading empty rows are
// skipped, and errors name the sheet and row.
//
// # Limits
//
// A file is at most document.MaxFileSize bytes and a cell at most 1 MiB; names, labels and
// participants at most 1,000 bytes, quotes, statements, resources and reasonings 100,000, and
// codes 64, as kb allows. A CSV file must be UTF-8 (a byte-order mark is skipped) and
// comma-separated, with quotes as RFC 4180 has them. Errors name the file, line and column;
// the first 50 are reported, and a table with any error imports nothing.
//
// # Writing
//
// WriteCSV writes every default column followed by every optional one, one row per CMOC and
// quote (one row with empty quote cells for a CMOC without quotes), plus a row without a quote
// for each mechanism after a CMOC's first. Reading that file back gives the same CMOCs.
// WriteMarkdown writes one table per programme theory for a report's appendix.
package cmoctable
