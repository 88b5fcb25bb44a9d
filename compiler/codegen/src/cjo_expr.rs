//! `.cjo` expressions (check conditions, journey criteria) printed as SQL
//! of one dialect. They are small and already checked, so they are
//! printed straight from our syntax tree; names, literals, types and
//! function templates go through the same helpers as SQL bodies.

use std::collections::BTreeMap;

use cjo_diagnostics::TextRange;
use cjo_project::Dialect;
use cjo_semantic::Ty;
use cjo_syntax::ast::{self, BinaryOp, ExprKind, UnaryOp};

use crate::templates::Template;
use crate::time::Instant;
use crate::{literal, types};

/// What an expression's names mean where it is printed.
pub trait Names {
    /// A column (`col` or `alias.col`): its SQL and type, or why not.
    fn column(&self, parts: &[ast::Name]) -> Result<(String, Ty), String>;
    /// `$name`: its SQL, or why not.
    fn param(&self, name: &str) -> Result<String, String>;
    /// An event quantifier, printed by the caller (journeys).
    fn quantifier(&self, q: &ast::Quantifier, printer: &Printer<'_>) -> Result<String, String> {
        let _ = (q, printer);
        Err("event quantifiers (`any …`, `count …`) belong in journey criteria".into())
    }
}

/// Why an expression could not be printed, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub range: TextRange,
}

/// Prints expressions for one dialect.
pub struct Printer<'a> {
    pub dialect: Dialect,
    pub templates: &'a BTreeMap<String, Template>,
    pub names: &'a dyn Names,
}

impl std::fmt::Debug for Printer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer").field("dialect", &self.dialect).finish_non_exhaustive()
    }
}

/// SQL and whether it can be an operand without parentheses, and its type
/// when it is a column or a literal.
struct Out {
    sql: String,
    atomic: bool,
    ty: Option<Ty>,
    string_literal: Option<String>,
}

impl Out {
    fn atom(sql: String, ty: Option<Ty>) -> Out {
        Out { sql, atomic: true, ty, string_literal: None }
    }

    fn compound(sql: String) -> Out {
        Out { sql, atomic: false, ty: None, string_literal: None }
    }

    fn operand(&self) -> String {
        if self.atomic { self.sql.clone() } else { format!("({})", self.sql) }
    }
}

impl Printer<'_> {
    /// `e` as SQL.
    pub fn expr(&self, e: &ast::Expr) -> Result<String, Failure> {
        self.print(e).map(|o| o.sql)
    }

    fn fail<T>(&self, range: TextRange, message: impl Into<String>) -> Result<T, Failure> {
        Err(Failure { message: message.into(), range })
    }

    fn print(&self, e: &ast::Expr) -> Result<Out, Failure> {
        // Expressions nest up to the parser's limit: grow the stack
        // rather than overflow a small one.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.print_at(e))
    }

    fn print_at(&self, e: &ast::Expr) -> Result<Out, Failure> {
        let d = self.dialect;
        Ok(match &e.kind {
            ExprKind::Column(parts) => match self.names.column(parts) {
                Ok((sql, ty)) => Out::atom(sql, Some(ty)),
                Err(m) => return self.fail(e.range, m),
            },
            ExprKind::Param(name) => match self.names.param(&name.text) {
                Ok(sql) => Out::atom(sql, None),
                Err(m) => return self.fail(e.range, m),
            },
            ExprKind::Str(s) => {
                Out { sql: literal::string(s, d), atomic: true, ty: Some(Ty::String), string_literal: Some(s.clone()) }
            }
            ExprKind::Number(n) => Out::atom(n.clone(), None),
            ExprKind::Bool(b) => Out::atom(literal::boolean(*b).into(), Some(Ty::Bool)),
            ExprKind::Null => Out::atom("NULL".into(), None),
            ExprKind::Duration(dur) => {
                let seconds = i64::try_from(dur.seconds()).unwrap_or(i64::MAX);
                let sql = if seconds % 86_400 == 0 {
                    literal::interval(seconds / 86_400, "DAY", d)
                } else {
                    literal::interval(seconds, "SECOND", d)
                };
                Out::atom(sql, None)
            }
            ExprKind::Typed { ty, value } => {
                let Some(at) = Instant::parse(&value.value) else {
                    return self.fail(value.range, format!("`{}` is not a {}", value.value, ty.text));
                };
                match ty.text.to_ascii_lowercase().as_str() {
                    "date" => Out::atom(literal::date(at.date(), d), Some(Ty::Date)),
                    _ => Out::atom(literal::timestamp(at, d), Some(Ty::Timestamp)),
                }
            }
            ExprKind::List(items) => {
                let items: Result<Vec<String>, Failure> =
                    items.iter().map(|i| self.print(i).map(|o| o.operand())).collect();
                Out::atom(format!("({})", items?.join(", ")), None)
            }
            ExprKind::Unary { op, operand, .. } => {
                let o = self.print(operand)?;
                Out::compound(match op {
                    UnaryOp::Not => format!("NOT {}", o.operand()),
                    UnaryOp::Neg => format!("-{}", o.operand()),
                    UnaryOp::Plus => o.operand(),
                })
            }
            ExprKind::Binary { first, rest } => {
                let mut left = self.print(first)?;
                for op in rest {
                    let right = self.print(&op.rhs)?;
                    left = self.binary(left, op.op, right);
                }
                left
            }
            ExprKind::IsNull { operand, negated } => {
                let o = self.print(operand)?;
                Out::compound(format!("{} IS {}NULL", o.operand(), if *negated { "NOT " } else { "" }))
            }
            ExprKind::InList { operand, list, negated } => {
                let o = self.print(operand)?;
                let mut items = Vec::with_capacity(list.len());
                for i in list {
                    let item = self.print(i)?;
                    items.push(self.as_type_of(&o, item).operand());
                }
                let not = if *negated { "NOT " } else { "" };
                Out::compound(format!("{} {not}IN ({})", o.operand(), items.join(", ")))
            }
            ExprKind::Between { operand, low, high, negated } => {
                let o = self.print(operand)?;
                let lo = self.print(low)?;
                let hi = self.print(high)?;
                let (lo, hi) = (self.as_type_of(&o, lo), self.as_type_of(&o, hi));
                let not = if *negated { "NOT " } else { "" };
                Out::compound(format!("{} {not}BETWEEN {} AND {}", o.operand(), lo.operand(), hi.operand()))
            }
            ExprKind::Like { operand, pattern, negated } => {
                let (o, p) = (self.print(operand)?, self.print(pattern)?);
                let not = if *negated { "NOT " } else { "" };
                Out::compound(format!("{} {not}LIKE {}", o.operand(), p.operand()))
            }
            ExprKind::Call { name, args, distinct, star } => self.call(name, args, *distinct, *star)?,
            ExprKind::Case { operand, whens, otherwise } => {
                let mut sql = String::from("CASE");
                if let Some(o) = operand {
                    sql.push(' ');
                    sql.push_str(&self.print(o)?.operand());
                }
                for (w, t) in whens {
                    sql.push_str(&format!(" WHEN {} THEN {}", self.print(w)?.operand(), self.print(t)?.operand()));
                }
                if let Some(o) = otherwise {
                    sql.push_str(&format!(" ELSE {}", self.print(o)?.operand()));
                }
                sql.push_str(" END");
                Out::atom(sql, None)
            }
            ExprKind::Cast { operand, ty } => {
                let o = self.print(operand)?;
                let t = Ty::from_syntax(ty, &[]);
                let Some(name) = types::type_name(&t, d) else {
                    return self.fail(ty.range, format!("`{t}` cannot be a cast's type"));
                };
                Out::atom(format!("CAST({} AS {name})", o.sql), Some(t))
            }
            ExprKind::Quantifier(q) => match self.names.quantifier(q, self) {
                Ok(sql) => Out::compound(sql),
                Err(m) => return self.fail(e.range, m),
            },
            ExprKind::Error => return self.fail(e.range, "this expression has an error"),
        })
    }

    /// A string literal compared with a date or timestamp becomes a
    /// literal of that type (Trino does not convert strings implicitly).
    fn as_type_of(&self, other: &Out, this: Out) -> Out {
        match (&other.ty, &this.string_literal) {
            (Some(ty @ (Ty::Date | Ty::Timestamp)), Some(s)) => match Instant::parse(s) {
                Some(at) if *ty == Ty::Date => Out::atom(literal::date(at.date(), self.dialect), Some(Ty::Date)),
                Some(at) => Out::atom(literal::timestamp(at, self.dialect), Some(Ty::Timestamp)),
                None => this,
            },
            _ => this,
        }
    }

    fn binary(&self, left: Out, op: BinaryOp, right: Out) -> Out {
        let (left, right) = if op.is_comparison() {
            let right = self.as_type_of(&left, right);
            (self.as_type_of(&right, left), right)
        } else {
            (left, right)
        };
        let symbol = match op {
            BinaryOp::Or => "OR",
            BinaryOp::And => "AND",
            BinaryOp::NotEq => "<>",
            other => other.as_str(),
        };
        let l = match (op, self.dialect) {
            // cjo's `/` gives a float; Trino and Redshift truncate ints.
            (BinaryOp::Div, Dialect::Trino) => format!("CAST({} AS DOUBLE)", left.sql),
            (BinaryOp::Div, Dialect::Redshift) => format!("CAST({} AS DOUBLE PRECISION)", left.sql),
            _ => left.operand(),
        };
        if op == BinaryOp::Mod && self.dialect == Dialect::BigQuery {
            return Out::atom(format!("MOD({}, {})", left.sql, right.sql), None);
        }
        Out::compound(format!("{l} {symbol} {}", right.operand()))
    }

    fn call(&self, name: &ast::Name, args: &[ast::Expr], distinct: bool, star: bool) -> Result<Out, Failure> {
        let lower = name.text.to_ascii_lowercase();
        let mut printed = Vec::with_capacity(args.len());
        for a in args {
            let o = self.print(a)?;
            printed.push((o.sql, o.atomic));
        }
        if let Some(t) = self.templates.get(&lower) {
            return match t.expand(self.dialect, &printed) {
                Some(sql) => Ok(Out::compound(sql)),
                None => self.fail(name.range, format!("`fn {}` has no `{}` template", t.name, self.dialect)),
            };
        }
        if star {
            return Ok(Out::atom(format!("{}(*)", name.text.to_ascii_uppercase()), None));
        }
        let list: Vec<String> = printed.into_iter().map(|(s, _)| s).collect();
        let d = if distinct { "DISTINCT " } else { "" };
        Ok(Out::atom(format!("{}({d}{})", name.text.to_ascii_uppercase(), list.join(", ")), None))
    }
}
