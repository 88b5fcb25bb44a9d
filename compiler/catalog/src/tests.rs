use super::*;

/// Each diagnostic as `CODE start..end` (or with the text it points at).
fn codes(text: &str, diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(|d| format!("{} `{}`", d.code.id, d.span().range.slice(text))).collect()
}

fn columns(table: &Table) -> Vec<String> {
    table.columns.iter().map(|c| format!("{}: {}{}", c.name, c.ty, if c.not_null { " not null" } else { "" })).collect()
}

#[test]
fn bigquery_schema() {
    let text = r#"[
  {"name": "id", "type": "INT64", "mode": "REQUIRED", "description": "The id"},
  {"name": "tags", "type": "STRING", "mode": "REPEATED"},
  {"name": "price", "type": "NUMERIC", "precision": "10", "scale": "2"},
  {"name": "big", "type": "BIGNUMERIC"},
  {"name": "amount", "type": "NUMERIC"},
  {"name": "items", "type": "RECORD", "mode": "REPEATED", "fields": [
    {"name": "sku", "type": "STRING"},
    {"name": "at", "type": "STRUCT", "fields": [{"name": "d", "type": "DATE"}]}
  ]},
  {"name": "ok", "type": "BOOL"}, {"name": "f", "type": "FLOAT"}, {"name": "b", "type": "BYTES"},
  {"name": "j", "type": "JSON", "description": null}, {"name": "t", "type": "TIMESTAMP"}
]"#;
    let (tables, diagnostics) = import(FileId(3), "schemas/shop.orders.json", text);
    assert_eq!(codes(text, &diagnostics), Vec::<String>::new());
    let [table] = tables.as_slice() else { panic!("{tables:?}") };
    assert_eq!(
        (table.qualified_name.as_str(), table.schema.as_str(), table.name.as_str()),
        ("shop.orders", "shop", "orders")
    );
    assert_eq!(
        columns(table),
        [
            "id: int not null",
            "tags: array<string> not null",
            "price: decimal(10, 2)",
            "big: decimal(76, 38)",
            "amount: decimal(38, 9)",
            "items: array<struct<sku: string, at: struct<d: date>>> not null",
            "ok: bool",
            "f: float",
            "b: bytes",
            "j: json",
            "t: timestamp",
        ]
    );
    assert_eq!(table.columns[0].doc.as_deref(), Some("The id"));
    assert_eq!(table.columns[0].span.range.slice(text), "\"id\"");
    assert_eq!(table.columns[0].span.file, FileId(3));
}

#[test]
fn bigquery_problems_point_at_the_value() {
    let text = r#"[
  {"name": "a", "type": "TIME"},
  {"name": "b", "type": "DATETIME"},
  {"name": "c", "type": "GEOGRAPHY"},
  {"name": "d", "type": "INT6"},
  {"name": "B", "type": "STRING"},
  {"type": "STRING"},
  {"name": "e", "type": "RECORD"},
  {"name": "f", "type": "STRING", "mode": "OPTIONAL"},
  {"name": 7, "type": "STRING"},
  "g"
]"#;
    let (tables, diagnostics) = import(FileId(0), "p.d.t.json", text);
    assert_eq!(
        codes(text, &diagnostics),
        [
            "E0116 `\"TIME\"`",
            "W0002 `\"DATETIME\"`",
            "W0002 `\"GEOGRAPHY\"`",
            "E0116 `\"INT6\"`",
            "E0118 `\"B\"`",
            "E0117 `{\"type\": \"STRING\"}`",
            "E0117 `{\"name\": \"e\", \"type\": \"RECORD\"}`",
            "E0115 `\"OPTIONAL\"`",
            "E0115 `7`",
            "E0115 `\"g\"`",
        ]
    );
    let [table] = tables.as_slice() else { panic!() };
    assert_eq!(table.qualified_name, "p.d.t");
    assert_eq!(table.catalog.as_deref(), Some("p"));
    assert_eq!(columns(table), ["b: timestamp", "c: string"]);
}

#[test]
fn bigquery_syntax_errors_and_names() {
    let text = "[\n  {\"name\": \"a\" \"type\": \"STRING\"}\n]";
    let (_, diagnostics) = import(FileId(0), "d.t.json", text);
    assert_eq!(codes(text, &diagnostics), ["E0115 `\"`"]);
    assert_eq!(diagnostics[0].span().range.start, 17);

    let text = "[{\"name\": \"a\", \"type\": \"STRING\"}]";
    let (tables, diagnostics) = import(FileId(0), "dir/customers.json", text);
    assert_eq!(codes(text, &diagnostics), ["E0119 ``"]);
    assert_eq!(tables[0].qualified_name, "customers");

    let (_, diagnostics) = import(FileId(0), "d.t.json", "{\"a\": 1}");
    assert_eq!(diagnostics[0].code.id, "E0117");

    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let (tables, diagnostics) = import(FileId(0), "d.t.json", &deep);
    assert!(tables[0].columns.is_empty() && diagnostics[0].code.id == "E0115", "{diagnostics:?}");

    let record = |inner: String| format!("[{{\"name\": \"r\", \"type\": \"RECORD\", \"fields\": {inner}}}]");
    let mut deep = "[{\"name\": \"x\", \"type\": \"INT64\"}]".to_string();
    for _ in 0..200 {
        deep = record(deep);
    }
    let (_, diagnostics) = import(FileId(0), "d.t.json", &deep);
    assert_eq!(diagnostics.iter().map(|d| d.code.id).collect::<Vec<_>>(), ["E0115"]);
    assert!(diagnostics[0].message.contains("nested too deeply"));
}

#[test]
fn bigquery_table_object() {
    let text = r#"{
  "description": "Orders",
  "tableReference": {"projectId": "acme", "datasetId": "shop", "tableId": "orders"},
  "schema": {"fields": [{"name": "id", "type": "INTEGER", "mode": "REQUIRED"}]}
}"#;
    let (tables, diagnostics) = import(FileId(0), "whatever.json", text);
    assert_eq!(diagnostics, vec![]);
    assert_eq!(tables[0].qualified_name, "acme.shop.orders");
    assert_eq!(tables[0].doc.as_deref(), Some("Orders"));
    assert_eq!(columns(&tables[0]), ["id: int not null"]);
}

#[test]
fn information_schema_csv() {
    let text = "\
TABLE_SCHEMA,table_name,column_name,ordinal_position,is_nullable,data_type,numeric_precision,numeric_scale
crm,customers,email,2,YES,character varying(256),,
crm,customers,id,1,NO,bigint,,
sales,orders,total,3,YES,numeric,12,2
sales,orders,lines,1,NO,\"array(row(sku varchar, qty integer))\",,
crm,customers,score,3,YES,\"decimal(5,2)\",,
";
    let (tables, diagnostics) = import(FileId(0), "columns.csv", text);
    assert_eq!(codes(text, &diagnostics), Vec::<String>::new());
    let names: Vec<_> = tables.iter().map(|t| t.qualified_name.as_str()).collect();
    assert_eq!(names, ["crm.customers", "sales.orders"]);
    assert_eq!(columns(&tables[0]), ["id: int not null", "email: string", "score: decimal(5, 2)"]);
    assert_eq!(columns(&tables[1]), ["lines: array<struct<sku: string, qty: int>> not null", "total: decimal(12, 2)"]);
    assert_eq!(tables[0].columns[0].span.range.slice(text), "id");
}

#[test]
fn information_schema_problems_point_at_the_cell() {
    let text = "\
table_catalog,table_schema,table_name,column_name,is_nullable,data_type
hive,crm,customers,id,NO,\"map(varchar, bigint)\"
hive,crm,customers,at,maybe,date
hive,crm,customers,b,YES,timestamp(3)
hive,crm,customers,B,YES,date
hive,crm,customers,,YES,date
hive,crm,customers,c,YES
hive,crm,customers,d,YES,\"array(int\"\"\"
";
    let (tables, diagnostics) = import(FileId(0), "columns.csv", text);
    assert_eq!(
        codes(text, &diagnostics),
        [
            "E0116 `map(varchar, bigint)`",
            "E0115 `maybe`",
            "W0002 `timestamp(3)`",
            "E0118 `B`",
            "E0117 ``",
            "E0115 `hive,crm,customers,c,YES`",
            "E0115 `\"`",
        ]
    );
    assert_eq!(tables[0].qualified_name, "hive.crm.customers");
    assert_eq!(columns(&tables[0]), ["b: timestamp"]);
}

#[test]
fn information_schema_header_and_quotes() {
    let text = "table_schema,table_name,column_name\ncrm,customers,id\n";
    let (tables, diagnostics) = import(FileId(0), "columns.csv", text);
    assert!(tables.is_empty());
    assert_eq!(codes(text, &diagnostics), ["E0117 `table_schema,table_name,column_name`"]);
    assert!(diagnostics[0].message.contains("`data_type`, `is_nullable`"));

    let (_, diagnostics) = import(FileId(0), "columns.csv", "");
    assert_eq!(diagnostics[0].code.id, "E0117");

    let text = "table_schema,table_name,column_name,data_type,is_nullable\ncrm,\"cust\nomers,id,date,NO\n";
    let (_, diagnostics) = import(FileId(0), "columns.csv", text);
    assert!(codes(text, &diagnostics).contains(&"E0115 `\"`".to_string()), "{diagnostics:?}");
}

#[test]
fn a_table_whose_columns_all_fail_is_kept() {
    let text = "table_schema,table_name,column_name,data_type,is_nullable\ncrm,c,t,time,NO\n";
    let (tables, diagnostics) = import(FileId(0), "columns.csv", text);
    assert_eq!(codes(text, &diagnostics), ["E0116 `time`"]);
    assert_eq!(tables[0].qualified_name, "crm.c");
    assert!(tables[0].columns.is_empty());
}
