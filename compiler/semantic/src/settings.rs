//! Reading the settings the structural checks have already validated.

use cjo_syntax::ast::{Name, Setting, Value, ValueKind};

/// The setting called `key`, if present.
pub(crate) fn get<'a>(settings: &'a [Setting], key: &str) -> Option<&'a Setting> {
    settings.iter().find(|s| s.key.text == key)
}

/// A bare word value (`profiles = customers`) and its range.
pub(crate) fn word(value: &Value) -> Option<Name> {
    match &value.kind {
        ValueKind::Word(w) => Some(Name { text: w.clone(), range: value.range }),
        _ => None,
    }
}

/// The words of a list value (`events = [a, b]`); a single word counts as
/// a list of one.
pub(crate) fn words(value: &Value) -> Vec<Name> {
    match &value.kind {
        ValueKind::List(items) => items.iter().filter_map(word).collect(),
        _ => word(value).into_iter().collect(),
    }
}
