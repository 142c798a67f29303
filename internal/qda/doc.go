// Package qda imports REFI-QDA exchange files, the open standard that NVivo, ATLAS.ti, MAXQDA,
// QualCoder and others export: a project (.qdpx, a zip holding project.qde and the sources'
// plain text) or a codebook (.qdc). Like every cmograph importer it is a pure function from the
// existing knowledge base (a document.Document, from document.FromSnapshot) and the file to the
// document to upsert; a node that already exists is copied from the base first, so importing
// adds to what reviewers wrote by hand, and importing the same file again changes nothing.
//
// # Which codes are contexts, mechanisms and outcomes
//
// A code is a context, mechanism or outcome when
//
//   - one of its ancestors in the code tree is named Context, Mechanism or Outcome (or the
//     plural; case does not matter; the nearest such ancestor decides), or else
//   - its own name starts with a kind word and a colon or a spaced dash: "C: ", "M: ", "O: ",
//     "C - ", "CTX: ", "Mech: ", "Out: ", "Context: ", "Mechanism - " and so on (kind words: c,
//     ctx, context(s), m, mech, mechanism(s), o, out, outcome(s)). The prefix is not part of the
//     element's name ("M: Shared lived experience" is the mechanism "Shared lived experience").
//
// Under a category, a prefix of the same kind is dropped too ("C: Rural area" under Contexts is
// the context "Rural area"); a prefix of another kind stays part of the name. The
// Context/Mechanism/Outcome category codes themselves are not elements. Every other code is
// ignored and listed in Report.IgnoredCodes.
//
// # How a project maps
//
//   - Each TextSource becomes a study: id kb.Slug(source name), title the source name. If the
//     knowledge base already has a study with that id, the source is merged into it (its title
//     and other fields are kept), so naming a source after an existing study attaches the
//     codings to it. Two sources whose names slug alike are told apart by a short hash of the
//     second one's guid. A PDFSource's text Representation is read the same way, under the
//     PDF's name. Picture, audio and video sources are skipped (Report.SkippedSources).
//   - A study has no field for a source's full text: the text is kept only as the quotes'
//     excerpts.
//   - Each study gets one programme theory named "<project name> codes" (id
//     "<study id>.<slug>") holding the contexts, mechanisms and outcomes its selections are
//     coded with, plus those its CMOCs (below) need. A study whose source has no such codings
//     gets no programme theory. Element ids are "<programme theory id>.c|m|o.<slug of name>";
//     an element takes its code's Description.
//   - Every PlainTextSelection with at least one Coding becomes a quote of its study: text =
//     the source text from startPosition to endPosition, counted in characters (Unicode code
//     points, as QualCoder does; a leading byte-order mark is not counted, a CR LF line break is
//     two characters), startOffset and
//     endOffset set to those positions, location = the selection's name unless that name only
//     repeats the start of the text (as NVivo and QualCoder write it). Selections without a
//     Coding, or whose text is blank, are skipped (Report.SkippedSelections). Two selections
//     with the same text are one quote (quote ids hash the text).
//   - Each Set with at least one member code that is a context, mechanism or outcome becomes a
//     CMOC (code = the set's name, at most 64 bytes; statement = its Description; source =
//     `REFI-QDA set "<name>"` when the CMOC is new) in the programme theory of
//     every study whose source has a selection coded with one of the set's member codes (only
//     the sources the set lists, if it lists any with MemberSource). The CMOC links the
//     elements of all the set's classified member codes, and every quote of that study coded
//     with a member code EVIDENCES it with stance SUPPORTS. Other sets are listed in
//     Report.SkippedSets.
//   - Users, Cases, Variables, Notes, Links and Graphs are not imported.
//
// Importing again updates only what the file states: element descriptions (when the code has
// one), CMOC codes and statements, quote texts, offsets and locations. What reviewers add in
// cmograph (study details, stages, statuses, labels, an element's resource and reasoning, a
// quote's participant, an evidence link's stance and ratings) is kept, and nothing is removed:
// a code or selection deleted in the QDA tool stays in cmograph until deleted there.
//
// A codebook (.qdc) has codes only: ReadCodebook puts every classified code into the
// programme theory "Codebook" of a study "codebook-<slug of the file's base name>" (title
// "REFI-QDA codebook <file name>"), ready to be aligned with or copied into review theories.
//
// The project document is project.qde, or the only .qde at the top of the archive. A source's
// text is the entry its plainTextPath names (internal://<file>, looked up in sources/ or
// Sources/, ignoring case) or its inline <PlainTextContent>; guids match ignoring case and
// braces. Sources kept outside the archive (relative:// or absolute:// paths) cannot be read:
// export the project with its sources embedded.
//
// # Safety
//
// Archives over document.MaxFileSize, with more than 10,000 entries, with entry names that
// are absolute or climb out of the archive (".."), or that are encrypted are refused. Only
// project.qde and the source texts the project needs are read, each through an
// io.LimitReader: at most 64 MiB of XML, 16 MiB per source text, 128 MiB in all, whatever
// the headers declare. XML with a DOCTYPE or any other <!...> declaration is refused, so no
// entity can expand; text must be UTF-8. Offsets outside the text, references to guids the
// project does not define, and malformed numbers are errors naming the archive, the file
// inside it and the line. A file with any error imports nothing.
package qda
