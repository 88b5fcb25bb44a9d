//! `cjoc build` end to end: every example, every project fixture and every
//! passing single-file fixture is lowered for BigQuery, Redshift and Trino,
//! and every statement it emits must parse back with sqlparser in its
//! dialect. The examples' SQL and manifests are snapshotted per dialect; a
//! build is deterministic; `$params` given as strings cannot leave their
//! literal.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cjo_codegen::RunInterval;
use cjo_codegen::time::Instant;
use cjo_project::{Dialect, FileKind, FileSystem, MemoryFs, Workspace};
use cjo_tests::{checked, load_dir, load_single, render_compact, repo_root};
use sqlparser::ast::{Expr, Statement, Value};
use sqlparser::dialect::{BigQueryDialect, Dialect as SqlDialect, GenericDialect, RedshiftSqlDialect};
use sqlparser::parser::{Parser, ParserOptions};

/// The run every build of this file is for: the day of 2026-11-20 (UTC).
fn run() -> RunInterval {
    RunInterval { start: Instant::parse("2026-11-20").unwrap(), end: Instant::parse("2026-11-21").unwrap() }
}

/// sqlparser's dialect for a target. sqlparser has no Trino dialect: Trino
/// SQL is read with `GenericDialect`, which accepts standard SQL and
/// Trino's `U&'…'` strings, and reads `\` in a string as itself (as Trino
/// does).
fn parser_dialect(d: Dialect) -> Box<dyn SqlDialect> {
    match d {
        Dialect::BigQuery => Box::new(BigQueryDialect {}),
        Dialect::Redshift => Box::new(RedshiftSqlDialect {}),
        Dialect::Trino => Box::new(GenericDialect {}),
    }
}

/// A project to build, by a name for messages and snapshots.
struct Project {
    name: String,
    ws: Workspace,
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("cjo.toml").is_file()).collect();
    dirs.sort();
    dirs
}

fn examples() -> Vec<Project> {
    let dirs = sorted_dirs(&repo_root().join("examples"));
    assert!(dirs.len() >= 5, "expected the five seed examples");
    dirs.iter()
        .map(|d| Project { name: d.file_name().unwrap().to_string_lossy().into_owned(), ws: load_dir(d) })
        .collect()
}

/// Every project this file builds: the examples, the project fixtures and
/// the single-file fixtures of `ok/` that check without errors.
fn all_projects() -> Vec<Project> {
    let fixtures = repo_root().join("tests/fixtures");
    let mut out = examples();
    for dir in sorted_dirs(&fixtures.join("projects")) {
        let ws = load_dir(&dir);
        if ws.error_count() == 0 {
            out.push(Project { name: format!("projects/{}", dir.file_name().unwrap().to_string_lossy()), ws });
        }
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures.join("ok")).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "cjo"));
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let ws = load_single(&name, &std::fs::read_to_string(&path).unwrap());
        if ws.error_count() == 0 {
            out.push(Project { name: format!("ok/{name}"), ws });
        }
    }
    out
}

/// A build for all three targets, and the files it writes.
struct Built {
    build: cjo_codegen::Build,
    files: BTreeMap<String, String>,
}

fn build_with(ws: &Workspace, values: BTreeMap<String, String>) -> Built {
    build_options(ws, cjo_codegen::Options { values, ..Default::default() })
}

/// A build of `options` for all three targets.
fn build_options(ws: &Workspace, options: cjo_codegen::Options) -> Built {
    let analysis = cjo_semantic::analyze(ws);
    let options =
        cjo_codegen::Options { targets: Some(vec![Dialect::BigQuery, Dialect::Redshift, Dialect::Trino]), ..options };
    let build = cjo_codegen::build(ws, &analysis, &options);
    let files = cjo_codegen::output::files(ws, &analysis, &build, run());
    Built { build, files }
}

fn build_all(ws: &Workspace) -> Built {
    build_with(ws, BTreeMap::new())
}

/// The build's error diagnostics, rendered (warnings such as W0003, a
/// target `cjo.toml` does not configure, are fine).
fn build_errors(ws: &Workspace, build: &cjo_codegen::Build) -> Option<String> {
    let mut out = String::new();
    for d in build.diagnostics.iter().filter(|d| d.is_error()) {
        let span = d.span();
        let place = ws.file(span.file).map_or_else(String::new, |f| {
            let at = f.line_index.line_col(&f.text, span.range.start);
            format!("{}:{}:{}", f.path.display(), at.line + 1, at.col + 1)
        });
        let _ = writeln!(out, "  {} at {place}: {}", d.code.id, d.message);
    }
    (!out.is_empty()).then_some(out)
}

/// Parses one statement in `dialect`: `Err` says why it is not exactly one
/// statement sqlparser reads.
fn parse_one(sql: &str, dialect: Dialect) -> Result<Statement, String> {
    parse_with(sql, dialect, true)
}

/// As [`parse_one`]; with `unescape` false, string literals keep their
/// escapes as written.
fn parse_with(sql: &str, dialect: Dialect, unescape: bool) -> Result<Statement, String> {
    let d = parser_dialect(dialect);
    let mut statements = Parser::new(d.as_ref())
        .with_options(ParserOptions::new().with_unescape(unescape))
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(|e| e.to_string())?;
    match statements.len() {
        1 => Ok(statements.remove(0)),
        n => Err(format!("{n} statements where one was emitted")),
    }
}

/// Build errors that are right: the fixture uses, on purpose, constructs a
/// target cannot express. (project, code, message start.)
const EXPECTED_ERRORS: &[(&str, &str, &str)] = &[
    ("ok/names_ok_sql_edge_cases.cjo", "E0600", "`array_agg` cannot be expressed on redshift"),
    ("ok/names_ok_sql_edge_cases.cjo", "E0600", "`try_cast` cannot be expressed on redshift"),
    ("ok/names_ok_sql_edge_cases.cjo", "E0600", "an aggregate's `filter (where …)` cannot be expressed on bigquery"),
    ("ok/names_ok_sql_edge_cases.cjo", "E0600", "an aggregate's `filter (where …)` cannot be expressed on redshift"),
    ("ok/names_ok_sql_edge_cases.cjo", "E0600", "`extract(epoch from …)` cannot be expressed on bigquery"),
    ("ok/names_ok_sql_edge_cases.cjo", "E0600", "`extract(epoch from …)` cannot be expressed on trino"),
    ("ok/names_ok_sql_edge_cases.cjo", "E0600", "a `natural` join cannot be expressed on bigquery"),
    ("ok/names_ok_sql_edge_cases.cjo", "E0600", "a `natural` join cannot be expressed on trino"),
];

/// Compiler bugs this file found: (project, file, why). Their failures are
/// printed, not asserted, so that the suite stays green until they are
/// fixed; a case that no longer fails makes the test fail until it is
/// removed from here.
const KNOWN_BAD_SQL: &[(&str, &str, &str)] = &[];

/// Statements sqlparser cannot read by design, by dialect and the start of
/// their text, with why they are right. Each must still occur (checked).
const NOT_FOR_SQLPARSER: &[(Dialect, &str, &str)] = &[(
    Dialect::Redshift,
    "CREATE OR REPLACE PROCEDURE ",
    "a journey's migration: Redshift has no ADD COLUMN IF NOT EXISTS, so cjo_add_column (PL/pgSQL, a dollar-quoted body) \
     adds a missing column; sqlparser reads no CREATE OR REPLACE PROCEDURE",
)];

/// Splits `failures` (each keyed) into those a known entry explains and
/// the rest; returns the rest, plus a failure for each known entry that no
/// longer fails.
fn sort_out<K: PartialEq + std::fmt::Debug>(
    failures: Vec<(K, String)>,
    known: &[(K, &str)],
    what: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for (key, why) in known {
        if !failures.iter().any(|(k, _)| k == key) {
            out.push(format!(
                "{key:?} is listed as a known {what} ({why}) but no longer fails: remove it from the list"
            ));
        }
    }
    for (key, text) in failures {
        match known.iter().find(|(k, _)| *k == key) {
            Some((_, why)) => eprintln!("known {what}, not asserted: {why}\n{text}"),
            None => out.push(text),
        }
    }
    out
}

/// Every statement of every task of every project parses back in its
/// dialect, and no build reports an error. All failures are listed
/// together, each with its SQL.
#[test]
fn every_statement_parses_in_its_dialect() {
    let mut failures: Vec<((String, String), String)> = Vec::new();
    let mut parsed: BTreeMap<Dialect, usize> = BTreeMap::new();
    let mut unparsed: std::collections::BTreeSet<usize> = std::collections::BTreeSet::new();
    let mut built = Vec::new();
    for project in all_projects() {
        let Built { build, .. } = build_all(&project.ws);
        let expected = |d: &cjo_diagnostics::Diagnostic| {
            EXPECTED_ERRORS
                .iter()
                .any(|(p, code, start)| *p == project.name && d.code.id == *code && d.message.starts_with(start))
        };
        let unexpected: Vec<_> = build.diagnostics.iter().filter(|d| d.is_error() && !expected(d)).collect();
        if !unexpected.is_empty() {
            let listed = unexpected.iter().map(|d| format!("  {} {}", d.code.id, d.message)).collect::<Vec<_>>();
            let key = (project.name.clone(), String::new());
            failures.push((key, format!("{}: the build reports errors\n{}", project.name, listed.join("\n"))));
        }
        built.push(project.name.clone());
        for task in build.dag.tasks.values() {
            for (dialect, sql) in &task.sql {
                for (i, statement) in sql.statements.iter().enumerate() {
                    let statement = statement.bind(&run());
                    if let Some(i) =
                        NOT_FOR_SQLPARSER.iter().position(|(d, start, _)| d == dialect && statement.starts_with(start))
                    {
                        unparsed.insert(i);
                        continue;
                    }
                    match parse_one(&statement, *dialect) {
                        Ok(_) => *parsed.entry(*dialect).or_default() += 1,
                        Err(e) => failures.push((
                            (project.name.clone(), sql.path.clone()),
                            format!(
                                "{}: {} statement {} does not parse as {dialect}: {e}\n{statement}\n",
                                project.name,
                                sql.path,
                                i + 1
                            ),
                        )),
                    }
                }
            }
        }
    }
    let known: Vec<((String, String), &str)> =
        KNOWN_BAD_SQL.iter().map(|(p, f, why)| ((p.to_string(), f.to_string()), *why)).collect();
    let failures = sort_out(failures, &known, "bug");
    assert!(failures.is_empty(), "{} failure(s):\n\n{}", failures.len(), failures.join("\n"));
    for (i, (d, start, _)) in NOT_FOR_SQLPARSER.iter().enumerate() {
        assert!(unparsed.contains(&i), "no {d} statement starts with {start:?}: remove it from NOT_FOR_SQLPARSER");
    }
    assert!(built.len() >= 15, "only {} projects were built: {built:?}", built.len());
    for d in Dialect::ALL {
        let n = parsed.get(&d).copied().unwrap_or(0);
        assert!(n > 100, "only {n} {d} statements were parsed");
        eprintln!("parsed {n} {d} statements with sqlparser ({} projects)", built.len());
    }
}

/// Every file of one dialect, in path order, each after a `-- file:` line.
fn dialect_text(files: &BTreeMap<String, String>, dialect: Dialect) -> String {
    let prefix = format!("{dialect}/");
    let mut out = String::new();
    for (path, text) in files.iter().filter(|(p, _)| p.starts_with(&prefix)) {
        let _ = writeln!(out, "-- file: {path}");
        out.push_str(text);
        out.push('\n');
    }
    out
}

/// The SQL of every example per dialect, and its manifest.
#[test]
fn example_sql_snapshots() {
    for project in examples() {
        let Built { build, files } = build_all(&project.ws);
        assert!(build_errors(&project.ws, &build).is_none(), "{}", project.name);
        for dialect in Dialect::ALL {
            insta::assert_snapshot!(format!("{}__{dialect}", project.name), dialect_text(&files, dialect));
        }
        insta::assert_snapshot!(format!("{}__manifest", project.name), files["manifest.json"]);
        // The manifest is written from typed structs whose fields must stay
        // in alphabetical order: it must read as a sorted JSON object.
        let value: serde_json::Value = serde_json::from_str(&files["manifest.json"]).unwrap();
        let sorted = serde_json::to_string_pretty(&value).unwrap() + "\n";
        assert!(files["manifest.json"] == sorted, "{}: the manifest's keys are not sorted", project.name);
    }
}

/// A [`FileSystem`] that lists every directory backwards: the loader must
/// not depend on the order a file system lists files in.
struct Backwards(MemoryFs);

impl FileSystem for Backwards {
    fn read_dir(&self, path: &Path) -> std::io::Result<Vec<cjo_project::DirEntry>> {
        let mut entries = self.0.read_dir(path)?;
        entries.reverse();
        Ok(entries)
    }

    fn read(&self, path: &Path, limit: usize) -> Result<Vec<u8>, cjo_project::ReadError> {
        self.0.read(path, limit)
    }
}

fn memory_copy(dir: &Path) -> MemoryFs {
    let mut fs = MemoryFs::new();
    for (rel, bytes) in cjo_tests::corpus::read_tree(dir) {
        fs.insert(Path::new("p").join(rel), bytes);
    }
    fs
}

/// `ws` with its `.cjo` files in the reverse order: each takes another's
/// file id and place, and the modules are listed backwards.
fn shuffled(mut ws: Workspace) -> Workspace {
    let slots: Vec<usize> = ws.files.iter().filter(|f| f.kind == FileKind::Cjo).map(|f| f.id.0 as usize).collect();
    let mut moved: BTreeMap<u32, u32> = BTreeMap::new();
    let originals: Vec<_> = slots.iter().map(|&i| ws.files[i].clone()).collect();
    for (slot, mut file) in slots.iter().zip(originals.into_iter().rev()) {
        let new = cjo_diagnostics::FileId(u32::try_from(*slot).unwrap());
        moved.insert(file.id.0, new.0);
        file.id = new;
        ws.files[*slot] = file;
    }
    for m in &mut ws.modules {
        if let Some(&to) = moved.get(&m.file.0) {
            m.file = cjo_diagnostics::FileId(to);
        }
    }
    ws.modules.reverse();
    ws.diagnostics.clear();
    checked(ws)
}

/// Building twice gives the same bytes; so does building the project
/// loaded from a file system that lists it backwards, or with its files in
/// the reverse order.
#[test]
fn builds_are_deterministic() {
    let mut failures = Vec::new();
    for dir in sorted_dirs(&repo_root().join("examples")) {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let fs = memory_copy(&dir);
        let ws = checked(cjo_project::load(&fs, Path::new("p")).unwrap());
        let first = build_all(&ws).files;
        assert!(first.len() > 10, "{name}: only {} files", first.len());
        let again = build_all(&ws).files;
        let backwards = build_all(&checked(cjo_project::load(&Backwards(fs.clone()), Path::new("p")).unwrap())).files;
        let reordered = shuffled(checked(cjo_project::load(&fs, Path::new("p")).unwrap()));
        assert_eq!(reordered.error_count(), 0, "{name}: {}", render_compact(&reordered));
        let reordered = build_all(&reordered).files;
        for (how, other) in [("built again", &again), ("listed backwards", &backwards), ("files reordered", &reordered)]
        {
            if *other == first {
                continue;
            }
            let keys = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>();
            if keys(other) != keys(&first) {
                failures.push(format!("{name} {how}: other files\n  {:?}\n  {:?}", keys(&first), keys(other)));
                continue;
            }
            for (path, text) in &first {
                if other[path] != *text {
                    failures
                        .push(format!("{name} {how}: {path} differs\n--- first\n{text}\n--- then\n{}", other[path]));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const PARAM_CONFIG: &str = "[project]\nname = \"params\"\ndefault_target = \"trino\"\n\n[targets.bigquery]\nproject = \"p\"\ndataset = \"d\"\n\n[targets.redshift]\nschema = \"d\"\n\n[targets.trino]\ncatalog = \"c\"\nschema = \"d\"\n";

const PARAM_MODEL: &str = "model labelled {\n  materialized = view\n\n  param label: string = \"x\"\n  param n: int = 1\n\n  sql {\n    select $label as label, $n as n\n  }\n}\n";

fn param_project() -> Workspace {
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", PARAM_CONFIG).insert("p/labelled.cjo", PARAM_MODEL);
    let ws = checked(cjo_project::load(&fs, Path::new("p")).unwrap());
    assert_eq!(ws.error_count(), 0, "{}", render_compact(&ws));
    ws
}

/// The string literals of a statement, as sqlparser gives them.
fn string_literals(statement: &Statement) -> Vec<String> {
    let mut out = Vec::new();
    let _ = sqlparser::ast::visit_expressions(statement, |e: &Expr| {
        if let Expr::Value(v) = e {
            match &v.value {
                Value::SingleQuotedString(s)
                | Value::EscapedStringLiteral(s)
                | Value::UnicodeStringLiteral(s)
                | Value::DoubleQuotedString(s)
                | Value::TripleSingleQuotedString(s)
                | Value::TripleDoubleQuotedString(s) => out.push(s.clone()),
                _ => {}
            }
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    out
}

/// A BigQuery string literal's body, its escapes as written, read as
/// BigQuery does (GoogleSQL lexical structure): `\a \b \f \n \r \t \v \\
/// \? \" \' \``, `\ooo`, `\xhh`, `\uhhhh`, `\Uhhhhhhhh`. sqlparser reads
/// only some of them (not `\u`), so BigQuery literals are read here from
/// the text sqlparser delimited. `None` for an escape BigQuery rejects.
fn bigquery_unescape(raw: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars<'_>, n: usize| -> Option<char> {
            let digits: String = chars.by_ref().take(n).collect();
            (digits.len() == n).then_some(())?;
            char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
        };
        out.push(match chars.next()? {
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            c @ ('\\' | '?' | '"' | '\'' | '`') => c,
            'x' | 'X' => hex(&mut chars, 2)?,
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            d @ '0'..='7' => {
                let rest: String = chars.by_ref().take(2).collect();
                char::from_u32(u32::from_str_radix(&format!("{d}{rest}"), 8).ok()?)?
            }
            _ => return None,
        });
    }
    Some(out)
}

/// The values of the string literals of `sql` in `dialect`, as the
/// warehouse reads them.
fn literal_values(sql: &str, dialect: Dialect) -> Result<Vec<String>, String> {
    match dialect {
        Dialect::BigQuery => {
            let statement = parse_with(sql, dialect, false)?;
            string_literals(&statement)
                .iter()
                .map(|raw| bigquery_unescape(raw).ok_or_else(|| format!("BigQuery rejects the escapes of '{raw}'")))
                .collect()
        }
        Dialect::Redshift | Dialect::Trino => parse_one(sql, dialect).map(|s| string_literals(&s)),
    }
}

/// `$param` values whose literal loses its value because of a compiler
/// bug: (dialect, the value, why). See [`sort_out`].
const KNOWN_BAD_PARAMS: &[(Dialect, &str, &str)] = &[];

/// Tasks of [`literals_in_bodies_and_checks_keep_their_value`] whose
/// literals lose their value because of a compiler bug: (dialect, task,
/// why). See [`sort_out`].
const KNOWN_BAD_BODY_LITERALS: &[(Dialect, &str, &str)] = &[];

/// A string `$param` given any value is one string literal holding exactly
/// that value, in every dialect: no quote, backslash, newline or control
/// character lets it out of its literal.
#[test]
fn string_params_cannot_leave_their_literal() {
    let ws = param_project();
    let values = [
        "it's \\ a\nb'; drop table t; --",
        "x",
        "",
        "'",
        "''",
        "\\",
        "\\'",
        "'\\",
        "\\\\'; select 1; --",
        "a\r\nb",
        "tab\there",
        "bell\u{7} and \u{1}",
        "\u{1b}[31m",
        "é ☃ 𝄞",
        "$label {label} ${label}",
        "/* comment */ -- comment",
        "\"double\" `back`",
        "U&'\\0041'",
        "\\u0041 \\x41 \\101",
        "%_",
    ];
    let mut failures = Vec::new();
    for value in values {
        let built = build_with(&ws, BTreeMap::from([("label".to_string(), value.to_string())]));
        if let Some(errors) = build_errors(&ws, &built.build) {
            failures.push(((Dialect::BigQuery, value), format!("{value:?}: the build reports errors\n{errors}")));
            continue;
        }
        let task = &built.build.dag.tasks["model.labelled"];
        for dialect in Dialect::ALL {
            let Some(sql) = task.sql.get(&dialect) else {
                failures.push(((dialect, value), format!("{value:?}: no {dialect} SQL")));
                continue;
            };
            let view = &sql.statements.last().unwrap().bind(&run());
            match literal_values(view, dialect) {
                Ok(literals) if literals == [value] => {}
                Ok(literals) => failures.push((
                    (dialect, value),
                    format!("{value:?} on {dialect}: the statement's string literals read {literals:?}\n{view}\n"),
                )),
                Err(e) => {
                    failures.push(((dialect, value), format!("{value:?} on {dialect}: does not parse: {e}\n{view}\n")));
                }
            }
        }
    }
    let known: Vec<((Dialect, &str), &str)> = KNOWN_BAD_PARAMS.iter().map(|(d, v, why)| ((*d, *v), *why)).collect();
    let failures = sort_out(failures, &known, "bug");
    assert!(failures.is_empty(), "{} failure(s):\n\n{}", failures.len(), failures.join("\n"));
}

/// String literals written in a model's body (portable or in the
/// target's own dialect) and in a check keep their value in every dialect,
/// quotes, backslashes, newlines and tabs included.
#[test]
fn literals_in_bodies_and_checks_keep_their_value() {
    let portable = "source events = \"raw.events\" {\n  id: string not null\n}\n\nmodel texts {\n  materialized = view\n\n  sql {\n    select 'line1\nline2' as multi, 'tab\there' as tab, 'it''s' as quote, 'a\\b' as backslash from events\n  }\n}\n\ncheck texts {\n  accepted_values(multi, [\"line1\\nline2\"])\n  accepted_values(tab, [\"tab\\there\"])\n}\n";
    let native = "model native_bigquery {\n  materialized = view\n\n  sql bigquery {\n    select 'it\\'s' as quote, 'a\\\\b' as backslash, \"dq\" as dq, 'x\\ny' as nl from events\n  }\n}\n\nmodel native_redshift {\n  materialized = view\n\n  sql redshift {\n    select 'it''s' as quote, 'a\\\\b' as backslash from events\n  }\n}\n\nmodel native_trino {\n  materialized = view\n\n  sql trino {\n    select 'it''s' as quote, 'a\\b' as backslash from events\n  }\n}\n";
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", PARAM_CONFIG).insert("p/texts.cjo", portable).insert("p/native.cjo", native);
    let ws = checked(cjo_project::load(&fs, Path::new("p")).unwrap());
    assert_eq!(ws.error_count(), 0, "{}", render_compact(&ws));
    let built = build_all(&ws);
    assert!(build_errors(&ws, &built.build).is_none(), "{:?}", build_errors(&ws, &built.build));
    let mut failures = Vec::new();
    let mut seen = 0;
    for task in built.build.dag.tasks.values() {
        for (dialect, sql) in &task.sql {
            seen += 1;
            let statement = &sql.statements.last().unwrap().bind(&run());
            let want: &[&str] = match task.id.as_str() {
                "model.texts" => &["line1\nline2", "tab\there", "it's", "a\\b"],
                "model.native_bigquery" => &["it's", "a\\b", "dq", "x\ny"],
                "model.native_redshift" | "model.native_trino" => &["it's", "a\\b"],
                "check.texts.accepted_values_multi" => &["line1\nline2"],
                "check.texts.accepted_values_tab" => &["tab\there"],
                other => panic!("unexpected task {other}"),
            };
            let key = (*dialect, task.id.clone());
            let mut got = match literal_values(statement, *dialect) {
                Ok(g) => g,
                Err(e) => {
                    failures.push((key, format!("{} on {dialect}: {e}\n{statement}\n", task.id)));
                    continue;
                }
            };
            // BigQuery's ASSERT carries a message literal of its own.
            if *dialect == Dialect::BigQuery && task.id.starts_with("check.") {
                got.pop();
            }
            if got != want {
                failures.push((
                    key,
                    format!("{} on {dialect}: the literals read {got:?}, written {want:?}\n{statement}\n", task.id),
                ));
            }
        }
    }
    // The portable model and its two checks in three dialects, and each
    // native model in its own.
    assert_eq!(seen, 3 * 3 + 3, "tasks: {:?}", built.build.dag.tasks.keys().collect::<Vec<_>>());
    let known: Vec<((Dialect, String), &str)> =
        KNOWN_BAD_BODY_LITERALS.iter().map(|(d, t, why)| ((*d, t.to_string()), *why)).collect();
    let failures = sort_out(failures, &known, "bug");
    assert!(failures.is_empty(), "{} failure(s):\n\n{}", failures.len(), failures.join("\n"));
}

/// A value that is not of the parameter's type is refused, never pasted
/// into the SQL.
#[test]
fn params_of_other_types_are_checked() {
    let ws = param_project();
    for value in ["1; drop table t", "1 or 1=1", "0x10", "", "1e3'"] {
        let built = build_with(&ws, BTreeMap::from([("n".to_string(), value.to_string())]));
        let refused =
            built.build.diagnostics.iter().any(|d| d.is_error() && d.code == cjo_diagnostics::PARAMETER_VALUE);
        assert!(refused, "`--param n={value}` was not refused");
        let task = &built.build.dag.tasks["model.labelled"];
        assert!(task.sql.is_empty(), "`--param n={value}` still gave SQL: {:?}", task.sql);
    }
    let built = build_with(&ws, BTreeMap::from([("n".to_string(), " 42 ".to_string())]));
    assert!(build_errors(&ws, &built.build).is_none());
    for (dialect, sql) in &built.build.dag.tasks["model.labelled"].sql {
        assert!(sql.statements.last().unwrap().bind(&run()).contains("42 AS n"), "{dialect}: {:?}", sql.statements);
    }
}

const FEED_PROJECT: &str = r#"
source events = "raw.events" {
  user_id: string not null
  at: timestamp not null
  time_column = at
}

source users = "crm.users" {
  user_id: string not null
  updated_at: timestamp not null
}

check events {
  not_null(user_id)
}

model daily_events {
  sql { select e.user_id, count(*) as n from events e join users u on u.user_id = e.user_id group by e.user_id }
}

model weekly_events {
  sql { select user_id, count(*) as n from events group by user_id }
}

pipeline daily { schedule = daily at 06:00; run = [daily_events]; on_late_upstream = wait; upstream_timeout = 2 hours }
pipeline weekly { schedule = weekly; run = [weekly_events] }
"#;

/// A source's checks run before its readers, in every pipeline that reads
/// it; a pipeline with a late-input rule watches the sources that name a
/// `time_column` (and only those), the others watch nothing.
#[test]
fn source_checks_gate_readers_and_late_rules_watch_declared_feeds() {
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", PARAM_CONFIG).insert("p/main.cjo", FEED_PROJECT);
    let ws = checked(cjo_project::load(&fs, Path::new("p")).unwrap());
    assert_eq!(ws.error_count(), 0, "{}", render_compact(&ws));
    // Each item on its own target, as the scheduler files are lowered.
    let analysis = cjo_semantic::analyze(&ws);
    let build = cjo_codegen::build(&ws, &analysis, &cjo_codegen::Options::default());
    let files = cjo_codegen::output::files(&ws, &analysis, &build, run());
    let built = Built { build, files };
    assert!(built.build.diagnostics.is_empty(), "{:?}", built.build.diagnostics);
    let tasks = &built.build.dag.tasks;
    let check = "check.events.not_null_user_id";
    for model in ["model.daily_events", "model.weekly_events"] {
        assert!(tasks[model].depends_on.contains(check), "{model} does not run after {check}");
    }
    let pipeline = |name: &str| built.build.pipelines.iter().find(|p| p.name == name).unwrap();
    for name in ["daily", "weekly"] {
        assert!(pipeline(name).tasks.iter().any(|t| t == check), "{name} does not run {check}");
    }
    let daily = pipeline("daily");
    let feeds: Vec<(&str, &str)> = daily.feeds.iter().map(|f| (f.id.as_str(), f.time_column.as_str())).collect();
    assert_eq!(feeds, [("feed.events", "at")], "users has no time_column: not watched");
    let feed = &daily.feeds[0];
    assert_eq!(feed.needed_by, ["model.daily_events"]);
    assert_eq!(
        feed.late.bind(&run()),
        "SELECT CASE WHEN MAX(at) >= TIMESTAMP '2026-11-21 00:00:00 UTC' THEN 0 ELSE 1 END AS late FROM c.raw.events"
    );
    // `daily at 06:00` runs six hours after its interval, then waits two.
    let late_until_deadline = feed.late_until_deadline.bind(&run());
    assert!(late_until_deadline.ends_with(
        "OR current_timestamp >= TIMESTAMP '2026-11-21 00:00:00 UTC' + INTERVAL '28800' SECOND THEN 0 ELSE 1 END AS late FROM c.raw.events"
    ), "{late_until_deadline}");
    assert!(pipeline("weekly").feeds.is_empty(), "no late-input rule: nothing watched");
    let manifest = &built.files["manifest.json"];
    assert!(manifest.contains("\"source\": \"source.events\",\n          \"target\": \"trino\""), "{manifest}");
}

/// The `.cjo` files of `tests/fixtures/sql`, sorted (there must be some).
fn sql_fixtures() -> Vec<PathBuf> {
    let dir = repo_root().join("tests/fixtures/sql");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "cjo"));
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

/// `tests/fixtures/sql/*.cjo`: one construct per file, built for all three
/// warehouses. The snapshot is the file's diagnostics (names and types, then
/// code generation's) and every model's SQL per dialect: what the compiler
/// writes for each warehouse, reviewed as data. A new case is a new file.
#[test]
fn sql_fixture_snapshots() {
    let files = sql_fixtures();
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let ws = cjo_tests::lowered(
            cjo_tests::load_single_unchecked(&format!("{name}.cjo"), &text),
            Some(vec![Dialect::BigQuery, Dialect::Redshift, Dialect::Trino]),
        );
        let mut out = String::new();
        let diagnostics = render_compact(&ws);
        if !diagnostics.is_empty() {
            let _ = writeln!(out, "-- diagnostics\n{diagnostics}");
        }
        if !ws.diagnostics.iter().any(|d| d.is_error()) {
            let Built { files, .. } = build_all(&ws);
            for dialect in Dialect::ALL {
                let prefix = format!("{dialect}/model.");
                for (path, sql) in files.iter().filter(|(p, _)| p.starts_with(&prefix)) {
                    let _ = writeln!(out, "-- {path}\n{sql}");
                }
            }
        }
        insta::assert_snapshot!(format!("sql__{name}"), out);
    }
}

/// `tests/fixtures/sql/*.cjo` with an incremental model, built with
/// `--full-refresh`: each incremental model's SQL per dialect when its
/// table is made again rather than merged into. The other models' SQL is
/// what [`sql_fixture_snapshots`] shows.
#[test]
fn full_refresh_snapshots() {
    let files = sql_fixtures();
    let mut seen = 0;
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let ws = cjo_tests::lowered(
            cjo_tests::load_single_unchecked(&format!("{name}.cjo"), &text),
            Some(vec![Dialect::BigQuery, Dialect::Redshift, Dialect::Trino]),
        );
        let analysis = cjo_semantic::analyze(&ws);
        let incremental: Vec<String> = analysis
            .models
            .values()
            .filter(|m| matches!(m.materialized, cjo_semantic::Materialized::Incremental { .. }))
            .map(|m| format!("model.{}.sql", m.name))
            .collect();
        if incremental.is_empty() {
            continue;
        }
        seen += 1;
        let Built { build, files } =
            build_options(&ws, cjo_codegen::Options { full_refresh: true, ..Default::default() });
        assert!(build.full_refresh && build_errors(&ws, &build).is_none(), "{name}");
        // What the snapshot shows must also be SQL each warehouse reads.
        for task in build.dag.tasks.values() {
            for (dialect, sql) in &task.sql {
                for statement in &sql.statements {
                    let statement = statement.bind(&run());
                    parse_one(&statement, *dialect).unwrap_or_else(|e| panic!("{name}: {dialect}: {e}\n{statement}"));
                }
            }
        }
        let mut out = String::new();
        for dialect in Dialect::ALL {
            for model in &incremental {
                let path = format!("{dialect}/{model}");
                let _ = writeln!(out, "-- {path}\n{}", files[&path]);
            }
        }
        insta::assert_snapshot!(format!("sql__full_refresh__{name}"), out);
    }
    assert!(seen > 0, "no fixture in tests/fixtures/sql has an incremental model");
}

/// `tests/fixtures/sql/*.cjo`: the columns each model has, as `cjoc
/// describe` prints them (type, nullability, lineage), in the order the
/// models are declared: the types every warehouse must agree on, reviewed
/// as data beside the SQL of [`sql_fixture_snapshots`].
#[test]
fn sql_fixture_columns() {
    let files = sql_fixtures();
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let ws = cjo_tests::load_single_unchecked(&format!("{name}.cjo"), &text);
        let analysis = cjo_semantic::analyze(&ws);
        let mut models: Vec<&cjo_semantic::Relation> = analysis.relations.values().filter(|r| r.is_model()).collect();
        models.sort_by_key(|r| r.span.range.start);
        let out: Vec<String> = models.iter().map(|r| cjo_semantic::describe(&analysis, r)).collect();
        insta::assert_snapshot!(format!("sql_columns__{name}"), out.join("\n"));
    }
}

/// The characters that once marked run values inside the compiler, and
/// text shaped like those markers, are user text like any other: in a
/// string literal or a parameter's default they reach the scheduler files
/// as written, never as `$run_end`'s templating (issue: hostile strings).
#[test]
fn user_text_never_becomes_a_run_value_in_scheduler_files() {
    let project = |text: &str| {
        format!(
            "source events = \"raw.events\" {{\n  at: timestamp not null\n}}\n\n\
             model plain {{\n  param label: string = \"{text}\"\n  sql {{ select '{text}' as s, $label as l, $run_end as t from events }}\n}}\n\n\
             model on_bigquery {{\n  target = bigquery\n  sql {{ select '{text}' as s, $run_end as t from events }}\n}}\n\n\
             model on_redshift {{\n  target = redshift\n  sql {{ select '{text}' as s, $run_end as t from events }}\n}}\n\n\
             pipeline daily {{\n  schedule = daily\n  orchestrators = [airflow, digdag]\n  run = [plain, on_bigquery, on_redshift]\n}}\n"
        )
    };
    let scheduler_files = |text: &str| {
        let mut fs = MemoryFs::new();
        fs.insert("p/cjo.toml", PARAM_CONFIG).insert("p/main.cjo", project(text));
        let ws = checked(cjo_project::load(&fs, Path::new("p")).unwrap());
        assert_eq!(ws.error_count(), 0, "{}", render_compact(&ws));
        let analysis = cjo_semantic::analyze(&ws);
        let build = cjo_codegen::build(&ws, &analysis, &cjo_codegen::Options::default());
        assert!(build.diagnostics.is_empty(), "{:?}", build.diagnostics);
        cjo_orchestrate::files(&ws, &build)
    };
    // How often each scheduler's templating of a run value occurs.
    let templating = |files: &BTreeMap<String, String>| -> Vec<(String, usize)> {
        let marks = ["cjo_run_end(", "cjo_run_start(", "cjo_run_date(", "${moment(", "__cjo_run_"];
        files
            .iter()
            .flat_map(|(path, text)| marks.iter().map(move |m| (format!("{path} {m}"), text.matches(m).count())))
            .collect()
    };
    let expected = templating(&scheduler_files("harmless end"));
    assert!(expected.iter().any(|(_, n)| *n > 0), "the run values are templated: {expected:?}");
    for hostile in ["\u{E000}end\u{E001}", "\u{E000}start:60\u{E001}", "\u{E000}date\u{E001}\u{E000}\u{E001}"] {
        assert_eq!(templating(&scheduler_files(hostile)), expected, "{hostile:?}");
    }
}

/// The scheduler files of pipelines with an `sla`, reviewed as data: on
/// Airflow a deadline alert (3.1+) or task SLAs (2.x) calling `on_sla_miss`
/// or the file's own callback, never a `dagrun_timeout`; on Digdag an
/// alerting `sla` that never fails the session, and `_export: bq` only in
/// the workflow that runs BigQuery.
#[test]
fn scheduler_files_with_an_sla() {
    let config = "[project]\nname = \"slas\"\ndefault_target = \"trino\"\n\n[targets.bigquery]\nproject = \"p\"\ndataset = \"d\"\nlocation = \"asia-northeast1\"\n\n[targets.trino]\ncatalog = \"c\"\nschema = \"d\"\n";
    let project = "source events = \"raw.events\" {\n  at: timestamp not null\n}\n\n\
         model on_trino {\n  sql { select count(*) as n from events }\n}\n\n\
         model on_bigquery {\n  target = bigquery\n  sql { select 1 as n }\n}\n\n\
         pipeline paged {\n  schedule = hourly\n  run = [on_trino]\n  sla = 90 minutes\n  on_sla_miss = \"company.alerts.sla_missed\"\n  orchestrators = [airflow, digdag]\n}\n\n\
         pipeline logged {\n  schedule = daily\n  run = [on_bigquery]\n  sla = 2 hours\n  orchestrators = [airflow, digdag]\n}\n";
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", config).insert("p/main.cjo", project);
    let ws = checked(cjo_project::load(&fs, Path::new("p")).unwrap());
    assert_eq!(ws.error_count(), 0, "{}", render_compact(&ws));
    let analysis = cjo_semantic::analyze(&ws);
    let build = cjo_codegen::build(&ws, &analysis, &cjo_codegen::Options::default());
    assert!(build.diagnostics.is_empty(), "{:?}", build.diagnostics);
    let files = cjo_orchestrate::files(&ws, &build);
    for path in ["airflow/paged.py", "airflow/logged.py", "digdag/paged.dig", "digdag/logged.dig"] {
        let text = files.get(path).unwrap_or_else(|| panic!("no {path} in {:?}", files.keys()));
        assert!(!text.contains("dagrun_timeout") && !text.contains("fail: true"), "{path} stops a late run");
        insta::assert_snapshot!(format!("scheduler_sla__{}", path.replace('/', "__")), text);
    }
}
