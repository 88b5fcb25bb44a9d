//! `cjo/compiledSql`: a model's SQL as `cjoc build` writes it, for one
//! warehouse.

use cjo_codegen::time::Instant;
use cjo_codegen::{RunInterval, TaskKind};
use cjo_project::Dialect;
use cjo_syntax::ast::Item;
use serde_json::{Value, json};

use crate::project::Snapshot;

/// The model called `name` (as declared), if the project has one.
pub fn model_named(snap: &Snapshot, name: &str) -> Option<String> {
    model_items(snap).find(|m| m.name.text.eq_ignore_ascii_case(name)).map(|m| m.name.text.clone())
}

/// The model whose declaration holds `offset` of `file`.
pub fn model_at(snap: &Snapshot, file: cjo_diagnostics::FileId, offset: u32) -> Option<String> {
    let module = snap.ws.modules.iter().find(|m| m.file == file)?;
    module.ast.items.iter().find_map(|i| match i {
        Item::Model(m) if m.range.touches(offset) => Some(m.name.text.clone()),
        _ => None,
    })
}

fn model_items(snap: &Snapshot) -> impl Iterator<Item = &cjo_syntax::ast::Model> {
    snap.ws.user_modules().flat_map(|m| &m.ast.items).filter_map(|i| match i {
        Item::Model(m) => Some(m),
        _ => None,
    })
}

/// The response to `cjo/compiledSql` for the model `name`: `{ name,
/// dialect, sql, path, dialects }`, or an error message saying why there
/// is no SQL (the project's errors, a construct the warehouse lacks).
pub fn compiled_sql(snap: &Snapshot, name: &str, dialect: Option<Dialect>, now: Instant) -> Result<Value, String> {
    let model = model_items(snap).find(|m| m.name.text.eq_ignore_ascii_case(name)).ok_or("no such model")?;
    let own = model
        .bodies
        .first()
        .and_then(|b| b.dialect.as_ref())
        .and_then(|d| Dialect::parse(&d.text.to_ascii_lowercase()));
    let dialects: Vec<Dialect> = match own {
        Some(d) => vec![d],
        None => Dialect::ALL.to_vec(),
    };
    if let Some(errors) = errors_of(snap) {
        return Err(errors);
    }
    let run = RunInterval::day_before(now);
    let options = cjo_codegen::Options { targets: dialect.map(|d| vec![d]), ..Default::default() };
    let build = cjo_codegen::build(&snap.ws, &snap.analysis, &options);
    let task = build
        .dag
        .tasks
        .values()
        .find(|t| t.kind == TaskKind::Model && t.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| format!("`{name}` has no SQL: {}", messages(&build.diagnostics, 3)))?;
    let (d, sql) = match dialect {
        Some(d) => (d, task.sql.get(&d)),
        None => task.sql.iter().next().map_or((Dialect::BigQuery, None), |(d, s)| (*d, Some(s))),
    };
    let Some(sql) = sql else {
        let why = messages(&build.diagnostics, 3);
        return Err(format!(
            "`{name}` does not compile for {d}{}",
            if why.is_empty() { String::new() } else { format!(": {why}") }
        ));
    };
    Ok(json!({
        "name": model.name.text,
        "dialect": d.as_str(),
        "sql": sql.text(&run),
        "path": format!("target/{}", sql.path),
        "dialects": dialects.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
    }))
}

/// The project's errors, when it has any: a build needs a project that
/// checks.
fn errors_of(snap: &Snapshot) -> Option<String> {
    // Lowering problems (E06xx) are per warehouse: the build below says
    // whether they concern the one asked for.
    let errors: Vec<_> = snap
        .diagnostics
        .iter()
        .filter(|d| d.is_error() && d.code.stage() != cjo_diagnostics::Stage::Lowering)
        .cloned()
        .collect();
    (!errors.is_empty()).then(|| format!("the project has {} error(s): {}", errors.len(), messages(&errors, 3)))
}

fn messages(diagnostics: &[cjo_diagnostics::Diagnostic], n: usize) -> String {
    let list: Vec<String> =
        diagnostics.iter().filter(|d| d.is_error()).take(n).map(|d| format!("{} {}", d.code.id, d.message)).collect();
    list.join("; ")
}
