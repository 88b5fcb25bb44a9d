//! Generated projects for benchmarks: realistic declarations in bulk.

use std::fmt::Write as _;

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
