//! `cjoc graph --journey NAME`: the journeys of the examples drawn as
//! flowcharts (snapshots), every drawing well formed for its format, labels
//! escaped, and an unknown journey a usage error.
//!
//! The drawings are checked by the small readers below, not by Graphviz or
//! Mermaid: neither is a test dependency. With Graphviz installed
//! (`apt-get install graphviz`), `cjoc graph … --journey … | dot -Tsvg`
//! renders them.

// Test code: failing loudly is its job.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn cjoc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cjoc"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap()
}

/// `cjoc graph DIR --journey NAME --format FORMAT`, which must succeed.
fn draw(dir: &Path, journey: &str, format: &str) -> String {
    let out = cjoc(&["graph", dir.to_str().unwrap(), "--journey", journey, "--format", format]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The journeys the tests draw: (example, journey).
const JOURNEYS: [(&str, &str); 3] =
    [("onboarding", "onboarding"), ("journey_tour", "trial_conversion"), ("journey_tour", "winback")];

#[test]
fn example_journeys_as_mermaid_and_dot() {
    for (example, journey) in JOURNEYS {
        let dir = examples().join(example);
        let mermaid = draw(&dir, journey, "mermaid");
        check_mermaid(&mermaid).unwrap_or_else(|e| panic!("{journey}: {e}\n{mermaid}"));
        insta::assert_snapshot!(format!("{journey}__mermaid"), mermaid);
        let dot = draw(&dir, journey, "dot");
        check_dot(&dot).unwrap_or_else(|e| panic!("{journey}: {e}\n{dot}"));
        insta::assert_snapshot!(format!("{journey}__dot"), dot);
    }
}

/// The three formats draw the same edges, and JSON lists every node the
/// edges name.
#[test]
fn json_has_the_nodes_and_edges_of_the_drawings() {
    for (example, journey) in JOURNEYS {
        let dir = examples().join(example);
        let json: serde_json::Value = serde_json::from_str(&draw(&dir, journey, "json")).unwrap();
        assert_eq!(json["journey"], journey);
        let mut ids: BTreeSet<String> =
            json["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap().to_string()).collect();
        ids.extend(json["stages"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()));
        let edges: Vec<(String, String)> = json["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["from"].as_str().unwrap().to_string(), e["to"].as_str().unwrap().to_string()))
            .collect();
        for (from, to) in &edges {
            assert!(ids.contains(from) && ids.contains(to), "{journey}: {from} -> {to} names an unknown node");
        }
        let mermaid = check_mermaid(&draw(&dir, journey, "mermaid")).unwrap();
        assert_eq!(mermaid, edges, "{journey}: Mermaid draws other edges than JSON lists");
        let dot = check_dot(&draw(&dir, journey, "dot")).unwrap();
        assert_eq!(dot.len(), edges.len(), "{journey}: DOT draws another number of edges");
    }
}

/// Every step kind of the tour is drawn with its kind, and every kind of
/// branch with its label.
#[test]
fn the_tour_shows_every_step_and_branch() {
    let dot = draw(&examples().join("journey_tour"), "trial_conversion", "dot");
    for needle in [
        r#"activate \"email.trial_welcome\""#,
        "wait 2 days",
        "wait until weekday mon, thu",
        r#"wait until date \"2026-11-27\""#,
        "wait until any app_events where event_name = 'workout_completed'",
        "\\ndecide\"",
        "\\nab_test\"",
        "\\nmerge\"",
        "\\nend\"",
        "jump offer",
        "jump winback.reactivate",
        "label=\"when 1: count app_events",
        "label=\"else\"",
        "label=\"control 10%\"",
        "label=\"variant stats 45.5%\"",
        "label=\"variant stories 44.5%\"",
        "label=\"condition\"",
        "label=\"timeout 5 days\"",
        "label=\"milestone: count app_events",
        "parked (past the last step)",
        "goal subscribed",
        "exit opted_out",
        "exit trial_cancelled",
        "entry\\ncount app_events where event_name = 'workout_completed' wit…",
        "style=dashed",
        "lhead=cluster_1",
    ] {
        assert!(dot.contains(needle), "no `{needle}` in\n{dot}");
    }
}

#[test]
fn labels_are_escaped_for_each_format() {
    let scratch = std::env::temp_dir().join(format!("cjoc-journey-graph-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    std::fs::write(scratch.join("cjo.toml"), "[project]\nname = \"escapes\"\ndefault_target = \"trino\"\n\n[targets.trino]\ncatalog = \"hive\"\nschema = \"cjo\"\n").unwrap();
    std::fs::write(
        scratch.join("j.cjo"),
        r#"source people = "crm.people" {
  id: string not null
  note: string
  at: timestamp not null
}

journey tricky {
  profiles = people
  key = id

  stage only {
    entry: note <> '<b>"q" & #1 | `t` \ x</b>'
        or note is null
    step say: activate "dest \"with quotes\" <and> {braces} [brackets] |pipe| #hash \\l"
    step pick: decide {
      when note > 'a' and note < 'z' -> done
      else -> done
    }
    step done: end
  }
}
"#,
    )
    .unwrap();
    let mermaid = draw(&scratch, "tricky", "mermaid");
    check_mermaid(&mermaid).unwrap_or_else(|e| panic!("{e}\n{mermaid}"));
    assert!(
        mermaid.contains("#lt;b#gt;#quot;q#quot; #amp; #35;1 #124; #96;t#96; \\ x#lt;/b#gt;' or note is null"),
        "{mermaid}"
    );
    assert!(mermaid.contains("when 1: note #gt; 'a' and note #lt; 'z'"), "{mermaid}");
    let dot = draw(&scratch, "tricky", "dot");
    check_dot(&dot).unwrap_or_else(|e| panic!("{e}\n{dot}"));
    assert!(dot.contains(r#"activate \"dest \\\"with quotes\\\" <and>"#), "{dot}");
    assert!(dot.contains(r#"'<b>\"q\" & #1 | `t` \\ x</b>' or note is null"#), "{dot}");
    // The destination's `\\l` is a backslash and an `l`, not DOT's left-justified line break.
    assert!(dot.contains(r"#hash \\\\l"), "{dot}");
    // Case does not matter when the name is not found as written.
    assert_eq!(draw(&scratch, "TRICKY", "dot"), dot);
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn an_unknown_journey_is_a_usage_error_naming_the_journeys() {
    let dir = examples().join("journey_tour");
    let out = cjoc(&["graph", dir.to_str().unwrap(), "--journey", "trial_convresion"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no journey `trial_convresion`"), "{err}");
    assert!(err.contains("trial_conversion, winback"), "{err}");
    assert!(err.contains("did you mean `trial_conversion`?"), "{err}");

    let out = cjoc(&["graph", examples().join("promotions").to_str().unwrap(), "--journey", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no journeys"));
}

#[test]
fn without_journey_the_task_dag_is_drawn() {
    let out = cjoc(&["graph", examples().join("journey_tour").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(dot.starts_with("digraph cjo {"), "{dot}");
    assert!(dot.contains("\"journey.trial_conversion\" -> \"journey.winback\";"), "{dot}");
}

// ---------------------------------------------------------------------------
// Readers: just enough of each format to say that a drawing is well formed.

/// Checks a Mermaid flowchart line by line: the header, `subgraph`/`end`
/// balanced, node shapes closed around one quoted label without a raw
/// quote, every edge's ends declared (as a node or a subgraph). Returns the
/// edges in order.
fn check_mermaid(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut lines = text.lines();
    if lines.next() != Some("flowchart TD") {
        return Err("the first line is not `flowchart TD`".into());
    }
    let mut declared = BTreeSet::new();
    let mut edges = Vec::new();
    let mut depth = 0usize;
    let mut classes = Vec::new();
    for line in lines {
        let line = line.trim();
        if line == "end" {
            depth = depth.checked_sub(1).ok_or("`end` without `subgraph`")?;
        } else if let Some(rest) = line.strip_prefix("subgraph ") {
            let (id, label) = rest.split_once('[').ok_or(format!("subgraph without a title: {line}"))?;
            quoted_label(label.strip_suffix(']').ok_or(format!("unclosed subgraph title: {line}"))?)?;
            declared.insert(id.to_string());
            depth += 1;
        } else if line.starts_with("classDef ") {
        } else if let Some(rest) = line.strip_prefix("class ") {
            let ids = rest.split(' ').next().unwrap_or("");
            classes.extend(ids.split(',').map(str::to_string));
        } else if let Some((from, rest)) = line.split_once(" -->").or_else(|| line.split_once(" -.->")) {
            let to = match rest.strip_prefix('|') {
                Some(labelled) => {
                    let (label, to) = labelled.rsplit_once("| ").ok_or(format!("unclosed edge label: {line}"))?;
                    quoted_label(label)?;
                    to
                }
                None => rest.trim_start(),
            };
            edges.push((from.to_string(), to.to_string()));
        } else {
            let id_end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).ok_or(format!("?: {line}"))?;
            let (id, shape) = line.split_at(id_end);
            let open = shape.find('"').ok_or(format!("a node without a quoted label: {line}"))?;
            let close = shape.rfind('"').unwrap();
            let (before, after) = (&shape[..open], &shape[close + 1..]);
            let pairs = [
                ("[", "]"),
                ("(", ")"),
                ("{", "}"),
                ("((", "))"),
                ("([", "])"),
                ("[[", "]]"),
                ("{{", "}}"),
                (">", "]"),
            ];
            if !pairs.contains(&(before, after)) {
                return Err(format!("unknown node shape `{before}…{after}`: {line}"));
            }
            quoted_label(&shape[open..=close])?;
            if !declared.insert(id.to_string()) {
                return Err(format!("`{id}` declared twice"));
            }
        }
    }
    if depth != 0 {
        return Err("a `subgraph` is not closed".into());
    }
    for id in edges.iter().flat_map(|(a, b)| [a, b]).chain(&classes) {
        if !declared.contains(id) {
            return Err(format!("`{id}` is used but not declared"));
        }
    }
    Ok(edges)
}

/// `"…"` with no raw quote, `<`, `>` (but for `<br/>`) or line break inside.
fn quoted_label(label: &str) -> Result<(), String> {
    let inner =
        label.strip_prefix('"').and_then(|l| l.strip_suffix('"')).ok_or(format!("a label not in quotes: {label}"))?;
    let inner = inner.replace("<br/>", "");
    if inner.contains(['"', '<', '>', '\n']) {
        return Err(format!("a raw quote, `<` or `>` in the label {label}"));
    }
    Ok(())
}

/// Checks a DOT digraph: quoted strings closed on their line (with `\`
/// escapes), braces balanced outside them, every line a known statement,
/// every edge's ends declared nodes. Returns the edges in order.
fn check_dot(text: &str) -> Result<Vec<(String, String)>, String> {
    if !text.starts_with("digraph journey {\n") || !text.ends_with("}\n") {
        return Err("not a `digraph journey { … }`".into());
    }
    let mut depth = 0i32;
    let mut declared = BTreeSet::new();
    let mut edges = Vec::new();
    for line in text.lines() {
        // The strings of the line, and the line with them blanked out.
        let mut strings = Vec::new();
        let mut outside = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            if c != '"' {
                outside.push(c);
                continue;
            }
            let mut s = String::new();
            loop {
                match chars.next() {
                    None => return Err(format!("an unclosed string: {line}")),
                    Some('"') => break,
                    Some('\\') => {
                        let next = chars.next().ok_or(format!("a `\\` at the end: {line}"))?;
                        if !matches!(next, '"' | '\\' | 'n') {
                            return Err(format!("an unexpected escape `\\{next}`: {line}"));
                        }
                        s.push('\\');
                        s.push(next);
                    }
                    Some(c) => s.push(c),
                }
            }
            strings.push(s);
            outside.push('S');
        }
        depth += outside.matches('{').count() as i32 - outside.matches('}').count() as i32;
        if depth < 0 {
            return Err(format!("a `}}` too many: {line}"));
        }
        let statement = outside.trim();
        if statement.starts_with("S -> S") {
            edges.push((strings[0].clone(), strings[1].clone()));
        } else if statement.starts_with("S [label=S") {
            if !declared.insert(strings[0].clone()) {
                return Err(format!("`{}` declared twice", strings[0]));
            }
        } else if !(statement.starts_with("digraph journey {")
            || statement.starts_with("subgraph cluster_")
            || statement == "}"
            || statement.ends_with(';') && statement.contains('='))
        {
            return Err(format!("an unexpected statement: {line}"));
        }
    }
    if depth != 0 {
        return Err("unbalanced braces".into());
    }
    for (from, to) in &edges {
        if !declared.contains(from) || !declared.contains(to) {
            return Err(format!("the edge {from} -> {to} names an undeclared node"));
        }
    }
    Ok(edges)
}
