//! `cjoc build` and `cjoc graph` end to end, on copies of the examples:
//! the output tree and manifest, reproducible rebuilds, the atomic swap of
//! the output folder, targets, the run interval, parameters and the DAG
//! drawings.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::{Scratch, copy_dir};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The fixed day most tests build for, so that their output is stable.
const RUN_DATE: &str = "2026-01-15";

/// Runs `cjoc` in `cwd` without colour and without `SOURCE_DATE_EPOCH`
/// from the environment, adding `env`.
fn cjoc_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cjoc"));
    cmd.args(args).current_dir(cwd).env("NO_COLOR", "1").env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn cjoc(cwd: &Path, args: &[&str]) -> Output {
    cjoc_env(cwd, args, &[])
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr:\n{}\nstdout:\n{}",
        stderr(out),
        String::from_utf8_lossy(&out.stdout)
    );
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// A copy of `examples/<name>` in a fresh scratch folder: `(scratch, project)`.
fn example(name: &str) -> (Scratch, PathBuf) {
    let scratch = Scratch::new("build", name);
    let project = scratch.path().join(name);
    copy_dir(&examples().join(name), &project);
    (scratch, project)
}

/// Every file below `dir`, by relative path, with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts two trees are byte-identical, naming the first difference.
fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let (ka, kb): (BTreeSet<&String>, BTreeSet<&String>) = (a.keys().collect(), b.keys().collect());
    assert_eq!(ka, kb, "{what}: the files differ");
    for (path, bytes) in a {
        assert!(
            b.get(path) == Some(bytes),
            "{what}: `{path}` differs:\n--- first\n{}\n--- second\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&b[path])
        );
    }
}

/// The folders a build swaps through (`.target.cjo-new-PID` …), left
/// beside the output.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".cjo-"))
        .collect()
}

fn manifest(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("manifest.json is not JSON: {e}\n{text}"))
}

fn nodes(manifest: &Value) -> &serde_json::Map<String, Value> {
    manifest["nodes"].as_object().expect("`nodes` is an object")
}

fn is_task(node: &Value) -> bool {
    matches!(node["kind"].as_str(), Some("model" | "check" | "journey"))
}

/// Every `sql` path of every node: `(node id, dialect, path)`.
fn sql_paths(manifest: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (id, node) in nodes(manifest) {
        let Some(sql) = node.get("sql").and_then(Value::as_object) else { continue };
        for (dialect, path) in sql {
            out.push((id.clone(), dialect.clone(), path.as_str().expect("an sql path is a string").to_string()));
        }
    }
    out
}

fn build(project: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["build", project.to_str().unwrap()];
    args.extend_from_slice(extra);
    cjoc(project.parent().unwrap(), &args)
}

#[test]
fn build_writes_the_manifest_and_sql_per_dialect() {
    for name in ["onboarding", "video_watch"] {
        let (_scratch, project) = example(name);
        let out = build(&project, &["--run-date", RUN_DATE]);
        assert_exit(&out, 0);
        assert!(stderr(&out).contains(&format!("built `{name}`")), "{}", stderr(&out));
        let target = project.join("target");
        let m = manifest(&target);
        assert_eq!(m["project"]["name"], name);
        assert!(m["generator"].as_str().unwrap().starts_with("cjoc "), "{}", m["generator"]);
        assert_eq!(m["run"]["run_date"], RUN_DATE);
        assert_eq!(m["run"]["run_start"], "2026-01-15T00:00:00Z");
        assert_eq!(m["run"]["run_end"], "2026-01-16T00:00:00Z");

        // Every SQL file the manifest names exists, in the folder of its
        // dialect, and every SQL file written is named by the manifest.
        let paths = sql_paths(&m);
        assert!(paths.iter().any(|(id, _, _)| id.starts_with("model.")), "{name}: no model has SQL");
        let dialects: BTreeSet<String> =
            m["dialects"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_string()).collect();
        for (id, dialect, path) in &paths {
            assert!(target.join(path).is_file(), "{name}: {id} names {path}, which was not written");
            assert!(path.starts_with(&format!("{dialect}/")) && path.ends_with(".sql"), "{name}: {id}: {path}");
            assert!(dialects.contains(dialect), "{name}: {dialect} is not in `dialects`");
        }
        let mut named: BTreeSet<String> = paths.iter().map(|(_, _, p)| p.clone()).collect();
        // The scheduler files each pipeline names; a Digdag workflow has
        // its SQL (and, for Trino, the CLI script) beside it.
        for p in m["pipelines"].as_object().unwrap().values() {
            named.extend(p["files"].as_object().unwrap().values().map(|f| f.as_str().unwrap().to_string()));
        }
        let written = tree(&target);
        let beside_workflows = |path: &str| {
            named.iter().any(|n| n.starts_with("digdag/"))
                && (path.starts_with("digdag/sql/") || path == "digdag/cjo_trino.sh")
        };
        for path in written.keys().filter(|p| *p != "manifest.json") {
            assert!(
                named.contains(path.as_str()) || beside_workflows(path),
                "{name}: {path} is written but not in the manifest"
            );
            let text = std::str::from_utf8(&written[path]).unwrap();
            assert!(
                text.contains("generated by cjoc") || text.contains("Generated by cjoc"),
                "{name}: {path}:\n{text}"
            );
            if path.ends_with(".sql") {
                assert!(text.starts_with("-- "), "{name}: {path}:\n{text}");
                assert!(text.trim_end().ends_with(';'), "{name}: {path} does not end a statement:\n{text}");
            }
        }
        // `order` lists every task once, each after what it depends on.
        let order: Vec<&str> = m["order"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        let tasks: BTreeSet<&str> = nodes(&m).iter().filter(|(_, n)| is_task(n)).map(|(id, _)| id.as_str()).collect();
        assert_eq!(order.iter().copied().collect::<BTreeSet<_>>(), tasks, "{name}: `order` is not the tasks");
        assert_eq!(order.len(), tasks.len(), "{name}: a task is listed twice in `order`");
        for (i, id) in order.iter().enumerate() {
            for dep in nodes(&m)[*id]["depends_on"].as_array().unwrap() {
                let dep = dep.as_str().unwrap();
                if tasks.contains(dep) {
                    assert!(order[..i].contains(&dep), "{name}: {id} comes before {dep}, which it depends on");
                }
            }
        }
        assert!(leftovers(&project).is_empty(), "{name}: {:?}", leftovers(&project));
    }
}

#[test]
fn every_example_builds() {
    for name in ["onboarding", "custom_reports", "video_watch", "crm_push", "promotions"] {
        let (_scratch, project) = example(name);
        let out = build(&project, &["--run-date", RUN_DATE]);
        assert_exit(&out, 0);
        let m = manifest(&project.join("target"));
        for (id, _, path) in sql_paths(&m) {
            assert!(project.join("target").join(&path).is_file(), "{name}: {id}: {path}");
        }
    }
}

#[test]
fn a_rebuild_is_byte_identical() {
    let (_scratch, project) = example("video_watch");
    let target = project.join("target");
    assert_exit(&build(&project, &["--run-date", RUN_DATE]), 0);
    let first = tree(&target);
    assert_exit(&build(&project, &["--run-date", RUN_DATE]), 0);
    assert_same_tree(&first, &tree(&target), "rebuild over the previous output");

    // From nothing again, too: the result does not depend on what was there.
    std::fs::remove_dir_all(&target).unwrap();
    assert_exit(&build(&project, &["--run-date", RUN_DATE]), 0);
    assert_same_tree(&first, &tree(&target), "rebuild from scratch");

    // A different day changes the output.
    assert_exit(&build(&project, &["--run-date", "2026-01-16"]), 0);
    assert_ne!(tree(&target), first, "the run date is not in the output");
}

#[test]
fn the_default_run_is_the_day_before_source_date_epoch() {
    let (_scratch, project) = example("onboarding");
    let target = project.join("target");
    let dir = project.to_str().unwrap();
    // 2026-01-15T12:34:56Z: the run is the whole of 2026-01-14.
    let epoch = [("SOURCE_DATE_EPOCH", "1768480496")];
    assert_exit(&cjoc_env(project.parent().unwrap(), &["build", dir], &epoch), 0);
    let first = tree(&target);
    let m = manifest(&target);
    assert_eq!(m["run"]["run_date"], "2026-01-14", "{}", m["run"]);
    assert_eq!(m["run"]["run_start"], "2026-01-14T00:00:00Z");
    assert_eq!(m["run"]["run_end"], "2026-01-15T00:00:00Z");

    assert_exit(&cjoc_env(project.parent().unwrap(), &["build", dir], &epoch), 0);
    assert_same_tree(&first, &tree(&target), "two builds with the same SOURCE_DATE_EPOCH");

    // The same as asking for that day.
    assert_exit(&build(&project, &["--run-date", "2026-01-14"]), 0);
    assert_same_tree(&first, &tree(&target), "SOURCE_DATE_EPOCH against --run-date");

    // `--run-start`/`--run-end` for the same interval, too.
    assert_exit(&build(&project, &["--run-start", "2026-01-14", "--run-end", "2026-01-15T00:00:00Z"]), 0);
    assert_same_tree(&first, &tree(&target), "SOURCE_DATE_EPOCH against --run-start/--run-end");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let (_scratch, project) = example("onboarding");
    let target = project.join("target");
    assert_exit(&build(&project, &["--run-date", RUN_DATE]), 0);
    let before = tree(&target);

    let reporting = project.join("reporting.cjo");
    let mut text = std::fs::read_to_string(&reporting).unwrap();
    text.push_str("\nmodel broken_model {\n  sql {\n    select no_such_column from app_events\n  }\n}\n");
    std::fs::write(&reporting, text).unwrap();

    // Another day, so that a build that did get through would change files.
    let out = build(&project, &["--run-date", "2026-02-01"]);
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("E0302") && err.contains("no_such_column"), "{err}");
    assert!(err.contains("reporting.cjo"), "{err}");
    assert!(err.contains("the output was not changed"), "{err}");
    assert_same_tree(&before, &tree(&target), "the output after a failed build");
    assert!(leftovers(&project).is_empty(), "{:?}", leftovers(&project));
}

#[test]
fn a_failed_build_writes_nothing_where_there_was_nothing() {
    let (_scratch, project) = example("onboarding");
    std::fs::write(
        project.join("broken.cjo"),
        "model broken_model {\n  sql {\n    select nope from app_events\n  }\n}\n",
    )
    .unwrap();
    assert_exit(&build(&project, &["--run-date", RUN_DATE]), 1);
    assert!(!project.join("target").exists());
    assert!(leftovers(&project).is_empty(), "{:?}", leftovers(&project));
}

#[test]
fn out_refuses_a_folder_that_is_not_a_build() {
    let (scratch, project) = example("video_watch");
    let other = scratch.path().join("other");
    std::fs::create_dir_all(other.join("sub")).unwrap();
    std::fs::write(other.join("notes.txt"), "keep me\n").unwrap();
    std::fs::write(other.join("sub/data.csv"), "a,b\n1,2\n").unwrap();
    let before = tree(&other);

    let out = build(&project, &["--out", other.to_str().unwrap(), "--run-date", RUN_DATE]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("not a cjoc build"), "{}", stderr(&out));
    assert_same_tree(&before, &tree(&other), "a folder that is not a build");
    assert!(leftovers(scratch.path()).is_empty(), "{:?}", leftovers(scratch.path()));

    // A manifest.json that some other tool wrote does not make it a build.
    std::fs::write(other.join("manifest.json"), "{\"generator\": \"dbt\"}\n").unwrap();
    let before = tree(&other);
    assert_exit(&build(&project, &["--out", other.to_str().unwrap(), "--run-date", RUN_DATE]), 2);
    assert_same_tree(&before, &tree(&other), "a folder with another tool's manifest");
}

#[test]
fn out_accepts_an_empty_or_missing_folder_and_replaces_a_previous_build() {
    let (scratch, project) = example("video_watch");
    let empty = scratch.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert_exit(&build(&project, &["--out", empty.to_str().unwrap(), "--run-date", RUN_DATE]), 0);
    assert!(empty.join("manifest.json").is_file());
    let first = tree(&empty);

    // A folder that does not exist yet, a few levels down.
    let deep = scratch.path().join("a/b/out");
    assert_exit(&build(&project, &["--out", deep.to_str().unwrap(), "--run-date", RUN_DATE]), 0);
    assert_same_tree(&first, &tree(&deep), "--out in a new folder");

    // A previous build is replaced as a whole: a stray file in it goes.
    std::fs::write(empty.join("trino/stale.sql"), "select 1;\n").unwrap();
    assert_exit(&build(&project, &["--out", empty.to_str().unwrap(), "--run-date", RUN_DATE]), 0);
    assert_same_tree(&first, &tree(&empty), "a rebuild over a build with a stray file");
    assert!(!project.join("target").exists(), "--out also wrote target/");
    assert!(leftovers(scratch.path()).is_empty(), "{:?}", leftovers(scratch.path()));
}

/// A build killed (SIGKILL) at any moment leaves the previous output or
/// the new one, whole: never no output, never half of one. Fifty builds
/// are each killed after a random delay between nothing and a build's
/// duration, alternating two run dates so that the old output and the new
/// one differ; after each kill the output must be one of the two reference
/// builds (or nothing, before the first build got through), and every
/// build that runs to its end clears what the killed ones left beside it.
#[cfg(unix)]
#[test]
fn a_killed_build_leaves_the_old_output_or_the_new_one() {
    use std::time::{Duration, Instant, SystemTime};

    let (_scratch, project) = example("onboarding");
    let target = project.join("target");
    let dir = project.to_str().unwrap();
    let dates = ["2026-01-15", "2026-01-16"];
    let mut reference = Vec::new();
    let mut duration = Duration::ZERO;
    for date in dates {
        let start = Instant::now();
        assert_exit(&build(&project, &["--run-date", date]), 0);
        duration = duration.max(start.elapsed());
        reference.push(tree(&target));
    }
    assert_ne!(reference[0], reference[1]);
    // The first builds are killed with no output yet: a single rename.
    std::fs::remove_dir_all(&target).unwrap();

    // xorshift64*, seeded by the clock; the seed is in every message.
    let seed = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    let mut state = seed;
    let mut random = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    };
    // Which reference the output is (`None`: no output yet).
    let mut current: Option<usize> = None;
    let (mut finished, mut kept) = (0, 0);
    for run in 0..50 {
        let next = run % 2;
        let delay = duration.mul_f64(random());
        let mut child = Command::new(env!("CARGO_BIN_EXE_cjoc"))
            .args(["build", dir, "--run-date", dates[next]])
            .current_dir(project.parent().unwrap())
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        // SIGKILL (a no-op if the build is over).
        let _ = child.kill();
        child.wait().unwrap();
        let what = format!("run {run} (seed {seed}), killed after {delay:?} of a {duration:?} build");
        if !target.exists() {
            assert_eq!(current, None, "{what}: the output is gone");
            continue;
        }
        let now = tree(&target);
        let Some(which) = reference.iter().position(|r| *r == now) else {
            let closest = &reference[next];
            assert_same_tree(closest, &now, &format!("{what}: the output is neither build"));
            unreachable!();
        };
        assert!(which == next || current == Some(which), "{what}: the output is the build of {}", dates[which]);
        if which == next && current != Some(next) {
            finished += 1;
        } else {
            kept += 1;
        }
        current = Some(which);
        if run % 10 == 9 {
            assert_exit(&build(&project, &["--run-date", dates[next]]), 0);
            assert!(leftovers(&project).is_empty(), "{what}: a build left {:?}", leftovers(&project));
            current = Some(next);
        }
    }
    assert_exit(&build(&project, &["--run-date", dates[0]]), 0);
    assert_same_tree(&reference[0], &tree(&target), "the build after the kills");
    assert!(leftovers(&project).is_empty(), "{:?}", leftovers(&project));
    eprintln!("{finished} builds got through before the kill, {kept} kept the previous output (seed {seed})");
}

#[test]
fn target_builds_every_portable_model_for_each_dialect() {
    let (_scratch, project) = example("onboarding");
    let out = build(&project, &["--target", "bigquery,redshift,trino", "--run-date", RUN_DATE]);
    assert_exit(&out, 0);
    let target = project.join("target");
    let m = manifest(&target);
    assert_eq!(m["dialects"], serde_json::json!(["bigquery", "redshift", "trino"]));
    for dialect in ["bigquery", "redshift", "trino"] {
        let dir = target.join(dialect);
        assert!(dir.is_dir(), "no {dialect}/ folder");
        let sql =
            std::fs::read_dir(&dir).unwrap().filter(|e| e.as_ref().unwrap().path().extension() == Some("sql".as_ref()));
        assert!(sql.count() > 0, "{dialect}/ has no SQL");
    }
    // Every model has SQL in each of the three.
    for (id, node) in nodes(&m).iter().filter(|(_, n)| n["kind"] == "model") {
        let sql = node["sql"].as_object().unwrap();
        assert_eq!(sql.keys().collect::<Vec<_>>(), ["bigquery", "redshift", "trino"], "{id}");
    }
    for (id, _, path) in sql_paths(&m) {
        assert!(target.join(&path).is_file(), "{id}: {path}");
    }
    // Repeated `--target` flags and spacing/case are the same request.
    let again = build(&project, &["--target", "Trino", "--target", "redshift, bigquery,trino", "--run-date", RUN_DATE]);
    assert_exit(&again, 0);
    assert_eq!(manifest(&target)["dialects"], m["dialects"]);
}

#[test]
fn target_only_one_dialect() {
    let (_scratch, project) = example("video_watch");
    assert_exit(&build(&project, &["--target", "trino", "--run-date", RUN_DATE]), 0);
    let target = project.join("target");
    assert_eq!(manifest(&target)["dialects"], serde_json::json!(["trino"]));
    assert!(target.join("trino").is_dir());
    assert!(!target.join("bigquery").exists() && !target.join("redshift").exists());
}

#[test]
fn an_unknown_target_is_a_usage_error() {
    let (_scratch, project) = example("onboarding");
    let out = build(&project, &["--target", "trino,snowflake", "--run-date", RUN_DATE]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("`snowflake` is not a target"), "{err}");
    assert!(err.contains("bigquery") && err.contains("redshift") && err.contains("trino"), "{err}");
    assert!(!project.join("target").exists());
}

#[test]
fn the_run_interval_flags_are_checked() {
    let (_scratch, project) = example("onboarding");
    let usage = |args: &[&str], needle: &str| {
        let out = build(&project, args);
        assert_exit(&out, 2);
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    };
    usage(&["--run-start", "2026-01-01"], "--run-end");
    usage(&["--run-end", "2026-01-01"], "--run-start");
    usage(&["--run-date", "2026-01-01", "--run-start", "2026-01-01", "--run-end", "2026-01-02"], "--run-date");
    usage(&["--run-date", "yesterday"], "is not a date or time");
    usage(&["--run-date", "2026-02-30"], "is not a date or time");
    usage(&["--run-start", "2026-01-02", "--run-end", "2026-01-01"], "must be after");
    usage(&["--run-start", "2026-01-02", "--run-end", "2026-01-02"], "must be after");
    assert!(!project.join("target").exists());

    // An interval of hours.
    let out = build(&project, &["--run-start", "2026-01-02T03:00:00Z", "--run-end", "2026-01-02T04:00:00Z"]);
    assert_exit(&out, 0);
    let m = manifest(&project.join("target"));
    assert_eq!(m["run"]["run_start"], "2026-01-02T03:00:00Z");
    assert_eq!(m["run"]["run_end"], "2026-01-02T04:00:00Z");
    assert_eq!(m["run"]["run_date"], "2026-01-02");
}

/// `examples/video_watch/reports.cjo`: `param heavy_days_7d: int = 4`.
const SEGMENTS_SQL: &str = "target/trino/model.learner_engagement_segments.sql";

#[test]
fn param_values_reach_the_sql() {
    let (_scratch, project) = example("video_watch");
    assert_exit(&build(&project, &["--run-date", RUN_DATE]), 0);
    let default = std::fs::read_to_string(project.join(SEGMENTS_SQL)).unwrap();
    assert!(default.contains("active_days_7d >= 4"), "{default}");

    assert_exit(&build(&project, &["--run-date", RUN_DATE, "--param", "heavy_days_7d=9"]), 0);
    let given = std::fs::read_to_string(project.join(SEGMENTS_SQL)).unwrap();
    assert!(given.contains("active_days_7d >= 9"), "{given}");
    // `$name=value` is read the same.
    assert_exit(&build(&project, &["--run-date", RUN_DATE, "--param", "$heavy_days_7d=9"]), 0);
    assert_eq!(std::fs::read_to_string(project.join(SEGMENTS_SQL)).unwrap(), given);
}

#[test]
fn a_param_value_of_the_wrong_type_is_e0603() {
    let (_scratch, project) = example("video_watch");
    assert_exit(&build(&project, &["--run-date", RUN_DATE]), 0);
    let before = tree(&project.join("target"));
    for bad in ["heavy_days_7d=abc", "heavy_days_7d=4.5", "heavy_days_7d=", "heavy_days_7d=1; drop table x"] {
        let out = build(&project, &["--run-date", RUN_DATE, "--param", bad]);
        assert_exit(&out, 1);
        let err = stderr(&out);
        assert!(err.contains("E0603"), "{bad}: {err}");
        assert!(err.contains("$heavy_days_7d") && err.contains("reports.cjo"), "{bad}: {err}");
        assert!(err.contains("the output was not changed"), "{bad}: {err}");
        assert_same_tree(&before, &tree(&project.join("target")), bad);
    }
    // A value for a float parameter that is not a number, too.
    let out = build(&project, &["--run-date", RUN_DATE, "--param", "max_progress=half"]);
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("E0603"), "{}", stderr(&out));
}

#[test]
fn a_param_without_a_value_is_a_usage_error() {
    let (_scratch, project) = example("video_watch");
    let out = build(&project, &["--run-date", RUN_DATE, "--param", "heavy_days_7d"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("name=value"), "{}", stderr(&out));
}

fn graph(project: &Path, format: &str) -> Output {
    cjoc(project.parent().unwrap(), &["graph", project.to_str().unwrap(), "--format", format])
}

/// `(from, to)` for every `depends_on` between tasks in the manifest.
fn manifest_task_edges(m: &Value) -> BTreeSet<(String, String)> {
    let tasks: BTreeSet<&String> = nodes(m).iter().filter(|(_, n)| is_task(n)).map(|(id, _)| id).collect();
    let mut edges = BTreeSet::new();
    for (id, node) in nodes(m).iter().filter(|(_, n)| is_task(n)) {
        for dep in node["depends_on"].as_array().unwrap() {
            let dep = dep.as_str().unwrap().to_string();
            if tasks.contains(&dep) {
                edges.insert((dep, id.clone()));
            }
        }
    }
    edges
}

#[test]
fn graph_draws_the_dag_in_dot_mermaid_and_json() {
    for name in ["video_watch", "onboarding"] {
        let (_scratch, project) = example(name);
        assert_exit(&build(&project, &["--run-date", RUN_DATE]), 0);
        let m = manifest(&project.join("target"));
        let edges = manifest_task_edges(&m);
        assert!(!edges.is_empty(), "{name}: no edges between tasks");

        let dot = graph(&project, "dot");
        assert_exit(&dot, 0);
        let dot = String::from_utf8(dot.stdout).unwrap();
        assert!(dot.starts_with("digraph"), "{name}:\n{dot}");
        assert!(dot.trim_end().ends_with('}'), "{name}:\n{dot}");
        for (from, to) in &edges {
            assert!(dot.contains(&format!("\"{from}\" -> \"{to}\";")), "{name}: no edge {from} -> {to}:\n{dot}");
        }
        assert_eq!(dot.matches(" -> ").count(), edges.len(), "{name}:\n{dot}");

        let mermaid = graph(&project, "mermaid");
        assert_exit(&mermaid, 0);
        let mermaid = String::from_utf8(mermaid.stdout).unwrap();
        assert!(mermaid.starts_with("flowchart"), "{name}:\n{mermaid}");
        assert_eq!(mermaid.matches(" --> ").count(), edges.len(), "{name}:\n{mermaid}");

        let json = graph(&project, "json");
        assert_exit(&json, 0);
        let json: Value = serde_json::from_slice(&json.stdout).unwrap();
        let drawn: BTreeSet<(String, String)> = json["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e[0].as_str().unwrap().to_string(), e[1].as_str().unwrap().to_string()))
            .collect();
        assert_eq!(drawn, edges, "{name}: the graph's edges are not the manifest's");
        let ids: Vec<&str> = json["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
        assert_eq!(ids, m["order"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect::<Vec<_>>());
    }
}

#[test]
fn graph_dot_has_an_edge_between_two_models() {
    // `watch_daily_user` reads `watch_daily_user_lecture`.
    let (_scratch, project) = example("video_watch");
    let out = graph(&project, "dot");
    assert_exit(&out, 0);
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(dot.contains("digraph"), "{dot}");
    assert!(dot.contains("\"model.watch_daily_user_lecture\" -> \"model.watch_daily_user\";"), "{dot}");
    // `graph` writes nothing to disk.
    assert!(!project.join("target").exists());
}

#[test]
fn graph_of_a_broken_project_fails_with_the_diagnostics() {
    let (_scratch, project) = example("onboarding");
    std::fs::write(
        project.join("broken.cjo"),
        "model broken_model {\n  sql {\n    select nope from app_events\n  }\n}\n",
    )
    .unwrap();
    let out = graph(&project, "dot");
    assert_exit(&out, 1);
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(stderr(&out).contains("E0302"), "{}", stderr(&out));
}

#[test]
fn build_without_a_project_is_a_usage_error() {
    let scratch = Scratch::new("build", "noproject");
    let out = cjoc(scratch.path(), &["build", "."]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("no cjo.toml"), "{}", stderr(&out));
    assert!(!scratch.path().join("target").exists());
}

/// The manifest names each model's file relative to the project, whatever
/// folder `cjoc build` was run from and however the project was named on
/// the command line, so that the output does not depend on the caller.
#[test]
fn manifest_files_do_not_depend_on_how_the_project_was_named() {
    let (scratch, project) = example("video_watch");
    let target = project.join("target");
    assert_exit(&cjoc(&project, &["build", "--run-date", RUN_DATE]), 0);
    let from_inside = tree(&target);
    assert_exit(&cjoc(scratch.path(), &["build", "video_watch", "--run-date", RUN_DATE]), 0);
    assert_same_tree(&from_inside, &tree(&target), "built from inside against from its parent");
    assert_exit(&cjoc(scratch.path(), &["build", project.to_str().unwrap(), "--run-date", RUN_DATE]), 0);
    assert_same_tree(&from_inside, &tree(&target), "built from inside against by absolute path");
    assert_exit(&cjoc(&project.join("schemas"), &["build", "--run-date", RUN_DATE]), 0);
    assert_same_tree(&from_inside, &tree(&target), "built from inside against from a subfolder");
    let m = manifest(&target);
    assert_eq!(m["nodes"]["model.watch_daily_user"]["file"], "core.cjo");
}

/// `--full-refresh` changes the SQL of incremental models only (with
/// `--select`, of the selected ones), says so in the manifest, and leaves
/// scheduler files as they are: they run every interval.
#[test]
fn a_full_refresh_rewrites_incremental_models_only() {
    let (scratch, project) = example("video_watch");
    let (normal, refresh) = (scratch.path().join("normal"), scratch.path().join("refresh"));
    for (out, extra) in [(&normal, None), (&refresh, Some("--full-refresh"))] {
        let mut args = vec!["--run-date", RUN_DATE, "--out", out.to_str().unwrap()];
        args.extend(extra);
        assert_exit(&build(&project, &args), 0);
    }
    let (m, n) = (manifest(&refresh), manifest(&normal));
    assert_eq!(m["full_refresh"], Value::Bool(true));
    assert!(n.get("full_refresh").is_none());
    let (a, b) = (tree(&normal), tree(&refresh));
    let mut rewritten = BTreeSet::new();
    for (path, bytes) in &a {
        if path == "manifest.json" || b.get(path) == Some(bytes) {
            continue;
        }
        assert!(!path.starts_with("airflow/") && !path.starts_with("digdag/"), "{path} changed");
        let id = path.rsplit('/').next().unwrap().trim_end_matches(".sql");
        assert!(nodes(&n)[id]["materialized"]["kind"] == "incremental", "{path} changed, yet {id} is not incremental");
        let text = String::from_utf8_lossy(&b[path]);
        assert!(text.contains("DROP TABLE IF EXISTS") || text.contains("CREATE OR REPLACE TABLE"), "{text}");
        rewritten.insert(id.to_owned());
    }
    assert!(rewritten.len() >= 3, "{rewritten:?}");

    let picked = scratch.path().join("picked");
    let args = ["--run-date", RUN_DATE, "--out", picked.to_str().unwrap(), "--full-refresh", "-s", "watch_daily_user"];
    assert_exit(&build(&project, &args), 0);
    let text = std::fs::read_to_string(picked.join("trino/model.watch_daily_user.sql")).unwrap();
    assert!(text.contains("DROP TABLE IF EXISTS") && !text.contains("MERGE") && !text.contains("DELETE"), "{text}");
    assert!(!picked.join("trino/model.watch_daily_user_lecture.sql").exists());
}
