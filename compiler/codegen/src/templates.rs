//! The SQL templates of every `fn` (standard library and project), and
//! their expansion: `{param}` takes an argument's SQL, `{rest}` or
//! `{rest|sep}` the variadic arguments joined by `sep` (default `, `).

use std::collections::BTreeMap;

use cjo_project::{Dialect, Workspace};
use cjo_syntax::ast::{self, ValueKind};

/// One declared function's templates.
#[derive(Clone, Debug)]
pub struct Template {
    pub name: String,
    pub params: Vec<String>,
    pub variadic: bool,
    by_dialect: BTreeMap<Dialect, String>,
    default: Option<String>,
}

impl Template {
    /// The template for `dialect`: its own, else `default`.
    pub fn text(&self, dialect: Dialect) -> Option<&str> {
        self.by_dialect.get(&dialect).or(self.default.as_ref()).map(String::as_str)
    }

    /// Expands the template for `dialect` over arguments already in that
    /// dialect's SQL, each with whether it is atomic (needs no
    /// parentheses to be an operand). `None` when the function has no
    /// template for `dialect`.
    pub fn expand(&self, dialect: Dialect, args: &[(String, bool)]) -> Option<String> {
        let text = self.text(dialect)?;
        let arg = |(sql, atomic): &(String, bool)| if *atomic { sql.clone() } else { format!("({sql})") };
        let mut out = String::with_capacity(text.len() + 16);
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(rest.get(..open).unwrap_or(""));
            let after = rest.get(open + 1..).unwrap_or("");
            let Some(close) = after.find('}') else {
                out.push_str(rest.get(open..).unwrap_or(""));
                rest = "";
                break;
            };
            let inner = after.get(..close).unwrap_or("");
            let (name, sep) = match inner.split_once('|') {
                Some((n, s)) => (n, s),
                None => (inner, ", "),
            };
            match self.params.iter().position(|p| p == name) {
                Some(i) if self.variadic && i + 1 == self.params.len() => {
                    let parts: Vec<String> = args.iter().skip(i).map(arg).collect();
                    out.push_str(&parts.join(sep));
                }
                Some(i) => match args.get(i) {
                    Some(a) => out.push_str(&arg(a)),
                    // Only the last argument may be left out, and only of
                    // the functions that say what it then is.
                    None if i + 1 == self.params.len() && i == args.len() => {
                        let stated = cjo_semantic::omitted_last(&self.name).unwrap_or_default();
                        // The stated SQL is a template over the other
                        // parameters; nameless, so it cannot leave one out.
                        let template = Template {
                            name: String::new(),
                            params: self.params.clone(),
                            variadic: false,
                            by_dialect: BTreeMap::new(),
                            default: Some(stated.to_string()),
                        };
                        out.push_str(&template.expand(dialect, args).unwrap_or_default());
                    }
                    None => {}
                },
                None => {
                    out.push('{');
                    out.push_str(inner);
                    out.push('}');
                }
            }
            rest = after.get(close + 1..).unwrap_or("");
        }
        out.push_str(rest);
        Some(out)
    }
}

/// Every function with templates, by lowercase name (a project's own `fn`
/// replaces a standard-library one of the same name).
pub fn collect(ws: &Workspace) -> BTreeMap<String, Template> {
    let mut out = BTreeMap::new();
    // The standard library first, so that the project's functions win.
    let modules =
        ws.modules.iter().filter(|m| ws.file(m.file).is_some_and(|f| f.kind == cjo_project::FileKind::Stdlib));
    for module in modules.chain(ws.user_modules()) {
        for item in &module.ast.items {
            if let ast::Item::Function(f) = item {
                out.insert(f.name.text.to_ascii_lowercase(), template(f));
            }
        }
    }
    out
}

fn template(f: &ast::Function) -> Template {
    let mut by_dialect = BTreeMap::new();
    let mut default = None;
    for t in &f.templates {
        let ValueKind::Str(text) = &t.value.kind else { continue };
        match Dialect::parse(t.key.as_str()) {
            Some(d) => {
                by_dialect.insert(d, text.clone());
            }
            None if t.key.as_str() == "default" => default = Some(text.clone()),
            None => {}
        }
    }
    Template {
        name: f.name.text.clone(),
        params: f.params.iter().map(|p| p.name.text.clone()).collect(),
        variadic: f.params.last().is_some_and(|p| p.variadic),
        by_dialect,
        default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(params: &[&str], variadic: bool, text: &str) -> Template {
        Template {
            name: "f".into(),
            params: params.iter().map(|s| s.to_string()).collect(),
            variadic,
            by_dialect: BTreeMap::new(),
            default: Some(text.into()),
        }
    }

    fn a(s: &str, atomic: bool) -> (String, bool) {
        (s.into(), atomic)
    }

    #[test]
    fn a_left_out_last_argument_takes_its_stated_value() {
        let mut round = t(&["x", "digits"], false, "ROUND({x}, {digits})");
        round.name = "round".into();
        assert_eq!(round.expand(Dialect::Trino, &[a("x", true)]).unwrap(), "ROUND(x, 0)");
        let mut substr = t(&["s", "start", "len"], false, "substr({s}, {start}, {len})");
        substr.name = "substr".into();
        assert_eq!(
            substr.expand(Dialect::Trino, &[a("a || b", false), a("2", true)]).unwrap(),
            "substr((a || b), 2, LENGTH((a || b)))"
        );
    }

    #[test]
    fn expands_params_and_variadics() {
        let f = t(&["a", "rest"], true, "COALESCE({a}, {rest})");
        assert_eq!(
            f.expand(Dialect::Trino, &[a("x", true), a("y", true), a("1 + 2", false)]).unwrap(),
            "COALESCE(x, y, (1 + 2))"
        );
        let f = t(&["parts"], true, "({parts| || })");
        assert_eq!(f.expand(Dialect::Redshift, &[a("a", true), a("b", true)]).unwrap(), "(a || b)");
        let f = t(&["t"], false, "{t} AT TIME ZONE 'UTC'");
        assert_eq!(f.expand(Dialect::Trino, &[a("t + i", false)]).unwrap(), "(t + i) AT TIME ZONE 'UTC'");
    }
}
