//! Half-typed input: every prefix of an example file typed into the
//! editor, with hover, completion, definition and symbols asked at
//! pseudo-random places after each keystroke. Every request must get an
//! answer (not an error), and the server must still work at the end.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use common::{Client, pos, uri};
use serde_json::json;

/// A small deterministic generator (no dependency, same run every time).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// A position in `text` picked by `rng` (on a character boundary).
fn random_position(text: &str, rng: &mut Lcg) -> serde_json::Value {
    let mut at = rng.next(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    json!({ "line": line, "character": text[start..at].encode_utf16().count() })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_prefix_of_an_example_answers() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/onboarding/onboarding.cjo");
    let example = std::fs::canonicalize(example).unwrap();
    let text = std::fs::read_to_string(&example).unwrap();
    let doc = uri(&example);
    let mut client = Client::start().await;
    client.open(&doc, "", 1).await;
    let mut rng = Lcg(7);
    let mut version = 1;
    let ends: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
    for end in ends {
        let prefix = &text[..end];
        version += 1;
        client.change(&doc, prefix, version).await;
        let method = match rng.next(4) {
            0 => "textDocument/hover",
            1 => "textDocument/completion",
            2 => "textDocument/definition",
            _ => "textDocument/documentHighlight",
        };
        let answer = client.request(method, Client::at(&doc, random_position(prefix, &mut rng))).await;
        assert!(answer.is_ok(), "{method} after {end} bytes: {answer:?}");
        if end % 500 == 0 {
            let symbols =
                client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": doc } })).await;
            assert!(symbols.is_ok(), "symbols after {end} bytes: {symbols:?}");
            let tokens =
                client.request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": doc } })).await;
            assert!(tokens.is_ok(), "tokens after {end} bytes: {tokens:?}");
        }
    }
    // Whole again: clean, and hover works.
    client.diagnostics_until(&doc, |_, d| d.is_empty()).await;
    let hover = client.request("textDocument/hover", Client::at(&doc, pos(&text, "profiles = ", 11))).await.unwrap();
    assert!(hover["contents"]["value"].as_str().is_some_and(|s| s.contains("Output columns")), "{hover}");
}
