//! Journey criteria as SQL conditions: profile columns through the alias
//! `p`, each event quantifier as a correlated subquery over its relation,
//! bounded by the tick's time, its window and its anchor.

use std::collections::BTreeMap;

use cjo_project::Dialect;
use cjo_semantic::{Relation, Ty};
use cjo_syntax::ast::{self, Anchor, QuantifierKind};

use super::dialect::ts_add;
use crate::cjo_expr::{Failure, Names, Printer};
use crate::ident::ident;
use crate::params::{Binding, Param};
use crate::templates::Template;

/// An event relation as the SQL sees it.
#[derive(Debug)]
pub struct EventTable<'a> {
    pub relation: &'a Relation,
    /// Its warehouse name, quoted.
    pub table: String,
    pub time_column: String,
}

/// What every criterion of one journey and dialect may read.
pub struct Tables<'a> {
    pub dialect: Dialect,
    pub profile: &'a Relation,
    /// By lowercase relation name.
    pub events: BTreeMap<String, EventTable<'a>>,
    pub key: String,
    /// The tick's time, as SQL.
    pub t: String,
    pub binding: &'a Binding,
    pub templates: &'a BTreeMap<String, Template>,
}

impl std::fmt::Debug for Tables<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tables").field("dialect", &self.dialect).field("t", &self.t).finish_non_exhaustive()
    }
}

/// Where a criterion is evaluated: the SQL of the customer's key and of
/// each anchor (`None`: the anchor does not exist there), and an extra
/// bound on event times (`wait until … timeout`).
#[derive(Clone, Debug, Default)]
pub struct Site {
    pub key: String,
    pub journey_start: Option<String>,
    pub stage_start: Option<String>,
    pub step_start: Option<String>,
    pub cutoff: Option<String>,
}

impl Tables<'_> {
    /// `e` as a SQL condition at `site`.
    pub fn condition(&self, e: &ast::Expr, site: &Site) -> Result<String, Failure> {
        let names = Outer { tables: self, site };
        Printer { dialect: self.dialect, templates: self.templates, names: &names }.expr(e)
    }

    /// `e` holds: true, not null.
    pub fn holds(&self, e: &ast::Expr, site: &Site) -> Result<String, Failure> {
        Ok(format!("COALESCE(({}), FALSE)", self.condition(e, site)?))
    }

    /// Any of `list` holds (`FALSE` for none).
    pub fn any_holds(&self, list: &[&ast::Expr], site: &Site) -> Result<String, Failure> {
        if list.is_empty() {
            return Ok("FALSE".into());
        }
        let parts: Result<Vec<String>, Failure> = list.iter().map(|e| self.holds(e, site)).collect();
        Ok(parts?.join(" OR "))
    }

    fn q(&self, name: &str) -> String {
        ident(name, self.dialect).to_string()
    }

    fn profile_column(&self, name: &str) -> Option<(String, Ty)> {
        let c = self.profile.column(name)?;
        Some((format!("p.{}", self.q(&c.name)), c.ty.clone()))
    }

    fn param(&self, name: &str) -> Result<String, String> {
        let param = Param::find(name, &[], 0).ok_or_else(|| format!("unknown parameter `${name}`"))?;
        self.binding.bind(&param, self.dialect)
    }
}

/// Names outside quantifiers: profile columns.
struct Outer<'a> {
    tables: &'a Tables<'a>,
    site: &'a Site,
}

impl Names for Outer<'_> {
    fn column(&self, parts: &[ast::Name]) -> Result<(String, Ty), String> {
        let t = self.tables;
        let found = match parts {
            [col] => t.profile_column(&col.text),
            [rel, col] if rel.text.eq_ignore_ascii_case(&t.profile.name) => t.profile_column(&col.text),
            _ => None,
        };
        found.ok_or_else(|| format!("`{}` is not a profile column here", join(parts)))
    }

    fn param(&self, name: &str) -> Result<String, String> {
        self.tables.param(name)
    }

    fn quantifier(&self, q: &ast::Quantifier, printer: &Printer<'_>) -> Result<String, String> {
        quantifier(self.tables, self.site, q, printer)
    }
}

/// Names inside `any E where …`: `E`'s columns first, then the profile's.
struct Inner<'a> {
    tables: &'a Tables<'a>,
    site: &'a Site,
    events: &'a EventTable<'a>,
}

impl Names for Inner<'_> {
    fn column(&self, parts: &[ast::Name]) -> Result<(String, Ty), String> {
        let t = self.tables;
        let event =
            |name: &str| self.events.relation.column(name).map(|c| (format!("e.{}", t.q(&c.name)), c.ty.clone()));
        let found = match parts {
            [col] => event(&col.text).or_else(|| t.profile_column(&col.text)),
            [rel, col] if rel.text.eq_ignore_ascii_case(&self.events.relation.name) => event(&col.text),
            [rel, col] if rel.text.eq_ignore_ascii_case(&t.profile.name) => t.profile_column(&col.text),
            _ => None,
        };
        found.ok_or_else(|| format!("`{}` is not a column here", join(parts)))
    }

    fn param(&self, name: &str) -> Result<String, String> {
        self.tables.param(name)
    }

    fn quantifier(&self, q: &ast::Quantifier, printer: &Printer<'_>) -> Result<String, String> {
        quantifier(self.tables, self.site, q, printer)
    }
}

fn join(parts: &[ast::Name]) -> String {
    parts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join(".")
}

/// `any E where P within D since a` / `count … op n` as SQL.
fn quantifier(t: &Tables<'_>, site: &Site, q: &ast::Quantifier, printer: &Printer<'_>) -> Result<String, String> {
    let events = t
        .events
        .get(&q.events.text.to_ascii_lowercase())
        .ok_or_else(|| format!("`{}` is not an event relation of this journey", q.events.text))?;
    let anchor = match q.since.map(|(a, _)| a) {
        None => None,
        Some(a) => {
            let sql = match a {
                Anchor::JourneyStart => &site.journey_start,
                Anchor::StageStart => &site.stage_start,
                Anchor::StepStart => &site.step_start,
            };
            // Where the anchor does not exist, the quantifier does not hold.
            let Some(sql) = sql else { return Ok("FALSE".into()) };
            Some(sql.clone())
        }
    };
    let time = format!("e.{}", t.q(&events.time_column));
    let mut conditions = vec![format!("e.{} = {}", t.q(&t.key), site.key), format!("{time} <= {}", t.t)];
    if let Some(cutoff) = &site.cutoff {
        conditions.push(format!("{time} <= {cutoff}"));
    }
    if let Some(w) = &q.within {
        let seconds = i64::try_from(w.seconds()).unwrap_or(i64::MAX);
        conditions.push(format!("{time} > {}", ts_add(&t.t, -seconds, t.dialect)));
    }
    if let Some(a) = &anchor {
        conditions.push(format!("{time} >= {a}"));
    }
    if let Some(filter) = &q.filter {
        let inner = Inner { tables: t, site, events };
        let p = Printer { dialect: t.dialect, templates: printer.templates, names: &inner };
        let sql = p.expr(filter).map_err(|f| f.message)?;
        conditions.push(format!("({sql})"));
    }
    let from = format!("FROM {} AS e WHERE {}", events.table, conditions.join(" AND "));
    match &q.kind {
        QuantifierKind::Any => Ok(format!("EXISTS (SELECT 1 {from})")),
        QuantifierKind::Count { op, value, .. } => {
            let outer = Outer { tables: t, site };
            let v = Printer { dialect: t.dialect, templates: printer.templates, names: &outer }
                .expr(value)
                .map_err(|f| f.message)?;
            let symbol = match op {
                ast::BinaryOp::NotEq => "<>",
                other => other.as_str(),
            };
            Ok(format!("(SELECT COUNT(*) {from}) {symbol} ({v})"))
        }
    }
}

/// The anchors a list of criteria uses.
pub fn anchors_used(exprs: &[&ast::Expr]) -> Vec<Anchor> {
    let mut out = Vec::new();
    for e in exprs {
        walk(e, &mut |q| {
            if let Some((a, _)) = q.since {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        });
    }
    out
}

fn walk(e: &ast::Expr, f: &mut dyn FnMut(&ast::Quantifier)) {
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        if let ast::ExprKind::Quantifier(q) = &e.kind {
            f(q);
        }
        stack.extend(e.children());
    }
}
