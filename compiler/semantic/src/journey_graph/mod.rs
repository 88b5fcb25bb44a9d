//! Journey step graphs: targets, cycles, reachability, stages and jumps,
//! and where the anchors of event quantifiers may appear.
//!
//! The syntax stage already checked what each journey must contain
//! (duplicates, A/B shares, `else`); this stage checks how its parts
//! refer to each other:
//!
//! - [`steps`]: the `->` targets of each stage (E0500), cycles (E0501),
//!   unreachable steps (E0502) and stages that cannot finish (E0503);
//! - [`jumps`]: the number of stages (E0504), `jump` targets (E0505) and
//!   circles of jumps between journeys (E0506);
//! - [`anchors`]: `since journey_start|stage_start|step_start` where that
//!   start does not exist (E0507).

mod anchors;
mod graph;
mod jumps;
mod steps;

use std::collections::BTreeMap;

use cjo_diagnostics::{Diagnostic, FileId, Span, TextRange};
use cjo_project::Workspace;
use cjo_syntax::ast::{Item, Journey, Stage};

/// At most this many cycles are reported per stage, and circles of jumps
/// per project; the last one reported says how many more there are.
const MAX_CYCLES: usize = 10;

/// A cycle longer than this is shown by its first and last links.
const MAX_SHOWN: usize = 16;

/// Checks the step graph of every journey of `ws`.
pub(crate) fn check(ws: &Workspace, out: &mut Vec<Diagnostic>) {
    let index = JourneyIndex::new(ws);
    let syntax_errors = SyntaxErrors::new(ws);
    for &(file, journey) in &index.all {
        let mut cx = Cx { file, out: &mut *out };
        jumps::stage_limit(&mut cx, ws, journey);
        for (position, stage) in journey.stages.iter().enumerate() {
            if !syntax_errors.within(file, stage.range) {
                steps::check(&mut cx, journey, stage);
                jumps::check_stage(&mut cx, &index, journey, position, stage);
            }
        }
        anchors::check(&mut cx, journey);
    }
    jumps::check_cycles(&index, out);
}

/// Where diagnostics of one file go.
struct Cx<'a> {
    file: FileId,
    out: &'a mut Vec<Diagnostic>,
}

impl Cx<'_> {
    fn span(&self, range: TextRange) -> Span {
        Span::new(self.file, range)
    }

    fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }
}

/// Every journey of the project's own files, in file and declaration
/// order, and the first of each name (a second one of the same name is
/// reported by the name checks; jumps go to the first).
struct JourneyIndex<'a> {
    all: Vec<(FileId, &'a Journey)>,
    by_name: BTreeMap<&'a str, (FileId, &'a Journey)>,
}

impl<'a> JourneyIndex<'a> {
    fn new(ws: &'a Workspace) -> Self {
        let mut all = Vec::new();
        let mut by_name = BTreeMap::new();
        for module in ws.user_modules() {
            for item in &module.ast.items {
                if let Item::Journey(j) = item {
                    all.push((module.file, j));
                    by_name.entry(j.name.as_str()).or_insert((module.file, j));
                }
            }
        }
        JourneyIndex { all, by_name }
    }

    fn get(&self, name: &str) -> Option<(FileId, &'a Journey)> {
        self.by_name.get(name).copied()
    }
}

/// Where the parser reported errors: the start of each, by file.
struct SyntaxErrors(BTreeMap<FileId, Vec<u32>>);

impl SyntaxErrors {
    fn new(ws: &Workspace) -> Self {
        let mut starts: BTreeMap<FileId, Vec<u32>> = BTreeMap::new();
        for d in ws.diagnostics.iter().filter(|d| d.is_error() && d.code.stage() == cjo_diagnostics::Stage::Syntax) {
            let span = d.span();
            starts.entry(span.file).or_default().push(span.range.start);
        }
        for v in starts.values_mut() {
            v.sort_unstable();
        }
        SyntaxErrors(starts)
    }

    /// Whether the parser reported an error inside `range` of `file`. A
    /// member it could not read is missing from the tree and one it read
    /// halfway may look different (`jump` followed by the next line's
    /// `step`), so the steps around it would look unreachable or their
    /// targets unknown: such a stage's steps and jumps are not checked
    /// until the syntax is fixed.
    fn within(&self, file: FileId, range: TextRange) -> bool {
        let Some(starts) = self.0.get(&file) else { return false };
        let first = starts.partition_point(|&s| s < range.start);
        starts.get(first).is_some_and(|&s| s <= range.end)
    }
}

/// `a`, `b` and `c` (at most `max` names, then `…`), for help texts.
fn name_list<'a>(names: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    let mut shown: Vec<String> = names.iter().take(max).map(|n| format!("`{n}`")).collect();
    if names.len() > max {
        shown.push("…".to_string());
        return shown.join(", ");
    }
    match shown.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// The positions in a cycle of `len` links that are shown: all of them,
/// or the first and last `MAX_SHOWN / 2` of a longer one.
fn shown(len: usize) -> impl Iterator<Item = usize> {
    let half = MAX_SHOWN / 2;
    (0..len).filter(move |&k| len <= MAX_SHOWN || k < half || k >= len - half)
}

/// `a -> b -> c -> a` for the cycle through `names` (without the
/// repeated first name), with `…` for the links not shown.
fn cycle_path(names: &[&str]) -> String {
    let mut out = String::new();
    let mut last = None;
    for k in shown(names.len()) {
        if last.is_some_and(|l: usize| l + 1 != k) {
            out.push_str(" -> …");
        }
        if let Some(name) = names.get(k) {
            if !out.is_empty() {
                out.push_str(" -> ");
            }
            out.push_str(name);
        }
        last = Some(k);
    }
    if let Some(first) = names.first() {
        out.push_str(" -> ");
        out.push_str(first);
    }
    out
}

/// The first stage of `journey` called `name`, with its position.
fn find_stage<'a>(journey: &'a Journey, name: &str) -> Option<(usize, &'a Stage)> {
    journey.stages.iter().enumerate().find(|(_, s)| s.name.as_str() == name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn name_lists_read_as_sentences() {
        assert_eq!(super::name_list(["a"], 5), "`a`");
        assert_eq!(super::name_list(["a", "b", "c"], 5), "`a`, `b` and `c`");
        assert_eq!(super::name_list(["a", "b", "c"], 2), "`a`, `b`, …");
    }

    #[test]
    fn long_cycles_are_shortened() {
        assert_eq!(super::cycle_path(&["a", "b", "c"]), "a -> b -> c -> a");
        let names: Vec<String> = (0..20).map(|i| format!("s{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        assert_eq!(
            super::cycle_path(&names),
            "s0 -> s1 -> s2 -> s3 -> s4 -> s5 -> s6 -> s7 -> … -> s12 -> s13 -> s14 -> s15 -> s16 -> s17 -> s18 \
             -> s19 -> s0"
        );
    }
}
