//! `cjoc simulate` end to end on a tiny project written into a scratch
//! folder: the `--out` layout the differential tests read, reproducible
//! output, a customer's timeline, the printed tables, and clear errors
//! (bad rows, missing files, bad flags) with their exit codes.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use common::Scratch;
use std::path::Path;
use std::process::{Command, Output};

const CONFIG: &str =
    "[project]\nname = \"tiny\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"c\"\nschema = \"s\"\n";

const PROJECT: &str = r#"
source customers = "crm.customers" {
  customer_id: string not null
  plan: string
}

source activity = "ev.activity" {
  customer_id: string not null
  name: string not null
  event_time: timestamp not null
}

journey onboarding {
  profiles = customers
  key = customer_id
  events = [activity]
  reentry = none

  goal first_order: any activity where name = 'order'
  exit unsubscribed: any activity where name = 'unsubscribe'

  stage welcome {
    entry: any activity where name = 'signup'
    step send_welcome: activate "email.welcome_v1"
    step pause: wait 2 days
    step opened: decide {
      when any activity where name = 'open' since step_start -> remind
      else -> finish
    }
    step remind: activate "push.remind"
    step finish: end
  }
}
"#;

const CUSTOMERS: &str = "customer_id,plan\nc1,free\nc2,pro\nc3,free\n";
const ACTIVITY: &str = "customer_id,name,event_time\n\
c1,signup,2026-03-01 10:00:00\n\
c1,open,2026-03-02T08:00:00Z\n\
c2,signup,2026-03-01 11:00:00\n\
c2,unsubscribe,2026-03-02 12:00:00+01:00\n\
c3,signup,2026-03-02 09:00:00\n\
c3,order,2026-03-03 10:00:00\n";

/// The tiny project and its data folder.
fn tiny(tag: &str, activity: &str) -> Scratch {
    let s = Scratch::new("simulate", tag);
    let p = s.path();
    std::fs::write(p.join("cjo.toml"), CONFIG).unwrap();
    std::fs::write(p.join("main.cjo"), PROJECT).unwrap();
    std::fs::create_dir_all(p.join("data")).unwrap();
    std::fs::write(p.join("data/customers.csv"), CUSTOMERS).unwrap();
    std::fs::write(p.join("data/activity.csv"), activity).unwrap();
    s
}

fn cjoc(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cjoc")).args(args).current_dir(cwd).env("NO_COLOR", "1").output().unwrap()
}

fn simulate(cwd: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["simulate", ".", "--data", "data", "--from", "2026-03-01", "--to", "2026-03-05"];
    args.extend_from_slice(extra);
    cjoc(cwd, &args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_exit(out: &Output, code: i32) {
    assert_eq!(out.status.code(), Some(code), "stderr:\n{}\nstdout:\n{}", text(&out.stderr), text(&out.stdout));
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn out_writes_every_ticks_tables() {
    let s = tiny("out", ACTIVITY);
    let out = simulate(s.path(), &["--out", "sim"]);
    assert_exit(&out, 0);
    let sim = s.path().join("sim");
    assert_eq!(
        read(&sim.join("ticks.csv")),
        "n,time\n1,2026-03-02 00:00:00\n2,2026-03-03 00:00:00\n3,2026-03-04 00:00:00\n4,2026-03-05 00:00:00\n"
    );
    let header = "customer_id,instance_no,intime_journey,outtime_journey,intime_goal,intime_exit_unsubscribed,\
intime_stage_welcome,outtime_stage_welcome,\
intime_stage_welcome_step_send_welcome,outtime_stage_welcome_step_send_welcome,\
intime_stage_welcome_step_pause,outtime_stage_welcome_step_pause,\
intime_stage_welcome_step_opened,outtime_stage_welcome_step_opened,branch_stage_welcome_step_opened,\
intime_stage_welcome_step_remind,outtime_stage_welcome_step_remind,\
intime_stage_welcome_step_finish,outtime_stage_welcome_step_finish\n";
    let (d1, d2, d3) = ("2026-03-02 00:00:00", "2026-03-03 00:00:00", "2026-03-04 00:00:00");
    // Tick 1: c1 and c2 enter and wait; c3 signs up later that day.
    assert_eq!(
        read(&sim.join("onboarding/0001/state.csv")),
        format!("{header}c1,1,{d1},,,,{d1},,{d1},{d1},{d1},,,,,,,,\nc2,1,{d1},,,,{d1},,{d1},{d1},{d1},,,,,,,,\n")
    );
    // Tick 4: c1 decided at T3 (its open is after the pause began: branch 1),
    // c2 unsubscribed at T2, c3 reached the goal at T3.
    assert_eq!(
        read(&sim.join("onboarding/0004/state.csv")),
        format!(
            "{header}c1,1,{d1},{d3},,,{d1},{d3},{d1},{d1},{d1},{d3},{d3},{d3},1,{d3},{d3},{d3},{d3}\n\
             c2,1,{d1},{d2},,{d2},{d1},{d2},{d1},{d1},{d1},{d2},,,,,,,\n\
             c3,1,{d2},{d3},{d3},,{d2},{d3},{d2},{d2},{d2},{d3},,,,,,,\n"
        )
    );
    assert_eq!(
        read(&sim.join("onboarding/0001/activations.csv")),
        format!(
            "customer_id,instance_no,journey,stage,step,destination,activated_at\n\
             c1,1,onboarding,welcome,send_welcome,email.welcome_v1,{d1}\n\
             c2,1,onboarding,welcome,send_welcome,email.welcome_v1,{d1}\n"
        )
    );
    // Cumulative, sorted by time, key, instance, stage, step.
    assert_eq!(
        read(&sim.join("onboarding/0004/activations.csv")),
        format!(
            "customer_id,instance_no,journey,stage,step,destination,activated_at\n\
             c1,1,onboarding,welcome,send_welcome,email.welcome_v1,{d1}\n\
             c2,1,onboarding,welcome,send_welcome,email.welcome_v1,{d1}\n\
             c3,1,onboarding,welcome,send_welcome,email.welcome_v1,{d2}\n\
             c1,1,onboarding,welcome,remind,push.remind,{d3}\n"
        )
    );
    // Reproducible byte for byte; the previous output is replaced whole.
    let before = read(&sim.join("onboarding/0004/state.csv"));
    std::fs::write(sim.join("stray.txt"), "x").unwrap();
    assert_exit(&simulate(s.path(), &["--out", "sim"]), 0);
    assert_eq!(read(&sim.join("onboarding/0004/state.csv")), before);
    assert!(!sim.join("stray.txt").exists());
    let leftovers: Vec<_> = std::fs::read_dir(s.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn out_refuses_a_folder_that_is_not_its_own() {
    let s = tiny("refuse", ACTIVITY);
    std::fs::create_dir_all(s.path().join("mine")).unwrap();
    std::fs::write(s.path().join("mine/notes.txt"), "keep").unwrap();
    let out = simulate(s.path(), &["--out", "mine"]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("is not the output of `cjoc simulate`"), "{}", text(&out.stderr));
    assert_eq!(read(&s.path().join("mine/notes.txt")), "keep");
}

#[test]
fn customer_timeline_in_plain_words() {
    let s = tiny("customer", ACTIVITY);
    let out = simulate(s.path(), &["--customer", "c1"]);
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stdout),
        "2026-03-02 00:00  day 0  onboarding #1 entered stage welcome\n\
         2026-03-02 00:00  day 0  onboarding #1 sent email.welcome_v1 (step send_welcome)\n\
         2026-03-02 00:00  day 0  onboarding #1 waiting 2 days (step pause)\n\
         2026-03-04 00:00  day 2  onboarding #1 done waiting (step pause)\n\
         2026-03-04 00:00  day 2  onboarding #1 decided opened: branch 1 → remind\n\
         2026-03-04 00:00  day 2  onboarding #1 sent push.remind (step remind)\n\
         2026-03-04 00:00  day 2  onboarding #1 left the journey (end of last stage)\n"
    );
    let out = simulate(s.path(), &["--customer", "c2"]);
    assert!(text(&out.stdout).ends_with("2026-03-03 00:00  day 1  onboarding #1 exited: unsubscribed\n"));
    let out = simulate(s.path(), &["--customer", "c3"]);
    assert!(text(&out.stdout).ends_with("2026-03-04 00:00  day 1  onboarding #1 reached the goal first_order\n"));
    let out = simulate(s.path(), &["--customer", "nobody"]);
    assert_exit(&out, 0);
    assert!(text(&out.stderr).contains("no profile row has the key `nobody`"));
    assert!(text(&out.stdout).starts_with("nothing happened to customer nobody"));
}

#[test]
fn prints_each_ticks_state() {
    let s = tiny("print", ACTIVITY);
    let out = simulate(s.path(), &["--every", "1 day", "--journey", "onboarding"]);
    assert_exit(&out, 0);
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("tick 1  2026-03-02 00:00:00 UTC\nonboarding: 2 instances, 2 active\n"), "{stdout}");
    assert!(stdout.contains("tick 4  2026-03-05 00:00:00 UTC\nonboarding: 3 instances, 0 active\n"), "{stdout}");
    // Only the columns that hold a value, aligned; null is `·`.
    let first_table: Vec<&str> = stdout.lines().skip(2).take(3).collect();
    assert!(first_table[0].starts_with("  customer_id  #  intime_journey    intime_stage_welcome"), "{stdout}");
    assert!(first_table[1].starts_with("  c1           1  2026-03-02 00:00  2026-03-02 00:00"), "{stdout}");
}

#[test]
fn a_bad_value_names_file_line_and_column() {
    let s = tiny("badvalue", &format!("{ACTIVITY}c3,open,yesterday\n"));
    let out = simulate(s.path(), &["--out", "sim"]);
    assert_exit(&out, 1);
    let err = text(&out.stderr);
    assert!(err.contains("activity.csv:8: column `event_time`: `yesterday` is not a timestamp"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!s.path().join("sim").exists());
}

#[test]
fn missing_files_and_columns() {
    let s = tiny("missing", "customer_id,name\nc1,signup\n");
    let out = simulate(s.path(), &[]);
    assert_exit(&out, 1);
    assert!(text(&out.stderr).contains("activity.csv:1: column `event_time`: the header has no column"));
    std::fs::write(s.path().join("data/activity.csv"), ACTIVITY).unwrap();
    std::fs::remove_file(s.path().join("data/customers.csv")).unwrap();
    let out = simulate(s.path(), &[]);
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("no file data/customers.csv for the rows of `customers`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn usage_errors() {
    let s = tiny("usage", ACTIVITY);
    for (args, needle) in [
        (vec!["--every", "soon"], "`--every soon` is not a length of time"),
        (vec!["--every", "1 second"], "more than 100000"),
        (vec!["--journey", "nope"], "no journey `nope`: the journeys are onboarding"),
    ] {
        let out = simulate(s.path(), &args);
        assert_exit(&out, 2);
        assert!(text(&out.stderr).contains(needle), "{args:?}: {}", text(&out.stderr));
    }
    let out = cjoc(s.path(), &["simulate", ".", "--data", "data", "--from", "2026-03-05", "--to", "2026-03-01"]);
    assert_exit(&out, 2);
    let out = cjoc(s.path(), &["simulate", ".", "--data", "data", "--from", "March", "--to", "2026-03-01"]);
    assert_exit(&out, 2);
    assert!(text(&out.stderr).contains("`--from March` is not a date or time"));
}

#[test]
fn a_project_with_errors_stops_before_simulating() {
    let s = tiny("errors", ACTIVITY);
    std::fs::write(s.path().join("broken.cjo"), "model m { sql { select nope from customers } }\n").unwrap();
    let out = simulate(s.path(), &[]);
    assert_exit(&out, 1);
    assert!(text(&out.stderr).contains("could not simulate `tiny`"), "{}", text(&out.stderr));
}

/// A data file that is a FIFO (reading it waits for a writer that never
/// comes) or a link to `/dev/zero` (reading it never ends) is refused at
/// once (E0103), under a time limit so that a regression fails instead of
/// hanging.
#[cfg(unix)]
#[test]
fn a_data_file_that_is_not_a_regular_file_is_e0103() {
    let limit = std::time::Duration::from_secs(30);
    let args = ["simulate", ".", "--data", "data", "--from", "2026-03-01", "--to", "2026-03-05"];
    for tag in ["fifo", "zero"] {
        let s = tiny(tag, ACTIVITY);
        let csv = s.path().join("data/activity.csv");
        std::fs::remove_file(&csv).unwrap();
        if tag == "fifo" {
            assert!(Command::new("mkfifo").arg(&csv).status().unwrap().success());
        } else {
            std::os::unix::fs::symlink("/dev/zero", &csv).unwrap();
        }
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cjoc"));
        cmd.args(args).current_dir(s.path()).env("NO_COLOR", "1");
        let out = common::output_within(&mut cmd, std::process::Stdio::null(), limit);
        assert_exit(&out, 2);
        let err = text(&out.stderr);
        assert!(err.contains("[E0103] Error: data/activity.csv is "), "{tag}: {err}");
    }
}

/// The timeline docs/journeys.md shows is what its command prints: the
/// command and the lines are read from the page, so neither can drift.
#[test]
fn the_documented_timeline_is_what_the_command_prints() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let page = read(&repo.join("docs/journeys.md"));
    let blocks: Vec<&str> = page.split("```").collect();
    let at = blocks.iter().position(|b| b.contains("--customer c1")).expect("the documented command");
    let command: Vec<&str> = blocks[at].trim_start_matches("sh").split_whitespace().filter(|w| *w != "\\").collect();
    assert_eq!(command[..2], ["cjoc", "simulate"], "{command:?}");
    let shown: String = blocks[at + 2].lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
    let out = cjoc(&repo, &command[1..]);
    assert_exit(&out, 0);
    assert_eq!(text(&out.stdout).trim_end(), shown);
}
