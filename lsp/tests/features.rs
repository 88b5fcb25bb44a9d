//! Each feature through the protocol: hover, definition, references,
//! highlights, completion, symbols, rename, formatting, semantic tokens,
//! quick fixes, code lenses and `cjo/compiledSql`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{Client, MODELS, Project, SOURCES, pos};
use serde_json::{Value, json};

async fn shop(name: &str) -> (Project, Client, String) {
    let project = Project::shop(name);
    let mut client = Client::start().await;
    let models = project.uri("models.cjo");
    client.open(&models, MODELS, 1).await;
    (project, client, models)
}

fn labels(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_definition_references_highlights() {
    let (project, mut client, models) = shop("nav").await;
    let hover =
        client.request("textDocument/hover", Client::at(&models, pos(MODELS, "o.customer_id", 3))).await.unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("orders.customer_id: string not null") && text.contains("Who ordered."), "{text}");
    assert_eq!(
        hover["range"],
        json!({ "start": { "line": 3, "character": 13 }, "end": { "line": 3, "character": 24 } })
    );

    let step = client.request("textDocument/hover", Client::at(&models, pos(MODELS, "pause:", 0))).await.unwrap();
    assert!(step["contents"]["value"].as_str().unwrap().contains("Waits 2 day(s), then goes on to `done`."));
    let nothing = client.request("textDocument/hover", Client::at(&models, json!({ "line": 0, "character": 0 }))).await;
    assert_eq!(nothing, Ok(Value::Null));

    let def =
        client.request("textDocument/definition", Client::at(&models, pos(MODELS, "from orders", 6))).await.unwrap();
    assert_eq!(def["uri"], project.uri("sources.cjo"));
    assert_eq!(def["range"]["start"], json!({ "line": 1, "character": 7 }));

    let mut params = Client::at(&models, pos(MODELS, "o.amount", 2));
    params["context"] = json!({ "includeDeclaration": false });
    let refs = client.request("textDocument/references", params).await.unwrap();
    let lines: Vec<(String, u64)> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().rsplit('/').next().unwrap().to_string(),
                l["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(lines, [("models.cjo".to_string(), 3), ("models.cjo".to_string(), 21)]);

    let highlights = client
        .request("textDocument/documentHighlight", Client::at(&models, pos(MODELS, "step done", 5)))
        .await
        .unwrap();
    assert_eq!(highlights.as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_by_context() {
    let (_project, mut client, models) = shop("complete").await;
    let mut ask =
        async |position: Value| client.request("textDocument/completion", Client::at(&models, position)).await.unwrap();
    assert_eq!(labels(&ask(pos(MODELS, "o.amount", 2)).await), ["customer_id", "amount", "ordered_at"]);
    let from = labels(&ask(pos(MODELS, "from spend", 5)).await);
    assert!(from.contains(&"orders".into()) && from.contains(&"spend".into()) && !from.contains(&"select".into()));
    assert_eq!(labels(&ask(pos(MODELS, "-> done", 3)).await), ["send", "pause", "done"]);
    let criterion = labels(&ask(pos(MODELS, "plan = 'free'", 0)).await);
    assert!(criterion.contains(&"plan".into()) && criterion.contains(&"any".into()), "{criterion:?}");
    let in_select = ask(pos(MODELS, "customer_id, total from", 0)).await;
    let date_trunc =
        in_select.as_array().unwrap().iter().find(|i| i["label"] == "date_trunc").expect("stdlib functions");
    assert_eq!(date_trunc["kind"], 3);
    assert!(date_trunc["detail"].as_str().unwrap().starts_with("date_trunc("));
    assert_eq!(date_trunc["insertTextFormat"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn symbols() {
    let (_project, mut client, models) = shop("symbols").await;
    let doc =
        client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": models } })).await.unwrap();
    let names: Vec<&str> = doc.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["spend", "top", "onboarding"]);
    assert_eq!(doc[0]["children"][1]["name"], "total");
    assert_eq!(doc[0]["children"][1]["detail"], "int");
    let ws = client.request("workspace/symbol", json!({ "query": "ordat" })).await.unwrap();
    let found: Vec<&str> = ws.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(found, ["ordered_at"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_across_files_refusing_conflicts() {
    let (project, mut client, models) = shop("rename").await;
    let sources = project.uri("sources.cjo");
    client.open(&sources, SOURCES, 1).await;
    let at = pos(SOURCES, "amount: int", 2);
    let prepared = client.request("textDocument/prepareRename", Client::at(&sources, at.clone())).await.unwrap();
    assert_eq!(prepared["placeholder"], "amount");
    let mut params = Client::at(&sources, at.clone());
    params["newName"] = json!("price");
    let edit = client.request("textDocument/rename", params.clone()).await.unwrap();
    assert_eq!(edit["changes"][&sources].as_array().unwrap().len(), 1);
    assert_eq!(edit["changes"][&models].as_array().unwrap().len(), 2);
    params["newName"] = json!("ordered_at");
    let refused = client.request("textDocument/rename", params).await.unwrap_err();
    assert_eq!(refused["code"], -32803);
    assert!(refused["message"].as_str().unwrap().contains("exists already"));

    let mut params = Client::at(&models, pos(MODELS, "step pause", 5));
    params["newName"] = json!("hold");
    let edit = client.request("textDocument/rename", params).await.unwrap();
    assert_eq!(edit["changes"][&models].as_array().unwrap().len(), 1);
    let stdlib = client.request("textDocument/prepareRename", Client::at(&models, pos(MODELS, "sum(", 0))).await;
    assert_eq!(stdlib, Ok(Value::Null), "SQL's own functions are not names of the project");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_tokens_actions_lenses() {
    let (_project, mut client, models) = shop("format").await;
    let format = json!({ "textDocument": { "uri": models }, "options": { "tabSize": 2, "insertSpaces": true } });
    assert_eq!(client.request("textDocument/formatting", format.clone()).await, Ok(json!([])));
    client.change(&models, &MODELS.replace("model top {", "model   top {"), 2).await;
    let edits = client.request("textDocument/formatting", format.clone()).await.unwrap();
    assert_eq!(edits[0]["newText"], MODELS);
    client.change(&models, "model x {\n  sql { select", 3).await;
    assert_eq!(client.request("textDocument/formatting", format).await, Ok(Value::Null), "unparsable: no edits");
    client.change(&models, MODELS, 4).await;

    let tokens =
        client.request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": models } })).await.unwrap();
    let data: Vec<u64> = tokens["data"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    // The first token: `/// Spend per customer.` is a documentation comment.
    assert_eq!(data[..5], [0, 0, 23, 3, 2]);
    // `o.customer_id` in the body: a column (property, 6).
    let mut line = 0;
    let mut col = 0;
    let mut found = false;
    for t in data.chunks(5) {
        line += t[0];
        col = if t[0] == 0 { col + t[1] } else { t[1] };
        found |= (line, col, t[2], t[3]) == (3, 13, 11, 6);
    }
    assert!(found, "{data:?}");

    let lenses = client.request("textDocument/codeLens", json!({ "textDocument": { "uri": models } })).await.unwrap();
    assert_eq!(lenses[0]["command"]["command"], "cjo.showCompiledSql");
    assert_eq!(lenses[0]["command"]["arguments"], json!([models, "spend"]));

    let diagnostic = json!({
        "range": { "start": { "line": 3, "character": 13 }, "end": { "line": 3, "character": 18 } },
        "message": "unknown column", "data": { "replacement": "amount" },
    });
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": models }, "range": diagnostic["range"], "context": { "diagnostics": [diagnostic] } }),
        )
        .await
        .unwrap();
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["edit"]["changes"][&models][0]["newText"], "amount");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compiled_sql() {
    let (_project, mut client, models) = shop("compiled").await;
    let own = client.request("cjo/compiledSql", json!({ "uri": models, "name": "SPEND" })).await.unwrap();
    assert_eq!((&own["name"], &own["dialect"]), (&json!("spend"), &json!("trino")));
    assert!(own["sql"].as_str().unwrap().contains("TABLE hive.shop.spend AS"), "{own}");
    assert_eq!(own["dialects"], json!(["bigquery", "redshift", "trino"]));
    let at = client
        .request(
            "cjo/compiledSql",
            json!({ "uri": models, "position": pos(MODELS, "from spend", 0), "dialect": "bigquery" }),
        )
        .await
        .unwrap();
    assert_eq!((&at["name"], &at["dialect"]), (&json!("top"), &json!("bigquery")));
    assert!(at["path"].as_str().unwrap().starts_with("target/bigquery/"));
    let none = client.request("cjo/compiledSql", json!({ "uri": models, "name": "nope" })).await;
    assert_eq!(none, Ok(Value::Null));
    let bad = client.request("cjo/compiledSql", json!({ "uri": models, "name": "spend", "dialect": "oracle" })).await;
    assert_eq!(bad.unwrap_err()["code"], -32602);
    client.change(&models, &MODELS.replace("o.amount", "o.amout"), 2).await;
    let broken = client.request("cjo/compiledSql", json!({ "uri": models, "name": "spend" })).await.unwrap_err();
    assert!(broken["message"].as_str().unwrap().contains("E0302"), "{broken}");
}
