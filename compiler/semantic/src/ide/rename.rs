//! Rename: every place a declaration's name is written, across files,
//! refused when the new name would clash with another declaration.

use std::collections::BTreeSet;
use std::fmt;

use cjo_diagnostics::{FileId, Span, TextRange};
use cjo_project::{FileKind, Workspace};
use cjo_syntax::ast::Item;

use super::hover::find_item;
use super::{Index, Occurrence, Target};
use crate::Analysis;

/// Why a rename cannot be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// Nothing renameable at the cursor.
    NothingHere,
    /// The name is not the user's to rename (the standard library's, a
    /// catalog table's column, a model column computed by SQL).
    NotRenameable(String),
    /// The new name is not an identifier.
    Invalid(String),
    /// Another declaration has the new name already.
    Conflict(String),
}

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenameError::NothingHere => f.write_str("there is no name to rename here"),
            RenameError::NotRenameable(why) | RenameError::Invalid(why) | RenameError::Conflict(why) => {
                f.write_str(why)
            }
        }
    }
}

/// The name at `offset` that can be renamed, and its range.
pub fn prepare_rename(
    ws: &Workspace,
    analysis: &Analysis,
    index: &Index,
    file: FileId,
    offset: u32,
) -> Result<(TextRange, String), RenameError> {
    let o = index.at(file, offset).ok_or(RenameError::NothingHere)?;
    renameable(ws, analysis, index, &o.target)?;
    let text = ws.file(file).map_or("", |f| o.span.range.slice(&f.text));
    Ok((o.span.range, text.to_string()))
}

/// The edits that rename the name at `offset` to `new_name`: each place
/// and its new text, sorted.
pub fn rename(
    ws: &Workspace,
    analysis: &Analysis,
    index: &Index,
    file: FileId,
    offset: u32,
    new_name: &str,
) -> Result<Vec<(Span, String)>, RenameError> {
    let o = index.at(file, offset).ok_or(RenameError::NothingHere)?;
    let target = o.target.clone();
    renameable(ws, analysis, index, &target)?;
    if !is_identifier(new_name) {
        return Err(RenameError::Invalid(format!("`{new_name}` is not a name: use letters, digits and `_`")));
    }
    let mut targets = vec![target.clone()];
    let mut seen = BTreeSet::from([target.clone()]);
    let mut edits = BTreeSet::new();
    while let Some(t) = targets.pop() {
        in_catalog(ws, &t)?;
        if t != target {
            // Renamed because the name is written once for both: it must
            // be the project's to rename too, or nothing is renamed.
            linked_renameable(ws, analysis, index, &t)?;
        }
        conflict(ws, analysis, index, &t, new_name)?;
        for o in index.references(&t) {
            let text = ws.file(o.span.file).map_or("", |f| o.span.range.slice(&f.text));
            if !text.eq_ignore_ascii_case(t.name()) || !edits.insert(o.span) {
                continue;
            }
            for other in same_place(index, o) {
                if seen.insert(other.clone()) {
                    targets.push(other);
                }
            }
        }
    }
    Ok(edits.into_iter().map(|s| (s, new_name.to_string())).collect())
}

/// The other names written at `o`'s very place: a model column that
/// passes the column through under its own name (`select w.user_id`
/// declares the model's `user_id`), the columns of every event relation a
/// journey's `key` names, both sides of `using (k)`. Renaming one renames
/// them all, or the place would stop naming the others.
fn same_place(index: &Index, o: &Occurrence) -> Vec<Target> {
    index
        .in_file(o.span.file)
        .iter()
        .filter(|other| other.span == o.span && other.target != o.target)
        .map(|other| other.target.clone())
        .collect()
}

/// A name renamed along with the one asked for: declared in the project's
/// `.cjo` files (a model's column too, at its alias or pass-through), or
/// the rename would be half done.
fn linked_renameable(ws: &Workspace, analysis: &Analysis, index: &Index, target: &Target) -> Result<(), RenameError> {
    let def = index.definition(target, analysis);
    let in_project = def.and_then(|s| ws.file(s.file)).is_some_and(|f| f.kind == FileKind::Cjo);
    if in_project && index.references(target).any(|o| o.def) {
        return Ok(());
    }
    Err(RenameError::NotRenameable(format!(
        "the same name also stands for {} here, which is not declared in the project's files (a catalog table's \
         column, or a column made by `*`): renaming only one would break the project",
        describe(target)
    )))
}

/// Refuses to rename a column of a source whose table the catalog holds:
/// the warehouse would keep the old name (E0120 after the rename).
fn in_catalog(ws: &Workspace, target: &Target) -> Result<(), RenameError> {
    let Target::Column { relation, column } = target else { return Ok(()) };
    let Some((_, Item::Source(source))) = find_item(ws, relation) else { return Ok(()) };
    if ws.catalog.find(&source.table.value).is_none() {
        return Ok(());
    }
    Err(RenameError::NotRenameable(format!(
        "`{relation}.{column}` is a column of `{}`, which the catalog holds: rename it in the warehouse and export \
         the schema again",
        source.table.value
    )))
}

/// A target as messages name it.
fn describe(target: &Target) -> String {
    match target {
        Target::Column { relation, column } => format!("column `{relation}.{column}`"),
        other => format!("`{}`", other.name()),
    }
}

fn renameable(ws: &Workspace, analysis: &Analysis, index: &Index, target: &Target) -> Result<(), RenameError> {
    let def = index.definition(target, analysis);
    let in_stdlib = def.and_then(|s| ws.file(s.file)).is_some_and(|f| f.kind != FileKind::Cjo);
    let declared = index.references(target).any(|o| o.def);
    match target {
        _ if in_stdlib => Err(RenameError::NotRenameable(
            "this is declared outside the project's `.cjo` files (the standard library or the warehouse catalog)"
                .into(),
        )),
        Target::Column { relation, .. } if analysis.relation(relation).is_some_and(|r| r.is_model()) => {
            Err(RenameError::NotRenameable(
                "a model's column is named by its SQL: rename the alias (`as …`) in the model's body".into(),
            ))
        }
        _ if !declared => Err(RenameError::NotRenameable("its declaration is not in the project's files".into())),
        _ => Ok(()),
    }
}

/// Refuses a new name some other declaration in the same namespace has.
fn conflict(ws: &Workspace, analysis: &Analysis, index: &Index, target: &Target, new: &str) -> Result<(), RenameError> {
    let clash = |what: &str| Err(RenameError::Conflict(format!("{what} `{new}` exists already")));
    match target {
        Target::Relation(_) | Target::Journey(_) | Target::Pipeline(_) => match find_item(ws, new) {
            Some((_, item))
                if !matches!(item, Item::Function(_)) && !item.name().text.eq_ignore_ascii_case(target.name()) =>
            {
                clash(item.keyword())
            }
            _ => Ok(()),
        },
        Target::Function(old) => match find_item(ws, new) {
            Some((_, Item::Function(f))) if !f.name.text.eq_ignore_ascii_case(old) => clash("a function"),
            _ => Ok(()),
        },
        Target::Column { relation, column } => {
            let rel = analysis.relation(relation);
            if rel.and_then(|r| r.column(new)).is_some() && !new.eq_ignore_ascii_case(column) {
                return clash(&format!("a column of `{relation}` called"));
            }
            Ok(())
        }
        Target::Stage { journey, stage } => {
            let Some((_, Item::Journey(j))) = find_item(ws, journey) else { return Ok(()) };
            if j.stages
                .iter()
                .any(|s| s.name.text.eq_ignore_ascii_case(new) && !s.name.text.eq_ignore_ascii_case(stage))
            {
                return clash("a stage");
            }
            Ok(())
        }
        Target::Step { journey, stage, step } => {
            let Some((_, Item::Journey(j))) = find_item(ws, journey) else { return Ok(()) };
            let steps = j.stages.iter().filter(|s| s.name.text.eq_ignore_ascii_case(stage)).flat_map(|s| &s.steps);
            if steps.clone().any(|s| s.name.text.eq_ignore_ascii_case(new) && !s.name.text.eq_ignore_ascii_case(step)) {
                return clash("a step of this stage called");
            }
            Ok(())
        }
        Target::Cte { name, def } => {
            // A CTE of the new name would be defined twice; a source or
            // model of that name would be hidden by it.
            if analysis.relation(new).is_some() {
                return Err(RenameError::Conflict(format!(
                    "a source or model `{new}` exists: a CTE of that name would hide it in this query"
                )));
            }
            let other_cte = index.in_file(def.file).iter().any(|o| {
                o.def && matches!(&o.target, Target::Cte { name: n, .. } if n.eq_ignore_ascii_case(new) && n != name)
            });
            if other_cte {
                return clash("a CTE");
            }
            Ok(())
        }
        Target::Param { model, param } => {
            let builtin = crate::models::builtin_params().iter().any(|(n, _)| n.eq_ignore_ascii_case(new));
            let Some((_, Item::Model(m))) = find_item(ws, model) else { return Ok(()) };
            let taken = m
                .params
                .iter()
                .any(|p| p.name.text.eq_ignore_ascii_case(new) && !p.name.text.eq_ignore_ascii_case(param));
            if builtin || taken {
                return clash("a parameter");
            }
            Ok(())
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
