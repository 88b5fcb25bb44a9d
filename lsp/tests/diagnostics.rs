//! Diagnostics: pushed on open and change with the document's version,
//! never stale after a burst of edits, across files, cleared when fixed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{Client, MODELS, Project, codes};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_with_versions_and_cleared_when_fixed() {
    let project = Project::shop("versions");
    let mut client = Client::start().await;
    let models = project.uri("models.cjo");
    client.open(&models, MODELS, 1).await;
    assert_eq!(client.diagnostics(&models).await, (Some(1), Vec::new()));

    client.change(&models, &MODELS.replace("o.amount", "o.amout"), 2).await;
    let (version, diagnostics) = client.diagnostics_until(&models, |_, d| !d.is_empty()).await;
    assert_eq!(version, Some(2));
    assert_eq!(codes(&diagnostics), ["E0302"]);
    let d = &diagnostics[0];
    assert_eq!(d["range"]["start"], serde_json::json!({ "line": 3, "character": 32 }));
    assert_eq!(d["data"]["replacement"], "amount");
    assert_eq!(d["source"], "cjoc");

    client.change(&models, MODELS, 3).await;
    assert_eq!(client.diagnostics_until(&models, |_, d| d.is_empty()).await.0, Some(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_edits_ends_on_the_last_version() {
    let project = Project::shop("burst");
    let mut client = Client::start().await;
    let models = project.uri("models.cjo");
    client.open(&models, MODELS, 1).await;
    client.diagnostics(&models).await;
    // Every other version is broken; the last one is clean. The server
    // may skip versions (it waits for the burst to end), but what it
    // publishes belongs to the version it names.
    for v in 2..=41 {
        let text = if v % 2 == 0 { MODELS.replace("o.amount", "o.amout") } else { MODELS.to_string() };
        client.change(&models, &text, v).await;
    }
    let mut seen = Vec::new();
    loop {
        let (version, diagnostics) = client.diagnostics(&models).await;
        let broken = version.is_some_and(|v| v % 2 == 0);
        assert_eq!(diagnostics.is_empty(), !broken, "version {version:?}: {diagnostics:?}");
        seen.push(version);
        if version == Some(41) {
            break;
        }
    }
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "versions go forward: {seen:?}");
    assert!(seen.len() < 40, "a burst is coalesced: {seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_source_rechecks_its_dependents() {
    let project = Project::shop("dependents");
    let mut client = Client::start().await;
    let (sources, models) = (project.uri("sources.cjo"), project.uri("models.cjo"));
    client.open(&sources, common::SOURCES, 1).await;
    assert_eq!(client.diagnostics(&models).await, (None, Vec::new()), "closed files are checked too");
    client.change(&sources, &common::SOURCES.replace("amount: int", "price: int"), 2).await;
    let (version, diagnostics) = client.diagnostics_until(&models, |_, d| !d.is_empty()).await;
    assert_eq!(version, None);
    assert_eq!(codes(&diagnostics), ["E0302", "E0302"]);
    client.change(&sources, common::SOURCES, 3).await;
    client.diagnostics_until(&models, |_, d| d.is_empty()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn related_information_and_unsaved_files() {
    let project = Project::shop("related");
    let mut client = Client::start().await;
    // A file only the editor has: it joins the project, and declares
    // `spend` a second time.
    let extra = project.uri("zz_extra.cjo");
    client.open(&extra, "model spend {\n  sql { select 1 as x }\n}\n", 1).await;
    let (version, diagnostics) = client.diagnostics_until(&extra, |_, d| !d.is_empty()).await;
    assert_eq!(version, Some(1));
    assert_eq!(codes(&diagnostics), ["E0300"]);
    let related = &diagnostics[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], project.uri("models.cjo"));
    assert_eq!(related["message"], "first declared here");
}

/// A typo in a `cjo.toml` value is reported on `cjo.toml`, and its quick
/// fix keeps the value's quotes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_typo_gets_a_quick_fix_that_keeps_its_quotes() {
    let project = Project::shop("config-typo");
    let mut client = Client::start().await;
    let config = project.uri("cjo.toml");
    let text = "[project]\nname = \"shop\"\ndefault_target = \"trnio\"\n\n[targets.trino]\ncatalog = \"hive\"\nschema = \"shop\"\n";
    client.open(&config, text, 1).await;
    let (_, diagnostics) = client.diagnostics_until(&config, |_, d| !d.is_empty()).await;
    let d = diagnostics.iter().find(|d| d["data"]["replacement"].is_string()).expect("a diagnostic with a fix");
    assert_eq!(d["data"]["replacement"], "\"trino\"");
    assert_eq!(d["range"]["start"], serde_json::json!({ "line": 2, "character": 17 }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_build_refuses_does_not_blink_while_another_file_is_edited() {
    // `top` is in no pipeline's `run`: W0008, which lowering finds after
    // names and types are published.
    let pipelines = "pipeline daily {\n  schedule = daily at 06:00\n  run = [spend, onboarding]\n}\n";
    let project = Project::new(
        "blink",
        &[("sources.cjo", common::SOURCES), ("models.cjo", MODELS), ("pipelines.cjo", pipelines)],
    );
    let mut client = Client::start().await;
    let (models, pipes) = (project.uri("models.cjo"), project.uri("pipelines.cjo"));
    client.open(&pipes, pipelines, 1).await;
    let (_, diagnostics) = client.diagnostics_until(&models, |_, d| !d.is_empty()).await;
    assert_eq!(codes(&diagnostics), ["W0008"]);
    // Edits elsewhere: `models.cjo` keeps its warning all along (it is not
    // published again, and never without it).
    for v in 2..=6 {
        client.change(&pipes, &format!("{pipelines}// edit {v}\n"), v).await;
        loop {
            let p = client.next("textDocument/publishDiagnostics").await;
            if p["uri"] == models.as_str() {
                let diagnostics = p["diagnostics"].as_array().cloned().unwrap_or_default();
                assert_eq!(codes(&diagnostics), ["W0008"], "after edit {v}");
            }
            if p["uri"] == pipes.as_str() && p["version"] == v {
                break;
            }
        }
    }
    client.change(&pipes, &pipelines.replace("[spend,", "[spend, top,"), 7).await;
    let (_, diagnostics) = client.diagnostics_until(&models, |_, d| d.is_empty()).await;
    assert!(diagnostics.is_empty());
    let published: Vec<_> = client
        .drain()
        .into_iter()
        .filter(|(m, p)| m == "textDocument/publishDiagnostics" && p["uri"] == models.as_str())
        .collect();
    assert_eq!(published, Vec::new(), "nothing more for models.cjo");
}
