//! What the emitters need of sources that the analysis does not keep:
//! each source's warehouse table as written. (Models' settings are read
//! once, by `cjo_semantic::program`.)

use std::collections::BTreeMap;

use cjo_project::Workspace;
use cjo_syntax::ast;

/// A source's warehouse table name as written, split into its parts.
pub fn source_tables(ws: &Workspace) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for module in ws.user_modules() {
        for item in &module.ast.items {
            if let ast::Item::Source(s) = item {
                let parts = s.table.value.split('.').map(str::to_string).collect();
                out.entry(s.name.text.to_ascii_lowercase()).or_insert(parts);
            }
        }
    }
    out
}
