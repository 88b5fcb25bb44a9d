//! The IDE answers on a small two-file project; places are written as the
//! text they point at, so a test reads like the file.

use std::path::Path;

use cjo_diagnostics::{FileId, Span};
use cjo_project::{MemoryFs, Workspace};

use super::*;

const SOURCES: &str = r#"/// Orders as the shop writes them.
source orders = "shop.orders" {
  /// Who ordered.
  customer_id: string not null
  amount: int
  ordered_at: timestamp not null
}

source customers = "crm.customers" {
  customer_id: string not null
  plan: string
}
"#;

const MODELS: &str = r#"/// Spend per customer.
model spend {
  param min_amount: int = 0
  sql {
    select o.customer_id, sum(o.amount) as total, count(*) as n
    from orders o
    where o.amount >= $min_amount and orders_day(o.ordered_at) is not null
    group by o.customer_id
  }
}

model top {
  sql {
    select customer_id, total from spend where total > 100
  }
}

fn orders_day(t: timestamp) -> date {
  default = "CAST({t} AS DATE)"
}

journey onboarding {
  profiles = customers
  key = customer_id
  events = [orders]

  stage welcome {
    entry: plan = 'free' and any orders where amount > 10
    step send: activate "email.welcome"
    step pause: wait 2 days -> done
    step done: end
  }
}

check spend {
  unique(customer_id)
  expect "positive": total >= 0
}
"#;

fn project() -> (Workspace, Analysis, Index) {
    load(&[("a_sources.cjo", SOURCES), ("b_models.cjo", MODELS)])
}

/// A project of these files, which must check without errors.
fn load(files: &[(&str, &str)]) -> (Workspace, Analysis, Index) {
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", "[project]\nname = \"p\"\ndefault_target = \"trino\"\n");
    for (name, text) in files {
        fs.insert(Path::new("p").join(name), *text);
    }
    let ws = cjo_project::load(&fs, Path::new("p")).unwrap();
    let analysis = crate::analyze(&ws);
    let errors: Vec<_> = crate::all_diagnostics(&ws, &analysis).into_iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let index = Index::new(&ws, &analysis);
    (ws, analysis, index)
}

fn file(ws: &Workspace, name: &str) -> FileId {
    ws.files.iter().find(|f| f.path.ends_with(name)).unwrap().id
}

/// The offset of the `nth` (0-based) occurrence of `needle` in `name`,
/// plus `delta`.
fn at(ws: &Workspace, name: &str, needle: &str, nth: usize, delta: u32) -> (FileId, u32) {
    let id = file(ws, name);
    let text = &ws.file(id).unwrap().text;
    let (i, _) = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("no {nth}th {needle}"));
    (id, i as u32 + delta)
}

fn text_of(ws: &Workspace, span: Span) -> String {
    let f = ws.file(span.file).unwrap();
    let line = f.line_index.line_of(span.range.start) + 1;
    format!("{}:{line}:{}", f.path.file_name().unwrap().to_string_lossy(), span.range.slice(&f.text))
}

#[test]
fn a_column_in_sql_is_its_source_column() {
    let (ws, analysis, index) = project();
    let (f, o) = at(&ws, "b_models.cjo", "o.amount >=", 0, 3);
    let occ = index.at(f, o).unwrap();
    assert_eq!(occ.target, Target::Column { relation: "orders".into(), column: "amount".into() });
    let def = index.definition(&occ.target, &analysis).unwrap();
    assert_eq!(text_of(&ws, def), "a_sources.cjo:5:amount");
    let refs: Vec<String> = index.references(&occ.target).map(|o| text_of(&ws, o.span)).collect();
    // The declaration, two uses in `spend`, the criterion's `amount`.
    assert_eq!(
        refs,
        ["a_sources.cjo:5:amount", "b_models.cjo:5:amount", "b_models.cjo:7:amount", "b_models.cjo:28:amount"]
    );
}

#[test]
fn models_relations_steps_and_functions_resolve() {
    let (ws, analysis, index) = project();
    let (f, o) = at(&ws, "b_models.cjo", "from spend", 0, 6);
    let target = &index.at(f, o).unwrap().target;
    assert_eq!(target, &Target::Relation("spend".into()));
    let refs: Vec<String> = index.references(target).map(|o| text_of(&ws, o.span)).collect();
    assert_eq!(refs, ["b_models.cjo:2:spend", "b_models.cjo:14:spend", "b_models.cjo:35:spend"]);

    let (f, o) = at(&ws, "b_models.cjo", "-> done", 0, 4);
    let step = &index.at(f, o).unwrap().target;
    assert_eq!(text_of(&ws, index.definition(step, &analysis).unwrap()), "b_models.cjo:31:done");

    let (f, o) = at(&ws, "b_models.cjo", "orders_day(o", 0, 2);
    let func = &index.at(f, o).unwrap().target;
    assert_eq!(func, &Target::Function("orders_day".into()));
    assert_eq!(text_of(&ws, index.definition(func, &analysis).unwrap()), "b_models.cjo:18:orders_day");

    let (f, o) = at(&ws, "b_models.cjo", "$min_amount", 0, 3);
    let param = &index.at(f, o).unwrap().target;
    assert_eq!(text_of(&ws, index.definition(param, &analysis).unwrap()), "b_models.cjo:3:min_amount");

    // A model column used downstream points at its alias.
    let (f, o) = at(&ws, "b_models.cjo", "total > 100", 0, 1);
    let total = &index.at(f, o).unwrap().target;
    assert_eq!(text_of(&ws, index.definition(total, &analysis).unwrap()), "b_models.cjo:5:total");
}

#[test]
fn hover_shows_types_docs_schema_and_steps() {
    let (ws, analysis, index) = project();
    let (f, o) = at(&ws, "b_models.cjo", "o.customer_id,", 0, 4);
    let h = hover(&ws, &analysis, &index, f, o).unwrap();
    assert!(h.markdown.contains("orders.customer_id: string not null"), "{}", h.markdown);
    assert!(h.markdown.contains("Who ordered."), "{}", h.markdown);

    let (f, o) = at(&ws, "b_models.cjo", "from spend", 0, 7);
    let h = hover(&ws, &analysis, &index, f, o).unwrap();
    assert!(h.markdown.contains("model spend") && h.markdown.contains("| `total` | `int`"), "{}", h.markdown);
    assert!(h.markdown.contains("Spend per customer."), "{}", h.markdown);

    let (f, o) = at(&ws, "b_models.cjo", "orders_day(o", 0, 0);
    let h = hover(&ws, &analysis, &index, f, o).unwrap();
    assert!(h.markdown.contains("fn orders_day(t: timestamp) -> date"), "{}", h.markdown);

    let (f, o) = at(&ws, "b_models.cjo", "pause:", 0, 1);
    let h = hover(&ws, &analysis, &index, f, o).unwrap();
    assert!(h.markdown.contains("Waits 2 day(s), then goes on to `done`."), "{}", h.markdown);

    let (f, o) = at(&ws, "b_models.cjo", "total > 100", 0, 0);
    let h = hover(&ws, &analysis, &index, f, o).unwrap();
    assert!(h.markdown.contains("computed from `orders.amount`"), "{}", h.markdown);
}

#[test]
fn completion_by_context() {
    let (ws, analysis, _) = project();
    let labels = |name: &str, needle: &str, delta: u32| -> Vec<String> {
        let (f, o) = at(&ws, name, needle, 0, delta);
        completions(&ws, &analysis, f, o).into_iter().map(|c| c.label).collect()
    };
    let after_dot = labels("b_models.cjo", "o.amount >=", 2);
    assert_eq!(after_dot, ["customer_id", "amount", "ordered_at"]);
    let after_from = labels("b_models.cjo", "from spend", 5);
    assert!(after_from.contains(&"orders".to_string()) && after_from.contains(&"top".to_string()), "{after_from:?}");
    let after_arrow = labels("b_models.cjo", "-> done", 3);
    assert_eq!(after_arrow, ["send", "pause", "done"]);
    let criterion = labels("b_models.cjo", "amount > 10", 0);
    assert!(criterion.contains(&"plan".to_string()) && criterion.contains(&"amount".to_string()), "{criterion:?}");
    let in_select = labels("b_models.cjo", "customer_id, total from", 0);
    assert!(in_select.contains(&"total".to_string()) && in_select.contains(&"orders_day".to_string()));
    let top = completions(&ws, &analysis, file(&ws, "b_models.cjo"), 0);
    assert!(top.iter().any(|c| c.label == "journey"));
}

#[test]
fn setting_completion_offers_every_key_the_checker_accepts() {
    use cjo_syntax::validate::{JOURNEY_SETTINGS, MODEL_SETTINGS, PIPELINE_SETTINGS};
    let mut fs = MemoryFs::new();
    let text = "model m {\n  \n  sql { select 1 as x }\n}\npipeline p {\n  \n  run = [m]\n}\njourney j {\n  \n}\n";
    fs.insert("p/cjo.toml", "[project]\nname = \"p\"\n").insert("p/a.cjo", text);
    let ws = cjo_project::load(&fs, Path::new("p")).unwrap();
    let analysis = crate::analyze(&ws);
    let f = ws.files.iter().find(|f| f.path.ends_with("a.cjo")).unwrap().id;
    let in_item = |nth: usize| -> Vec<String> {
        let offset = text.match_indices("{\n  \n").nth(nth).unwrap().0 + 4;
        completions(&ws, &analysis, f, u32::try_from(offset).unwrap()).into_iter().map(|c| c.label).collect()
    };
    for (nth, specs) in [(0, MODEL_SETTINGS), (1, PIPELINE_SETTINGS), (2, JOURNEY_SETTINGS)] {
        let offered = in_item(nth);
        for (key, _, _) in specs {
            assert!(offered.iter().any(|l| l == key), "{key} not offered in item {nth}: {offered:?}");
        }
    }
    assert!(in_item(1).contains(&"on_sla_miss".to_string()));
}

#[test]
fn rename_follows_uses_and_refuses_clashes() {
    let (ws, analysis, index) = project();
    let (f, o) = at(&ws, "a_sources.cjo", "amount", 0, 1);
    assert_eq!(prepare_rename(&ws, &analysis, &index, f, o).unwrap().1, "amount");
    let edits = rename(&ws, &analysis, &index, f, o, "price").unwrap();
    let places: Vec<String> = edits.iter().map(|(s, _)| text_of(&ws, *s)).collect();
    assert_eq!(places.len(), 4, "{places:?}");
    assert!(places.contains(&"b_models.cjo:28:amount".to_string()), "{places:?}");
    assert_eq!(
        rename(&ws, &analysis, &index, f, o, "plan_x").map(|e| e.len()),
        Ok(4),
        "a name no column of orders has"
    );
    assert!(matches!(rename(&ws, &analysis, &index, f, o, "ordered_at"), Err(RenameError::Conflict(_))));
    assert!(matches!(rename(&ws, &analysis, &index, f, o, "1x"), Err(RenameError::Invalid(_))));

    // Renaming a source column renames the model column passing it through.
    let (f, o) = at(&ws, "a_sources.cjo", "customer_id", 0, 0);
    let places: Vec<String> =
        rename(&ws, &analysis, &index, f, o, "buyer").unwrap().iter().map(|(s, _)| text_of(&ws, *s)).collect();
    assert!(places.contains(&"b_models.cjo:14:customer_id".to_string()), "{places:?}");
    assert!(places.contains(&"b_models.cjo:36:customer_id".to_string()), "{places:?}");

    let (f, o) = at(&ws, "b_models.cjo", "model spend", 0, 7);
    assert!(matches!(rename(&ws, &analysis, &index, f, o, "top"), Err(RenameError::Conflict(_))));
    assert_eq!(rename(&ws, &analysis, &index, f, o, "spending").map(|e| e.len()), Ok(3));
    let (f, o) = at(&ws, "b_models.cjo", "step send", 0, 6);
    assert!(matches!(rename(&ws, &analysis, &index, f, o, "done"), Err(RenameError::Conflict(_))));
    let (f, o) = at(&ws, "b_models.cjo", "orders_day(o", 0, 0);
    assert!(rename(&ws, &analysis, &index, f, o, "day_of").is_ok());
    let (f, o) = at(&ws, "b_models.cjo", "total > 100", 0, 0);
    assert!(matches!(rename(&ws, &analysis, &index, f, o, "t"), Err(RenameError::NotRenameable(_))));
}

#[test]
fn outline_nests_columns_stages_and_steps() {
    let (ws, analysis, _) = project();
    let items = outline(&ws, &analysis, file(&ws, "b_models.cjo"));
    let names: Vec<&str> = items.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["spend", "top", "orders_day", "onboarding", "check spend"]);
    let spend = &items[0];
    let children: Vec<&str> = spend.children.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(children, ["min_amount", "customer_id", "total", "n"]);
    let stage = &items[3].children[0];
    assert_eq!(stage.children.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["send", "pause", "done"]);
    for o in &items {
        assert!(o.range.start <= o.selection.start && o.selection.end <= o.range.end, "{o:?}");
    }
}

const CTES: &str = r#"model big_spenders {
  sql {
    with totals as (select customer_id, sum(amount) as total from orders group by customer_id),
         big as (select customer_id from totals where total > 100)
    select b.customer_id from big b join totals t on t.customer_id = b.customer_id
  }
}
"#;

#[test]
fn ctes_are_defined_read_hovered_and_renamed() {
    let (ws, analysis, index) = load(&[("a_sources.cjo", SOURCES), ("c_ctes.cjo", CTES)]);

    // `totals` where it is read goes to its definition; its references
    // are the definition and both reads.
    let (f, o) = at(&ws, "c_ctes.cjo", "from totals", 0, 6);
    let occ = index.at(f, o).unwrap();
    assert!(matches!(&occ.target, Target::Cte { name, .. } if name == "totals"), "{:?}", occ.target);
    assert!(!occ.def);
    let def = index.definition(&occ.target, &analysis).unwrap();
    assert_eq!(text_of(&ws, def), "c_ctes.cjo:3:totals");
    let refs: Vec<String> = index.references(&occ.target).map(|o| text_of(&ws, o.span)).collect();
    assert_eq!(refs, ["c_ctes.cjo:3:totals", "c_ctes.cjo:4:totals", "c_ctes.cjo:5:totals"]);

    let md = hover(&ws, &analysis, &index, f, o).unwrap().markdown;
    assert!(md.contains("common table expression"), "{md}");

    // Renamed everywhere it is written; refused onto another CTE's name or
    // a source's (which it would hide).
    let edits = rename(&ws, &analysis, &index, f, o, "sums").unwrap();
    assert_eq!(edits.len(), 3);
    assert!(matches!(rename(&ws, &analysis, &index, f, o, "big"), Err(RenameError::Conflict(_))));
    assert!(matches!(rename(&ws, &analysis, &index, f, o, "orders"), Err(RenameError::Conflict(_))));

    // After `from`, the CTEs defined so far are offered with the tables.
    let (f, o) = at(&ws, "c_ctes.cjo", "from big", 0, 5);
    let labels: Vec<String> = completions(&ws, &analysis, f, o).into_iter().map(|c| c.label).collect();
    for want in ["totals", "big", "orders"] {
        assert!(labels.iter().any(|l| l == want), "{want} not in {labels:?}");
    }
}
