//! The state table brought up to the journey as it is now, before a tick
//! (docs/journeys.md, "Changing a live journey"): every column the tick
//! names is added when missing. Each statement is idempotent, so the
//! migration runs at the start of every tick and a tick run again finds
//! nothing to do.
//!
//! The columns a `(was old)` renames are added under their old names too
//! (empty when the table never had them): the tick's copy of the state
//! reads the old column where the new one is empty, which compiles only
//! when both exist. The compaction then rebuilds the table with the
//! current columns, which drops the old ones.

use cjo_journey::{ColumnKind, Plan};
use cjo_project::Dialect;
use cjo_semantic::Ty;

use crate::ident::{ident, path};
use crate::types::type_name;

/// The procedure that adds a column to a Redshift table unless it has it.
const ADD_COLUMN: &str = "cjo_add_column";

/// The migration's statements for the state table `state` (quoted) of
/// `plan`, named `table` in the schema `schema`.
pub fn statements(plan: &Plan<'_>, state: &str, schema: &[String], dialect: Dialect) -> Vec<String> {
    let renamed = plan.renamed_columns();
    let mut wanted: Vec<(String, ColumnKind)> = plan.columns().into_iter().map(|c| (c.name, c.kind)).collect();
    wanted.extend(renamed.iter().map(|(old, _)| (old.name.clone(), old.kind)));
    add_columns(&wanted, state, schema, &plan.state_table(), dialect)
}

fn sql_type(kind: ColumnKind, dialect: Dialect) -> String {
    let ty = match kind {
        ColumnKind::Timestamp => Ty::Timestamp,
        ColumnKind::Int => Ty::Int,
    };
    type_name(&ty, dialect).unwrap_or_else(|| "STRING".into())
}

/// `ADD COLUMN IF NOT EXISTS` where the warehouse has it: in one statement
/// on BigQuery (each DDL statement is a metadata update of the table, and
/// BigQuery limits how often a table's metadata may change), one per
/// column on Trino (one column per `ALTER TABLE`). Redshift has no `IF NOT
/// EXISTS` for columns and runs no conditional SQL outside a stored
/// procedure: a small procedure (created or replaced here, in the
/// journey's schema) looks the column up in `information_schema.columns`
/// and adds it when absent.
fn add_columns(
    columns: &[(String, ColumnKind)],
    state: &str,
    schema: &[String],
    table: &str,
    dialect: Dialect,
) -> Vec<String> {
    let q = |name: &str| ident(name, dialect).to_string();
    match dialect {
        Dialect::BigQuery => {
            let adds: Vec<String> = columns
                .iter()
                .map(|(c, kind)| format!("  ADD COLUMN IF NOT EXISTS {} {}", q(c), sql_type(*kind, dialect)))
                .collect();
            vec![format!("ALTER TABLE {state}\n{}", adds.join(",\n"))]
        }
        Dialect::Trino => columns
            .iter()
            .map(|(c, kind)| {
                format!("ALTER TABLE {state} ADD COLUMN IF NOT EXISTS {} {}", q(c), sql_type(*kind, dialect))
            })
            .collect(),
        Dialect::Redshift => {
            let last: Vec<String> = schema.last().cloned().into_iter().collect();
            let mut proc_path = last.clone();
            proc_path.push(ADD_COLUMN.to_string());
            let procedure = path(&proc_path, dialect);
            let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
            let schema_name = last.first().map_or_else(String::new, |s| s.to_ascii_lowercase());
            // One line: the body's `;` never ends a line, so tools that
            // split a file into statements at a `;` ending a line keep
            // the procedure whole.
            let mut out = vec![format!(
                "CREATE OR REPLACE PROCEDURE {procedure}(p_schema VARCHAR, p_table VARCHAR, p_column VARCHAR, p_type VARCHAR) AS $$ BEGIN IF NOT EXISTS (SELECT 1 FROM information_schema.columns AS c WHERE c.table_schema = p_schema AND c.table_name = p_table AND c.column_name = p_column) THEN EXECUTE 'ALTER TABLE ' || quote_ident(p_schema) || '.' || quote_ident(p_table) || ' ADD COLUMN ' || quote_ident(p_column) || ' ' || p_type; END IF; END $$ LANGUAGE plpgsql"
            )];
            out.extend(columns.iter().map(|(c, kind)| {
                format!(
                    "CALL {procedure}({}, {}, {}, {})",
                    lit(&schema_name),
                    lit(table),
                    lit(c),
                    lit(&sql_type(*kind, dialect))
                )
            }));
            out
        }
    }
}
