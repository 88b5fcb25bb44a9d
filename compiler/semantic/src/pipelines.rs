//! Pipelines run models and journeys that exist.

use cjo_diagnostics::{self as codes, Diagnostic, Span, did_you_mean};
use cjo_syntax::ast::Item;

use crate::settings;
use crate::symbols::Symbols;

pub(crate) fn check(symbols: &Symbols<'_>, out: &mut Vec<Diagnostic>) {
    for (file, pipeline) in symbols.pipelines() {
        let Some(run) = settings::get(&pipeline.settings, "run") else { continue };
        for name in settings::words(&run.value) {
            let span = Span::new(file, name.range);
            match symbols.get(&name.text).map(|d| (d, d.item)) {
                Some((_, Item::Model(_) | Item::Journey(_))) => {}
                Some((d, item)) => out.push(
                    Diagnostic::error(codes::UNKNOWN_ITEM, span, format!("`{}` is a {}: a pipeline runs models and journeys", name.text, item.keyword()))
                        .with_label("cannot be run")
                        .with_secondary(d.name_span(), "declared here")
                        .with_help(if matches!(item, Item::Source(_)) {
                            "sources are loaded by someone else; run the models that read it (or use `on_late_upstream` to wait for it)"
                        } else {
                            "list models and journeys in `run`; a pipeline waits for other pipelines by the models they share"
                        }),
                ),
                None => {
                    let runnable: Vec<&str> = symbols
                        .items
                        .values()
                        .filter(|d| matches!(d.item, Item::Model(_) | Item::Journey(_)))
                        .map(|d| d.item.name().text.as_str())
                        .collect();
                    out.push(
                        Diagnostic::error(codes::UNKNOWN_ITEM, span, format!("unknown model or journey `{}`", name.text))
                            .with_label("nothing of this name")
                            .with_help_opt(did_you_mean(&name.text, runnable.iter().copied())),
                    );
                }
            }
        }
    }
}
