//! BigQuery schemas: `bq show --schema --format=prettyjson` (an array of
//! fields), or `bq show --format=prettyjson` (the table object, whose
//! `schema.fields` holds the array and whose `tableReference` names it).
//!
//! serde_json parses; every value is kept as a borrowed `RawValue`, a slice
//! of the file's text, so its byte range is known for diagnostics.

use std::collections::BTreeMap;

use cjo_diagnostics::{Diagnostic, FileId, Span, TextRange};
use serde_json::value::RawValue;

use crate::diagnostics as diag;
use crate::{Column, Table, Type};

/// BigQuery allows 15 levels of `RECORD`; deeper input is reported rather
/// than followed.
const MAX_DEPTH: usize = 64;

type Object<'a> = BTreeMap<String, &'a RawValue>;

pub fn import(file: FileId, path: &str, text: &str) -> (Vec<Table>, Vec<Diagnostic>) {
    let mut reader = Reader { file, text, diagnostics: Vec::new() };
    let table = reader.table(path);
    (table.into_iter().collect(), reader.diagnostics)
}

struct Reader<'a> {
    file: FileId,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
}

/// A field read from the schema.
struct Field {
    name: String,
    span: Span,
    ty: Type,
    not_null: bool,
    doc: Option<String>,
}

impl<'a> Reader<'a> {
    fn table(&mut self, path: &str) -> Option<Table> {
        let top: &'a RawValue = match serde_json::from_str(self.text) {
            Ok(v) => v,
            Err(e) => {
                let span = self.error_span(&e);
                self.diagnostics
                    .push(diag::syntax(span, format!("this file is not valid JSON: {}", without_position(&e))));
                return None;
            }
        };
        let whole = self.span_of(top);
        let (fields, reference, doc) = if top.get().starts_with('{') {
            let object = self.object(top)?;
            let fields = object.get("schema").and_then(|s| self.object(s)).and_then(|s| s.get("fields").copied());
            let Some(fields) = fields else {
                self.diagnostics.push(diag::missing(
                    whole,
                    "this JSON object has no `schema.fields`",
                    "export the schema with `bq show --schema --format=prettyjson dataset.table`",
                ));
                return None;
            };
            let reference = object.get("tableReference").and_then(|r| self.reference(r));
            let doc = object.get("description").and_then(|d| self.optional_string(d, "description"));
            (fields, reference, doc)
        } else {
            (top, None, None)
        };
        let (catalog, schema, name) = match reference {
            Some(r) => r,
            None => self.name_from_path(path),
        };
        let columns = self.fields(fields, 0)?;
        let qualified_name = match &catalog {
            Some(c) => format!("{c}.{schema}.{name}"),
            None if schema.is_empty() => name.clone(),
            None => format!("{schema}.{name}"),
        };
        let columns = columns
            .into_iter()
            .map(|f| Column { name: f.name, ty: f.ty, not_null: f.not_null, doc: f.doc, span: f.span })
            .collect();
        Some(Table { qualified_name, catalog, schema, name, doc, span: whole, columns })
    }

    /// `<dataset>.<table>.json` or `<project>.<dataset>.<table>.json`.
    fn name_from_path(&mut self, path: &str) -> (Option<String>, String, String) {
        let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let stem = file_name.strip_suffix(".json").or_else(|| file_name.strip_suffix(".JSON")).unwrap_or(file_name);
        let parts: Vec<&str> = stem.split('.').collect();
        match parts.as_slice() {
            [dataset, table] if !dataset.is_empty() && !table.is_empty() => {
                (None, dataset.to_string(), table.to_string())
            }
            [project, dataset, table] if !project.is_empty() && !dataset.is_empty() && !table.is_empty() => {
                (Some(project.to_string()), dataset.to_string(), table.to_string())
            }
            _ => {
                let span = Span::new(self.file, TextRange::empty(0));
                self.diagnostics.push(diag::table_name(span, file_name));
                (None, String::new(), stem.to_string())
            }
        }
    }

    /// `{ "projectId": …, "datasetId": …, "tableId": … }`.
    fn reference(&mut self, raw: &'a RawValue) -> Option<(Option<String>, String, String)> {
        let object = self.object(raw)?;
        let mut get = |key: &str| object.get(key).and_then(|v| self.optional_string(v, key));
        let (project, dataset, table) = (get("projectId"), get("datasetId"), get("tableId"));
        Some((project, dataset?, table?))
    }

    /// An array of fields; `None` when it is not an array at all.
    fn fields(&mut self, raw: &'a RawValue, depth: usize) -> Option<Vec<Field>> {
        let span = self.span_of(raw);
        if depth > MAX_DEPTH {
            self.diagnostics.push(diag::syntax(span, "the schema is nested too deeply"));
            return None;
        }
        let Ok(items) = serde_json::from_str::<Vec<&'a RawValue>>(raw.get()) else {
            self.diagnostics.push(
                diag::syntax(span, "expected an array of fields (`[{\"name\": …, \"type\": …}, …]`)")
                    .with_label("not an array"),
            );
            return None;
        };
        let mut fields: Vec<Field> = Vec::new();
        for item in items {
            let Some(field) = self.field(item, depth) else { continue };
            if let Some(first) = fields.iter().find(|f| f.name.eq_ignore_ascii_case(&field.name)) {
                let what = if depth == 0 { "column" } else { "field" };
                self.diagnostics.push(diag::duplicate_column(field.span, first.span, what, &field.name));
                continue;
            }
            fields.push(field);
        }
        Some(fields)
    }

    fn field(&mut self, raw: &'a RawValue, depth: usize) -> Option<Field> {
        let whole = self.span_of(raw);
        let object = self.object(raw)?;
        let required = |this: &mut Self, key: &str| {
            let value = object.get(key).copied();
            if value.is_none() {
                this.diagnostics.push(
                    diag::missing(
                        whole,
                        format!("this field has no `{key}`"),
                        "every field needs a `name` and a `type`",
                    )
                    .with_label(format!("`{key}` missing")),
                );
            }
            value
        };
        let name_raw = required(self, "name")?;
        let type_raw = required(self, "type")?;
        let name = self.string(name_raw, "name")?;
        let written = self.string(type_raw, "type")?;
        let type_span = self.span_of(type_raw);
        let mode = match object.get("mode") {
            Some(m) => self.optional_string(m, "mode").unwrap_or_default(),
            None => String::new(),
        };
        let doc = object.get("description").and_then(|d| self.optional_string(d, "description"));
        let doc = doc.filter(|d| !d.trim().is_empty());

        let ty = match written.to_ascii_uppercase().as_str() {
            "STRING" => Type::String,
            "BYTES" => Type::Bytes,
            "INTEGER" | "INT64" => Type::Int,
            "FLOAT" | "FLOAT64" => Type::Float,
            "BOOLEAN" | "BOOL" => Type::Bool,
            "NUMERIC" | "DECIMAL" => self.decimal(&object, type_span, (38, 9))?,
            "BIGNUMERIC" | "BIGDECIMAL" => self.decimal(&object, type_span, (76, 38))?,
            "TIMESTAMP" => Type::Timestamp,
            "DATE" => Type::Date,
            "DATETIME" => {
                self.diagnostics.push(diag::no_time_zone(type_span, &written));
                Type::Timestamp
            }
            "JSON" => Type::Json,
            "GEOGRAPHY" => {
                self.diagnostics.push(diag::approximate(
                    type_span,
                    &written,
                    "string",
                    "spatial functions are not typed, and it is compared as text",
                ));
                Type::String
            }
            "RECORD" | "STRUCT" => {
                let Some(fields_raw) = object.get("fields").copied() else {
                    self.diagnostics.push(
                        diag::missing(
                            whole,
                            format!("the {written} field `{name}` has no `fields`"),
                            "a RECORD lists its fields; export the schema again",
                        )
                        .with_label("`fields` missing"),
                    );
                    return None;
                };
                let fields = self.fields(fields_raw, depth + 1)?;
                // Fields that were reported leave a struct empty: say only
                // what is wrong with them.
                let written_empty = fields_raw.get().trim_start_matches('[').trim_end_matches(']').trim().is_empty();
                if fields.is_empty() && !written_empty {
                    return None;
                }
                if fields.is_empty() {
                    let span = self.span_of(fields_raw);
                    self.diagnostics.push(
                        diag::missing(
                            span,
                            format!("the {written} field `{name}` has no fields"),
                            "a RECORD has at least one field",
                        )
                        .with_label("empty"),
                    );
                    return None;
                }
                Type::Struct(fields.into_iter().map(|f| (f.name, f.ty)).collect())
            }
            "TIME" => {
                self.diagnostics.push(diag::unsupported_type(
                    type_span,
                    &written,
                    "cjo has no time-of-day type",
                    "read the column through a view that casts it to STRING",
                ));
                return None;
            }
            "INTERVAL" | "RANGE" => {
                self.diagnostics.push(diag::unsupported_type(
                    type_span,
                    &written,
                    "cjo has no interval or range type",
                    "read the column through a view that converts it",
                ));
                return None;
            }
            _ => {
                self.diagnostics.push(diag::unknown_type(type_span, &written, "BigQuery"));
                return None;
            }
        };
        let (ty, not_null) = match mode.to_ascii_uppercase().as_str() {
            "" | "NULLABLE" => (ty, false),
            "REQUIRED" => (ty, true),
            // BigQuery reads a NULL array as an empty one.
            "REPEATED" => (Type::Array(Box::new(ty)), true),
            _ => {
                let span = object.get("mode").map_or(whole, |m| self.span_of(m));
                self.diagnostics.push(
                    diag::syntax(span, format!("`{mode}` is not a BigQuery mode"))
                        .with_label("expected NULLABLE, REQUIRED or REPEATED"),
                );
                return None;
            }
        };
        Some(Field { name, span: self.span_of(name_raw), ty, not_null, doc })
    }

    /// A `NUMERIC`'s `precision` and `scale` (strings in `bq` output), or the
    /// type's default.
    fn decimal(&mut self, object: &Object<'a>, type_span: Span, default: (u32, u32)) -> Option<Type> {
        let mut number = |key: &str| -> Option<Option<u32>> {
            let Some(raw) = object.get(key) else { return Some(None) };
            let text = raw.get().trim_matches('"');
            match text.parse::<u32>() {
                Ok(n) => Some(Some(n)),
                Err(_) => {
                    let span = self.span_of(raw);
                    self.diagnostics.push(diag::syntax(span, format!("`{key}` must be a whole number")));
                    None
                }
            }
        };
        let (precision, scale) = match (number("precision")?, number("scale")?) {
            (None, None) => default,
            (Some(p), s) => (p, s.unwrap_or(0)),
            (None, Some(s)) => (default.0, s),
        };
        if !crate::types::valid_decimal(precision, scale) {
            self.diagnostics.push(diag::invalid_decimal(type_span, precision, scale));
            return None;
        }
        Some(Type::Decimal { precision, scale })
    }

    fn object(&mut self, raw: &'a RawValue) -> Option<Object<'a>> {
        match serde_json::from_str::<Object<'a>>(raw.get()) {
            Ok(o) => Some(o),
            Err(_) => {
                let span = self.span_of(raw);
                self.diagnostics.push(diag::syntax(span, "expected a JSON object (`{…}`)").with_label("not an object"));
                None
            }
        }
    }

    fn string(&mut self, raw: &'a RawValue, key: &str) -> Option<String> {
        match serde_json::from_str::<String>(raw.get()) {
            Ok(s) => Some(s),
            Err(_) => {
                let span = self.span_of(raw);
                self.diagnostics
                    .push(diag::syntax(span, format!("`{key}` must be a string")).with_label("not a string"));
                None
            }
        }
    }

    /// A string, or nothing for `null`.
    fn optional_string(&mut self, raw: &'a RawValue, key: &str) -> Option<String> {
        if raw.get() == "null" { None } else { self.string(raw, key) }
    }

    /// Where a borrowed value lies in the text.
    fn span_of(&self, raw: &RawValue) -> Span {
        let value = raw.get();
        // Every value is borrowed from `self.text`; anything else (which
        // cannot happen) gets an empty span at the start.
        let start = (value.as_ptr() as usize).checked_sub(self.text.as_ptr() as usize);
        let range = match start {
            Some(start) if start + value.len() <= self.text.len() => start..start + value.len(),
            _ => 0..0,
        };
        Span::new(self.file, TextRange::from_usize(range))
    }

    /// serde_json reports a 1-based line and column; point at that byte.
    fn error_span(&self, e: &serde_json::Error) -> Span {
        let line_start = if e.line() <= 1 {
            0
        } else {
            self.text.match_indices('\n').nth(e.line() - 2).map_or(self.text.len(), |(i, _)| i + 1)
        };
        let mut offset = (line_start + e.column().saturating_sub(1)).min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let end =
            self.text.get(offset..).and_then(|rest| rest.chars().next()).map_or(offset, |c| offset + c.len_utf8());
        Span::new(self.file, TextRange::from_usize(offset..end))
    }
}

/// serde_json's message without its " at line 3 column 5" (the span shows it).
fn without_position(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(&message).to_string(),
        None => message,
    }
}
