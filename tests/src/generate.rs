//! Generated projects for benchmarks: realistic declarations in bulk.

use std::fmt::Write as _;
use std::path::Path;

/// The `.cjo` text of `models` models (with sources, checks and one
/// pipeline per hundred models), split into files of `per_file` models.
pub fn project_files(models: usize, per_file: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut sources = String::new();
    for s in 0..models.div_ceil(10) {
        let _ = write!(
            sources,
            "/// Raw events, batch {s}.\nsource events_{s} = \"raw.events_{s}\" {{\n  customer_id: string not null\n  event_name: string\n  amount: decimal(12, 2)\n  happened_at: timestamp not null\n}}\n\n"
        );
    }
    files.push(("sources.cjo".to_string(), sources));
    let per_file = per_file.max(1);
    for chunk in 0..models.div_ceil(per_file) {
        let mut text = String::new();
        for m in chunk * per_file..((chunk + 1) * per_file).min(models) {
            let src = m / 10;
            // One model in ten rolls up the one before it, so that models
            // read models (a chain of dependencies, typed in order).
            if m % 10 == 9 {
                let _ = write!(
                    text,
                    r#"/// Weekly totals per customer, from model {prev}.
model weekly_{m} {{
  materialized = table
  sql {{
    select d.customer_id,
           date_trunc_week(d.day)         as week,
           sum(d.total)                   as total,
           sum(d.events)                  as events,
           max(e.happened_at)             as last_event_at
    from daily_{prev} d
    left join events_{src} e on e.customer_id = d.customer_id and e.event_name = 'purchase'
    group by d.customer_id, date_trunc_week(d.day)
  }}
}}

check weekly_{m} {{
  not_null(customer_id)
  expect "weekly totals are not negative": total >= 0
}}

"#,
                    prev = m - 1
                );
                continue;
            }
            let _ = write!(
                text,
                r#"/// Daily totals per customer, model {m}.
model daily_{m} {{
  materialized = incremental(unique_key = [customer_id, day], lookback = 3 days)
  schema = "mart"
  param min_amount: int = {m}

  sql {{
    select customer_id,
           cast(happened_at as date) as day,
           sum(amount)               as total,
           count(*)                  as events -- per day
    from events_{src}
    where amount >= $min_amount
      and happened_at >= $run_start and happened_at < $run_end
      and event_name in ('purchase', 'refund')
    group by customer_id, cast(happened_at as date)
  }}
}}

check daily_{m} {{
  unique(customer_id, day)
  not_null(customer_id)
  expect "totals are not negative": total >= 0 and events > 0
}}

"#
            );
            if m % 100 == 99 {
                let _ = write!(
                    text,
                    "pipeline p_{m} {{\n  schedule = cron \"0 3 * * *\"\n  run = [daily_{m}]\n  retries = 2, retry_delay = 5 minutes\n  pool = \"core\"\n}}\n\n"
                );
            }
        }
        files.push((format!("models_{chunk:04}.cjo"), text));
    }
    files
}

/// The `cjo.toml` of a generated project: [`crate::DEFAULT_CONFIG`] (Trino
/// by default, the fixture catalog) with BigQuery and Redshift configured
/// too, so that building for all three warehouses gives no warnings.
pub fn config() -> String {
    format!(
        "{}\n[targets.bigquery]\nproject = \"bench-project\"\ndataset = \"analytics\"\nlocation = \"US\"\n\n[targets.redshift]\nschema = \"analytics\"\n",
        crate::DEFAULT_CONFIG
    )
}

/// One pipeline per thousand models of [`project_files`], each running 100
/// of the weekly models (which read the daily model before them), on both
/// Airflow and Digdag: what makes `cjoc build` write scheduler files.
pub fn scheduler_pipelines(models: usize) -> String {
    let mut out = String::new();
    for p in 0..models / 1000 {
        let names: Vec<String> = (0..100).map(|i| format!("weekly_{}", p * 1000 + i * 10 + 9)).collect();
        let _ = write!(
            out,
            "pipeline p{p} {{\n  schedule = daily at 06:00\n  run = [{}]\n  retries = 2\n  orchestrators = [airflow, digdag]\n}}\n\n",
            names.join(", ")
        );
    }
    out
}

/// Writes a generated project of `models` models into `dir`: `cjo.toml`
/// ([`config`]), the fixture catalog in `catalog/`, [`project_files`] in
/// files of `per_file` models and `pipelines.cjo`
/// ([`scheduler_pipelines`]). `dir` is created; files already there with
/// the same names are replaced.
pub fn write_project(dir: &Path, models: usize, per_file: usize) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("catalog"))?;
    std::fs::write(dir.join("cjo.toml"), config())?;
    let catalog = crate::repo_root().join("tests/fixtures/catalog");
    for entry in std::fs::read_dir(&catalog)? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, dir.join("catalog").join(name))?;
        }
    }
    for (name, text) in project_files(models, per_file) {
        std::fs::write(dir.join(name), text)?;
    }
    std::fs::write(dir.join("pipelines.cjo"), scheduler_pipelines(models))
}

/// Writes the dbt project equivalent to [`project_files`] into `dir`: the
/// same sources (in `models/sources.yml`), the same models with the same
/// SQL (reading `{{ source() }}` and `{{ ref() }}`, one `.sql` file each),
/// their tests in a `schema.yml` per hundred models, and a DuckDB
/// profile; so that `dbt parse` reads what `cjoc check` reads.
pub fn write_dbt_project(dir: &Path, models: usize) -> std::io::Result<()> {
    let models_dir = dir.join("models");
    std::fs::create_dir_all(&models_dir)?;
    std::fs::write(
        dir.join("dbt_project.yml"),
        "name: bench\nversion: \"1.0\"\nconfig-version: 2\nprofile: bench\nmodel-paths: [\"models\"]\n",
    )?;
    std::fs::write(
        dir.join("profiles.yml"),
        "bench:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: bench.duckdb\n",
    )?;
    let mut sources = String::from("version: 2\nsources:\n  - name: raw\n    tables:\n");
    for s in 0..models.div_ceil(10) {
        let _ = write!(
            sources,
            "      - name: events_{s}\n        description: Raw events, batch {s}.\n        columns:\n          - name: customer_id\n            data_tests: [not_null]\n          - name: event_name\n          - name: amount\n          - name: happened_at\n            data_tests: [not_null]\n"
        );
    }
    std::fs::write(models_dir.join("sources.yml"), sources)?;
    for chunk in 0..models.div_ceil(100) {
        let mut schema = String::from("version: 2\nmodels:\n");
        for m in chunk * 100..((chunk + 1) * 100).min(models) {
            let src = m / 10;
            let (name, sql, tests) = if m % 10 == 9 {
                let prev = m - 1;
                (
                    format!("weekly_{m}"),
                    format!(
                        "{{{{ config(materialized='table') }}}}\n-- Weekly totals per customer, from model {prev}.\nselect d.customer_id,\n       date_trunc('week', d.day)      as week,\n       sum(d.total)                   as total,\n       sum(d.events)                  as events,\n       max(e.happened_at)             as last_event_at\nfrom {{{{ ref('daily_{prev}') }}}} d\nleft join {{{{ source('raw', 'events_{src}') }}}} e on e.customer_id = d.customer_id and e.event_name = 'purchase'\ngroup by d.customer_id, date_trunc('week', d.day)\n"
                    ),
                    "      - name: customer_id\n        data_tests: [not_null]\n".to_string(),
                )
            } else {
                (
                    format!("daily_{m}"),
                    format!(
                        "{{{{ config(materialized='incremental', unique_key=['customer_id', 'day'], schema='mart') }}}}\n-- Daily totals per customer, model {m}.\nselect customer_id,\n       cast(happened_at as date) as day,\n       sum(amount)               as total,\n       count(*)                  as events -- per day\nfrom {{{{ source('raw', 'events_{src}') }}}}\nwhere amount >= {{{{ var('min_amount', {m}) }}}}\n  and event_name in ('purchase', 'refund')\n{{% if is_incremental() %}}\n  and happened_at >= (select max(day) - interval 3 day from {{{{ this }}}})\n{{% endif %}}\ngroup by customer_id, cast(happened_at as date)\n"
                    ),
                    "      - name: customer_id\n        data_tests: [not_null]\n".to_string(),
                )
            };
            std::fs::write(models_dir.join(format!("{name}.sql")), sql)?;
            let _ = write!(schema, "  - name: {name}\n    description: Model {m}.\n    columns:\n{tests}");
        }
        std::fs::write(models_dir.join(format!("schema_{chunk:04}.yml")), schema)?;
    }
    Ok(())
}
