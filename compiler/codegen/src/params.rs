//! `$params` as SQL: declared parameters as typed literals, the run
//! interval as typed holes in lowered statements, filled in after lowering.

use std::collections::BTreeMap;

use cjo_project::Dialect;
use cjo_semantic::{ModelParam, Ty};
use cjo_syntax::ast::{self, ExprKind, UnaryOp};

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
    Declared(&'a ModelParam),
}

impl Param<'_> {
    /// The parameter `name` (without `$`) of a model with these
    /// parameters and lookback.
    pub fn find<'a>(name: &str, declared: &'a [ModelParam], lookback: u64) -> Option<Param<'a>> {
        match name {
            "run_start" => Some(Param::RunStart { lookback }),
            "run_end" => Some(Param::RunEnd),
            "run_date" => Some(Param::RunDate),
            _ => declared.iter().find(|p| p.name == name).map(Param::Declared),
        }
    }
}

/// How parameters become SQL while lowering: declared parameters as
/// typed literals of the values given at build time (by name, as text)
/// or their defaults; the run interval as holes ([`RunValue`]), filled in
/// after lowering — with literals for `cjoc build`'s own files
/// ([`Statement::bind`]), with the scheduler's templating for Airflow and
/// Digdag ([`Statement::render`]). So a project is lowered once for both.
#[derive(Clone, Debug)]
pub struct Binding {
    values: BTreeMap<String, String>,
    marker: Marker,
}

impl Binding {
    /// A binding of `values`, with holes marked so that no text of
    /// `inputs` (every file and value the build reads) can imitate them.
    pub fn new<'a>(values: BTreeMap<String, String>, inputs: impl IntoIterator<Item = &'a str>) -> Binding {
        let marker = Marker::unforgeable(inputs.into_iter(), &values);
        Binding { values, marker }
    }

    /// The SQL for `param` in `dialect`, or why there is none.
    pub fn bind(&self, param: &Param<'_>, dialect: Dialect) -> Result<String, String> {
        match param {
            Param::RunStart { lookback } => {
                Ok(literal::timestamp_text(&self.marker.hole(RunValue::Start { lookback: *lookback }), dialect))
            }
            Param::RunEnd => Ok(literal::timestamp_text(&self.marker.hole(RunValue::End), dialect)),
            Param::RunDate => Ok(literal::date_text(&self.marker.hole(RunValue::Date), dialect)),
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

    /// `sql`, lowered with this binding, as a statement with typed holes.
    pub fn statement(&self, sql: &str) -> Statement {
        self.marker.split(sql)
    }
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

/// A value of the run interval, left as a hole in lowered SQL.
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

impl RunValue {
    /// The value's text in `run`, as it goes inside its literal's quotes.
    pub fn text(self, run: &RunInterval) -> String {
        match self {
            RunValue::Start { lookback } => {
                run.start.plus_seconds(-i64::try_from(lookback).unwrap_or(i64::MAX)).utc_text()
            }
            RunValue::End => run.end.utc_text(),
            RunValue::Date => run.start.date().to_string(),
        }
    }

    fn key(self) -> String {
        match self {
            RunValue::Start { lookback } => format!("start:{lookback}"),
            RunValue::End => "end".into(),
            RunValue::Date => "date".into(),
        }
    }

    fn from_key(key: &str) -> Option<RunValue> {
        match key {
            "end" => Some(RunValue::End),
            "date" => Some(RunValue::Date),
            _ => key.strip_prefix("start:").and_then(|n| n.parse().ok()).map(|lookback| RunValue::Start { lookback }),
        }
    }
}

/// One lowered SQL statement: text with holes where run values go.
/// Holes are data, never text: user-written text in a statement (a
/// string literal, a comment) cannot become a hole, whatever it contains.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Statement {
    parts: Vec<Part>,
}

/// A piece of a [`Statement`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Run(RunValue),
}

impl Statement {
    /// A statement without holes.
    pub fn text(sql: impl Into<String>) -> Statement {
        Statement { parts: vec![Part::Text(sql.into())] }
    }

    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The run values the statement reads.
    pub fn run_values(&self) -> impl Iterator<Item = RunValue> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Run(v) => Some(*v),
            Part::Text(_) => None,
        })
    }

    /// The statement between `before` and `after` (text, no holes).
    pub fn around(&self, before: &str, after: &str) -> Statement {
        let mut parts = Vec::with_capacity(self.parts.len() + 2);
        parts.push(Part::Text(before.to_string()));
        parts.extend(self.parts.iter().cloned());
        parts.push(Part::Text(after.to_string()));
        Statement { parts }
    }

    /// The statement for `run`: each hole filled with its value's text.
    pub fn bind(&self, run: &RunInterval) -> String {
        self.render(str::to_string, |v| v.text(run))
    }

    /// The statement with each text piece passed through `escape` and
    /// each hole written by `value` (a scheduler's templating).
    pub fn render(&self, escape: impl Fn(&str) -> String, value: impl Fn(RunValue) -> String) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => escape(t),
                Part::Run(v) => value(*v),
            })
            .collect()
    }
}

/// How holes are written while a statement is lowered as text, before
/// [`Marker::split`] makes them data: private-use characters around a
/// key that carries a tag no input can contain (see
/// [`Marker::unforgeable`]).
#[derive(Clone, Debug)]
struct Marker {
    open: String,
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

impl Marker {
    /// A marker whose opening text occurs in no input: its tag is a
    /// hash of every input, so an input holding the marker would have
    /// to contain its own hash. (Inputs can reach a statement only
    /// transformed — escapes decoded, case changed — which is why a
    /// search of the inputs for a free tag would not be enough.)
    fn unforgeable<'a>(inputs: impl Iterator<Item = &'a str>, values: &BTreeMap<String, String>) -> Marker {
        use std::hash::{Hash, Hasher};
        let mut a = std::hash::DefaultHasher::new();
        let mut b = std::hash::DefaultHasher::new();
        0xC70_u32.hash(&mut b);
        for text in inputs {
            text.hash(&mut a);
            text.hash(&mut b);
        }
        for text in values.values() {
            text.hash(&mut a);
            text.hash(&mut b);
        }
        Marker { open: format!("{OPEN}{:016x}{:016x}:", a.finish(), b.finish()) }
    }

    fn hole(&self, value: RunValue) -> String {
        format!("{}{}{CLOSE}", self.open, value.key())
    }

    fn split(&self, sql: &str) -> Statement {
        let mut parts = Vec::new();
        let mut rest = sql;
        while let Some(at) = rest.find(&self.open) {
            let after = at + self.open.len();
            let Some((key, tail)) = rest.get(after..).and_then(|r| r.split_once(CLOSE)) else { break };
            let Some(value) = RunValue::from_key(key) else { break };
            if at > 0 {
                parts.push(Part::Text(rest.get(..at).unwrap_or("").to_string()));
            }
            parts.push(Part::Run(value));
            rest = tail;
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Statement { parts }
    }
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

    fn binding() -> Binding {
        Binding::new(BTreeMap::new(), ["model m { sql { select 1 } }"])
    }

    #[test]
    fn run_interval() {
        let now = Instant::parse("2026-11-21 15:04:05").unwrap();
        let run = RunInterval::day_before(now);
        assert_eq!(run.start.utc_text(), "2026-11-20 00:00:00");
        assert_eq!(run.end.utc_text(), "2026-11-21 00:00:00");
        let b = binding();
        let start = b.bind(&Param::RunStart { lookback: 2 * 86_400 }, Dialect::BigQuery).unwrap();
        assert_eq!(b.statement(&start).bind(&run), "TIMESTAMP '2026-11-18 00:00:00+00'");
        let date = b.bind(&Param::RunDate, Dialect::Redshift).unwrap();
        assert_eq!(b.statement(&date).bind(&run), "DATE '2026-11-20'");
    }

    #[test]
    fn holes_are_data() {
        let b = binding();
        let end = b.bind(&Param::RunEnd, Dialect::Trino).unwrap();
        let st = b.statement(&format!("select {end} as x, '{{{{' as y"));
        assert_eq!(
            st.parts(),
            [
                Part::Text("select TIMESTAMP '".into()),
                Part::Run(RunValue::End),
                Part::Text(" UTC' as x, '{{' as y".into())
            ]
        );
        let templated = st.render(|t| t.replace('{', "{{"), |_| "{{ end }}".into());
        assert_eq!(templated, "select TIMESTAMP '{{ end }} UTC' as x, '{{{{' as y");
    }

    #[test]
    fn user_text_cannot_make_a_hole() {
        // What the markers looked like when they were fixed characters,
        // and anything else a user may write with private-use characters.
        for text in ["\u{E000}end\u{E001}", "\u{E000}start:60\u{E001}", "\u{E000}\u{E001}\u{E000}date\u{E001}"] {
            let sql = format!("select '{text}' as s");
            let b = Binding::new(BTreeMap::new(), [sql.as_str()]);
            let st = b.statement(&sql);
            assert_eq!(st.run_values().count(), 0, "{text:?}");
            assert_eq!(st.bind(&RunInterval::day_before(Instant(0))), sql);
        }
    }
}
