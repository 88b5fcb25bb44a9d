//! `cjoc explain CODE`.

use super::{OK, USAGE};

pub fn run(code: Option<&str>, list: bool) -> u8 {
    let Some(wanted) = code.filter(|_| !list) else {
        let text: String = cjo_diagnostics::ALL.iter().map(|c| format!("{}  {}\n", c.id, c.name)).collect();
        let listed = crate::out::print(text);
        // Asked for nothing in particular: the list, and how to ask for one.
        if code.is_none() && !list && !crate::progress::quiet() {
            eprintln!("hint: `cjoc explain CODE` explains one of them, e.g. `cjoc explain E0201`");
        }
        return listed.map_or_else(|code| code, |()| OK);
    };
    match cjo_diagnostics::lookup_code(wanted) {
        Some(c) => {
            let newline = if c.doc.ends_with('\n') { "" } else { "\n" };
            crate::out::print(format!("{}{newline}", c.doc)).map_or_else(|code| code, |()| OK)
        }
        None => {
            let ids = cjo_diagnostics::ALL.iter().map(|c| c.id);
            let hint = cjo_diagnostics::did_you_mean(wanted, ids).map(|h| format!("; {h}")).unwrap_or_default();
            eprintln!("error: no diagnostic code `{wanted}`{hint} (`cjoc explain --list` lists them all)");
            USAGE
        }
    }
}
