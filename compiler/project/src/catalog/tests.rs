use std::path::{Path, PathBuf};

use cjo_diagnostics::{
    CATALOG_SYNTAX, CATALOG_TABLE_NAME, CONFIG_CATALOG_PATH, Diagnostic, FILE_TOO_LARGE, FileId, Span, TextRange,
};

use super::*;
use crate::fs::{DirEntry, MemoryFs, ReadError};
use crate::workspace::{MAX_FILE_SIZE, Workspace, load};

const CUSTOMERS_JSON: &str = r#"[{"name": "customer_id", "type": "STRING", "mode": "REQUIRED"}]"#;

const COLUMNS_CSV: &str = "table_schema,table_name,column_name,data_type,is_nullable\n\
    crm,customers,customer_id,varchar,NO\n\
    shop,orders,order_id,varchar,NO\n";

/// A project whose `catalog.paths` is `patterns`.
fn project(patterns: &[&str]) -> MemoryFs {
    let list: Vec<String> = patterns.iter().map(|p| format!("{p:?}")).collect();
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", format!("[project]\nname = \"p\"\n\n[catalog]\npaths = [{}]\n", list.join(", ")));
    fs
}

fn loaded(fs: &dyn FileSystem) -> Workspace {
    load(fs, Path::new("p")).unwrap()
}

fn catalog_files(ws: &Workspace) -> Vec<String> {
    ws.files.iter().filter(|f| f.kind == FileKind::Catalog).map(|f| f.path.display().to_string()).collect()
}

fn table_names(ws: &Workspace) -> Vec<&str> {
    ws.catalog.tables().iter().map(|t| t.qualified_name.as_str()).collect()
}

/// Each diagnostic as `CODE path: text it points at`.
fn places(ws: &Workspace) -> Vec<String> {
    ws.diagnostics.iter().map(|d| place(ws, d.code.id, d.span())).collect()
}

fn place(ws: &Workspace, code: &str, span: Span) -> String {
    let file = ws.file(span.file).unwrap();
    format!("{code} {}: {}", file.path.display(), span.range.slice(&file.text))
}

fn table(catalog: Option<&str>, schema: &str, name: &str) -> Table {
    let qualified_name = match catalog {
        Some(c) => format!("{c}.{schema}.{name}"),
        None => format!("{schema}.{name}"),
    };
    Table {
        qualified_name,
        catalog: catalog.map(str::to_owned),
        schema: schema.to_owned(),
        name: name.to_owned(),
        doc: None,
        span: Span::new(FileId(1), TextRange::default()),
        columns: Vec::new(),
    }
}

#[test]
fn matching_files_are_read_sorted_and_once() {
    let mut fs = project(&["schemas/*.json", "schemas/crm.*.json", "exports/*.csv"]);
    fs.insert("p/schemas/shop.orders.json", CUSTOMERS_JSON)
        .insert("p/schemas/crm.customers.json", CUSTOMERS_JSON)
        .insert("p/schemas/notes.txt", "not a schema")
        .insert("p/schemas/sub/crm.leads.json", CUSTOMERS_JSON)
        .insert(
            "p/exports/columns.csv",
            "table_schema,table_name,column_name,data_type,is_nullable\nfin,ledger,id,int,NO\n",
        );
    let ws = loaded(&fs);
    assert_eq!(places(&ws), Vec::<String>::new());
    assert_eq!(
        catalog_files(&ws),
        ["p/exports/columns.csv", "p/schemas/crm.customers.json", "p/schemas/shop.orders.json"]
    );
    assert_eq!(table_names(&ws), ["fin.ledger", "crm.customers", "shop.orders"]);
    assert_eq!(ws.user_modules().count(), 0, "catalog files are not parsed as .cjo");
}

#[test]
fn a_pattern_matching_nothing_is_reported_at_the_pattern() {
    let mut fs = project(&["schemas/*.json", "exports/*.csv"]);
    fs.insert("p/schemas/columns.csv", COLUMNS_CSV);
    let ws = loaded(&fs);
    assert_eq!(places(&ws), ["E0114 p/cjo.toml: \"schemas/*.json\"", "E0114 p/cjo.toml: \"exports/*.csv\""]);
    let [in_folder, no_folder] = ws.diagnostics.as_slice() else { panic!("{:?}", ws.diagnostics) };
    assert_eq!(in_folder.message, "`schemas/*.json` in `catalog.paths` matches no file: no file in `schemas/` matches");
    assert_eq!(in_folder.notes, ["`schemas/` holds `schemas/columns.csv`"]);
    assert_eq!(no_folder.message, "`exports/*.csv` in `catalog.paths` matches no file: `exports/` does not exist");
    assert!(no_folder.help.as_deref().unwrap().contains("export the warehouse schemas into `exports/`"));
    assert!(ws.catalog.is_empty());
}

#[test]
fn invalid_patterns_are_reported_once() {
    let fs = project(&["../shared/*.json", "schemas/[ab.json"]);
    let ws = loaded(&fs);
    let codes: Vec<_> = ws.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [CONFIG_CATALOG_PATH, CONFIG_CATALOG_PATH]);
    assert!(ws.diagnostics.iter().all(|d| d.message.starts_with("invalid entry")));
}

#[test]
fn a_table_defined_twice_is_reported_with_the_first_definition() {
    let mut fs = project(&["schemas/*"]);
    fs.insert("p/schemas/columns.csv", COLUMNS_CSV).insert("p/schemas/crm.Customers.json", CUSTOMERS_JSON);
    let ws = loaded(&fs);
    let [d] = ws.diagnostics.as_slice() else { panic!("{:?}", ws.diagnostics) };
    assert_eq!(d.code, CATALOG_TABLE_NAME);
    assert_eq!(d.message, "the table `crm.Customers` is defined twice in the catalog");
    assert_eq!(place(&ws, "", d.span()), format!(" p/schemas/crm.Customers.json: {CUSTOMERS_JSON}"));
    let first = d.labels.iter().find(|l| !l.primary).unwrap();
    assert_eq!(place(&ws, "", first.span), " p/schemas/columns.csv: crm,customers,customer_id,varchar,NO");
    assert_eq!(table_names(&ws), ["crm.customers", "shop.orders"]);
}

#[test]
fn a_double_star_reaches_into_subfolders_but_not_hidden_ones() {
    let mut fs = project(&["schemas/**/*.csv"]);
    fs.insert("p/schemas/top.csv", COLUMNS_CSV.replace("crm,", "top,").replace("shop,", "top2,"))
        .insert("p/schemas/redshift/deep/columns.csv", COLUMNS_CSV)
        .insert("p/schemas/.old/columns.csv", COLUMNS_CSV)
        .insert("p/schemas/redshift/readme.md", "# exports");
    let ws = loaded(&fs);
    assert_eq!(places(&ws), Vec::<String>::new());
    assert_eq!(catalog_files(&ws), ["p/schemas/redshift/deep/columns.csv", "p/schemas/top.csv"]);
}

#[test]
fn a_pattern_from_the_root_skips_target_and_project_files() {
    let mut fs = project(&["**/*.csv", "*"]);
    fs.insert("p/columns.csv", COLUMNS_CSV)
        .insert("p/target/old.csv", "garbage")
        .insert("p/sources.cjo", "source s = \"crm.customers\" { customer_id: string }");
    let ws = loaded(&fs);
    assert_eq!(places(&ws), Vec::<String>::new());
    assert_eq!(catalog_files(&ws), ["p/columns.csv"]);
}

/// A file system on which one file is too large to read: the loader must
/// report it, and go on with the others.
#[derive(Debug)]
struct Huge {
    inner: MemoryFs,
    huge: PathBuf,
}

impl FileSystem for Huge {
    fn read_dir(&self, path: &Path) -> std::io::Result<Vec<DirEntry>> {
        self.inner.read_dir(path)
    }

    fn read(&self, path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
        assert_eq!(limit, MAX_FILE_SIZE);
        if path == self.huge {
            return Err(ReadError::TooLarge(Some(MAX_FILE_SIZE as u64 + 1)));
        }
        self.inner.read(path, limit)
    }
}

#[test]
fn a_file_too_large_is_reported_and_not_read() {
    let mut fs = project(&["schemas/*.csv"]);
    fs.insert("p/schemas/big.csv", COLUMNS_CSV).insert("p/schemas/small.csv", COLUMNS_CSV.replace("crm,", "x,"));
    let fs = Huge { inner: fs, huge: PathBuf::from("p/schemas/big.csv") };
    let ws = loaded(&fs);
    let codes: Vec<_> = ws.diagnostics.iter().map(|d| (d.code, ws.file(d.span().file).unwrap().path.clone())).collect();
    assert_eq!(codes, [(FILE_TOO_LARGE, PathBuf::from("p/schemas/big.csv"))]);
    assert_eq!(table_names(&ws), ["x.customers", "shop.orders"]);
}

#[test]
fn a_malformed_catalog_file_is_reported_where_it_is_broken() {
    let mut fs = project(&["schemas/*.json", "schemas/*.csv"]);
    let broken = "[\n  {\"name\": \"id\", \"type\": \"STRING\"},\n  {\"name\": \"x\" \"type\": \"INT64\"}\n]\n";
    fs.insert("p/schemas/crm.broken.json", broken).insert("p/schemas/columns.csv", COLUMNS_CSV);
    let ws = loaded(&fs);
    let [d] = ws.diagnostics.as_slice() else { panic!("{:?}", ws.diagnostics) };
    assert_eq!(d.code, CATALOG_SYNTAX);
    let file = ws.file(d.span().file).unwrap();
    assert_eq!((file.path.as_path(), file.kind), (Path::new("p/schemas/crm.broken.json"), FileKind::Catalog));
    let at = file.line_index.line_col(&file.text, d.span().range.start);
    assert_eq!((at.line, at.col, d.span().range.slice(&file.text)), (2, 15, "\""), "{d:?}");
    assert_eq!(table_names(&ws), ["crm.customers", "shop.orders"]);
}

#[test]
fn find_ignores_case_and_reads_two_or_three_parts() {
    let mut catalog = Catalog::new();
    for t in
        [table(None, "crm", "customers"), table(Some("Hive"), "shop", "orders"), table(Some("lake"), "shop", "orders")]
    {
        assert_eq!(catalog.insert(t), None);
    }
    let found = |name: &str| catalog.find(name).map(|t| t.qualified_name.as_str());
    assert_eq!(found("crm.Customers"), Some("crm.customers"));
    assert_eq!(found("any-project.crm.customers"), Some("crm.customers"), "the export did not name the catalog");
    assert_eq!(found("shop.orders"), Some("Hive.shop.orders"), "the first read");
    assert_eq!(found("LAKE.shop.orders"), Some("lake.shop.orders"));
    assert_eq!(found("other.shop.orders"), None);
    assert_eq!(found("customers"), None);
    assert_eq!(found("a.b.c.d"), None);
    assert_eq!(catalog.len(), 3);
}

#[test]
fn nearest_suggests_a_table_written_like_the_query() {
    let mut catalog = Catalog::new();
    catalog.insert(table(None, "crm", "customers"));
    catalog.insert(table(Some("hive"), "shop", "orders"));
    assert_eq!(catalog.nearest("crm.customer").as_deref(), Some("crm.customers"));
    assert_eq!(catalog.nearest("hive.shop.order").as_deref(), Some("hive.shop.orders"));
    assert_eq!(catalog.nearest("proj.crm.custmers").as_deref(), Some("proj.crm.customers"));
    assert_eq!(catalog.nearest("customers").as_deref(), Some("crm.customers"));
    assert_eq!(catalog.nearest("zzz.yyy"), None);
    assert_eq!(catalog.did_you_mean("shop.ordrs").as_deref(), Some("did you mean `shop.orders`?"));
}

#[test]
fn insert_keeps_the_first_of_two_tables_with_one_name() {
    let mut catalog = Catalog::new();
    assert_eq!(catalog.insert(table(Some("hive"), "shop", "orders")), None);
    let again: Option<Diagnostic> = catalog.insert(table(Some("HIVE"), "Shop", "Orders"));
    assert_eq!(again.map(|d| d.code), Some(CATALOG_TABLE_NAME));
    assert_eq!(catalog.insert(table(None, "shop", "orders")), None, "another name");
    assert_eq!(catalog.len(), 2);
}
