#!/usr/bin/env node
// Lint Cypher statements with Neo4j's own parser and semantic analysis
// (@neo4j-cypher/language-support, the library behind the Neo4j VS Code
// extension; its semantic analysis is Neo4j's Java front end compiled to JS).
//
// Usage: node cypher/lint/lint.mjs STATEMENTS.json
//
// STATEMENTS.json is an array of {"name": "...", "query": "..."}.
// Every query is analysed as Cypher 5 (Neo4j 5.x) with an empty database
// schema, so unknown labels, relationship types, properties and parameters
// are accepted. Diagnostics of severity Error fail the run; warnings (e.g.
// deprecations) are printed only.
//
// Exit status: 0 if no errors, 1 otherwise (including unreadable/invalid
// input or an empty array).

import { readFileSync } from 'node:fs';
import {
  isNotParamError,
  lintCypherQuery,
  parseStatementsStrs,
} from '@neo4j-cypher/language-support';

// vscode-languageserver-types DiagnosticSeverity values.
const SEVERITY_ERROR = 1;
const SEVERITY_WARNING = 2;

// Empty schema pinned to Cypher 5. Without labels/relationshipTypes/
// propertyKeys/functions/procedures the linter does not check them against a
// database. (A `CYPHER 25` prefix inside a query would still override this.)
const DB_SCHEMA = Object.freeze({ defaultLanguage: 'CYPHER 5' });
const LINT_OPTIONS = Object.freeze({ consoleCommandsEnabled: false });

function lint(query) {
  const { diagnostics } = lintCypherQuery(query, DB_SCHEMA, LINT_OPTIONS);
  // Parameters are always unknown here (they come from the application), and
  // the library reports every parameter missing from dbSchema.parameters as an
  // error; isNotParamError is the library's own filter for exactly that.
  return diagnostics.filter(isNotParamError);
}

function fatal(message) {
  console.error(`cypher lint: ${message}`);
  process.exit(1);
}

// The library swallows exceptions thrown by the semantic analysis and then
// silently returns no semantic diagnostics. Make sure both the syntax and
// the semantic layer work before trusting an empty result.
function selfTest() {
  const semantic = lint('MATCH (n) RETURN m');
  const syntax = lint('MATCH (n RETURN n');
  const ok = (ds) => ds.some((d) => d.severity === SEVERITY_ERROR);
  if (!ok(semantic) || !ok(syntax)) {
    fatal(
      'self-test failed: the linter did not report known-bad queries ' +
        '(semantic analysis unavailable?)',
    );
  }
}

function loadStatements(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    fatal(`cannot read ${path}: ${err.message}`);
  }
  let data;
  try {
    data = JSON.parse(text);
  } catch (err) {
    fatal(`cannot parse ${path} as JSON: ${err.message}`);
  }
  if (!Array.isArray(data)) fatal(`${path}: expected a JSON array`);
  if (data.length === 0) fatal(`${path}: no statements`);
  return data;
}

function position(d) {
  // LSP positions are 0-based.
  return `line ${d.range.start.line + 1} col ${d.range.start.character + 1}`;
}

function main(argv) {
  if (argv.length !== 1 || argv[0] === '-h' || argv[0] === '--help') {
    console.error('usage: node cypher/lint/lint.mjs STATEMENTS.json');
    process.exit(argv.length === 1 ? 0 : 2);
  }
  const statements = loadStatements(argv[0]);
  selfTest();

  let errors = 0;
  statements.forEach((entry, i) => {
    const name =
      entry && typeof entry.name === 'string' && entry.name !== ''
        ? entry.name
        : `#${i}`;
    const query = entry ? entry.query : undefined;
    if (typeof query !== 'string' || query.trim() === '') {
      console.log(`${name}: missing or empty "query"`);
      errors++;
      return;
    }

    // A `CYPHER 25` prefix would switch the linter to Cypher 25, which the
    // target servers (Neo4j 5.x) do not have.
    if (/^\s*CYPHER\s+25\b/i.test(query)) {
      console.log(
        `${name}: line 1 col 1: CYPHER 25 is not available on Neo4j 5.x`,
      );
      errors++;
    }

    const parts = parseStatementsStrs(query);
    if (parts.length > 1) {
      console.log(
        `${name}: line 1 col 1: query contains ${parts.length} statements; ` +
          'a driver call runs exactly one',
      );
      errors++;
    }

    for (const d of lint(query)) {
      if (d.severity === SEVERITY_ERROR) {
        console.log(`${name}: ${position(d)}: ${d.message}`);
        errors++;
      } else if (d.severity === SEVERITY_WARNING) {
        console.log(`${name}: ${position(d)}: warning: ${d.message}`);
      }
    }
  });

  console.log(`cypher lint: ${statements.length} statements, ${errors} errors`);
  process.exit(errors > 0 ? 1 : 0);
}

main(process.argv.slice(2));
