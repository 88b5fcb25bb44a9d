//! `$params` as SQL: typed literals for `cjoc build`, or (through another
//! [`Binder`]) an orchestrator's own templating.

use std::collections::BTreeMap;

use cjo_project::Dialect;
use cjo_semantic::Ty;
use cjo_syntax::ast::{self, ExprKind, UnaryOp};

use crate::items::ParamSpec;
use crate::literal;
use crate::time::Instant;
use crate::types::type_name;

/// A parameter as used in a body.
#[derive(Clone, Copy, Debug)]
pub enum Param<'a> {
    /// `$run_start`, moved back by the model's lookback (seconds).
    RunStart {
        lookback: u64,
    },
    RunEnd,
    RunDate,
    Declared(&'a ParamSpec),
}

impl Param<'_> {
    /// The parameter `name` (without `$`) of a model with these
    /// parameters and lookback.
    pub fn find<'a>(name: &str, declared: &'a [ParamSpec], lookback: u64) -> Option<Param<'a>> {
        match name {
            "run_start" => Some(Param::RunStart { lookback }),
            "run_end" => Some(Param::RunEnd),
            "run_date" => Some(Param::RunDate),
            _ => declared.iter().find(|p| p.name == name).map(Param::Declared),
        }
    }
}

/// Turns parameters into SQL.
pub trait Binder {
    /// The SQL for `param` in `dialect`, or why there is none.
    fn bind(&self, param: &Param<'_>, dialect: Dialect) -> Result<String, String>;
}

/// The interval a run covers: `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunInterval {
    pub start: Instant,
    pub end: Instant,
}

impl RunInterval {
    /// The day before the UTC day of `now`: what a daily job run at
    /// `now` processes.
    pub fn day_before(now: Instant) -> RunInterval {
        let today = Instant(now.0.div_euclid(86_400) * 86_400);
        RunInterval { start: today.plus_seconds(-86_400), end: today }
    }
}

/// Parameters as typed literals: the run interval, and values given on
/// the command line (by name, as text), else each parameter's default.
#[derive(Clone, Debug)]
pub struct Literals {
    pub run: RunInterval,
    pub values: BTreeMap<String, String>,
}

impl Binder for Literals {
    fn bind(&self, param: &Param<'_>, dialect: Dialect) -> Result<String, String> {
        match param {
            Param::RunStart { lookback } => Ok(literal::timestamp(
                self.run.start.plus_seconds(-i64::try_from(*lookback).unwrap_or(i64::MAX)),
                dialect,
            )),
            Param::RunEnd => Ok(literal::timestamp(self.run.end, dialect)),
            Param::RunDate => Ok(literal::date(self.run.start.date(), dialect)),
            Param::Declared(p) => match self.values.get(&p.name) {
                Some(text) => typed_literal(text, &p.ty, dialect)
                    .ok_or_else(|| format!("`{text}` is not {} (the value given with --param)", article(&p.ty))),
                None => match &p.default {
                    Some(default) => default_literal(default, &p.ty, dialect),
                    None => Err(format!("`${}` has no default and no value was given", p.name)),
                },
            },
        }
    }
}

/// A value of the run interval, filled in by an orchestrator when the
/// task runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RunValue {
    /// The interval's start moved back by `lookback` seconds, as
    /// `2026-11-21 00:00:00` (UTC).
    Start { lookback: u64 },
    /// The interval's end, as `2026-11-21 00:00:00` (UTC).
    End,
    /// The UTC date of the start, as `2026-11-21`.
    Date,
}

/// The markers around a deferred run value in a statement. Private-use
/// characters: nothing cjo emits otherwise contains them.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Binds the run interval to markers that an orchestrator's templating
/// replaces ([`pieces`]), and declared parameters as `literals` does (their
/// values are fixed when the project is built).
#[derive(Clone, Copy, Debug)]
pub struct Deferred<'a> {
    pub literals: &'a Literals,
}

impl Binder for Deferred<'_> {
    fn bind(&self, param: &Param<'_>, dialect: Dialect) -> Result<String, String> {
        let marker = |v: RunValue| {
            let key = match v {
                RunValue::Start { lookback } => format!("start:{lookback}"),
                RunValue::End => "end".into(),
                RunValue::Date => "date".into(),
            };
            format!("{OPEN}{key}{CLOSE}")
        };
        match param {
            Param::RunStart { lookback } => {
                Ok(literal::timestamp_text(&marker(RunValue::Start { lookback: *lookback }), dialect))
            }
            Param::RunEnd => Ok(literal::timestamp_text(&marker(RunValue::End), dialect)),
            Param::RunDate => Ok(literal::date_text(&marker(RunValue::Date), dialect)),
            Param::Declared(_) => self.literals.bind(param, dialect),
        }
    }
}

/// A piece of a statement lowered with [`Deferred`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Run(RunValue),
}

/// Splits a statement lowered with [`Deferred`] into its text and its run
/// values.
pub fn pieces(sql: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = sql;
    while let Some(open) = rest.find(OPEN) {
        let after = open + OPEN.len_utf8();
        let Some(len) = rest.get(after..).and_then(|r| r.find(CLOSE)) else { break };
        let key = rest.get(after..after + len).unwrap_or("");
        let value = match key {
            "end" => Some(RunValue::End),
            "date" => Some(RunValue::Date),
            _ => key.strip_prefix("start:").and_then(|n| n.parse().ok()).map(|lookback| RunValue::Start { lookback }),
        };
        let Some(value) = value else { break };
        if open > 0 {
            out.push(Piece::Text(rest.get(..open).unwrap_or("")));
        }
        out.push(Piece::Run(value));
        rest = rest.get(after + len + CLOSE.len_utf8()..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// A statement lowered with [`Deferred`], with each text piece escaped by
/// `escape` and each run value written by `value`.
pub fn render(sql: &str, escape: impl Fn(&str) -> String, value: impl Fn(RunValue) -> String) -> String {
    pieces(sql)
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => escape(t),
            Piece::Run(v) => value(v),
        })
        .collect()
}

/// `text` read as a value of type `ty`, as a SQL literal.
pub fn typed_literal(text: &str, ty: &Ty, dialect: Dialect) -> Option<String> {
    match ty {
        Ty::Int => text.trim().parse::<i64>().ok().map(|n| n.to_string()),
        Ty::Float => {
            let f = text.trim().parse::<f64>().ok().filter(|f| f.is_finite())?;
            let s = format!("{f:?}");
            Some(match dialect {
                Dialect::BigQuery => format!("CAST({s} AS FLOAT64)"),
                Dialect::Redshift => format!("CAST({s} AS DOUBLE PRECISION)"),
                Dialect::Trino => format!("DOUBLE '{s}'"),
            })
        }
        Ty::Decimal { .. } => {
            let t = text.trim();
            let unsigned = t.strip_prefix('-').unwrap_or(t);
            let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
            let ok =
                !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b.is_ascii_digit());
            ok.then(|| format!("CAST('{t}' AS {})", type_name(ty, dialect).unwrap_or_default()))
        }
        Ty::Bool => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Some(literal::boolean(true).to_string()),
            "false" => Some(literal::boolean(false).to_string()),
            _ => None,
        },
        Ty::String => Some(literal::string(text, dialect)),
        Ty::Date => {
            let t = text.trim();
            (t.len() == 10).then(|| Instant::parse(t)).flatten().map(|i| literal::date(i.date(), dialect))
        }
        Ty::Timestamp => Instant::parse(text).map(|i| literal::timestamp(i, dialect)),
        _ => None,
    }
}

/// A parameter's written default as a SQL literal of its type.
fn default_literal(e: &ast::Expr, ty: &Ty, dialect: Dialect) -> Result<String, String> {
    let text = match &e.kind {
        ExprKind::Number(n) => n.clone(),
        ExprKind::Unary { op: UnaryOp::Neg, operand, .. } => match &operand.kind {
            ExprKind::Number(n) => format!("-{n}"),
            _ => return Err("a parameter's default must be a literal".into()),
        },
        ExprKind::Str(s) => s.clone(),
        ExprKind::Typed { value, .. } => value.value.clone(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Null => return Ok("NULL".into()),
        _ => return Err("a parameter's default must be a literal".into()),
    };
    typed_literal(&text, ty, dialect).ok_or_else(|| format!("the default `{text}` is not {}", article(ty)))
}

/// `an int`, `a string`.
fn article(ty: &Ty) -> String {
    let name = ty.to_string();
    let vowel = name.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {name}", if vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_of_each_type() {
        let d = Dialect::Trino;
        assert_eq!(typed_literal("42", &Ty::Int, d).unwrap(), "42");
        assert_eq!(typed_literal("4 2", &Ty::Int, d), None);
        assert_eq!(typed_literal("1; drop table x", &Ty::Int, d), None);
        assert_eq!(typed_literal("2.5", &Ty::Float, d).unwrap(), "DOUBLE '2.5'");
        assert_eq!(
            typed_literal("1.50", &Ty::Decimal { precision: 10, scale: 2 }, d).unwrap(),
            "CAST('1.50' AS decimal(10, 2))"
        );
        assert_eq!(typed_literal("1.5'", &Ty::Decimal { precision: 10, scale: 2 }, d), None);
        assert_eq!(typed_literal("o'k", &Ty::String, Dialect::BigQuery).unwrap(), r"'o\'k'");
        assert_eq!(typed_literal("2026-02-30", &Ty::Date, d), None);
        assert_eq!(typed_literal("2026-02-28", &Ty::Date, d).unwrap(), "DATE '2026-02-28'");
    }

    #[test]
    fn run_interval() {
        let now = Instant::parse("2026-11-21 15:04:05").unwrap();
        let run = RunInterval::day_before(now);
        assert_eq!(run.start.utc_text(), "2026-11-20 00:00:00");
        assert_eq!(run.end.utc_text(), "2026-11-21 00:00:00");
        let b = Literals { run, values: BTreeMap::new() };
        assert_eq!(
            b.bind(&Param::RunStart { lookback: 2 * 86_400 }, Dialect::BigQuery).unwrap(),
            "TIMESTAMP '2026-11-18 00:00:00+00'"
        );
        assert_eq!(b.bind(&Param::RunDate, Dialect::Redshift).unwrap(), "DATE '2026-11-20'");
    }

    #[test]
    fn deferred_values_render_as_the_literals_would() {
        let run = RunInterval::day_before(Instant::parse("2026-11-21 15:04:05").unwrap());
        let literals = Literals { run, values: BTreeMap::new() };
        let deferred = Deferred { literals: &literals };
        for d in [Dialect::BigQuery, Dialect::Redshift, Dialect::Trino] {
            for p in [Param::RunStart { lookback: 3600 }, Param::RunEnd, Param::RunDate] {
                let sql = format!("select {} as x, '{{{{' as y", deferred.bind(&p, d).unwrap());
                let text = render(&sql, str::to_string, |v| match v {
                    RunValue::Start { lookback } => {
                        run.start.plus_seconds(-i64::try_from(lookback).unwrap()).utc_text()
                    }
                    RunValue::End => run.end.utc_text(),
                    RunValue::Date => run.start.date().to_string(),
                });
                assert_eq!(text, format!("select {} as x, '{{{{' as y", literals.bind(&p, d).unwrap()));
            }
        }
        assert_eq!(pieces("no markers"), vec![Piece::Text("no markers")]);
        assert_eq!(pieces("broken \u{E000}end"), vec![Piece::Text("broken \u{E000}end")]);
    }
}
