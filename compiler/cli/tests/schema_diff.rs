//! `cjoc schema diff` end to end: the differences between declared sources
//! and the catalog in both formats, and the exit status (1 only for the
//! differences `cjoc check` reports as errors, or broken catalog files).

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::Scratch;
use serde_json::Value;

/// Runs `cjoc` in `cwd`, without colour.
fn cjoc(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cjoc")).args(args).current_dir(cwd).env("NO_COLOR", "1").output().unwrap()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The project fixture with a source of every kind of difference.
fn mismatch() -> PathBuf {
    repo().join("tests/fixtures/projects/source_catalog_mismatch")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A project in a scratch folder: `cjo.toml` with `[catalog] paths =
/// ["c.csv"]`, the catalog `c.csv` and `s.cjo`.
fn project(tag: &str, catalog: &str, cjo: &str) -> Scratch {
    let scratch = Scratch::new("schema-diff", tag);
    let config = "[project]\nname = \"t\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"hive\"\nschema = \"t\"\n\n[catalog]\npaths = [\"c.csv\"]\n";
    std::fs::write(scratch.path().join("cjo.toml"), config).unwrap();
    std::fs::write(scratch.path().join("c.csv"), catalog).unwrap();
    std::fs::write(scratch.path().join("s.cjo"), cjo).unwrap();
    scratch
}

const CATALOG: &str = "table_schema,table_name,column_name,ordinal_position,is_nullable,data_type\n\
                       raw,ev,id,1,NO,varchar\n\
                       raw,ev,x,2,YES,integer\n";

#[test]
fn human_output_lists_every_difference_and_exits_1() {
    let out = cjoc(&mismatch(), &["schema", "diff"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out));
    assert_eq!(
        stderr(&out),
        "compared 3 sources with the catalog: 9 errors in 2 sources; 1 source's table is not in the catalog\n"
    );
}

#[test]
fn json_output_has_every_compared_source() {
    let out = cjoc(&mismatch(), &["schema", "diff", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["errors"], 9);
    let sources = value["sources"].as_array().unwrap();
    let names: Vec<&str> = sources.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["clicks", "ev", "ev_ids", "orders"]);
    assert_eq!(sources[0]["catalog"], Value::Null);
    let ev = &sources[1];
    assert_eq!(ev["catalog"]["table"], "hive.raw.ev");
    let x = &ev["differences"][1];
    assert_eq!(
        (x["column"].as_str(), x["kind"].as_str(), x["code"].as_str()),
        (Some("x"), Some("type"), Some("E0121"))
    );
    assert_eq!((x["declared"]["type"].as_str(), x["declared"]["line"].as_u64()), (Some("string"), Some(9)));
    assert_eq!(x["warehouse"]["type"], "int");
    assert_eq!(x["warehouse"]["file"], "./schemas/information_schema_columns.csv");
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn check_fails_on_the_same_differences() {
    let out = cjoc(&mismatch(), &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = value.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E0121", "E0120", "E0121", "E0121", "E0122", "E0121", "E0122", "E0121", "E0120"]);
}

#[test]
fn undeclared_and_nullable_columns_are_listed_but_exit_0() {
    let project = project("subset", CATALOG, "source ev = \"raw.ev\" {\n  id: string\n}\n");
    let out = cjoc(project.path(), &["schema", "diff"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ev = \"raw.ev\" (./s.cjo:1), against `raw.ev` (./c.csv:2)\n  \
         info        id  declared nullable, but the warehouse says `not null`\n  \
         info        x   not declared; the warehouse has `x: int`\n"
    );
    assert_eq!(stderr(&out), "compared 1 source with the catalog: no declared column contradicts it\n");
    let out = cjoc(project.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn sources_that_agree_print_nothing() {
    let project = project("agree", CATALOG, "source ev = \"raw.ev\" {\n  id: string not null\n  x: int\n}\n");
    let out = cjoc(project.path(), &["schema", "diff"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let out = cjoc(project.path(), &["schema", "diff", "--format", "json"]);
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["sources"][0]["differences"], serde_json::json!([]));
    assert_eq!(value["errors"], 0);
}

#[test]
fn a_broken_catalog_file_is_shown_and_exits_1() {
    let broken =
        "table_schema,table_name,column_name,ordinal_position,is_nullable,data_type\nraw,ev,id,1,MAYBE,varchar\n";
    // The source's table is not in the catalog: listed, not an error; but
    // the broken row may be what left it out.
    let project = project("broken", broken, "source other = \"raw.other\" {\n  x: int\n}\n");
    let out = cjoc(project.path(), &["schema", "diff"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("E0115"), "{}", stderr(&out));
    assert!(stderr(&out).contains("may have left tables or columns out"), "{}", stderr(&out));
}

#[test]
fn a_project_without_a_catalog_is_a_usage_error() {
    let out = cjoc(&repo().join("examples/promotions"), &["schema", "diff"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("lists no catalog files"), "{}", stderr(&out));
}

#[test]
fn the_examples_agree_with_their_catalogs() {
    for name in ["onboarding", "custom_reports", "video_watch", "crm_push"] {
        let out = cjoc(&repo().join("examples").join(name), &["schema", "diff"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}{}", stdout(&out), stderr(&out));
    }
}
