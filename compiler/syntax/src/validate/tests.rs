//! Unit tests of the structural checks; the fixture suite under tests/
//! covers each diagnostic with its exact span.

use cjo_diagnostics::FileId;

fn codes(text: &str) -> Vec<&'static str> {
    let parse = crate::parse(FileId(0), text);
    assert!(parse.diagnostics.iter().all(|d| !d.is_error()), "{:?}", parse.diagnostics);
    super::validate(FileId(0), &parse).iter().map(|d| d.code.id).collect()
}

#[test]
fn valid_declarations_pass() {
    let text = r#"
source e = "raw.e" { id: string not null  at: timestamp  tags: array<string>  s: struct<a: int, b: decimal(10, 2)> }
model m {
  materialized = incremental(unique_key = [id], lookback = 3 days)
  target = trino, schema = "mart"
  param p: int = 1
  sql { select id from e }
}
check m { unique(id) not_null(id) accepted_values(id, ["a"]) references(id -> e.id) expect "x": id != '' }
pipeline p { schedule = daily at 03:00  run = [m]  retries = 2  retry_delay = 5 minutes  orchestrators = [airflow] }
fn f<T>(a: T, b: int...) -> T { default = "f({a}, {b})" }
"#;
    assert_eq!(codes(text), Vec::<&str>::new());
}

#[test]
fn each_problem_has_its_code() {
    assert_eq!(codes(r#"model m { materialised = table sql { select 1 } }"#), vec!["E0200"]);
    assert_eq!(codes(r#"model m { target = snowflake sql { select 1 } }"#), vec!["E0208"]);
    assert_eq!(codes(r#"model m { schema = "a" schema = "b" sql { select 1 } }"#), vec!["E0202"]);
    assert_eq!(codes(r#"pipeline p { run = [m] }"#), vec!["E0203"]);
    assert_eq!(codes(r#"pipeline p { schedule = cron "0 25 * * *" run = [m] }"#), vec!["E0209"]);
    assert_eq!(codes(r#"source s = "t" { a: int a: int }"#), vec!["E0204"]);
    assert_eq!(codes(r#"source s = "t" { a: integer }"#), vec!["E0207"]);
    assert_eq!(codes(r#"check m { uniq(a) }"#), vec!["E0205"]);
    assert_eq!(codes(r#"check m { references(a) }"#), vec!["E0206"]);
    assert_eq!(codes(r#"fn f(a: int) -> int { default = "f({b})" }"#), vec!["E0214"]);
    assert_eq!(codes(r#"source s = "t" from catalog { a: int }"#), vec!["E0215"]);
}

#[test]
fn journey_shapes() {
    let ok = r#"journey j { profiles = c key = id reentry = unless_goal cooldown 30 days
      stage s { step a: ab_test { control 10% -> b variant x 45% -> b variant y 45% -> b } step b: end } }"#;
    assert_eq!(codes(ok), Vec::<&str>::new());
    let bad = r#"journey j { profiles = c key = id
      stage s {
        step a: ab_test { control 10% -> b variant x 45% -> b }
        step w: wait until weekday mon, thurs
        step d: wait until date "2026-02-30"
        step c: decide { when x = 1 -> b }
        step b: end } }"#;
    assert_eq!(codes(bad), vec!["E0210", "E0212", "E0213", "E0211"]);
}
