//! `[selectors]`: named selections, used with `--selector NAME`. A
//! selector is an expression (`nightly = "tag:nightly+"`) or a table with
//! `select` and an optional `exclude` (`[selectors.nightly]`), the two
//! halves of dbt's `selectors.yml` that people reach for first. The
//! expressions are read here, so that a typo is reported at its place in
//! `cjo.toml` by every command, not only by the one that uses it.

use std::collections::BTreeMap;

use cjo_diagnostics::{CONFIG_INVALID_SELECTOR, Diagnostic};
use toml::de::DeValue;

use super::reader::{Reader, Table, Value, range};
use super::values::check_identifier;
use super::{SelectorConfig, SelectorExpr};
use crate::selection;

const SELECTOR_KEYS: &[&str] = &["select", "exclude"];

/// Reads every selector of `[selectors]`; a broken one is reported and
/// left out.
pub(super) fn read(r: &mut Reader<'_>, t: Table<'_, '_>) -> BTreeMap<String, SelectorConfig> {
    let mut out = BTreeMap::new();
    for (name, key, value) in t.iter() {
        let path = t.key_path(name);
        let name_ok = check_identifier(r, &path, value, name, "letters, digits, `_` and `-`", |c| {
            c.is_ascii_alphanumeric() || c == '_' || c == '-'
        });
        let name_span = range(key.span());
        let selector = match value.get_ref() {
            DeValue::String(_) => {
                expression(r, &path, value).map(|select| SelectorConfig { name_span, select, exclude: None })
            }
            DeValue::Table(_) => table(r, &path, value, name_span),
            _ => {
                r.wrong_type(&path, value, "a selection expression, or a table with `select` and `exclude`");
                None
            }
        };
        if let Some(selector) = selector.filter(|_| name_ok) {
            out.insert(name.to_owned(), selector);
        }
    }
    out
}

/// `[selectors.NAME]` or `NAME = { select = …, exclude = … }`.
fn table(
    r: &mut Reader<'_>,
    path: &str,
    value: &Value<'_>,
    name_span: cjo_diagnostics::TextRange,
) -> Option<SelectorConfig> {
    let t = r.table(path, value)?;
    let (mut select, mut exclude, mut broken) = (None, None, false);
    for (name, key, value) in t.iter() {
        let key_path = t.key_path(name);
        let slot = match name {
            "select" => &mut select,
            "exclude" => &mut exclude,
            _ => {
                r.unknown_key(t, key, value, SELECTOR_KEYS, None);
                continue;
            }
        };
        match expression(r, &key_path, value) {
            Some(e) => *slot = Some(e),
            None => broken = true,
        }
    }
    if !t.entries.contains_key("select") {
        r.missing(t, "select", "\"tag:nightly+\"");
    }
    if broken {
        return None;
    }
    Some(SelectorConfig { name_span, select: select?, exclude })
}

/// One expression, or E0112 (not a string) or E0126 (not an expression,
/// or an empty one: a selector that picks everything is better written
/// as no selection at all).
fn expression(r: &mut Reader<'_>, key_path: &str, value: &Value<'_>) -> Option<SelectorExpr> {
    let text = r.string(key_path, value)?;
    let span = range(value.span());
    let problem = match selection::parse(&text) {
        Ok(expr) if !expr.terms.is_empty() => return Some(SelectorExpr { text, expr, span }),
        Ok(_) => "names no node".to_owned(),
        Err(e) => e.message,
    };
    r.push(
        Diagnostic::error(CONFIG_INVALID_SELECTOR, r.span(span), format!("`{key_path}` is not a selection: {problem}"))
            .with_label("not a selection expression")
            .with_help(
                "write it as `--select` takes it: atoms such as `orders`, `tag:daily`, `+orders` or \
                 `path:models/staging`, separated by spaces (union) or commas (intersection)",
            ),
    );
    None
}
