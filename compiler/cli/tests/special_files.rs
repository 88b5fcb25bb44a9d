//! Paths that are not regular files, end to end: a FIFO named `x.cjo`
//! (reading it waits for a writer that never comes) and a link to
//! `/dev/zero` (reading it never ends) in a project, its catalog, its
//! `cjo.toml`, and given to `cjoc fmt` and `cjoc schema import`. Every
//! command must finish at once with E0103 naming the path, never hang or
//! read without end: each runs under a time limit, so that a regression
//! fails here instead of hanging the suite. A link to a regular file is
//! read as the file.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{Scratch, output_within};

/// Far above what any of these commands takes, far below a hang.
const LIMIT: Duration = Duration::from_secs(30);

const SOURCES: &str = "source orders = \"shop.orders\" {\n  id: string not null\n}\n";

fn cjoc_in(cwd: &Path, args: &[&str], stdin: Stdio) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cjoc"));
    cmd.args(args).current_dir(cwd).env("NO_COLOR", "1");
    output_within(&mut cmd, stdin, LIMIT)
}

fn cjoc(cwd: &Path, args: &[&str]) -> Output {
    cjoc_in(cwd, args, Stdio::null())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

fn link(target: &str, path: &Path) {
    std::os::unix::fs::symlink(target, path).unwrap();
}

/// Asserts `out` exited with `code` and reported E0103 for each of `names`.
fn assert_refused(out: &Output, code: i32, names: &[&str], what: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{what}:\n{err}");
    for name in names {
        let line = err.lines().find(|l| l.contains("[E0103]") && l.contains(name));
        assert!(line.is_some(), "{what}: no E0103 naming {name}:\n{err}");
    }
}

/// A project holding a FIFO and a link to `/dev/zero` among its `.cjo`
/// files and among its catalog files.
fn project(tag: &str) -> Scratch {
    let s = Scratch::new("special", tag);
    let p = s.path();
    std::fs::write(p.join("cjo.toml"), "[project]\nname = \"p\"\n\n[catalog]\npaths = [\"schemas/*\"]\n").unwrap();
    std::fs::write(p.join("sources.cjo"), SOURCES).unwrap();
    mkfifo(&p.join("pipe.cjo"));
    link("/dev/zero", &p.join("zero.cjo"));
    std::fs::create_dir_all(p.join("schemas")).unwrap();
    mkfifo(&p.join("schemas/columns.csv"));
    link("/dev/zero", &p.join("schemas/shop.orders.json"));
    s
}

#[test]
fn project_commands_report_special_files_instead_of_hanging() {
    let s = project("commands");
    let all = ["pipe.cjo", "zero.cjo", "schemas/columns.csv", "schemas/shop.orders.json"];
    assert_refused(&cjoc(s.path(), &["check", "."]), 1, &all, "check");
    assert_refused(&cjoc(s.path(), &["build", "."]), 1, &all, "build");
    assert!(!s.path().join("target").exists(), "a refused build writes nothing");
    let out = cjoc(s.path(), &["check", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = json.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E0103"; 4], "{json:#}");
    // `cjoc fmt` lists the project's `.cjo` files: the others are formatted.
    let cjo = ["pipe.cjo", "zero.cjo"];
    assert_refused(&cjoc(s.path(), &["fmt", "--check"]), 1, &cjo, "fmt --check");
    assert_refused(&cjoc(s.path(), &["fmt", "."]), 1, &cjo, "fmt .");
    assert_refused(&cjoc(s.path(), &["fmt", "pipe.cjo", "zero.cjo"]), 1, &cjo, "fmt FILES");
    assert_eq!(std::fs::read_to_string(s.path().join("sources.cjo")).unwrap(), SOURCES);
}

#[test]
fn a_config_that_is_a_fifo_is_reported() {
    let s = Scratch::new("special", "config");
    mkfifo(&s.path().join("cjo.toml"));
    std::fs::write(s.path().join("sources.cjo"), SOURCES).unwrap();
    assert_refused(&cjoc(s.path(), &["check"]), 1, &["cjo.toml"], "check");
    let s = Scratch::new("special", "config-link");
    link("/dev/zero", &s.path().join("cjo.toml"));
    assert_refused(&cjoc(s.path(), &["build"]), 1, &["cjo.toml"], "build");
}

#[test]
fn schema_import_reports_special_files() {
    let s = Scratch::new("special", "import");
    mkfifo(&s.path().join("crm.customers.json"));
    link("/dev/zero", &s.path().join("columns.csv"));
    let out = cjoc(s.path(), &["schema", "import", "crm.customers.json"]);
    assert_refused(&out, 2, &["crm.customers.json"], "import a FIFO");
    let out = cjoc(s.path(), &["schema", "import", "columns.csv"]);
    assert_refused(&out, 2, &["columns.csv"], "import /dev/zero");
}

#[test]
fn fmt_reads_at_most_128_mib_of_standard_input() {
    let s = Scratch::new("special", "stdin");
    let zero = std::fs::File::open("/dev/zero").unwrap();
    let out = cjoc_in(s.path(), &["fmt", "-"], Stdio::from(zero));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("[E0102] Error: <stdin> is larger than the 128 MiB cjo reads"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_link_to_a_regular_file_is_read_as_the_file() {
    let s = Scratch::new("special", "link");
    let p = s.path();
    let config =
        "[project]\nname = \"p\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"c\"\nschema = \"s\"\n";
    std::fs::write(p.join("cjo.toml"), config).unwrap();
    std::fs::create_dir_all(p.join("elsewhere")).unwrap();
    std::fs::write(p.join("elsewhere/sources.txt"), SOURCES).unwrap();
    link("elsewhere/sources.txt", &p.join("sources.cjo"));
    // The model reads the source the link holds.
    std::fs::write(p.join("models.cjo"), "model ids {\n  sql { select id from orders }\n}\n").unwrap();
    let out = cjoc(p, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("checked `p` (2 files)"), "{}", stderr(&out));
}
