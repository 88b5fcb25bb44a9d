//! `cjoc explain CODE`.

use super::{OK, USAGE};

pub fn run(code: Option<&str>, list: bool) -> u8 {
    if list || code.is_none() {
        for c in cjo_diagnostics::ALL {
            println!("{}  {}", c.id, c.name);
        }
        return if list { OK } else { USAGE };
    }
    let wanted = code.unwrap_or_default();
    match cjo_diagnostics::lookup_code(wanted) {
        Some(c) => {
            print!("{}", c.doc);
            if !c.doc.ends_with('\n') {
                println!();
            }
            OK
        }
        None => {
            let ids = cjo_diagnostics::ALL.iter().map(|c| c.id);
            let hint = cjo_diagnostics::did_you_mean(wanted, ids).map(|h| format!("; {h}")).unwrap_or_default();
            eprintln!("error: no diagnostic code `{wanted}`{hint} (`cjoc explain --list` lists them all)");
            USAGE
        }
    }
}
