//! `cjoc simulate`: runs the project's journeys over CSV rows with the
//! reference simulator (`cjo_journey::sim`), tick by tick, and prints the
//! state tables, a customer's timeline, or writes every tick's tables into
//! an output folder for the differential tests.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use cjo_journey::Plan;
use cjo_journey::sim::{self, Data, Micros, Simulator, Table, output, time};
use cjo_syntax::ast::DurationUnit;

use super::{OK, PROBLEMS, USAGE};
use crate::render;

/// More ticks than this is a usage error (a typo in `--every`, most often).
const MAX_TICKS: usize = 100_000;

/// What `cjoc simulate` was asked for.
#[derive(Debug, Default)]
pub struct Request {
    pub dir: PathBuf,
    pub data: PathBuf,
    pub from: String,
    pub to: String,
    pub every: String,
    /// `--journey NAME` (repeatable; default every journey).
    pub journeys: Vec<String>,
    pub customer: Option<String>,
    pub out: Option<PathBuf>,
}

pub fn run(req: &Request, color: bool) -> u8 {
    match simulate(req, color) {
        Ok(()) => OK,
        Err(code) => code,
    }
}

fn simulate(req: &Request, color: bool) -> Result<(), u8> {
    let every = parse_every(&req.every)?;
    let from = parse_time("from", &req.from)?;
    let to = parse_time("to", &req.to)?;
    let ticks = ticks(from, to, every)?;

    let ws = super::load_project(&req.dir)?;
    let analysis = cjo_semantic::analyze(&ws);
    let diagnostics = cjo_semantic::all_diagnostics(&ws, &analysis);
    report(&ws, &diagnostics, color)?;
    let plans = cjo_journey::plans(&ws, &analysis);
    let (run, shown) = select(&plans, &req.journeys)?;
    let data = load_data(&req.data, &run, &analysis, color)?;
    let mut simulator = Simulator::new(run.clone(), &data, every).map_err(|e| {
        eprintln!("error: {e}");
        PROBLEMS
    })?;
    // Positions (in `run`) of the journeys to show, in tick order.
    let shown: Vec<usize> = simulator.order().iter().copied().filter(|j| shown.contains(j)).collect();
    let mut writer = match &req.out {
        Some(out) => Some(OutWriter::new(out)?),
        None => None,
    };
    let _phase = crate::progress::phase("simulating");
    let mut timeline = Vec::new();
    for (n, &t) in ticks.iter().enumerate() {
        let n = n + 1;
        let happenings = match simulator.tick(t) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("error: {e}");
                if let Some(w) = writer.take() {
                    w.abandon();
                }
                return Err(PROBLEMS);
            }
        };
        if let Some(w) = &mut writer {
            for &j in &shown {
                let (Some(plan), Some(state)) = (run.get(j), simulator.state(j)) else { continue };
                let dir = format!("{}/{n:04}", plan.name);
                w.file(&format!("{dir}/state.csv"), &output::state_csv(plan, state))?;
                w.file(&format!("{dir}/activations.csv"), &output::activations_csv(plan, state))?;
            }
        }
        if let Some(key) = &req.customer {
            for &j in &shown {
                let (Some(plan), Some(list)) = (run.get(j), happenings.get(j)) else { continue };
                timeline.extend(
                    list.iter().filter(|h| h.key.to_string() == *key).map(|h| output::timeline_line(&plan.name, h)),
                );
            }
        } else if req.out.is_none() {
            let mut text = format!("tick {n}  {} UTC\n", time::format_seconds(t));
            for &j in &shown {
                let (Some(plan), Some(state)) = (run.get(j), simulator.state(j)) else { continue };
                text.push_str(&journey_text(plan, state));
            }
            text.push('\n');
            if !crate::out::print_more(text)? {
                // The reader has what it wanted (`| head`): the ticks
                // left would be computed for nobody.
                return Ok(());
            }
        }
    }
    if let Some(mut w) = writer {
        let list: String =
            ticks.iter().enumerate().map(|(n, t)| format!("{},{}\n", n + 1, time::format_seconds(*t))).collect();
        w.file("ticks.csv", &format!("n,time\n{list}"))?;
        w.finish()?;
        if req.customer.is_none() && !crate::progress::quiet() {
            let out = req.out.as_deref().unwrap_or(Path::new("."));
            eprintln!(
                "simulated {} over {} → {}",
                plural(shown.len(), "journey"),
                plural(ticks.len(), "tick"),
                out.display()
            );
        }
    }
    if let Some(key) = &req.customer {
        let known = run.iter().any(|p| data.get(&p.profiles).is_some_and(|t| has_key(t, &p.key, key)));
        let mut text = String::new();
        if !known {
            eprintln!("warning: no profile row has the key `{key}`");
        }
        if timeline.is_empty() {
            text.push_str(&format!(
                "nothing happened to customer {key} between {} and {}\n",
                time::format_minutes(from),
                time::format_minutes(to)
            ));
        }
        for line in timeline {
            text.push_str(&line);
            text.push('\n');
        }
        crate::out::print(text)?;
    }
    Ok(())
}

fn has_key(table: &Table, key_column: &str, key: &str) -> bool {
    let Some(i) = table.column(key_column) else { return false };
    table.rows.iter().any(|r| r.get(i).and_then(sim::Key::of).is_some_and(|k| k.to_string() == key))
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn journey_text(plan: &Plan<'_>, state: &sim::JourneyState) -> String {
    let count: usize = state.instances.values().map(Vec::len).sum();
    if count == 0 {
        return format!("{}: no instances\n", plan.name);
    }
    let columns = plan.columns();
    let out_at = columns.iter().position(|c| c.name == "outtime_journey");
    let active = state.instances.values().flatten().filter(|i| out_at.is_some_and(|c| i.get(c).is_none())).count();
    let mut text = format!("{}: {}, {} active\n", plan.name, plural(count, "instance"), active);
    for line in output::state_text(plan, state).lines() {
        text.push_str("  ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Prints the diagnostics; stops when one is an error.
fn report(ws: &cjo_project::Workspace, diagnostics: &[cjo_diagnostics::Diagnostic], color: bool) -> Result<(), u8> {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut err = std::io::stderr().lock();
    let written = render::human(&mut err, ws, diagnostics, color).and_then(|()| {
        if errors > 0 {
            let summary = render::counts(errors, diagnostics.len() - errors);
            writeln!(err, "error: could not simulate `{}`: {summary}", ws.config.project.name)
        } else {
            Ok(())
        }
    });
    match (written, errors) {
        (Err(_), _) => Err(USAGE),
        (Ok(()), 0) => Ok(()),
        (Ok(()), _) => Err(PROBLEMS),
    }
}

/// `--from` / `--to`: a date (its midnight) or a timestamp, in UTC unless
/// an offset is written.
fn parse_time(flag: &str, text: &str) -> Result<Micros, u8> {
    time::parse_timestamp(text).ok_or_else(|| {
        eprintln!("error: `--{flag} {text}` is not a date or time: write `2026-03-01` or `2026-03-01T06:00:00Z`");
        USAGE
    })
}

/// `--every`: `1 day`, `2 hours`, `30 minutes`, also `30m`, `1h`, `1d`.
fn parse_every(text: &str) -> Result<Micros, u8> {
    let bad = || {
        eprintln!("error: `--every {text}` is not a length of time: write `1 day`, `6 hours` or `30 minutes`");
        USAGE
    };
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: u64 = n.parse().map_err(|_| bad())?;
    let unit = match unit.trim() {
        "s" => DurationUnit::Second,
        "m" | "min" => DurationUnit::Minute,
        "h" => DurationUnit::Hour,
        "d" => DurationUnit::Day,
        "w" => DurationUnit::Week,
        word => DurationUnit::parse(word).ok_or_else(bad)?,
    };
    let seconds = n.checked_mul(unit.seconds()).filter(|s| *s > 0).ok_or_else(bad)?;
    i64::try_from(seconds).ok().and_then(|s| s.checked_mul(time::MICROS_PER_SECOND)).ok_or_else(bad)
}

/// `from + every`, `from + 2·every`, … up to and including `to`.
fn ticks(from: Micros, to: Micros, every: Micros) -> Result<Vec<Micros>, u8> {
    if to < from.saturating_add(every) {
        eprintln!("error: `--to` must be at least one `--every` after `--from`: the first tick is at --from + --every");
        return Err(USAGE);
    }
    let count = (to - from) / every;
    if count > i64::try_from(MAX_TICKS).unwrap_or(i64::MAX) {
        eprintln!("error: that is {count} ticks, more than {MAX_TICKS}: use a larger `--every` or a shorter span");
        return Err(USAGE);
    }
    Ok((1..=count).map(|i| from + i * every).collect())
}

/// The journeys to run (those asked for and every journey that jumps into
/// one of them, directly or not) and, among them, the positions to show.
fn select<'p, 'a>(plans: &'p [Plan<'a>], names: &[String]) -> Result<(Vec<&'p Plan<'a>>, BTreeSet<usize>), u8> {
    if plans.is_empty() {
        eprintln!("error: the project has no journey to simulate");
        return Err(USAGE);
    }
    let mut wanted: BTreeSet<usize> = BTreeSet::new();
    for name in names {
        match plans.iter().position(|p| p.name.eq_ignore_ascii_case(name)) {
            Some(i) => {
                wanted.insert(i);
            }
            None => {
                let all: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
                eprintln!("error: no journey `{name}`: the journeys are {}", all.join(", "));
                return Err(USAGE);
            }
        }
    }
    if names.is_empty() {
        wanted = (0..plans.len()).collect();
    }
    // Add the journeys jumping into a selected one, until nothing changes.
    let mut run = wanted.clone();
    loop {
        let before = run.len();
        for (i, p) in plans.iter().enumerate() {
            if run.contains(&i) {
                continue;
            }
            let jumps_in = p.stages.iter().flat_map(|s| &s.steps).any(|st| match &st.op {
                cjo_journey::StepOp::JumpJourney { journey, .. } => {
                    run.iter().any(|&k| plans.get(k).is_some_and(|q| q.name.eq_ignore_ascii_case(journey)))
                }
                _ => false,
            });
            if jumps_in {
                run.insert(i);
            }
        }
        if run.len() == before {
            break;
        }
    }
    let order: Vec<usize> = run.iter().copied().collect();
    let shown = order.iter().enumerate().filter(|(_, i)| wanted.contains(i)).map(|(pos, _)| pos).collect();
    Ok((order.iter().filter_map(|&i| plans.get(i)).collect(), shown))
}

/// Reads `DATA/<relation>.csv` (or the lowercase name) for the profiles
/// and events of every journey run, as a project's files are read (E0103
/// for a FIFO or a device, E0102 past 128 MiB).
fn load_data(dir: &Path, run: &[&Plan<'_>], analysis: &cjo_semantic::Analysis, color: bool) -> Result<Data, u8> {
    let mut data = Data::new();
    for (name, columns) in sim::data::inputs(run, analysis) {
        let candidates = [dir.join(format!("{name}.csv")), dir.join(format!("{}.csv", name.to_ascii_lowercase()))];
        let Some(path) = candidates.iter().find(|p| cjo_disk::is_non_folder(p)) else {
            eprintln!(
                "error: no file {} for the rows of `{name}` (a CSV file with a header row naming its columns)",
                candidates.first().map_or_else(String::new, |p| p.display().to_string())
            );
            return Err(USAGE);
        };
        let bytes = super::read_file(path, color).map_err(|_| USAGE)?;
        let table = Table::from_csv(&name, &columns, &path.display().to_string(), &bytes).map_err(|e| {
            eprintln!("error: {e}");
            PROBLEMS
        })?;
        data.insert(table);
    }
    Ok(data)
}

/// Writes the output folder beside its final place, then swaps it in, as
/// `cjoc build` does ([`cjo_disk::Staging`]): a reader sees the previous
/// output or the new one.
struct OutWriter {
    out: PathBuf,
    staging: cjo_disk::Staging,
}

impl OutWriter {
    fn new(out: &Path) -> Result<OutWriter, u8> {
        if out.exists() && !is_previous_output(out) {
            eprintln!(
                "error: {} exists and is not the output of `cjoc simulate` (it has no ticks.csv): choose another --out, or remove it",
                out.display()
            );
            return Err(USAGE);
        }
        let staging = cjo_disk::Staging::new(out, "sim").map_err(|e| {
            eprintln!("error: cannot write {}: {e}", out.display());
            USAGE
        })?;
        Ok(OutWriter { out: out.to_path_buf(), staging })
    }

    fn fail(&self, e: &std::io::Error) -> u8 {
        eprintln!("error: cannot write {}: {e}; nothing was changed", self.out.display());
        USAGE
    }

    fn file(&mut self, rel: &str, text: &str) -> Result<(), u8> {
        self.staging.write(rel, text.as_bytes()).map_err(|e| self.fail(&e))
    }

    /// Drops what was written; the output stays as it was.
    fn abandon(self) {}

    fn finish(self) -> Result<(), u8> {
        let out = self.out;
        self.staging.commit().map_err(|e| {
            eprintln!("error: cannot write {}: {e}; nothing was changed", out.display());
            USAGE
        })
    }
}

/// An empty folder, or one holding a previous `ticks.csv`.
fn is_previous_output(dir: &Path) -> bool {
    std::fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false)
        || cjo_disk::read(&dir.join("ticks.csv"), cjo_project::MAX_FILE_SIZE).is_ok_and(|t| t.starts_with(b"n,time\n"))
}
