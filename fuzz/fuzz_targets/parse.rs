//! Parsing any text: the parser never fails, every span it reports lies
//! inside the text on character boundaries, and parsing is deterministic.

#![no_main]

use cjo_diagnostics::{FileId, TextRange};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parse = cjo_syntax::parse(FileId(0), text);
    let mut diagnostics = parse.diagnostics.clone();
    diagnostics.extend(cjo_syntax::validate(FileId(0), &parse));
    for d in &diagnostics {
        for label in &d.labels {
            cjo_fuzz::assert_range(text, label.span.range, d);
        }
    }
    let comment = |range: TextRange| {
        let (start, end) = (range.start as usize, range.end as usize);
        start <= end && text.get(start..end).is_some()
    };
    assert!(parse.comments.iter().all(|c| comment(c.range)), "a comment outside the text: {:?}", parse.comments);
    let again = cjo_syntax::parse(FileId(0), text);
    assert_eq!(parse.diagnostics, again.diagnostics, "parsing twice gave other diagnostics");
    assert_eq!(format!("{:?}", parse.file), format!("{:?}", again.file), "parsing twice gave another tree");
});
