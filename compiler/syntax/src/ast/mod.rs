//! The syntax tree of one `.cjo` file. Every node keeps its byte range.
//! Settings (`key = value`) are kept generic here; [`crate::validate`]
//! checks their keys and value shapes per declaration kind.

mod expr;
mod journey;
mod visit;

pub use expr::*;
pub use journey::*;

use cjo_diagnostics::TextRange;

/// A parsed file: the declarations that could be read, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
}

/// An identifier with its place.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    pub text: String,
    pub range: TextRange,
}

impl Name {
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// A `///` doc comment (one or more lines, joined with `\n`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doc {
    pub text: String,
    pub range: TextRange,
}

/// A decoded string literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrLit {
    pub value: String,
    pub range: TextRange,
}

/// A top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Source(Source),
    Model(Model),
    Check(Check),
    Journey(Journey),
    Pipeline(Pipeline),
    Function(Function),
}

impl Item {
    /// The declared name (for a check: the model it checks).
    pub fn name(&self) -> &Name {
        match self {
            Item::Source(x) => &x.name,
            Item::Model(x) => &x.name,
            Item::Check(x) => &x.target,
            Item::Journey(x) => &x.name,
            Item::Pipeline(x) => &x.name,
            Item::Function(x) => &x.name,
        }
    }

    pub fn range(&self) -> TextRange {
        match self {
            Item::Source(x) => x.range,
            Item::Model(x) => x.range,
            Item::Check(x) => x.range,
            Item::Journey(x) => x.range,
            Item::Pipeline(x) => x.range,
            Item::Function(x) => x.range,
        }
    }

    pub fn doc(&self) -> Option<&Doc> {
        match self {
            Item::Source(x) => x.doc.as_ref(),
            Item::Model(x) => x.doc.as_ref(),
            Item::Check(x) => x.doc.as_ref(),
            Item::Journey(x) => x.doc.as_ref(),
            Item::Pipeline(x) => x.doc.as_ref(),
            Item::Function(x) => x.doc.as_ref(),
        }
    }

    /// The keyword that introduces this kind of item.
    pub fn keyword(&self) -> &'static str {
        match self {
            Item::Source(_) => "source",
            Item::Model(_) => "model",
            Item::Check(_) => "check",
            Item::Journey(_) => "journey",
            Item::Pipeline(_) => "pipeline",
            Item::Function(_) => "fn",
        }
    }
}

/// `source name = "schema.table" { columns }` or `… from catalog`.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub doc: Option<Doc>,
    pub name: Name,
    pub table: StrLit,
    /// The range of `from catalog` when the columns come from the catalog.
    pub from_catalog: Option<TextRange>,
    pub columns: Vec<Column>,
    pub settings: Vec<Setting>,
    pub range: TextRange,
}

/// `name: type [not null]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub doc: Option<Doc>,
    pub name: Name,
    pub ty: TypeExpr,
    pub not_null: bool,
    pub range: TextRange,
}

/// A written type: `int`, `decimal(10, 2)`, `array<string>`, `struct<a: int>`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// A primitive (`int`, `string` …) or a type parameter of a `fn`.
    Named(Name),
    Decimal {
        precision: u32,
        scale: u32,
    },
    Array(Box<TypeExpr>),
    Struct(Vec<StructField>),
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StructField {
    pub name: Name,
    pub ty: TypeExpr,
}

/// `model name { settings, params, sql body }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub doc: Option<Doc>,
    pub name: Name,
    pub settings: Vec<Setting>,
    pub params: Vec<Param>,
    pub bodies: Vec<SqlBody>,
    pub range: TextRange,
}

/// `param name: type [= default]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub doc: Option<Doc>,
    pub name: Name,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub range: TextRange,
}

/// `sql [dialect] { … }`, kept verbatim.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlBody {
    pub dialect: Option<Name>,
    /// The text between the braces, exactly as written.
    pub text: String,
    /// Where that text sits in the file: a diagnostic at byte `i` of
    /// `text` is at `text_range.start + i`.
    pub text_range: TextRange,
    pub range: TextRange,
}

/// `key = value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    pub doc: Option<Doc>,
    pub key: Name,
    pub value: Value,
    pub range: TextRange,
}

/// The value of a setting.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    /// A bare word: `table`, `bigquery`, `true`, `hourly`.
    Word(String),
    Str(String),
    /// A number as written.
    Number(String),
    /// `50%`: the number as written.
    Percent(String),
    Duration(Duration),
    /// `03:00`.
    Time(String),
    List(Vec<Value>),
    /// `incremental(unique_key = [a], lookback = 3 days)`.
    Call {
        name: Name,
        args: Vec<Setting>,
    },
    /// A word qualifying a value: `cron "0 3 * * *"`, `every 5 minutes`.
    Tagged {
        tag: Name,
        value: Box<Value>,
    },
    /// A value with a trailing clause: `daily at 03:00`,
    /// `unless_goal cooldown 30 days`.
    Modified {
        base: Box<Value>,
        modifier: Name,
        arg: Box<Value>,
    },
    Error,
}

/// `check model { unique(a, b) … expect "…": expr }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub doc: Option<Doc>,
    /// The model or source under test.
    pub target: Name,
    pub entries: Vec<CheckEntry>,
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CheckEntry {
    /// `unique(a, b)`, `not_null(a)`, `accepted_values(a, [..])`,
    /// `references(a -> m.b)`.
    Call { name: Name, args: Vec<CheckArg>, range: TextRange },
    /// `expect "description": condition`.
    Expect { description: StrLit, condition: Expr, range: TextRange },
}

impl CheckEntry {
    pub fn range(&self) -> TextRange {
        match self {
            CheckEntry::Call { range, .. } | CheckEntry::Expect { range, .. } => *range,
        }
    }
}

/// One argument of a check: an expression, optionally `-> target`.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckArg {
    pub value: Expr,
    pub arrow: Option<Expr>,
    pub range: TextRange,
}

/// `pipeline name { settings }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub doc: Option<Doc>,
    pub name: Name,
    pub settings: Vec<Setting>,
    pub range: TextRange,
}

/// `fn name<T>(a: T, b: int) -> T { bigquery = "…" … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub doc: Option<Doc>,
    pub name: Name,
    pub type_params: Vec<Name>,
    pub params: Vec<FnParam>,
    pub ret: TypeExpr,
    /// One template per dialect (`bigquery = "…"`), or `default = "…"`.
    pub templates: Vec<Setting>,
    pub range: TextRange,
}

/// `name: type`, or `name: type...` for the variadic last parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct FnParam {
    pub name: Name,
    pub ty: TypeExpr,
    pub variadic: bool,
    pub range: TextRange,
}

/// A length of time: `5 minutes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duration {
    pub amount: u64,
    pub unit: DurationUnit,
    pub range: TextRange,
}

impl Duration {
    /// The length in seconds (saturating).
    pub fn seconds(&self) -> u64 {
        self.amount.saturating_mul(self.unit.seconds())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DurationUnit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
}

impl DurationUnit {
    /// Parses `minute`, `minutes` … (singular or plural).
    pub fn parse(word: &str) -> Option<Self> {
        let word = word.to_ascii_lowercase();
        Some(match word.strip_suffix('s').unwrap_or(&word) {
            "second" => DurationUnit::Second,
            "minute" => DurationUnit::Minute,
            "hour" => DurationUnit::Hour,
            "day" => DurationUnit::Day,
            "week" => DurationUnit::Week,
            _ => return None,
        })
    }

    pub fn seconds(self) -> u64 {
        match self {
            DurationUnit::Second => 1,
            DurationUnit::Minute => 60,
            DurationUnit::Hour => 3_600,
            DurationUnit::Day => 86_400,
            DurationUnit::Week => 604_800,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DurationUnit::Second => "second",
            DurationUnit::Minute => "minute",
            DurationUnit::Hour => "hour",
            DurationUnit::Day => "day",
            DurationUnit::Week => "week",
        }
    }
}
