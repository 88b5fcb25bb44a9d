//! Development aid: `cargo run -p cjo-syntax --example parse -- FILE [--ast]`
//! prints a file's diagnostics (and its tree with `--ast`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_ast = args.iter().any(|a| a == "--ast");
    let mut failed = false;
    for path in args.iter().filter(|a| !a.starts_with("--")) {
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("{path}: cannot read");
            return ExitCode::from(2);
        };
        let parse = cjo_syntax::parse(cjo_diagnostics::FileId(0), &text);
        let index = cjo_diagnostics::LineIndex::new(&text);
        let mut all = parse.diagnostics.clone();
        all.extend(cjo_syntax::validate(cjo_diagnostics::FileId(0), &parse));
        for d in &all {
            let pos = index.line_col(&text, d.span().range.start);
            println!("{path}:{}:{}: {} {}: {}", pos.line + 1, pos.col + 1, d.code, d.severity.as_str(), d.message);
            if let Some(h) = &d.help {
                println!("    help: {h}");
            }
            failed |= d.is_error();
        }
        if show_ast {
            println!("{:#?}", parse.file);
        }
    }
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
