//! `--state`, `state:` selectors, `--defer` and `cjoc diff` end to end on
//! a copy of an example: a production build, then changes of each kind.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{Scratch, copy_dir};
use serde_json::Value;

fn cjoc(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_cjoc"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cjoc {args:?}\nstderr:\n{}\nstdout:\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    out
}

fn lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

/// Replaces `old` (which must be there) by `new` in `file`.
fn edit(file: &Path, old: &str, new: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(old), "{} has no {old:?}", file.display());
    std::fs::write(file, text.replacen(old, new, 1)).unwrap();
}

/// A copy of `examples/video_watch` and its production build.
fn production(scratch: &Scratch) -> (PathBuf, PathBuf) {
    let project = scratch.path().join("project");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/video_watch"), &project);
    let prod = scratch.path().join("prod");
    cjoc(&["build", project.to_str().unwrap(), "--out", prod.to_str().unwrap(), "--run-date", "2026-11-20"]);
    (project, prod)
}

fn diff(project: &Path, prod: &Path) -> Vec<Value> {
    let out = cjoc(&["diff", project.to_str().unwrap(), "--state", prod.to_str().unwrap(), "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array().unwrap().clone()
}

fn ls(project: &Path, prod: &Path, select: &str) -> Vec<String> {
    let state = prod.to_str().unwrap();
    lines(&cjoc(&["ls", project.to_str().unwrap(), "--state", state, "--select", select]))
}

/// Applies the edits under `key` of `tests/data/slim_ci/changes.json`.
fn apply(project: &Path, key: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/slim_ci/changes.json");
    let changes: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for e in changes[key].as_array().unwrap() {
        let text = |k: &str| e[k].as_str().unwrap().to_string();
        edit(&project.join(text("file")), &text("old"), &text("new"));
    }
}

/// The three changes of a pull request: a model's body, a source's
/// columns, and a comment.
fn change(project: &Path) {
    apply(project, "edits");
}

#[test]
fn nothing_changed_is_no_change() {
    let scratch = Scratch::new("state", "same");
    let (project, prod) = production(&scratch);
    assert_eq!(diff(&project, &prod), Vec::<Value>::new());
    // A layout-only edit of every file is metadata at most.
    for name in ["core.cjo", "reports.cjo", "global.cjo"] {
        let file = project.join(name);
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, text.replace("    select ", "    select\n      ")).unwrap();
    }
    assert_eq!(ls(&project, &prod, "state:modified"), Vec::<String>::new());
    let kinds: Vec<String> = diff(&project, &prod).iter().map(|c| c["kind"].as_str().unwrap().to_string()).collect();
    assert!(kinds.iter().all(|k| k == "metadata"), "{kinds:?}");
}

#[test]
fn diff_says_each_kind_and_names_each_reader() {
    let scratch = Scratch::new("state", "diff");
    let (project, prod) = production(&scratch);
    change(&project);
    // Breaking: a column becomes nullable; its check reads it.
    edit(
        &project.join("global.cjo"),
        "sum(coalesce(q.watch_seconds, 0)) as watch_seconds",
        "sum(q.watch_seconds) as watch_seconds",
    );
    // New and removed nodes.
    std::fs::write(
        project.join("extra.cjo"),
        "model lecture_count {\n  sql { select count(*) as n from lectures }\n}\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(project.join("reports.cjo")).unwrap();
    let start = text.find("/// Lectures most learners drop out of").unwrap();
    let end = start + text[start..].find("\n}\n").unwrap() + 3;
    std::fs::write(project.join("reports.cjo"), format!("{}{}", &text[..start], &text[end..])).unwrap();
    edit(&project.join("pipelines.cjo"), ", lecture_dropoff_report]", "]");

    let changes = diff(&project, &prod);
    let summary: Vec<(String, String, Vec<String>, Vec<String>)> = changes
        .iter()
        .map(|c| {
            let strings = |v: &Value| -> Vec<String> {
                v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect()
            };
            let readers = c["readers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| format!("{} ({})", r["id"].as_str().unwrap(), strings(&r["columns"]).join(", ")))
                .collect();
            (c["id"].as_str().unwrap().into(), c["kind"].as_str().unwrap().into(), strings(&c["columns"]), readers)
        })
        .collect();
    let expected: Vec<(&str, &str, Vec<&str>, Vec<&str>)> = vec![
        (
            "model.global_daily_watch",
            "breaking",
            vec!["watch_seconds"],
            vec!["check.global_daily_watch.expect_no_negative_watch_time (watch_seconds)"],
        ),
        ("model.learner_engagement_segments", "metadata", vec![], vec![]),
        ("model.lecture_count", "new", vec![], vec![]),
        (
            "model.lecture_daily_stats",
            "data",
            vec!["completions"],
            vec!["check.lecture_daily_stats.expect_completions_never_exceed_viewers (completions)"],
        ),
        ("model.lecture_dropoff_report", "removed", vec![], vec![]),
        ("source.quipper_watch_events", "additive", vec!["app_version"], vec![]),
    ];
    let expected: Vec<(String, String, Vec<String>, Vec<String>)> = expected
        .into_iter()
        .map(|(a, b, c, d)| {
            (a.into(), b.into(), c.into_iter().map(String::from).collect(), d.into_iter().map(String::from).collect())
        })
        .collect();
    assert_eq!(summary, expected);

    // The same in words, and `--fail-on-breaking`.
    let human = Command::new(env!("CARGO_BIN_EXE_cjoc"))
        .args(["diff", project.to_str().unwrap(), "--state", prod.to_str().unwrap(), "--fail-on-breaking"])
        .output()
        .unwrap();
    assert_eq!(human.status.code(), Some(1));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("breaking  model.global_daily_watch\n  column watch_seconds: now nullable\n  read by check.global_daily_watch.expect_no_negative_watch_time (watch_seconds)\n"), "{text}");
    assert!(text.ends_with("1 breaking, 1 data, 1 additive, 1 metadata, 1 new, 1 removed\n"), "{text}");
}

#[test]
fn slim_ci_builds_what_changed_and_reads_the_rest_from_production() {
    let scratch = Scratch::new("state", "slim");
    let (project, prod) = production(&scratch);
    change(&project);
    // CI builds in its own environment, which moves the Trino schema and
    // the BigQuery dataset.
    apply(&project, "ci");

    // A check goes with what it checks (dbt's eager indirect selection).
    let stats = [
        "check.lecture_daily_stats.expect_completions_never_exceed_viewers",
        "check.lecture_daily_stats.references_lecture_id",
        "check.lecture_daily_stats.unique_watch_date_lecture_id",
        "model.lecture_daily_stats",
    ];
    let global = [
        "check.global_daily_watch.accepted_values_country_code",
        "check.global_daily_watch.expect_no_negative_watch_time",
        "check.global_daily_watch.unique_watch_date_country_code",
        "model.global_daily_watch",
    ];
    fn sorted(parts: &[&[&'static str]]) -> Vec<&'static str> {
        let mut all: Vec<&str> = parts.concat();
        all.sort();
        all
    }
    let source = ["source.quipper_watch_events"];
    let report = ["model.lecture_dropoff_report"];
    assert_eq!(ls(&project, &prod, "state:modified"), sorted(&[&stats, &source]));
    assert_eq!(ls(&project, &prod, "state:new"), Vec::<String>::new());
    let plus = sorted(&[&stats, &source, &global, &report]);
    assert_eq!(ls(&project, &prod, "state:modified+"), plus);
    // Only the readers of `completions` are touched; the new source column
    // touches nobody, so `global_daily_watch` is left alone.
    let impacted = sorted(&[&stats, &source, &report]);
    assert_eq!(ls(&project, &prod, "state:impacted"), impacted);
    assert_eq!(ls(&project, &prod, "state:impacted+"), impacted);

    let ci = scratch.path().join("ci");
    let (p, s, o) = (project.to_str().unwrap(), prod.to_str().unwrap(), ci.to_str().unwrap());
    let select = ["--select", "state:modified+", "--defer", "--state", s];
    cjoc(&[&["build", p, "--env", "ci", "--out", o, "--run-date", "2026-11-20"][..], &select].concat());
    let manifest: Value = serde_json::from_str(&std::fs::read_to_string(ci.join("manifest.json")).unwrap()).unwrap();
    let selection = &manifest["selection"];
    let nodes: Vec<&str> = selection["nodes"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(nodes, plus);
    let deferred: Vec<&str> = selection["deferred"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(
        deferred,
        [
            "model.learner_engagement_segments",
            "model.subject_weekly_watch",
            "model.watch_daily_user",
            "model.watch_daily_user_lecture"
        ]
    );
    // The SQL files are the selected tasks', nothing else.
    let mut files: Vec<String> = Vec::new();
    for dialect in ["bigquery", "trino"] {
        for entry in std::fs::read_dir(ci.join(dialect)).unwrap() {
            files.push(entry.unwrap().file_name().to_string_lossy().trim_end_matches(".sql").to_string());
        }
    }
    files.sort();
    let tasks: Vec<&str> = plus.iter().copied().filter(|id| !id.starts_with("source.")).collect();
    assert_eq!(files, tasks);
    // A selected model reads its unselected parent from where production
    // built it (as production's manifest says), and writes into CI's
    // names: a model's own schema goes under CI's (`ci_pr_42_sapuri_core`),
    // one that is production's dataset (`global_core`) is CI's dataset.
    let prod_manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(prod.join("manifest.json")).unwrap()).unwrap();
    let relation = |m: &Value, id: &str, d: &str| m["nodes"][id]["relation"][d].as_str().unwrap().to_string();
    let sql = |id: &str, d: &str| std::fs::read_to_string(ci.join(format!("{d}/{id}.sql"))).unwrap();
    let parent = relation(&prod_manifest, "model.watch_daily_user_lecture", "trino");
    assert_eq!(parent, "td.sapuri_core.watch_daily_user_lecture");
    let stats = sql("model.lecture_daily_stats", "trino");
    assert!(stats.contains(&parent), "{stats}");
    assert!(!stats.contains("ci_pr_42_sapuri_core.watch_daily_user_lecture"), "{stats}");
    for (id, dialect, built) in [
        ("model.lecture_daily_stats", "trino", "td.ci_pr_42_sapuri_core.lecture_daily_stats"),
        ("model.lecture_dropoff_report", "trino", "td.ci_pr_42_sapuri_report.lecture_dropoff_report"),
        ("model.global_daily_watch", "bigquery", "`quipper-global-dwh`.ci_pr_42.global_daily_watch"),
    ] {
        assert_eq!(relation(&manifest, id, dialect), built);
        let text = sql(id, dialect);
        assert!(text.contains(built), "{text}");
        // Never production's table.
        let production = relation(&prod_manifest, id, dialect);
        assert_ne!(production, built);
        assert!(!text.contains(&production), "{text}");
    }
    // A selected reader reads its selected parent from CI.
    let report = sql("model.lecture_dropoff_report", "trino");
    assert!(report.contains("td.ci_pr_42_sapuri_core.lecture_daily_stats"), "{report}");
    // Every deferred parent a selected model reads is read where
    // production built it.
    let mut read = 0;
    for id in tasks.iter().filter(|id| id.starts_with("model.")) {
        let node = &manifest["nodes"][*id];
        for parent in node["depends_on"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()) {
            if !deferred.contains(&parent) {
                continue;
            }
            for (dialect, path) in node["sql"].as_object().unwrap() {
                let production = relation(&prod_manifest, parent, dialect);
                let text = std::fs::read_to_string(ci.join(path.as_str().unwrap())).unwrap();
                assert!(text.contains(&production), "{id} does not read {parent} from production:\n{text}");
                read += 1;
            }
        }
    }
    assert!(read > 0, "the selected models read no deferred parent");
    // Unselected nodes stay in the manifest, without SQL.
    assert_eq!(manifest["nodes"]["model.watch_daily_user"]["sql"], serde_json::json!({}));
    assert!(manifest["nodes"]["model.watch_daily_user"]["fingerprint"].is_object());
}

#[test]
fn a_state_that_is_not_a_build_is_refused() {
    let scratch = Scratch::new("state", "bad");
    let (project, _) = production(&scratch);
    let bogus = scratch.path().join("bogus");
    std::fs::create_dir_all(&bogus).unwrap();
    std::fs::write(bogus.join("manifest.json"), "{\"generator\": \"dbt\"}").unwrap();
    for state in [bogus.clone(), scratch.path().join("missing")] {
        let out = Command::new(env!("CARGO_BIN_EXE_cjoc"))
            .args(["ls", project.to_str().unwrap(), "--state", state.to_str().unwrap(), "-s", "state:modified"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("--state"), "{err}");
    }
}
