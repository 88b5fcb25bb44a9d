//! What the server reads from the disk: a FIFO or a link to `/dev/zero`
//! is reported (E0103) instead of blocking the server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use common::{Client, Project, codes, uri};
use serde_json::json;

const ORDERS: &str = "source orders = \"shop.orders\" {\n  id: string not null\n}\n";

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn special_files_are_reported_not_read() {
    let project = Project::new("special", &[("a.cjo", ORDERS)]);
    let fifo = project.root.join("pipe.cjo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/zero", project.root.join("zero.cjo")).unwrap();
    let mut client = Client::start().await;
    let a = project.uri("a.cjo");
    client.open(&a, ORDERS, 1).await;
    for (name, what) in [("pipe.cjo", "a FIFO (named pipe)"), ("zero.cjo", "a character device")] {
        let (_, diagnostics) = client.diagnostics(&project.uri(name)).await;
        assert_eq!(codes(&diagnostics), ["E0103"], "{name}");
        let message = diagnostics[0]["message"].as_str().unwrap();
        assert!(message.contains(&format!("{name} is {what}, not a regular file")), "{message}");
    }
    // Formatting a file that is not open reads it from the disk, as the CLI does.
    let params = json!({ "textDocument": { "uri": uri(&fifo) }, "options": { "tabSize": 2, "insertSpaces": true } });
    let refused = client.request("textDocument/formatting", params).await.unwrap_err();
    assert!(refused["message"].as_str().unwrap().starts_with("E0103: "), "{refused}");
    assert!(Path::new(&fifo).exists());
}
