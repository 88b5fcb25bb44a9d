//! Expressions: criteria, check conditions and parameter defaults. A
//! portable subset of SQL plus event quantifiers and durations.

use cjo_diagnostics::TextRange;

use super::{Duration, Name, StrLit, TypeExpr};

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub range: TextRange,
}

impl Expr {
    pub fn error(range: TextRange) -> Self {
        Expr { kind: ExprKind::Error, range }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `col` or `alias.col`.
    Column(Vec<Name>),
    /// `$name`.
    Param(Name),
    Str(String),
    /// A number as written.
    Number(String),
    Bool(bool),
    Null,
    /// `14 days`.
    Duration(Duration),
    /// `date '2026-01-01'`, `timestamp "…"`.
    Typed {
        ty: Name,
        value: StrLit,
    },
    /// `[a, b, c]`.
    List(Vec<Expr>),
    Unary {
        op: UnaryOp,
        op_range: TextRange,
        operand: Box<Expr>,
    },
    /// A run of operators of one precedence, left to right:
    /// `a + b - c` is `first = a, rest = [(+, b), (-, c)]`. Comparisons
    /// do not chain, so theirs has one element.
    Binary {
        first: Box<Expr>,
        rest: Vec<Operation>,
    },
    IsNull {
        operand: Box<Expr>,
        negated: bool,
    },
    InList {
        operand: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Between {
        operand: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    Like {
        operand: Box<Expr>,
        pattern: Box<Expr>,
        negated: bool,
    },
    /// `f(a, b)`, `count(*)`, `count(distinct x)`.
    Call {
        name: Name,
        args: Vec<Expr>,
        distinct: bool,
        star: bool,
    },
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
    },
    Cast {
        operand: Box<Expr>,
        ty: TypeExpr,
    },
    /// `any E where P …` or `count E where P … op n`.
    Quantifier(Box<Quantifier>),
    Error,
}

/// One operator and its right operand in a [`ExprKind::Binary`] run.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub op: BinaryOp,
    pub op_range: TextRange,
    pub rhs: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Neg,
    Plus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Concat,
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Concat => "||",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(self, BinaryOp::Eq | BinaryOp::NotEq | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge)
    }
}

/// An event quantifier.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantifier {
    pub kind: QuantifierKind,
    /// The event relation quantified over.
    pub events: Name,
    pub filter: Option<Expr>,
    pub within: Option<Duration>,
    pub since: Option<(Anchor, TextRange)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum QuantifierKind {
    Any,
    /// `count … op value`.
    Count {
        op: BinaryOp,
        op_range: TextRange,
        value: Expr,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Anchor {
    JourneyStart,
    StageStart,
    StepStart,
}

impl Anchor {
    pub fn parse(word: &str) -> Option<Self> {
        Some(match word {
            "journey_start" => Anchor::JourneyStart,
            "stage_start" => Anchor::StageStart,
            "step_start" => Anchor::StepStart,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::JourneyStart => "journey_start",
            Anchor::StageStart => "stage_start",
            Anchor::StepStart => "step_start",
        }
    }
}
