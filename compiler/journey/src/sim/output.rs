//! The simulator's results as text: the state and activation tables as
//! CSV (the layout a differential test compares with the SQL's tables),
//! an aligned table for people, and the lines of a customer's timeline.

use crate::columns::ColumnKind;
use crate::plan::Plan;

use super::time;
use super::{Activation, Happening, JourneyState};

/// `<key>,instance_no,<every state column>`, one row per instance sorted
/// by key then instance number; timestamps `YYYY-MM-DD HH:MM:SS` (UTC),
/// null as an empty field.
pub fn state_csv(plan: &Plan<'_>, state: &JourneyState) -> String {
    let columns = plan.columns();
    let mut rows = vec![header(plan, columns.iter().map(|c| c.name.clone()))];
    for (key, instances) in &state.instances {
        for inst in instances {
            let mut row = vec![key.to_string(), inst.no.to_string()];
            for (i, col) in columns.iter().enumerate() {
                row.push(match (inst.get(i), col.kind) {
                    (None, _) => String::new(),
                    (Some(t), ColumnKind::Timestamp) => time::format_seconds(t),
                    (Some(n), ColumnKind::Int) => n.to_string(),
                });
            }
            rows.push(row);
        }
    }
    csv_text(&rows)
}

/// `<key>,instance_no,journey,stage,step,destination,activated_at`,
/// sorted by time, key, instance, stage and step.
pub fn activations_csv(plan: &Plan<'_>, state: &JourneyState) -> String {
    let mut list: Vec<&Activation> = state.activations.iter().collect();
    list.sort_by(|a, b| {
        (a.at, &a.key, a.instance_no, &a.stage, &a.step).cmp(&(b.at, &b.key, b.instance_no, &b.stage, &b.step))
    });
    let names = ["journey", "stage", "step", "destination", "activated_at"].map(String::from);
    let mut rows = vec![header(plan, names.into_iter())];
    for a in list {
        rows.push(vec![
            a.key.to_string(),
            a.instance_no.to_string(),
            plan.name.clone(),
            a.stage.clone(),
            a.step.clone(),
            a.destination.clone(),
            time::format_seconds(a.at),
        ]);
    }
    csv_text(&rows)
}

fn header(plan: &Plan<'_>, rest: impl Iterator<Item = String>) -> Vec<String> {
    [plan.key.clone(), "instance_no".to_string()].into_iter().chain(rest).collect()
}

/// RFC 4180 text with `\n` line ends: a field is quoted only when it
/// holds a comma, a quote or a line break.
fn csv_text(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let fields: Vec<String> =
            row.iter()
                .map(|f| {
                    if f.contains([',', '"', '\n', '\r']) {
                        format!("\"{}\"", f.replace('"', "\"\""))
                    } else {
                        f.clone()
                    }
                })
                .collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// The state table for people: the key, the instance number and the
/// columns that hold a value in some row, aligned; null is `·`. Empty when
/// there are no rows.
pub fn state_text(plan: &Plan<'_>, state: &JourneyState) -> String {
    let columns = plan.columns();
    let rows: Vec<(String, &super::Instance)> =
        state.instances.iter().flat_map(|(k, list)| list.iter().map(move |i| (k.to_string(), i))).collect();
    if rows.is_empty() {
        return String::new();
    }
    let used: Vec<usize> = (0..columns.len()).filter(|&i| rows.iter().any(|(_, inst)| inst.get(i).is_some())).collect();
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut head = vec![plan.key.clone(), "#".to_string()];
    head.extend(used.iter().filter_map(|&i| columns.get(i)).map(|c| c.name.clone()));
    table.push(head);
    for (key, inst) in &rows {
        let mut line = vec![key.clone(), inst.no.to_string()];
        for &i in &used {
            let kind = columns.get(i).map_or(ColumnKind::Int, |c| c.kind);
            line.push(match (inst.get(i), kind) {
                (None, _) => "·".to_string(),
                (Some(t), ColumnKind::Timestamp) => time::format_minutes(t),
                (Some(n), ColumnKind::Int) => n.to_string(),
            });
        }
        table.push(line);
    }
    align(&table)
}

fn align(table: &[Vec<String>]) -> String {
    let n = table.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..n).map(|c| table.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in table {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let w = widths.get(c).copied().unwrap_or(0);
            if c > 0 {
                line.push_str("  ");
            }
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', w.saturating_sub(cell.chars().count())));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// One line of a customer's timeline:
/// `2026-01-03 00:00  day 0  onboarding #1 entered stage welcome`.
pub fn timeline_line(journey: &str, h: &Happening) -> String {
    let day = (h.at - h.entered_at).div_euclid(time::MICROS_PER_DAY);
    format!("{}  day {day}  {journey} #{} {}", time::format_minutes(h.at), h.instance_no, h.text)
}
