//! `cjoc completions SHELL`: the shell's completion script, written by
//! clap_complete from the same definition that parses the arguments, so it
//! never falls behind them.

use super::OK;

pub fn run(shell: clap_complete::Shell, command: &mut clap::Command) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(shell, command, "cjoc", &mut script);
    match crate::out::print(script) {
        Ok(()) => OK,
        Err(code) => code,
    }
}
