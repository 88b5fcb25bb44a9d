//! The rules of a tick, one small journey each, with the expected state
//! written by hand from JOURNEYS.md and docs/journeys.md. Ticks are daily
//! at midnight UTC from 2026-03-01: T1 = 03-02, T2 = 03-03, … A state is
//! shown one instance a line, `key#n` then its non-null columns, a tick's
//! time as `Tn`.

use std::path::Path;

use cjo_project::{MemoryFs, Workspace};
use cjo_semantic::Analysis;

use super::*;
use crate::plans;

const CONFIG: &str =
    "[project]\nname = \"t\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"c\"\nschema = \"s\"\n";

const SOURCES: &str = r#"
source customers = "crm.customers" {
  customer_id: string not null
  plan: string
}

source activity = "ev.activity" {
  customer_id: string not null
  name: string not null
  event_time: timestamp not null
}
"#;

struct Project {
    ws: Workspace,
    analysis: Analysis,
}

fn project(journeys: &str) -> Project {
    let mut fs = MemoryFs::new();
    fs.insert("p/cjo.toml", CONFIG).insert("p/sources.cjo", SOURCES).insert("p/journeys.cjo", journeys);
    let ws = cjo_project::load(&fs, Path::new("p")).unwrap();
    let analysis = cjo_semantic::analyze(&ws);
    let errors: Vec<String> = cjo_semantic::all_diagnostics(&ws, &analysis)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    Project { ws, analysis }
}

fn data(p: &Project, csv: &[(&str, &str)]) -> Data {
    let plans = plans(&p.ws, &p.analysis);
    let refs: Vec<&Plan<'_>> = plans.iter().collect();
    let mut data = Data::new();
    for (name, columns) in data::inputs(&refs, &p.analysis) {
        let text = csv.iter().find(|(n, _)| n.eq_ignore_ascii_case(&name)).map_or("", |(_, t)| t);
        let text = if text.is_empty() {
            columns.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(",") + "\n"
        } else {
            text.to_string()
        };
        data.insert(Table::from_csv(&name, &columns, &format!("{name}.csv"), text.as_bytes()).unwrap());
    }
    data
}

fn day(n: i64) -> Micros {
    time::parse_timestamp("2026-03-01").unwrap() + n * time::MICROS_PER_DAY
}

/// Each journey's state after `n` daily ticks, compactly.
fn run(p: &Project, csv: &[(&str, &str)], n: i64) -> Vec<String> {
    let plans = plans(&p.ws, &p.analysis);
    let refs: Vec<&Plan<'_>> = plans.iter().collect();
    let data = data(p, csv);
    let ticks: Vec<Micros> = (1..=n).map(day).collect();
    let results = simulate(&refs, &data, &ticks, time::MICROS_PER_DAY).unwrap();
    let last = results.last().unwrap();
    refs.iter().zip(&last.states).map(|(plan, state)| compact(plan, state, &ticks)).collect()
}

fn compact(plan: &Plan<'_>, state: &JourneyState, ticks: &[Micros]) -> String {
    let columns = plan.columns();
    let mut out = String::new();
    for (key, list) in &state.instances {
        for inst in list {
            out.push_str(&format!("{key}#{}:", inst.no));
            for (i, c) in columns.iter().enumerate() {
                let Some(v) = inst.get(i) else { continue };
                let shown = match c.kind {
                    crate::ColumnKind::Int => v.to_string(),
                    crate::ColumnKind::Timestamp => match ticks.iter().position(|t| *t == v) {
                        Some(n) => format!("T{}", n + 1),
                        None => time::format_seconds(v),
                    },
                };
                out.push_str(&format!(" {}={shown}", c.name));
            }
            out.push('\n');
        }
    }
    out
}

/// `"a\n  b\n"` written as an indented raw string → `"a\nb\n"`.
fn lines(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| format!("{l}\n")).collect()
}

#[test]
fn goal_already_true_at_entry() {
    let p = project(
        r#"
journey g {
  profiles = customers
  key = customer_id
  events = [activity]
  reentry = none
  goal bought: any activity where name = 'buy'
  stage s {
    entry: any activity where name = 'signup'
    step a: activate "email.hello"
    step w: wait 1 day
    step e: end
  }
}"#,
    );
    let csv = [
        ("customers", "customer_id,plan\nc1,\nc2,\n"),
        (
            "activity",
            "customer_id,name,event_time\nc1,signup,2026-03-01 10:00:00\nc1,buy,2026-03-01 11:00:00\n\
             c2,signup,2026-03-01 10:00:00\nc2,buy,2026-03-02 12:00:00\n",
        ),
    ];
    // c1: the goal holds at T1, so rule 3 refuses the entry. c2 enters at
    // T1; at T2 the goal closes the open wait and the stage (`e` never starts).
    let want = lines(
        "c2#1: intime_journey=T1 outtime_journey=T2 intime_goal=T2 intime_stage_s=T1 outtime_stage_s=T2 \
         intime_stage_s_step_a=T1 outtime_stage_s_step_a=T1 intime_stage_s_step_w=T1 outtime_stage_s_step_w=T2",
    );
    assert_eq!(run(&p, &csv, 2), vec![want]);
}

#[test]
fn a_timeout_tied_with_its_condition() {
    let p = project(
        r#"
journey t {
  profiles = customers
  key = customer_id
  events = [activity]
  reentry = none
  stage s {
    entry: any activity where name = 'signup'
    step w: wait until any activity where name = 'open' since step_start timeout 2 days -> late
    step on_time: activate "push.thanks"
    step done: end
    step late: activate "push.late"
  }
}"#,
    );
    // t0 = T1, t0 + 2 days = T3. c1 opens exactly at T3: counted, branch 1.
    // c2 opens a second later: not counted, and T3 >= t0 + D: branch 0,
    // then past the last step in the last stage: the instance ends.
    let csv = [
        ("customers", "customer_id,plan\nc1,\nc2,\n"),
        (
            "activity",
            "customer_id,name,event_time\nc1,signup,2026-03-01 10:00:00\nc1,open,2026-03-04 00:00:00\n\
             c2,signup,2026-03-01 10:00:00\nc2,open,2026-03-04 00:00:01\n",
        ),
    ];
    let want = lines(
        "c1#1: intime_journey=T1 outtime_journey=T3 intime_stage_s=T1 outtime_stage_s=T3 \
           intime_stage_s_step_w=T1 outtime_stage_s_step_w=T3 branch_stage_s_step_w=1 \
           intime_stage_s_step_on_time=T3 outtime_stage_s_step_on_time=T3 \
           intime_stage_s_step_done=T3 outtime_stage_s_step_done=T3
         c2#1: intime_journey=T1 outtime_journey=T3 intime_stage_s=T1 outtime_stage_s=T3 \
           intime_stage_s_step_w=T1 outtime_stage_s_step_w=T3 branch_stage_s_step_w=0 \
           intime_stage_s_step_late=T3 outtime_stage_s_step_late=T3",
    );
    assert_eq!(run(&p, &csv, 3), vec![want.replace("\\\n", "")]);
}

#[test]
fn exit_and_goal_in_the_same_tick() {
    let p = project(
        r#"
journey x {
  profiles = customers
  key = customer_id
  events = [activity]
  reentry = none
  goal bought: any activity where name = 'buy'
  exit unsub: any activity where name = 'unsub'
  stage s {
    entry: any activity where name = 'signup'
    exit bounced: any activity where name = 'bounce' since stage_start
    step w: wait 5 days
    step e: end
  }
}"#,
    );
    let csv = [
        ("customers", "customer_id,plan\nc1,\nc2,\nc3,\nc4,\n"),
        (
            "activity",
            "customer_id,name,event_time\n\
             c1,signup,2026-03-01 09:00:00\nc1,buy,2026-03-02 06:00:00\nc1,unsub,2026-03-02 07:00:00\n\
             c2,signup,2026-03-01 09:00:00\nc2,unsub,2026-03-02 06:00:00\nc2,bounce,2026-03-02 06:00:00\n\
             c3,signup,2026-03-01 09:00:00\nc3,bounce,2026-03-02 06:00:00\n\
             c4,signup,2026-03-01 09:00:00\nc4,unsub,2026-03-01 09:30:00\n",
        ),
    ];
    // c1: the goal beats the exit. c2: the journey's exit before the
    // stage's. c3: the stage's exit. c4: an exit holds at entry: no row.
    let stage = "intime_stage_s=T1 outtime_stage_s=T2 intime_stage_s_step_w=T1 outtime_stage_s_step_w=T2";
    let want = format!(
        "c1#1: intime_journey=T1 outtime_journey=T2 intime_goal=T2 {stage}\n\
         c2#1: intime_journey=T1 outtime_journey=T2 intime_exit_unsub=T2 {stage}\n\
         c3#1: intime_journey=T1 outtime_journey=T2 intime_stage_s=T1 outtime_stage_s=T2 \
         intime_stage_s_exit_bounced=T2 intime_stage_s_step_w=T1 outtime_stage_s_step_w=T2\n"
    );
    assert_eq!(run(&p, &csv, 2), vec![want]);
}

#[test]
fn reentry_right_after_an_end_and_after_the_cooldown() {
    let body = |name: &str, reentry: &str| {
        format!(
            "journey {name} {{\n  profiles = customers\n  key = customer_id\n  events = [activity]\n  reentry = {reentry}\n  \
             stage s {{\n    entry: any activity where name = 'ping' within 1 day\n    step w: wait 1 day\n    \
             step e: end\n  }}\n}}\n"
        )
    };
    let p = project(&(body("r", "always") + &body("rc", "always cooldown 2 days")));
    let pings: String = (1..=6).map(|d| format!("c1,ping,2026-03-0{d} 12:00:00\n")).collect();
    let csv = [
        ("customers", "customer_id,plan\nc1,\n".to_string()),
        ("activity", format!("customer_id,name,event_time\n{pings}")),
    ];
    let csv: Vec<(&str, &str)> = csv.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let done = |n: usize, a: usize, b: usize| {
        format!(
            "c1#{n}: intime_journey=T{a} outtime_journey=T{b} intime_stage_s=T{a} outtime_stage_s=T{b} \
             intime_stage_s_step_w=T{a} outtime_stage_s_step_w=T{b} intime_stage_s_step_e=T{b} outtime_stage_s_step_e=T{b}\n"
        )
    };
    // Always: no entry in the tick an instance ends (it was active before
    // the tick), a new one the tick after. Cooldown 2 days: not before
    // T2 + 2 days = T4.
    let always =
        done(1, 1, 2) + &done(2, 3, 4) + "c1#3: intime_journey=T5 intime_stage_s=T5 intime_stage_s_step_w=T5\n";
    let cooldown = done(1, 1, 2) + &done(2, 4, 5);
    assert_eq!(run(&p, &csv, 5), vec![always, cooldown]);
}

const LATE: &str = r#"
journey l {
  profiles = customers
  key = customer_id
  events = [activity]
  reentry = none
  stage s {
    entry: any activity where name = 'signup'
    step w: wait 1 day
    step d: decide {
      when any activity where name = 'open' since step_start -> yes
      else -> no
    }
    step yes: activate "push.yes" -> done
    step no: activate "push.no" -> done
    step done: end
  }
}"#;

#[test]
fn a_late_event_before_and_after_its_branch_was_decided() {
    let p = project(LATE);
    let plans = plans(&p.ws, &p.analysis);
    let refs: Vec<&Plan<'_>> = plans.iter().collect();
    let people = "customer_id,plan\nc1,\nc2,\nc3,\n";
    let signups = "customer_id,name,event_time\nc1,signup,2026-03-01 09:00:00\nc2,signup,2026-03-01 09:00:00\n\
                   c3,signup,2026-03-01 09:00:00\nc3,open,2026-03-01 10:00:00\nc1,open,2026-03-02 10:00:00\n";
    // Rows known at T1 and T2: c1's open (late, but before the decision);
    // c2's open of 03-02 10:00 arrives only after T2.
    let early = data(&p, &[("customers", people), ("activity", signups)]);
    let mut sim = Simulator::new(refs.clone(), &early, time::MICROS_PER_DAY).unwrap();
    sim.tick(day(1)).unwrap();
    sim.tick(day(2)).unwrap();
    let states = sim.states().to_vec();
    let late = format!("{signups}c2,open,2026-03-02 10:00:00\n");
    let all = data(&p, &[("customers", people), ("activity", &late)]);
    let mut sim = Simulator::new(refs.clone(), &all, time::MICROS_PER_DAY).unwrap().with_states(states);
    sim.tick(day(3)).unwrap();
    let ticks: Vec<Micros> = (1..=3).map(day).collect();
    // `since step_start` in a decision is the intime of the step before it
    // (w, T1): c1's open at 03-02 10:00 counts (branch 1), c3's open before
    // T1 does not (branch 0). c2's late open does not revise branch 0.
    let path = |b: u8, via: &str| {
        format!(
            "intime_journey=T1 outtime_journey=T2 intime_stage_s=T1 outtime_stage_s=T2 intime_stage_s_step_w=T1 \
             outtime_stage_s_step_w=T2 intime_stage_s_step_d=T2 outtime_stage_s_step_d=T2 branch_stage_s_step_d={b} \
             intime_stage_s_step_{via}=T2 outtime_stage_s_step_{via}=T2 intime_stage_s_step_done=T2 outtime_stage_s_step_done=T2"
        )
    };
    let want = format!("c1#1: {}\nc2#1: {}\nc3#1: {}\n", path(1, "yes"), path(0, "no"), path(0, "no"));
    assert_eq!(compact(refs[0], &sim.states()[0], &ticks), want);
    let acts: Vec<(String, String)> =
        sim.states()[0].activations.iter().map(|a| (a.key.to_string(), a.destination.clone())).collect();
    let want: Vec<(String, String)> =
        [("c1", "push.yes"), ("c2", "push.no"), ("c3", "push.no")].map(|(a, b)| (a.into(), b.into())).to_vec();
    assert_eq!(acts, want);
}

#[test]
fn entry_into_a_later_stage_than_the_first() {
    let p = project(
        r#"
journey e {
  profiles = customers
  key = customer_id
  events = [activity]
  reentry = none
  stage a {
    entry: plan = 'free'
    step wa: wait 10 days
    step ea: end
  }
  stage b {
    entry: plan = 'pro'
    step wb: wait 10 days
    step eb: end
  }
  stage c {
    entry: any activity where name = 'vip'
    step wc: wait 10 days
    step ec: end
  }
}"#,
    );
    let csv = [
        ("customers", "customer_id,plan\nc1,free\nc2,pro\nc3,free\nc4,free\nc5,\n"),
        ("activity", "customer_id,name,event_time\nc3,vip,2026-03-01 08:00:00\nc4,vip,2026-03-02 10:00:00\n"),
    ];
    // The highest stage whose entry holds; c4 advances from a to c at T2
    // (skipping b); c5's plan is null: `plan = 'free'` is null, not true.
    let want = lines(
        "c1#1: intime_journey=T1 intime_stage_a=T1 intime_stage_a_step_wa=T1
         c2#1: intime_journey=T1 intime_stage_b=T1 intime_stage_b_step_wb=T1
         c3#1: intime_journey=T1 intime_stage_c=T1 intime_stage_c_step_wc=T1
         c4#1: intime_journey=T1 intime_stage_a=T1 outtime_stage_a=T2 intime_stage_a_step_wa=T1 outtime_stage_a_step_wa=T2 intime_stage_c=T2 intime_stage_c_step_wc=T2",
    );
    assert_eq!(run(&p, &csv, 2), vec![want]);
}

#[test]
fn ab_buckets_match_md5_computed_elsewhere() {
    let p = project(
        r#"
source members = "crm.members" {
  id: int not null
  plan: string
}

journey ab {
  profiles = customers
  key = customer_id
  reentry = none
  stage s {
    entry: plan = 'x'
    step split: ab_test {
      control 12% -> done
      variant a 40% -> done
      variant b 48% -> done
    }
    step done: end
  }
}

journey abi {
  profiles = members
  key = id
  reentry = none
  stage s {
    entry: plan = 'x'
    step split: ab_test {
      control 12% -> done
      variant a 40% -> done
      variant b 48% -> done
    }
    step done: end
  }
}"#,
    );
    // Buckets from python3: int(hashlib.md5(b"ab.s.split:c1").hexdigest()[:8], 16) % 10000, …
    // control 0–1199, a 1200–5199, b 5200–9999.
    let string_keys = [
        ("c1", 1020, 0),
        ("c2", 3570, 1),
        ("c3", 1173, 0),
        ("c4", 9793, 2),
        ("c5", 7698, 2),
        ("c6", 5369, 2),
        ("Ünï cödé", 6784, 2),
    ];
    let int_keys = [(42i64, 3920, 1), (-7, 3654, 1), (0, 8098, 2), (9_007_199_254_740_993, 9200, 2)];
    for (k, bucket, _) in string_keys {
        assert_eq!(funcs::ab_bucket("ab.s.split", k), bucket, "{k}");
    }
    for (k, bucket, _) in int_keys {
        assert_eq!(funcs::ab_bucket("abi.s.split", &k.to_string()), bucket, "{k}");
    }
    let customers: String = string_keys.iter().map(|(k, _, _)| format!("\"{k}\",x\n")).collect();
    let members: String = int_keys.iter().map(|(k, _, _)| format!("{k},x\n")).collect();
    let csv = [
        ("customers", format!("customer_id,plan\n{customers}")),
        ("members", format!("id,plan\n{members}")),
        ("activity", String::new()),
    ];
    let csv: Vec<(&str, &str)> = csv.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let states = run(&p, &csv, 1);
    for (k, _, variant) in string_keys {
        let row = states[0].lines().find(|l| l.starts_with(&format!("{k}#1:"))).unwrap();
        assert!(row.contains(&format!("variant_stage_s_step_split={variant} ")), "{row}");
    }
    for (k, _, variant) in int_keys {
        let row = states[1].lines().find(|l| l.starts_with(&format!("{k}#1:"))).unwrap();
        assert!(row.contains(&format!("variant_stage_s_step_split={variant} ")), "{row}");
    }
}

#[test]
fn waits_until_a_date_or_a_weekday_in_the_journeys_time_zone() {
    let body = |name: &str, tz: &str, step: &str| {
        format!(
            "journey {name} {{\n  profiles = customers\n  key = customer_id\n  reentry = none\n  timezone = \"{tz}\"\n  \
             stage s {{\n    entry: plan = 'x'\n    step w: {step}\n    step e: end\n  }}\n}}\n"
        )
    };
    let p = project(
        &[
            body("date_tokyo", "Asia/Tokyo", "wait until date \"2026-03-04\""),
            body("wed_tokyo", "Asia/Tokyo", "wait until weekday wed"),
            body("wed_utc", "UTC", "wait until weekday wed"),
        ]
        .concat(),
    );
    let plans = plans(&p.ws, &p.analysis);
    let refs: Vec<&Plan<'_>> = plans.iter().collect();
    let data = data(&p, &[("customers", "customer_id,plan\nc1,x\n")]);
    let six_hours = 6 * 3600 * time::MICROS_PER_SECOND;
    let ticks: Vec<Micros> = (1..=16).map(|i| day(0) + i * six_hours).collect();
    let results = simulate(&refs, &data, &ticks, six_hours).unwrap();
    let released = |j: usize| {
        let state = &results.last().unwrap().states[j];
        let col = refs[j].columns().iter().position(|c| c.name == "outtime_stage_s_step_w").unwrap();
        time::format_seconds(state.instances.values().next().unwrap()[0].get(col).unwrap())
    };
    // 2026-03-04 (a Wednesday) starts at 03-03 15:00 UTC in Tokyo: the
    // first tick after is 18:00. In UTC it starts at 03-04 00:00.
    assert_eq!(released(0), "2026-03-03 18:00:00");
    assert_eq!(released(1), "2026-03-03 18:00:00");
    assert_eq!(released(2), "2026-03-04 00:00:00");
}

#[test]
fn milestones_jumps_and_parking() {
    let p = project(
        r#"
journey m {
  profiles = customers
  key = customer_id
  events = [activity]
  reentry = none
  stage one {
    entry: plan = 'x'
    milestone: any activity where name = 'done' since stage_start
    step go: decide {
      when plan = 'x' and any activity where name = 'skip' -> hop
      else -> pause
    }
    step pause: wait 1 day
    step hop: jump three
  }
  stage two {
    step w2: wait 1 day
  }
  stage three {
    milestone: any activity where name = 'finish'
    step w3: wait 9 days
    step e3: end
  }
}"#,
    );
    let csv = [
        ("customers", "customer_id,plan\nc1,x\nc2,x\nc3,x\n"),
        (
            "activity",
            "customer_id,name,event_time\nc1,done,2026-03-02 05:00:00\nc2,skip,2026-03-01 05:00:00\n\
             c2,finish,2026-03-02 05:00:00\nc3,skip,2026-03-01 05:00:00\n",
        ),
    ];
    // c1: pause released at T2 runs past the last step and parks in `one`;
    // its milestone (T2) moves it to `two` first, so the wait is closed by
    // rule 4 instead. c2 jumps to `three` at T1; its milestone in the last
    // stage ends the instance at T2. c3 waits in `three`.
    let want = lines(
        "c1#1: intime_journey=T1 intime_stage_one=T1 outtime_stage_one=T2 intime_stage_one_milestone=T2 intime_stage_one_step_go=T1 outtime_stage_one_step_go=T1 branch_stage_one_step_go=0 intime_stage_one_step_pause=T1 outtime_stage_one_step_pause=T2 intime_stage_two=T2 intime_stage_two_step_w2=T2
         c2#1: intime_journey=T1 outtime_journey=T2 intime_stage_one=T1 outtime_stage_one=T1 intime_stage_one_step_go=T1 outtime_stage_one_step_go=T1 branch_stage_one_step_go=1 intime_stage_one_step_hop=T1 outtime_stage_one_step_hop=T1 intime_stage_three=T1 outtime_stage_three=T2 intime_stage_three_milestone=T2 intime_stage_three_step_w3=T1 outtime_stage_three_step_w3=T2
         c3#1: intime_journey=T1 intime_stage_one=T1 outtime_stage_one=T1 intime_stage_one_step_go=T1 outtime_stage_one_step_go=T1 branch_stage_one_step_go=1 intime_stage_one_step_hop=T1 outtime_stage_one_step_hop=T1 intime_stage_three=T1 intime_stage_three_step_w3=T1",
    );
    assert_eq!(run(&p, &csv, 2), vec![want]);
}

#[test]
fn an_unsupported_function_is_an_error_that_names_it() {
    let p = project(
        r#"
fn shout(s: string) -> string {
  bigquery = "UPPER({s})"
  redshift = "UPPER({s})"
  trino = "upper({s})"
}

journey f {
  profiles = customers
  key = customer_id
  reentry = none
  stage s {
    entry: shout(plan) = 'X'
    step e: end
  }
}"#,
    );
    let plans = plans(&p.ws, &p.analysis);
    let refs: Vec<&Plan<'_>> = plans.iter().collect();
    let data = data(&p, &[("customers", "customer_id,plan\nc1,x\n")]);
    let err = simulate(&refs, &data, &[day(1)], time::MICROS_PER_DAY).unwrap_err();
    assert!(err.message.contains("`shout`"), "{err}");
    assert!(err.message.contains("customer c1"), "{err}");
}
