//! The `cjoc` binary end to end: exit codes and outputs of `check` and
//! `describe` on the examples and on a broken project.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cjoc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cjoc")).args(args).env("NO_COLOR", "1").output().unwrap()
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name).to_string_lossy().into_owned()
}

fn temp_project(files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cjoc-cli-{}-{}", std::process::id(), files.len()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

#[test]
fn describe_prints_inferred_columns_and_lineage() {
    let out = cjoc(&["describe", "customer_profiles", "--dir", &example("onboarding")]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("model `customer_profiles`"), "{text}");
    assert!(text.contains("signup_date") && text.contains("customers.signup_at"), "{text}");
}

#[test]
fn describe_json_has_types_and_source_lineage() {
    let out = cjoc(&["describe", "--format", "json", "--dir", &example("onboarding")]);
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let funnel = value.as_array().unwrap().iter().find(|r| r["name"] == "onboarding_funnel_daily").unwrap();
    let signups = funnel["columns"].as_array().unwrap().iter().find(|c| c["name"] == "signups").unwrap();
    assert_eq!(signups["type"], "int");
    assert_eq!(signups["nullable"], false);
    assert_eq!(signups["source_lineage"][0], "customers.customer_id");
}

#[test]
fn describe_an_unknown_name_suggests_the_nearest() {
    let out = cjoc(&["describe", "customer_profile", "--dir", &example("onboarding")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("customer_profiles"));
}

#[test]
fn check_reports_names_and_types_with_exit_code_1() {
    let dir = temp_project(&[
        ("cjo.toml", "[project]\nname = \"t\"\ndefault_target = \"trino\"\n"),
        (
            "m.cjo",
            "source orders = \"shop.orders\" {\n  order_id: string not null\n  amount: int\n}\n\nmodel big {\n  sql {\n    select order_id, amout from orders\n  }\n}\n",
        ),
    ]);
    let out = cjoc(&["check", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = &value[0];
    assert_eq!(d["code"], "E0302");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64(), d["end_column"].as_u64()), (Some(8), Some(22), Some(27)));
    assert!(d["help"].as_str().unwrap().contains("amount"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn every_example_checks_clean() {
    for name in ["onboarding", "custom_reports", "video_watch", "crm_push", "promotions"] {
        let out = cjoc(&["check", &example(name)]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
