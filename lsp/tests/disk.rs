//! What the server reads from the disk: a file with no `cjo.toml` above it
//! is checked with its own folder's `.cjo` files and nothing below; a
//! project past its ceiling is reported (E0104, and a message) instead of
//! being read without end; a FIFO or a link to `/dev/zero` is reported
//! (E0103) instead of blocking the server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::{Path, PathBuf};

use common::{Client, Project, codes, uri};
use serde_json::json;

/// A folder under the temporary folder, removed on drop.
struct Tree(PathBuf);

impl Tree {
    fn new(name: &str, files: &[(&str, &str)]) -> Tree {
        let root = std::env::temp_dir().join(format!("cjo-lsp-disk-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        Tree(root)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const ORDERS: &str = "source orders = \"shop.orders\" {\n  id: string not null\n}\n";
const CUSTOMERS: &str = "source customers = \"crm.customers\" {\n  id: string not null\n}\n";

/// The URIs of the diagnostics published among `messages`.
fn published(messages: &[(String, serde_json::Value)]) -> Vec<String> {
    let diagnostics = messages.iter().filter(|(m, _)| m == "textDocument/publishDiagnostics");
    diagnostics.map(|(_, p)| p["uri"].as_str().unwrap_or_default().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_detached_file_is_checked_with_its_folder_and_nothing_below() {
    // `sub/` declares `orders` again: read, it would be a duplicate.
    let tree = Tree::new(
        "detached",
        &[("a.cjo", ORDERS), ("b.cjo", CUSTOMERS), ("sub/c.cjo", ORDERS), ("sub/deeper/d.cjo", "broken {")],
    );
    assert!(!tree.path("cjo.toml").exists());
    let mut client = Client::start().await;
    let a = uri(&tree.path("a.cjo"));
    client.open(&a, ORDERS, 1).await;
    assert_eq!(client.diagnostics(&a).await, (Some(1), Vec::new()));
    // Its neighbour is part of it.
    let b = uri(&tree.path("b.cjo"));
    assert_eq!(client.diagnostics(&b).await, (None, Vec::new()));
    let symbols = client.request("workspace/symbol", json!({ "query": "customers" })).await.unwrap();
    assert_eq!(symbols.as_array().unwrap().len(), 1, "{symbols}");
    // Nothing below the folder was read.
    let below: Vec<String> = published(&client.drain()).into_iter().filter(|u| u.contains("/sub/")).collect();
    assert_eq!(below, Vec::<String>::new());
    let hover = client.request("textDocument/hover", Client::at(&a, json!({ "line": 0, "character": 8 }))).await;
    assert!(hover.unwrap()["contents"].to_string().contains("shop.orders"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_project_past_its_ceiling_is_reported_and_shown() {
    // More folders than the client allows (the default, 10,000, would make
    // a slow test: removing 10,000 folders takes seconds).
    let project = Project::new("ceiling", &[("a.cjo", ORDERS), ("z/b.cjo", CUSTOMERS)]);
    for i in 0..20 {
        std::fs::create_dir(project.root.join(format!("d{i:02}"))).unwrap();
    }
    let mut client = Client::start_with(json!({ "debounceMs": 0, "maxProjectFolders": 20 })).await;
    let a = project.uri("a.cjo");
    client.open(&a, ORDERS, 1).await;
    let config = project.uri("cjo.toml");
    let (_, diagnostics) = client.diagnostics(&config).await;
    assert_eq!(codes(&diagnostics), ["E0104"]);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.starts_with("the project has more than 20 folders: cjoc stopped searching\n"), "{message}");
    let shown = client.next("window/showMessage").await;
    assert_eq!(shown["type"], 2, "a warning: {shown}");
    let message = shown["message"].as_str().unwrap();
    assert!(message.contains("[E0104]") && message.contains("more than 20 folders"), "{message}");
    assert!(message.contains(&project.root.display().to_string()), "{message}");
    // `z/`, past the ceiling, was not read.
    let symbols = client.request("workspace/symbol", json!({ "query": "customers" })).await.unwrap();
    assert_eq!(symbols, json!([]));

    // Shown once, not again on every edit.
    client.change(&a, &format!("{ORDERS}\n"), 2).await;
    client.diagnostics(&a).await;
    let again: Vec<_> = client.drain().into_iter().filter(|(m, _)| m == "window/showMessage").collect();
    assert_eq!(again, Vec::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_ceiling_holds_a_real_project() {
    let project = Project::shop("default-ceiling");
    let mut client = Client::start().await;
    let models = project.uri("models.cjo");
    client.open(&models, common::MODELS, 1).await;
    // Published in the project's order: cjo.toml first.
    let config = project.uri("cjo.toml");
    assert_eq!(client.diagnostics(&config).await, (None, Vec::new()));
    assert_eq!(client.diagnostics(&models).await, (Some(1), Vec::new()));
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environment_setting_chooses_the_environment_checked() {
    let project = Project::shop("environment");
    let config_path = project.root.join("cjo.toml");
    let mut config = std::fs::read_to_string(&config_path).unwrap();
    config.push_str("\n[environments.dev.targets.trino]\nschema = \"shop_dev\"\n");
    std::fs::write(&config_path, config).unwrap();
    let models = project.uri("models.cjo");
    let config = project.uri("cjo.toml");

    let mut client = Client::start_with(json!({ "debounceMs": 0, "environment": "dve" })).await;
    client.open(&models, common::MODELS, 1).await;
    let (_, diagnostics) = client.diagnostics(&config).await;
    assert_eq!(codes(&diagnostics), ["E0123"]);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("`dve`") && message.contains("did you mean `dev`?"), "{message}");

    let mut client = Client::start_with(json!({ "debounceMs": 0, "environment": "dev" })).await;
    client.open(&models, common::MODELS, 1).await;
    assert_eq!(client.diagnostics(&config).await, (None, Vec::new()));
}
