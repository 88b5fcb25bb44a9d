//! How much a command tells about its work on standard error: `-q` drops
//! the summary lines, `-v` adds each phase's time, and on a terminal a
//! progress line shows the phase under way once the work takes more than
//! a second (never on a pipe or a file, where it would be noise in a log).

use std::io::{IsTerminal, Write};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How much to say, from `-q` and `-v`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Quiet,
    Normal,
    Verbose,
}

static LEVEL: OnceLock<Level> = OnceLock::new();

/// Sets the level for this process; once, at start.
pub fn set_level(level: Level) {
    let _ = LEVEL.set(level);
}

fn level() -> Level {
    *LEVEL.get_or_init(|| Level::Normal)
}

/// Whether summary lines (`built …`, `checked …`) are left out (`-q`).
pub fn quiet() -> bool {
    level() == Level::Quiet
}

/// How long work runs before the progress line appears: shorter work is
/// over before a person would wonder whether anything is happening.
const DELAY: Duration = Duration::from_secs(1);
/// How often the progress line is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// The progress line's state, shared by the working thread (which names
/// the phase) and the drawing thread.
#[derive(Debug)]
struct State {
    /// The phase under way.
    label: &'static str,
    started: Instant,
    /// Whether the line is on the screen now (and must be erased before
    /// anything else is written).
    drawn: bool,
    done: bool,
}

/// `None` until [`start`] runs on a terminal.
static STATE: Mutex<Option<State>> = Mutex::new(None);

/// Starts the progress line when standard error is a terminal, `-q` was
/// not given and `TERM` is not `dumb`; it appears after [`DELAY`].
pub fn start() {
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    if quiet() || dumb || !std::io::stderr().is_terminal() {
        return;
    }
    if let Ok(mut state) = STATE.lock() {
        *state = Some(State { label: "starting", started: Instant::now(), drawn: false, done: false });
    }
    // Detached: it ends at `finish`, or with the process.
    let _ = std::thread::Builder::new().name("progress".into()).spawn(draw_loop);
}

fn draw_loop() {
    loop {
        std::thread::sleep(TICK);
        // Standard error first, then the state, as `clear` takes them, so a
        // line is never drawn in the middle of someone else's output.
        let mut err = std::io::stderr().lock();
        let Ok(mut guard) = STATE.lock() else { return };
        let Some(state) = guard.as_mut() else { return };
        if state.done {
            return;
        }
        let elapsed = state.started.elapsed();
        if elapsed >= DELAY {
            let _ = write!(err, "\r\x1b[K{}", line(state.label, elapsed));
            let _ = err.flush();
            state.drawn = true;
        }
    }
}

/// The progress line's text.
fn line(label: &str, elapsed: Duration) -> String {
    format!("cjoc: {label}… {:.1}s", elapsed.as_secs_f64())
}

/// Erases the progress line if it is drawn, so that what is written next
/// starts at the beginning of a clean line; it is drawn again on the next
/// tick, below what was written.
pub fn clear() {
    let mut err = std::io::stderr().lock();
    if let Ok(mut guard) = STATE.lock() {
        if let Some(state) = guard.as_mut().filter(|s| s.drawn) {
            let _ = write!(err, "\r\x1b[K");
            state.drawn = false;
        }
    }
}

/// Erases the progress line for good: the command is done.
pub fn finish() {
    clear();
    if let Ok(mut guard) = STATE.lock() {
        if let Some(state) = guard.as_mut() {
            state.done = true;
        }
    }
}

/// A phase of a command's work, from [`phase`] to its drop.
#[derive(Debug)]
pub struct Phase {
    label: &'static str,
    started: Instant,
}

/// Names the phase under way on the progress line; with `-v`, its time
/// is printed when the returned guard is dropped.
pub fn phase(label: &'static str) -> Phase {
    if let Ok(mut guard) = STATE.lock() {
        if let Some(state) = guard.as_mut() {
            state.label = label;
        }
    }
    Phase { label, started: Instant::now() }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if level() == Level::Verbose {
            eprintln!("time: {:<10} {:>9.1} ms", self.label, self.started.elapsed().as_secs_f64() * 1000.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_phase_and_the_time() {
        assert_eq!(line("checking", Duration::from_millis(1540)), "cjoc: checking… 1.5s");
    }
}
