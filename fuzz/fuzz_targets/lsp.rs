//! The language server's handling of a document and of any messages: the
//! input is the document's text, then (after NUL bytes) JSON-RPC message
//! bodies; see `cjo_fuzz::lsp` for what is asked and checked.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let mut parts = input.split(cjo_fuzz::SEPARATOR);
    let text = parts.next().unwrap_or_default();
    let messages: Vec<&str> = parts.collect();
    cjo_fuzz::lsp::run(text, &messages);
});
