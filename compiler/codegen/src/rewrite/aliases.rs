//! A table the rewrite renames keeps every qualifier that points at it.
//!
//! `select orders.id from orders` reads the source `orders`, which becomes
//! the warehouse's `p.raw.shop_orders`: after the rename, `orders` names
//! nothing. So a renamed table without an alias gets the name it was
//! written with as its alias (`FROM p.raw.shop_orders AS orders`), and a
//! column qualified by the whole written path (`raw.shop_orders.id`, for a
//! table written `raw.shop_orders`) is qualified by that alias instead,
//! since a table with an alias can be named only by it.

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart, TableAlias};

/// The last part of the name a table was written with: what qualifies its
/// columns when it has no alias.
pub(super) fn written_last(written: &ObjectName) -> Option<&Ident> {
    match written.0.last() {
        Some(ObjectNamePart::Identifier(last)) => Some(last),
        _ => None,
    }
}

/// Whether a table renamed to `new_parts` needs an alias to keep being
/// named `last` (a table without an alias is named by its last part).
pub(super) fn needed(last: &Ident, new_parts: &[String]) -> bool {
    !new_parts.last().is_some_and(|n| n.eq_ignore_ascii_case(&last.value))
}

pub(super) fn alias(name: Ident) -> TableAlias {
    TableAlias { explicit: true, at: None, name, columns: vec![] }
}

/// The written path's parts, lowercase, to recognise columns qualified by
/// the whole path.
pub(super) fn path(written: &ObjectName) -> Vec<String> {
    written
        .0
        .iter()
        .map(|p| p.as_ident().map_or_else(|| p.to_string(), |i| i.value.clone()).to_ascii_lowercase())
        .collect()
}

/// `ids` qualified by one of `paths` (more than one part), as the name the
/// table goes by and the rest: `raw.shop_orders.id` → `shop_orders.id`.
pub(super) fn requalify(ids: &mut Vec<Ident>, paths: &[(Vec<String>, Ident)]) {
    for (path, alias) in paths {
        if path.len() < 2 || ids.len() <= path.len() {
            continue;
        }
        let matches = ids.iter().zip(path).all(|(id, p)| id.value.eq_ignore_ascii_case(p));
        if matches {
            let rest = ids.split_off(path.len());
            *ids = std::iter::once(alias.clone()).chain(rest).collect();
            return;
        }
    }
}
