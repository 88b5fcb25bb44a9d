//! Sources, models, checks, pipelines and functions.

use std::collections::BTreeMap;

use cjo_diagnostics::{self as diag, Diagnostic};

use super::schema::{self, check as check_settings, require};
use super::{Cx, DIALECTS, PRIMITIVE_TYPES, journey};
use crate::ast::*;

pub fn item(cx: &mut Cx, item: &Item) {
    match item {
        Item::Source(s) => source(cx, s),
        Item::Model(m) => model(cx, m),
        Item::Check(c) => check(cx, c),
        Item::Journey(j) => journey::journey(cx, j),
        Item::Pipeline(p) => pipeline(cx, p),
        Item::Function(f) => function(cx, f),
    }
}

/// Reports the second and later members named like an earlier one.
pub fn duplicates<'a>(cx: &mut Cx, what: &str, names: impl IntoIterator<Item = &'a Name>) {
    let mut seen: BTreeMap<&str, &Name> = BTreeMap::new();
    for n in names {
        match seen.get(n.as_str()) {
            Some(first) => cx.push(
                Diagnostic::error(
                    diag::DUPLICATE_MEMBER,
                    cx.span(n.range),
                    format!("{what} `{}` is declared twice", n.text),
                )
                .with_secondary(cx.span(first.range), "first declared here")
                .with_help(format!("rename or remove one of the two {what}s")),
            ),
            None => {
                seen.insert(n.as_str(), n);
            }
        }
    }
}

fn source(cx: &mut Cx, s: &Source) {
    // `device = string` is a column written like a setting.
    let (columns_as_settings, settings): (Vec<&Setting>, Vec<&Setting>) = s.settings.iter().partition(|st| {
        matches!(&st.value.kind, ValueKind::Word(w) if PRIMITIVE_TYPES.contains(&w.as_str()) && st.key.as_str() != "time_column")
    });
    for st in columns_as_settings {
        let ty = match &st.value.kind {
            ValueKind::Word(w) => w.as_str(),
            _ => "",
        };
        cx.push(
            Diagnostic::error(
                diag::UNKNOWN_SETTING,
                cx.span(st.range),
                format!("`{}` looks like a column written as a setting", st.key.text),
            )
            .with_help(format!("declare a column with a colon: `{}: {ty}`", st.key.text)),
        );
    }
    let settings: Vec<Setting> = settings.into_iter().cloned().collect();
    check_settings(cx, "source", schema::SOURCE, &settings);
    duplicates(cx, "column", s.columns.iter().map(|c| &c.name));
    for c in &s.columns {
        type_expr(cx, &c.ty, &[]);
    }
    match (s.from_catalog, s.columns.first()) {
        (Some(catalog), Some(first)) => cx.push(
            Diagnostic::error(
                diag::MISPLACED_MEMBER,
                cx.span(first.range),
                "a source `from catalog` takes its columns from the catalog",
            )
            .with_secondary(cx.span(catalog), "columns come from the catalog here")
            .with_help("remove the column list, or remove `from catalog` to declare the columns here"),
        ),
        (None, None) => cx.missing(
            Diagnostic::error(
                diag::MISSING_SETTING,
                cx.span(s.name.range),
                format!("source `{}` declares no columns", s.name.text),
            )
            .with_help("list its columns (`customer_id: string not null`), or write `from catalog` to import them"),
        ),
        _ => {}
    }
}

fn model(cx: &mut Cx, m: &Model) {
    check_settings(cx, "model", schema::MODEL, &m.settings);
    duplicates(cx, "parameter", m.params.iter().map(|p| &p.name));
    for p in &m.params {
        type_expr(cx, &p.ty, &[]);
        if matches!(p.name.as_str(), "run_start" | "run_end" | "run_date") {
            cx.push(
                Diagnostic::error(
                    diag::DUPLICATE_MEMBER,
                    cx.span(p.name.range),
                    format!("`${}` is a built-in parameter", p.name.text),
                )
                .with_help("choose another name; `$run_start`, `$run_end` and `$run_date` are always available"),
            );
        }
    }
    for b in &m.bodies {
        if let Some(d) = b.dialect.as_ref().filter(|d| !DIALECTS.contains(&d.as_str())) {
            let help = "write `sql { … }` for portable SQL, or name `bigquery`, `redshift` or `trino`";
            cx.unknown_dialect(d.as_str(), d.range, &[], help);
        }
        if b.text.trim().is_empty() {
            cx.push(
                Diagnostic::error(diag::MISSING_SETTING, cx.span(b.range), "the SQL body is empty")
                    .with_help("write the model's query between the braces, e.g. `sql { select … from … }`"),
            );
        }
    }
    match m.bodies.as_slice() {
        [] => cx.missing(
            Diagnostic::error(
                diag::MISSING_SETTING,
                cx.span(m.name.range),
                format!("model `{}` has no SQL", m.name.text),
            )
            .with_help("add its query: `sql { select … }`"),
        ),
        [_] => {}
        [first, rest @ ..] => {
            for b in rest {
                cx.push(
                    Diagnostic::error(diag::DUPLICATE_MEMBER, cx.span(b.range), "a model has one SQL body")
                        .with_secondary(cx.span(first.range), "the first body")
                        .with_help(
                            "a model that needs different SQL per warehouse can be split into one model per target",
                        ),
                );
            }
        }
    }
}

const CHECKS: &[&str] = &["unique", "not_null", "accepted_values", "references", "expect"];

fn check(cx: &mut Cx, c: &Check) {
    if c.entries.is_empty() {
        cx.missing(
            Diagnostic::warning(
                diag::MISSING_SETTING,
                cx.span(c.target.range),
                format!("check `{}` tests nothing", c.target.text),
            )
            .with_help("add a test such as `unique(id)` or `not_null(id)`"),
        );
    }
    for entry in &c.entries {
        let CheckEntry::Call { name, args, range } = entry else { continue };
        let columns_only = |cx: &mut Cx, min: usize| {
            let ok = args.len() >= min && args.iter().all(|a| a.arrow.is_none() && is_column(&a.value));
            if !ok {
                cx.push(
                    Diagnostic::error(
                        diag::INVALID_CHECK_ARGUMENTS,
                        cx.span(*range),
                        format!("`{}` takes one or more column names", name.text),
                    )
                    .with_help(format!("e.g. `{}(customer_id)`", name.text)),
                );
            }
        };
        match name.as_str() {
            "unique" | "not_null" => columns_only(cx, 1),
            "accepted_values" => {
                let ok = matches!(args.as_slice(), [col, values] if col.arrow.is_none() && is_column(&col.value)
                    && values.arrow.is_none() && matches!(&values.value.kind, ExprKind::List(items) if !items.is_empty()));
                if !ok {
                    cx.push(
                        Diagnostic::error(
                            diag::INVALID_CHECK_ARGUMENTS,
                            cx.span(*range),
                            "`accepted_values` takes a column and a list of values",
                        )
                        .with_help("e.g. `accepted_values(plan, [\"free\", \"basic\", \"premium\"])`"),
                    );
                }
            }
            "references" => {
                let ok = matches!(args.as_slice(), [arg] if is_column(&arg.value)
                    && matches!(&arg.arrow, Some(Expr { kind: ExprKind::Column(parts), .. }) if parts.len() == 2));
                if !ok {
                    cx.push(
                        Diagnostic::error(
                            diag::INVALID_CHECK_ARGUMENTS,
                            cx.span(*range),
                            "`references` takes `column -> table.column`",
                        )
                        .with_help("e.g. `references(customer_id -> customers.customer_id)`"),
                    );
                }
            }
            "expect" => cx.push(
                Diagnostic::error(
                    diag::INVALID_CHECK_ARGUMENTS,
                    cx.span(*range),
                    "`expect` takes a description and a condition",
                )
                .with_help("write `expect \"amount is positive\": amount > 0`"),
            ),
            "relationships" | "foreign_key" => cx.push(
                Diagnostic::error(diag::UNKNOWN_CHECK, cx.span(name.range), format!("unknown check `{}`", name.text))
                    .with_help("cjo calls this check `references(column -> table.column)`"),
            ),
            other => {
                let help = diag::did_you_mean(other, CHECKS.iter().copied())
                    .unwrap_or_else(|| "the checks are `unique`, `not_null`, `accepted_values`, `references` and `expect \"…\": condition`".into());
                cx.push(
                    Diagnostic::error(diag::UNKNOWN_CHECK, cx.span(name.range), format!("unknown check `{other}`"))
                        .with_help(help),
                );
            }
        }
    }
}

fn is_column(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Column(parts) if parts.len() == 1)
}

fn pipeline(cx: &mut Cx, p: &Pipeline) {
    let present = check_settings(cx, "pipeline", schema::PIPELINE, &p.settings);
    let what = format!("pipeline `{}`", p.name.text);
    require(cx, &present, &p.settings, "schedule", &what, p.name.range, "schedule = cron \"0 3 * * *\"");
    require(cx, &present, &p.settings, "run", &what, p.name.range, "run = [model_name]");
}

fn function(cx: &mut Cx, f: &Function) {
    duplicates(cx, "parameter", f.params.iter().map(|p| &p.name));
    duplicates(cx, "type parameter", &f.type_params);
    let generics: Vec<&str> = f.type_params.iter().map(Name::as_str).collect();
    for p in &f.params {
        type_expr(cx, &p.ty, &generics);
    }
    if let Some((_, init)) = f.params.split_last() {
        for p in init.iter().filter(|p| p.variadic) {
            cx.push(
                Diagnostic::error(
                    diag::MISPLACED_MEMBER,
                    cx.span(p.range),
                    "only the last parameter can take many values (`...`)",
                )
                .with_help("move this parameter to the end, or remove `...`"),
            );
        }
    }
    type_expr(cx, &f.ret, &generics);
    let mut keys: Vec<&Name> = Vec::new();
    for t in &f.templates {
        let key = t.key.as_str();
        if !DIALECTS.contains(&key) && key != "default" {
            let help = "give one template per warehouse (`bigquery`, `redshift`, `trino`) or a `default`";
            cx.unknown_dialect(key, t.key.range, &["default"], help);
            continue;
        }
        keys.push(&t.key);
        match &t.value.kind {
            ValueKind::Str(template) => template_placeholders(cx, f, template, &t.value),
            _ => cx.push(
                Diagnostic::error(diag::INVALID_TEMPLATE, cx.span(t.value.range), "a function template is a string")
                    .with_help("e.g. `bigquery = \"TIMESTAMP_ADD({t}, INTERVAL {n} DAY)\"`"),
            ),
        }
    }
    duplicates(cx, "template", keys);
    let covered = |d: &str| f.templates.iter().any(|t| t.key.as_str() == d || t.key.as_str() == "default");
    let missing: Vec<&str> = DIALECTS.iter().copied().filter(|d| !covered(d)).collect();
    if !f.templates.is_empty() && !missing.is_empty() {
        cx.push(
            Diagnostic::warning(
                diag::INVALID_TEMPLATE,
                cx.span(f.name.range),
                format!("`{}` has no template for {}", f.name.text, missing.join(", ")),
            )
            .with_help("models for those warehouses cannot call it; add their templates or a `default`"),
        );
    } else if f.templates.is_empty() {
        cx.missing(
            Diagnostic::error(
                diag::INVALID_TEMPLATE,
                cx.span(f.name.range),
                format!("`{}` has no SQL template", f.name.text),
            )
            .with_help("add one per warehouse, e.g. `bigquery = \"…\"`, or a `default = \"…\"`"),
        );
    }
}

/// `{name}` placeholders must name parameters; `{{` and `}}` are braces;
/// `{rest|sep}` joins a variadic parameter's values with `sep`.
fn template_placeholders(cx: &mut Cx, f: &Function, template: &str, value: &Value) {
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        let (c, after) = (rest.as_bytes().get(i).copied(), rest.get(i + 1..).unwrap_or(""));
        if c == Some(b'}') {
            if let Some(after) = after.strip_prefix('}') {
                rest = after;
                continue;
            }
            cx.push(
                Diagnostic::error(diag::INVALID_TEMPLATE, cx.span(value.range), "unmatched `}` in the template")
                    .with_help("write `}}` for a literal brace"),
            );
            return;
        }
        if let Some(after) = after.strip_prefix('{') {
            rest = after;
            continue;
        }
        let Some(end) = after.find('}') else {
            cx.push(
                Diagnostic::error(diag::INVALID_TEMPLATE, cx.span(value.range), "unclosed `{` in the template")
                    .with_help("close the placeholder: `{name}`"),
            );
            return;
        };
        // `{rest|sep}`: a variadic parameter's values joined by `sep`
        // (without one they are joined by `, `).
        let inner = after.get(..end).unwrap_or("");
        let is_name = |n: &str| {
            n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        let (name, separator) = match inner.split_once('|') {
            Some((name, _)) if is_name(name) => (name, true),
            _ => (inner, false),
        };
        let param = f.params.iter().find(|p| p.name.as_str() == name);
        if let Some(p) = param.filter(|p| separator && !p.variadic) {
            cx.push(
                Diagnostic::error(
                    diag::INVALID_TEMPLATE,
                    cx.span(value.range),
                    format!("`{{{inner}}}` gives a separator, but `{}` takes one value", p.name.text),
                )
                .with_help("only a variadic parameter (`name: type...`) takes a separator: `{rest| || }`"),
            );
        }
        if param.is_none() {
            let help = diag::did_you_mean(name, f.params.iter().map(|p| p.name.as_str())).unwrap_or_else(|| {
                "placeholders name the function's parameters; write `{{` for a literal brace".into()
            });
            cx.push(
                Diagnostic::error(
                    diag::INVALID_TEMPLATE,
                    cx.span(value.range),
                    format!("`{{{name}}}` is not a parameter of `{}`", f.name.text),
                )
                .with_help(help),
            );
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
}

/// Common names from other systems, mapped to ours.
const TYPE_ALIASES: &[(&str, &str)] = &[
    ("integer", "int"),
    ("bigint", "int"),
    ("int64", "int"),
    ("smallint", "int"),
    ("boolean", "bool"),
    ("double", "float"),
    ("float64", "float"),
    ("real", "float"),
    ("numeric", "decimal"),
    ("varchar", "string"),
    ("text", "string"),
    ("char", "string"),
    ("datetime", "timestamp"),
    ("timestamptz", "timestamp"),
    ("binary", "bytes"),
    ("varbinary", "bytes"),
];

pub fn type_expr(cx: &mut Cx, ty: &TypeExpr, generics: &[&str]) {
    match &ty.kind {
        TypeKind::Named(n) => {
            let name = n.as_str();
            if PRIMITIVE_TYPES.contains(&name) || generics.contains(&name) {
                return;
            }
            if name == "array" || name == "struct" {
                return missing_element_types(cx, n);
            }
            let help = TYPE_ALIASES
                .iter()
                .find(|(alias, _)| alias.eq_ignore_ascii_case(name))
                .map(|(_, ours)| format!("cjo calls this type `{ours}`"))
                .or_else(|| diag::did_you_mean(name, PRIMITIVE_TYPES.iter().copied().chain(generics.iter().copied())))
                .unwrap_or_else(|| "the types are bool, int, float, decimal(p, s), string, bytes, date, timestamp, json, array<T> and struct<…>".into());
            cx.push(
                Diagnostic::error(diag::UNKNOWN_TYPE, cx.span(n.range), format!("unknown type `{name}`"))
                    .with_help(help),
            );
        }
        TypeKind::Decimal { precision, scale } => {
            if *precision == 0 || *precision > 76 || scale > precision {
                cx.push(
                    Diagnostic::error(
                        diag::UNKNOWN_TYPE,
                        cx.span(ty.range),
                        format!("`decimal({precision}, {scale})` is not a valid decimal"),
                    )
                    .with_help("precision is 1 to 76 digits and scale is at most the precision, e.g. `decimal(18, 2)`"),
                );
            }
        }
        TypeKind::Array(inner) => type_expr(cx, inner, generics),
        TypeKind::Struct(fields) => {
            duplicates(cx, "field", fields.iter().map(|f| &f.name));
            for f in fields {
                type_expr(cx, &f.ty, generics);
            }
        }
        TypeKind::Error => {}
    }
}

fn missing_element_types(cx: &mut Cx, n: &Name) {
    let example = if n.as_str() == "array" { "array<string>" } else { "struct<id: int, name: string>" };
    cx.push(
        Diagnostic::error(diag::UNKNOWN_TYPE, cx.span(n.range), format!("`{}` needs its element types", n.text))
            .with_help(format!("e.g. `{example}`")),
    );
}

/// The types written inside expressions: `cast(x as text)`.
pub fn expression_types(cx: &mut Cx, file: &File) {
    let mut roots: Vec<&Expr> = Vec::new();
    file.for_each_expr(&mut |e| roots.push(e));
    let mut stack = roots;
    while let Some(e) = stack.pop() {
        if let ExprKind::Cast { ty, .. } = &e.kind {
            type_expr(cx, ty, &[]);
        }
        stack.extend(e.children());
    }
}
