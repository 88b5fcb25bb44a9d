//! Journeys: profiles, key and events resolve to relations, every event
//! relation has a time column, and every criterion is typed against the
//! profile's and the events' columns.

use std::collections::BTreeMap;

use cjo_diagnostics::{self as codes, Diagnostic, FileId, Span, did_you_mean};
use cjo_syntax::ast::{self, Item, Journey, StepKind};

use crate::criteria::ExprCx;
use crate::models::builtin_params;
use crate::schema::Relation;
use crate::settings;
use crate::sql::Col;
use crate::symbols::{self, RelationLookup, Symbols};
use crate::ty::Ty;

/// The relations a journey reads (for the dependency graph).
pub(crate) fn reads(file: FileId, journey: &Journey) -> Vec<(String, Span)> {
    let mut reads = Vec::new();
    for key in ["profiles", "events"] {
        if let Some(s) = settings::get(&journey.settings, key) {
            for name in settings::words(&s.value) {
                reads.push((name.text.to_ascii_lowercase(), Span::new(file, name.range)));
            }
        }
    }
    reads
}

pub(crate) fn check(symbols: &Symbols<'_>, relations: &BTreeMap<String, Relation>, out: &mut Vec<Diagnostic>) {
    for (file, journey) in symbols.journeys() {
        check_journey(symbols, relations, file, journey, out);
    }
}

fn check_journey(
    symbols: &Symbols<'_>,
    relations: &BTreeMap<String, Relation>,
    file: FileId,
    journey: &Journey,
    out: &mut Vec<Diagnostic>,
) {
    let profiles = settings::get(&journey.settings, "profiles").and_then(|s| settings::word(&s.value));
    let key = settings::get(&journey.settings, "key").and_then(|s| settings::word(&s.value));
    let profile = profiles.as_ref().and_then(|p| resolve(symbols, relations, file, p, "profiles", out));

    let profile_cols: Vec<Col> =
        profile.map(|r| r.columns.iter().map(|c| Col::of_relation(&r.name, c)).collect()).unwrap_or_default();
    if let (Some(key), Some(rel), Some(p)) = (&key, profile, &profiles) {
        key_column(rel, key, p, file, "profile relation", out);
    }
    let key_ty = key.as_ref().and_then(|k| profile.and_then(|r| r.column(&k.text))).map(|c| c.ty.clone());

    let mut events: BTreeMap<String, (String, Vec<Col>)> = BTreeMap::new();
    if let Some(s) = settings::get(&journey.settings, "events") {
        for name in settings::words(&s.value) {
            let Some(rel) = resolve(symbols, relations, file, &name, "events", out) else {
                // Still a known name to quantifiers, with columns unknown.
                events.insert(name.text.to_ascii_lowercase(), (name.text.clone(), Vec::new()));
                continue;
            };
            if let Some(key) = &key {
                key_column(rel, key, &name, file, "event relation", out);
                if let (Some(want), Some(col)) = (&key_ty, rel.column(&key.text)) {
                    if Ty::common(want, &col.ty).is_none() {
                        out.push(
                            Diagnostic::error(codes::JOURNEY_KEY, Span::new(file, name.range), format!("the key `{}` is {} in `{}` but {want} in the profiles", key.text, col.ty, rel.name))
                                .with_label(format!("`{}.{}` is {}", rel.name, key.text, col.ty))
                                .with_secondary(Span::new(file, key.range), format!("{want} in the profiles"))
                                .with_help("events are matched to customers by the key: give it one type everywhere (cast it in a model)"),
                        );
                    }
                }
            }
            time_column(symbols, rel, &name, file, out);
            let cols = rel.columns.iter().map(|c| Col::of_relation(&rel.name, c)).collect();
            events.insert(name.text.to_ascii_lowercase(), (rel.name.clone(), cols));
        }
    }
    // Columns of an unresolved profile are unknown: do not report them.
    let open = profiles.is_some() && profile.is_none();

    let params = builtin_params();
    let profile_name = profile.map_or_else(String::new, |r| r.name.clone());
    let criterion = |e: &ast::Expr, what: &'static str, out: &mut Vec<Diagnostic>| {
        if open {
            return;
        }
        let mut cx = ExprCx {
            file,
            functions: &symbols.functions,
            scope: vec![(profile_name.clone(), profile_cols.as_slice())],
            params: &params,
            events: Some(&events),
            what,
            out,
        };
        cx.condition(e);
    };
    for c in &journey.goals {
        criterion(&c.condition, "a goal", out);
    }
    crate::journey_entry::check(file, journey, out);
    for c in &journey.exits {
        criterion(&c.condition, "an exit", out);
    }
    for stage in &journey.stages {
        for c in &stage.entries {
            criterion(&c.condition, "an entry criterion", out);
        }
        for c in &stage.exits {
            criterion(&c.condition, "an exit", out);
        }
        for c in &stage.milestones {
            criterion(&c.condition, "a milestone", out);
        }
        for step in &stage.steps {
            match &step.kind {
                StepKind::Decide { branches, .. } => {
                    for b in branches {
                        criterion(&b.condition, "a `when`", out);
                    }
                }
                StepKind::WaitUntil { condition, .. } => criterion(condition, "a `wait until`", out),
                _ => {}
            }
        }
    }
}

/// A relation named by `profiles` or `events`.
fn resolve<'r>(
    symbols: &Symbols<'_>,
    relations: &'r BTreeMap<String, Relation>,
    file: FileId,
    name: &ast::Name,
    setting: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<&'r Relation> {
    let span = Span::new(file, name.range);
    match symbols::relation(symbols, relations, &name.text) {
        RelationLookup::Found(rel) => Some(rel),
        RelationLookup::Unresolved => None,
        RelationLookup::NotATable(decl) => {
            out.push(
                Diagnostic::error(
                    codes::UNKNOWN_ITEM,
                    span,
                    format!("`{}` is a {}, not a table", name.text, decl.item.keyword()),
                )
                .with_label(format!("`{setting}` names a source or model"))
                .with_secondary(decl.name_span(), "declared here"),
            );
            None
        }
        RelationLookup::Unknown => {
            let help = did_you_mean(&name.text, symbols::relation_names(relations))
                .unwrap_or_else(|| format!("`{setting}` names a source or a model of the project"));
            out.push(
                Diagnostic::error(codes::UNKNOWN_TABLE, span, format!("unknown table `{}`", name.text))
                    .with_label("not a source or model")
                    .with_help(help),
            );
            None
        }
    }
}

fn key_column(rel: &Relation, key: &ast::Name, at: &ast::Name, file: FileId, what: &str, out: &mut Vec<Diagnostic>) {
    if rel.column(&key.text).is_some() {
        return;
    }
    let help = did_you_mean(&key.text, rel.columns.iter().map(|c| c.name.as_str())).unwrap_or_else(|| {
        format!("every profile and event relation needs the key column; select it in `{}` or rename it", rel.name)
    });
    out.push(
        Diagnostic::error(
            codes::JOURNEY_KEY,
            Span::new(file, at.range),
            format!("the {what} `{}` has no key column `{}`", rel.name, key.text),
        )
        .with_label(format!("has no column `{}`", key.text))
        .with_secondary(Span::new(file, key.range), "the journey's key")
        .with_secondary(rel.span, format!("`{}` declared here", rel.name))
        .with_help(help),
    );
}

/// An event relation's time: the source's `time_column`, or its only
/// timestamp column.
fn time_column(symbols: &Symbols<'_>, rel: &Relation, name: &ast::Name, file: FileId, out: &mut Vec<Diagnostic>) {
    let declared = symbols.get(&rel.name).and_then(|d| match d.item {
        Item::Source(s) => {
            settings::get(&s.settings, "time_column").and_then(|st| settings::word(&st.value)).map(|n| (d.file, n))
        }
        _ => None,
    });
    let span = Span::new(file, name.range);
    if declared.is_some() {
        // Checked with the source (sources::check_time_column).
        return;
    }
    let timestamps: Vec<&str> = rel.columns.iter().filter(|c| c.ty == Ty::Timestamp).map(|c| c.name.as_str()).collect();
    if timestamps.len() == 1 || rel.columns.iter().any(|c| c.ty == Ty::Unknown) {
        return;
    }
    let (message, help) = if timestamps.is_empty() {
        (
            format!("the event relation `{}` has no timestamp column", rel.name),
            "criteria count events up to each tick's time, so events need a timestamp column".to_string(),
        )
    } else {
        (
            format!(
                "the event relation `{}` has several timestamp columns ({})",
                rel.name,
                timestamps.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
            ),
            if rel.is_model() {
                "select only the event's time as a timestamp in the model (cast the others to string, or leave them out)".to_string()
            } else {
                format!(
                    "say which one is the event's time with the setting `time_column = {}` inside `source {} = \"…\" {{ … }}`",
                    timestamps.first().unwrap_or(&"…"),
                    rel.name
                )
            },
        )
    };
    out.push(
        Diagnostic::error(codes::NO_TIME_COLUMN, span, message)
            .with_label("used as events here")
            .with_secondary(rel.span, "declared here")
            .with_help(help),
    );
}
