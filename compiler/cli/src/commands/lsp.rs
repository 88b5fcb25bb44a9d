//! `cjoc lsp`: the language server, over standard input and output.

use super::{OK, USAGE};

pub fn run() -> u8 {
    match cjo_lsp::run_stdio() {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("error: cannot start the language server: {e}");
            USAGE
        }
    }
}
