//! `gen-project [--models N] [--per-file N] [--dbt] OUT_DIR`: writes the
//! generated benchmark project (see `cjo_tests::generate`) to disk, for
//! timing `cjoc` as a user runs it (`tests/bench/cli.sh`). With `--dbt`,
//! writes the equivalent dbt project instead.

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: gen-project [--models N] [--per-file N] [--dbt] OUT_DIR";

fn main() -> ExitCode {
    let mut models = 10_000;
    let mut per_file = 100;
    let mut dbt = false;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let number = |value: Option<String>| value.and_then(|v| v.parse::<usize>().ok());
        match arg.as_str() {
            "--models" => match number(args.next()) {
                Some(n) => models = n,
                None => return usage(),
            },
            "--per-file" => match number(args.next()) {
                Some(n) => per_file = n,
                None => return usage(),
            },
            "--dbt" => dbt = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if out.is_none() && !arg.starts_with('-') => out = Some(PathBuf::from(arg)),
            _ => return usage(),
        }
    }
    let Some(out) = out else { return usage() };
    let written = if dbt {
        cjo_tests::generate::write_dbt_project(&out, models)
    } else {
        cjo_tests::generate::write_project(&out, models, per_file)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("{USAGE}");
    ExitCode::from(2)
}
