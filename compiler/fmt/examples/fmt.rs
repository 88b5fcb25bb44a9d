//! Development aid: `cargo run -p cjo-fmt --example fmt -- FILE...` prints
//! each file formatted (or its syntax errors).

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut failed = false;
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("{path}: cannot read");
            return ExitCode::from(2);
        };
        match cjo_fmt::format(&text) {
            Ok(formatted) => print!("{formatted}"),
            Err(errors) => {
                failed = true;
                for d in errors {
                    eprintln!("{path}: {} {}", d.code, d.message);
                }
            }
        }
    }
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
