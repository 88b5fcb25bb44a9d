//! SQL bodies: parsed once with sqlparser, then every table and column
//! resolved and every expression typed, with diagnostics placed on the
//! exact token in the `.cjo` file.

pub(crate) mod cache;
mod call;
mod expr;
mod group;
mod query;
mod scope;
pub(crate) mod spans;
pub(crate) mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;
use std::sync::Arc;

use cjo_diagnostics::{self as codes, Diagnostic, FileId, Span, TextRange};
use cjo_syntax::ast::SqlBody;
use sqlparser::ast::{ObjectName, Query, Statement, Visit, Visitor};
use sqlparser::dialect::{BigQueryDialect, Dialect, GenericDialect, RedshiftSqlDialect};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Span as SqlSpan};

use crate::functions::Functions;
use crate::schema::Relation;
use crate::ty::Ty;

pub(crate) use expr::Val;
pub(crate) use query::TableLookup;
pub(crate) use scope::{Col, Untyped};
pub(crate) use spans::BodyMap;

/// A SQL body, parsed.
#[derive(Debug, Default)]
pub(crate) struct ParsedBody {
    /// Shared with the [`cache::SqlCache`] and the analysis' queries.
    pub query: Option<Arc<Query>>,
    /// The tables it reads that are not its own CTEs: lowercase name as
    /// written (`watch_events`, `raw.watch_events`) and place.
    pub tables: Vec<(String, Span)>,
}

/// What every body can see: the project's relations and functions.
#[derive(Debug)]
pub(crate) struct Env<'a> {
    /// By lowercase name; models appear once they are analysed.
    pub relations: &'a BTreeMap<String, Relation>,
    /// A source's warehouse table (lowercase `"raw.watch_events"`) to the
    /// source's name, so that a body naming the table directly resolves.
    pub tables: &'a BTreeMap<String, String>,
    /// Every declared source and model (lowercase), analysed or not.
    pub known: &'a BTreeSet<String>,
    pub functions: &'a Functions,
}

/// Parses a body with the parser of its dialect (the portable one when it
/// has none), or finds it in `cache`. Reports E0015 or E0016; never
/// fails.
pub(crate) fn parse(
    body: &SqlBody,
    file: FileId,
    out: &mut Vec<Diagnostic>,
    cache: Option<&mut cache::SqlCache>,
) -> ParsedBody {
    if body.text.trim().is_empty() {
        return ParsedBody::default(); // reported by the structural checks
    }
    if body.text.len() > MAX_SQL_BODY {
        out.push(too_large(body, file));
        return ParsedBody::default();
    }
    let map = BodyMap::new(file, &body.text, body.text_range.start);
    let dialect_name = body.dialect.as_ref().map(|d| d.text.to_ascii_lowercase());
    let placed = |e: cache::Entry| ParsedBody {
        tables: e.tables.into_iter().map(|(name, span)| (name, map.span(span))).collect(),
        query: Some(e.query),
    };
    let Some(cache) = cache else { return parse_new(body, &map, out).map_or_else(ParsedBody::default, placed) };
    if let Some(hit) = cache.get(dialect_name.as_deref(), &body.text) {
        return placed(hit);
    }
    let parsed = parse_new(body, &map, out);
    if let Some(entry) = &parsed {
        cache.insert(dialect_name.as_deref(), &body.text, entry.clone());
    }
    parsed.map_or_else(ParsedBody::default, placed)
}

/// Parses a body; `None` when it is not one query (reported).
fn parse_new(body: &SqlBody, map: &BodyMap<'_>, out: &mut Vec<Diagnostic>) -> Option<cache::Entry> {
    let dialect: Box<dyn Dialect> = match body.dialect.as_ref().map(|d| d.text.to_ascii_lowercase()).as_deref() {
        Some("bigquery") => Box::new(BigQueryDialect {}),
        Some("redshift") => Box::new(RedshiftSqlDialect {}),
        _ => Box::new(GenericDialect {}),
    };
    let statements = Parser::new(&*dialect).try_with_sql(&body.text).and_then(|mut p| p.parse_statements());
    let mut statements = match statements {
        Ok(s) => s,
        Err(e) => {
            out.push(syntax_error(map, &e));
            return None;
        }
    };
    if statements.len() != 1 {
        let message =
            if statements.is_empty() { "this SQL body is empty" } else { "a SQL body holds exactly one query" };
        out.push(
            Diagnostic::error(codes::SQL_NOT_A_QUERY, map.whole(), message)
                .with_label(format!("{} statements", statements.len()))
                .with_help("write one `select` (use `with … as (…)` for intermediate steps); a model is one query"),
        );
        return None;
    }
    match statements.pop() {
        Some(Statement::Query(query)) => {
            let tables = tables_read(&query);
            Some(cache::Entry { query: Arc::from(query), tables })
        }
        Some(other) => {
            let keyword = other.to_string().split_whitespace().next().unwrap_or("this").to_ascii_lowercase();
            out.push(
                Diagnostic::error(
                    codes::SQL_NOT_A_QUERY,
                    map.whole(),
                    format!("a model's SQL is a query, not `{keyword}`"),
                )
                .with_label("not a `select`")
                .with_help(
                    "cjo writes the result into the model's table itself (see `materialized`): write only the `select`",
                ),
            );
            None
        }
        None => None,
    }
}

/// The most bytes a SQL body may hold: 1 MiB. No warehouse runs a longer
/// query (BigQuery rejects queries over 1,024K characters, Trino's default
/// `query.max-length` is 1,000,000), and sqlparser holds every token of
/// a body in memory at once, several times the body's size. See
/// `docs/limits.md`.
pub const MAX_SQL_BODY: usize = 1024 * 1024;

/// E0017 at the body's first line: the body is not parsed.
fn too_large(body: &SqlBody, file: FileId) -> Diagnostic {
    // From `sql` to the end of its line, where the body's text begins.
    let first_line = body.text.find('\n').unwrap_or(0);
    let end = body.text_range.start.saturating_add(u32::try_from(first_line).unwrap_or(0));
    Diagnostic::error(
        codes::SQL_BODY_TOO_LARGE,
        Span::new(file, TextRange::new(body.range.start, end)),
        format!("this SQL body is {} bytes, over the limit of {MAX_SQL_BODY} (1 MiB)", body.text.len()),
    )
    .with_label("not read")
    .with_help("no warehouse runs a query this long: split it into models that read each other")
}

fn syntax_error(map: &BodyMap<'_>, e: &ParserError) -> Diagnostic {
    let text = match e {
        ParserError::TokenizerError(s) | ParserError::ParserError(s) => s.clone(),
        ParserError::RecursionLimitExceeded => "the query is nested too deeply".to_string(),
    };
    // sqlparser appends " at Line: L, Column: C" to its messages.
    let (message, location) = match text.rfind(" at Line: ") {
        Some(i) => (text.get(..i).unwrap_or(&text).to_string(), parse_location(text.get(i..).unwrap_or(""))),
        None => (text.clone(), None),
    };
    let at_end = message.ends_with("found: EOF");
    let span = match location {
        _ if at_end => map.end(),
        Some(loc) => map.word_at(loc),
        None => map.whole(),
    };
    let message = message
        .replace("Expected: ", "expected ")
        .replace(", found: EOF", ", found the end of the body")
        .replace(", found: ", ", found ");
    Diagnostic::error(codes::SQL_SYNTAX, span, format!("SQL syntax error: {message}"))
        .with_label("here")
        .with_help("SQL bodies are portable SQL (ANSI, as sqlparser reads it) plus the standard library's functions")
}

fn parse_location(s: &str) -> Option<Location> {
    let rest = s.trim_start().strip_prefix("at Line: ")?;
    let (line, rest) = rest.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(Location { line: line.trim().parse().ok()?, column: column.parse().ok()? })
}

/// The tables a query reads, minus the CTEs it defines, where sqlparser
/// found them.
fn tables_read(query: &Query) -> Vec<(String, SqlSpan)> {
    struct Ctes(BTreeSet<String>);
    impl Visitor for Ctes {
        type Break = ();
        fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
            for cte in q.with.iter().flat_map(|w| &w.cte_tables) {
                self.0.insert(cte.alias.name.value.to_ascii_lowercase());
            }
            ControlFlow::Continue(())
        }
    }
    let mut ctes = Ctes(BTreeSet::new());
    let _ = query.visit(&mut ctes);
    let mut tables = Vec::new();
    let _ = sqlparser::ast::visit_relations(query, |name: &ObjectName| {
        let text = object_name(name);
        if !(name.0.len() == 1 && ctes.0.contains(&text)) {
            tables.push((text, sqlparser::ast::Spanned::span(name)));
        }
        ControlFlow::<()>::Continue(())
    });
    tables
}

/// `a.b.c`, lowercase, without quotes.
pub(crate) fn object_name(name: &ObjectName) -> String {
    name.0
        .iter()
        .map(|part| part.as_ident().map_or_else(|| part.to_string(), |i| i.value.clone()))
        .collect::<Vec<_>>()
        .join(".")
        .to_ascii_lowercase()
}

/// The model a body is checked for: its parameters, and whether its table
/// is incremental (declared with its columns' types).
#[derive(Debug)]
pub(crate) struct Model<'a> {
    pub params: &'a [(String, Ty)],
    pub incremental: bool,
}

/// Type-checks a parsed body and returns its output columns, with the
/// hints the SQL emitters need.
pub(crate) fn check(
    env: &Env<'_>,
    body: &SqlBody,
    query: &Query,
    file: FileId,
    model: &Model<'_>,
    out: &mut Vec<Diagnostic>,
    refs: &mut Vec<crate::ide::Reference>,
) -> Checked {
    let mut cx = query::Cx {
        env,
        map: BodyMap::new(file, &body.text, body.text_range.start),
        params: model.params,
        native: body.dialect.is_some(),
        incremental: model.incremental,
        dialect: body.dialect.as_ref().and_then(|d| cjo_project::Dialect::parse(&d.text.to_ascii_lowercase())),
        ctes: Vec::new(),
        select_aliases: Vec::new(),
        groups: group::Shape::default(),
        hints: crate::hints::Hints::default(),
        out,
        refs,
        lookups: Vec::new(),
    };
    let columns = cx.top_query(query);
    Checked { columns, hints: cx.hints, lookups: cx.lookups }
}

/// What checking a body found.
#[derive(Debug)]
pub(crate) struct Checked {
    /// Its output columns, and where each is computed.
    pub columns: Vec<(Col, Option<Span>)>,
    pub hints: crate::hints::Hints,
    /// The project names it looked up.
    pub lookups: Vec<query::TableLookup>,
}
