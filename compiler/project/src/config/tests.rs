use cjo_diagnostics::{
    CONFIG_CATALOG_PATH, CONFIG_INVALID_SELECTOR, CONFIG_INVALID_VALUE, CONFIG_MALFORMED_REFERENCE, CONFIG_MISSING_KEY,
    CONFIG_SYNTAX, CONFIG_UNKNOWN_ENVIRONMENT, CONFIG_UNKNOWN_KEY, CONFIG_UNSET_VARIABLE, Code,
};

use super::*;

/// The example from the language reference, section "Project".
const EXAMPLE: &str = r#"[project]
name = "acme"
default_target = "bigquery"         # bigquery | redshift | trino
timezone = "Asia/Tokyo"             # default for schedules and journeys

[targets.bigquery]                  # where each warehouse keeps what we build
project = "acme-prod"
dataset = "analytics"
location = "asia-northeast1"

[targets.redshift]
schema = "analytics"

[targets.trino]
catalog = "hive"
schema = "analytics"

[catalog]                           # warehouse schemas exported from the warehouse
paths = ["schemas/*.json", "schemas/*.csv"]

[orchestrators.airflow]
connections = { bigquery = "google_cloud_default", redshift = "redshift_default", trino = "trino_default" }

[orchestrators.digdag]
"#;

const HEADER: &str = "[project]\nname = \"acme\"\n";

/// One reported problem: its code, the text under its primary span, its
/// message and its help.
#[derive(Debug)]
struct Found {
    code: Code,
    at: String,
    message: String,
    help: Option<String>,
}

fn parse(text: &str) -> (Config, Vec<Found>) {
    parse_in(text, None, &[])
}

/// Parses `text` for the environment `env` with the variables `vars`.
fn parse_in(text: &str, env: Option<&str>, vars: &[(&str, &str)]) -> (Config, Vec<Found>) {
    let context = ConfigContext {
        environment: env.map(str::to_owned),
        variables: vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
    };
    let (config, diags) = parse_config_in(FileId(7), text, &context);
    let found = diags
        .into_iter()
        .map(|d| {
            assert_eq!(d.span().file, FileId(7));
            assert!(d.is_error());
            Found { code: d.code, at: d.span().range.slice(text).to_owned(), message: d.message, help: d.help }
        })
        .collect();
    (config, found)
}

/// Parses `text` and expects exactly one problem.
fn single(text: &str) -> (Config, Found) {
    let (config, mut found) = parse(text);
    assert_eq!(found.len(), 1, "{text}\n{found:#?}");
    (config, found.remove(0))
}

/// Parses `HEADER` followed by `rest` and expects exactly one problem.
fn one(rest: &str) -> Found {
    single(&format!("{HEADER}{rest}")).1
}

fn clean(text: &str) -> Config {
    let (config, found) = parse(text);
    assert!(found.is_empty(), "{text}\n{found:#?}");
    config
}

#[test]
fn the_reference_example_is_clean() {
    let config = clean(EXAMPLE);
    let at = |r: Option<TextRange>| r.map(|r| r.slice(EXAMPLE));
    assert_eq!(config.file, FileId(7));

    let p = &config.project;
    assert_eq!((p.name.as_str(), p.default_target, p.timezone.as_str()), ("acme", Dialect::BigQuery, "Asia/Tokyo"));
    assert_eq!(at(p.span), Some("[project]"));
    assert_eq!(at(p.name_span), Some("\"acme\""));
    assert_eq!(at(p.default_target_span), Some("\"bigquery\""));
    assert_eq!(at(p.timezone_span), Some("\"Asia/Tokyo\""));

    let bq = config.targets.bigquery.as_ref();
    assert_eq!(bq.map(|t| (t.project.as_str(), t.dataset.as_str())), Some(("acme-prod", "analytics")));
    assert_eq!(bq.and_then(|t| t.location.as_deref()), Some("asia-northeast1"));
    assert_eq!(at(config.targets.span(Dialect::BigQuery)), Some("[targets.bigquery]"));
    let rs = config.targets.redshift.as_ref();
    assert_eq!(rs.map(|t| (t.schema.as_str(), t.database.as_deref())), Some(("analytics", None)));
    let trino = config.targets.trino.as_ref();
    assert_eq!(trino.map(|t| (t.catalog.as_str(), t.schema.as_str())), Some(("hive", "analytics")));
    assert!(Dialect::ALL.into_iter().all(|d| config.targets.is_configured(d)));

    assert_eq!(config.catalog.paths, ["schemas/*.json", "schemas/*.csv"]);
    let spans: Vec<_> = config.catalog.paths_with_spans().map(|(_, r)| r.slice(EXAMPLE)).collect();
    assert_eq!(spans, ["\"schemas/*.json\"", "\"schemas/*.csv\""]);

    let airflow = config.orchestrators.airflow.as_ref();
    let conns = airflow.map(|a| a.connections.values().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(conns, Some(vec!["google_cloud_default", "redshift_default", "trino_default"]));
    assert_eq!(airflow.map(|a| a.connection_spans.len()), Some(3));
    assert_eq!(config.orchestrators.digdag.as_ref().map(|d| d.span.slice(EXAMPLE)), Some("[orchestrators.digdag]"));
    assert_eq!(config.journeys, JourneyDefaults::default());
}

#[test]
fn a_minimal_project_gets_the_defaults() {
    let config = clean(HEADER);
    assert_eq!(config.project.name, "acme");
    assert_eq!(config.project.default_target, Dialect::BigQuery);
    assert_eq!(config.project.default_target_span, None);
    assert_eq!(config.project.timezone, "UTC");
    assert_eq!(config.targets, Targets::default());
    assert!(config.catalog.paths.is_empty());
    assert_eq!(config.orchestrators, Orchestrators::default());
    assert_eq!(config.journeys.max_stages, 8);
    assert_eq!(config.journeys.consistency_sample, 10.0);
}

#[test]
fn a_default_target_without_its_table_is_fine() {
    let config = clean("[project]\nname = \"acme\"\ndefault_target = \"trino\"\n");
    assert_eq!(config.project.default_target, Dialect::Trino);
    assert!(!config.targets.is_configured(Dialect::Trino));
}

#[test]
fn other_toml_spellings_are_accepted() {
    let text = r#"
project.name = "acme_2"
project.timezone = "America/Argentina/Buenos_Aires"
targets = { trino = { catalog = "hive", schema = "analytics" } }

[orchestrators.airflow.connections]
redshift = "rs_prod"

[journeys]
max_stages = 64
consistency_sample = "12.5%"
"#;
    let config = clean(text);
    assert_eq!(config.project.name, "acme_2");
    assert_eq!(config.project.timezone, "America/Argentina/Buenos_Aires");
    assert!(config.targets.is_configured(Dialect::Trino));
    let airflow = config.orchestrators.airflow.as_ref();
    let conn = |d| airflow.and_then(|a| a.connections.get(&d)).map(String::as_str);
    assert_eq!(conn(Dialect::Redshift), Some("rs_prod"));
    assert_eq!(conn(Dialect::BigQuery), Some("google_cloud_default"));
    assert_eq!(conn(Dialect::Trino), Some("trino_default"));
    let spans = airflow.map(|a| a.connection_spans.keys().copied().collect::<Vec<_>>());
    assert_eq!(spans, Some(vec![Dialect::Redshift]));
    assert_eq!(config.journeys.max_stages, 64);
    assert_eq!(config.journeys.consistency_sample, 12.5);
    assert_eq!(config.journeys.max_stages_span.map(|r| r.slice(text)), Some("64"));
}

#[test]
fn an_airflow_table_without_connections_uses_the_defaults() {
    let config = clean(&format!("{HEADER}[orchestrators.airflow]\n"));
    let airflow = config.orchestrators.airflow.as_ref();
    let conns = airflow.map(|a| a.connections.iter().map(|(d, c)| (*d, c.as_str())).collect::<Vec<_>>());
    assert_eq!(
        conns,
        Some(vec![
            (Dialect::BigQuery, "google_cloud_default"),
            (Dialect::Redshift, "redshift_default"),
            (Dialect::Trino, "trino_default"),
        ])
    );
}

#[test]
fn consistency_sample_accepts_percent_strings() {
    for (value, expected) in [("\"50%\"", 50.0), ("\"12.5%\"", 12.5), ("\" 7 %\"", 7.0), ("\"100%\"", 100.0)] {
        let config = clean(&format!("{HEADER}[journeys]\nconsistency_sample = {value}\n"));
        assert_eq!(config.journeys.consistency_sample, expected, "{value}");
    }
}

// E0113

#[test]
fn an_empty_file_has_no_project() {
    for text in ["", "\n\n# only a comment\n"] {
        let (config, f) = single(text);
        assert_eq!(config, Config { file: FileId(7), ..Config::default() });
        assert_eq!((f.code, f.at.as_str()), (CONFIG_MISSING_KEY, ""));
        assert_eq!(f.message, "cjo.toml has no [project] table");
    }
}

#[test]
fn a_project_without_a_name() {
    let (config, f) = single("[project]\ntimezone = \"UTC\"\n");
    assert_eq!(config.project.name, "");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_MISSING_KEY, "[project]"));
    assert_eq!(f.message, "[project] is missing the required key `name`");
    assert_eq!(f.help.as_deref(), Some("add `name = \"my_project\"` to [project]"));
}

#[test]
fn targets_need_their_required_keys() {
    let (config, found) = parse(&format!(
        "{HEADER}[targets.bigquery]\nlocation = \"EU\"\n[targets.redshift]\n[targets.trino]\nschema = \"s\"\n"
    ));
    let got: Vec<_> = found.iter().map(|f| (f.code, f.at.as_str(), f.message.as_str())).collect();
    assert_eq!(
        got,
        [
            (CONFIG_MISSING_KEY, "[targets.bigquery]", "[targets.bigquery] is missing the required key `dataset`"),
            (CONFIG_MISSING_KEY, "[targets.bigquery]", "[targets.bigquery] is missing the required key `project`"),
            (CONFIG_MISSING_KEY, "[targets.redshift]", "[targets.redshift] is missing the required key `schema`"),
            (CONFIG_MISSING_KEY, "[targets.trino]", "[targets.trino] is missing the required key `catalog`"),
        ]
    );
    // The tables still count as configured, so later stages do not pile on.
    assert!(Dialect::ALL.into_iter().all(|d| config.targets.is_configured(d)));
    assert_eq!(config.targets.bigquery.map(|t| t.location), Some(Some("EU".to_owned())));
}

// E0111

#[test]
fn an_unknown_key_lists_the_valid_ones() {
    let f = one("materialised = \"table\"\n");
    assert_eq!(f.code, CONFIG_UNKNOWN_KEY);
    assert_eq!(f.at, "materialised");
    assert_eq!(f.message, "unknown key `materialised` in [project]");
    assert_eq!(
        f.help.as_deref(),
        Some("the valid keys in [project] are `name`, `default_target`, `timezone` and `default_environment`")
    );
}

#[test]
fn a_misspelt_key_gets_a_suggestion() {
    let f = one("defualt_target = \"redshift\"\n");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_UNKNOWN_KEY, "defualt_target"));
    assert_eq!(f.help.as_deref(), Some("did you mean `default_target`?"));

    let f = one("[targets.bigquery]\nproject = \"p\"\ndataset = \"d\"\nlocaton = \"EU\"\n");
    assert_eq!((f.at.as_str(), f.help.as_deref()), ("locaton", Some("did you mean `location`?")));

    let f = one("[journeys]\nmax_stage = 3\n");
    assert_eq!((f.at.as_str(), f.help.as_deref()), ("max_stage", Some("did you mean `max_stages`?")));

    let f = one("[orchestrators.airflow]\nconnection = { bigquery = \"bq\" }\n");
    assert_eq!((f.at.as_str(), f.help.as_deref()), ("connection", Some("did you mean `connections`?")));
}

#[test]
fn an_unknown_table_is_named_a_table() {
    let f = one("[targts.bigquery]\nproject = \"p\"\n");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_UNKNOWN_KEY, "targts"));
    assert_eq!(f.message, "unknown table `targts` at the top level of cjo.toml");
    assert_eq!(f.help.as_deref(), Some("did you mean `targets`?"));

    let f = one("[targets.snowflake]\nschema = \"s\"\n");
    assert_eq!((f.at.as_str(), f.message.as_str()), ("snowflake", "unknown table `snowflake` in [targets]"));
    assert_eq!(f.help.as_deref(), Some("the valid keys in [targets] are `bigquery`, `redshift` and `trino`"));

    let f = one("[orchestrators.dagster]\n");
    assert_eq!(f.at, "dagster");
}

#[test]
fn keys_in_the_wrong_place_say_where_they_belong() {
    let (_, found) = parse("name = \"acme\"\n[bigquery]\nproject = \"p\"\n");
    let got: Vec<_> = found.iter().map(|f| (f.code, f.at.as_str(), f.help.as_deref().unwrap_or(""))).collect();
    assert_eq!(
        got,
        [
            (
                CONFIG_MISSING_KEY,
                "",
                "every project needs a name; start the file with\n\n[project]\nname = \"my_project\""
            ),
            (CONFIG_UNKNOWN_KEY, "name", "`name` belongs in the [project] table; put it below a `[project]` line"),
            (CONFIG_UNKNOWN_KEY, "bigquery", "did you mean `[targets.bigquery]`?"),
        ]
    );
}

#[test]
fn digdag_and_connections_take_only_known_keys() {
    let f = one("[orchestrators.digdag]\nproject = \"x\"\n");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_UNKNOWN_KEY, "project"));
    assert_eq!(f.help.as_deref(), Some("[orchestrators.digdag] takes no keys yet; leave it empty"));

    let f = one("[orchestrators.airflow]\nconnections = { bigqury = \"bq\" }\n");
    assert_eq!((f.at.as_str(), f.help.as_deref()), ("bigqury", Some("did you mean `bigquery`?")));

    let f = one("[orchestrators.airflow]\ndags_folder = \"dags\"\n");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_UNKNOWN_KEY, "dags_folder"));
}

// E0112

#[test]
fn a_value_of_the_wrong_type_names_the_expected_type() {
    let cases = [
        ("[project]\nname = 42\n", "42", "`project.name` must be a string, found an integer"),
        ("project = \"acme\"\n", "\"acme\"", "`project` must be a table, found a string"),
        (
            "[project]\nname = \"a\"\ndefault_target = [\"trino\"]\n",
            "[\"trino\"]",
            "`project.default_target` must be a string, found an array",
        ),
        (
            "[project]\nname = \"a\"\n[targets]\ntrino = true\n",
            "true",
            "`targets.trino` must be a table, found a boolean",
        ),
        (
            "[project]\nname = \"a\"\n[journeys]\nmax_stages = 8.5\n",
            "8.5",
            "`journeys.max_stages` must be an integer, found a float",
        ),
        (
            "[project]\nname = \"a\"\n[journeys]\nconsistency_sample = 1979-05-27\n",
            "1979-05-27",
            "`journeys.consistency_sample` must be a string like \"10%\", found a datetime",
        ),
        (
            "[project]\nname = \"a\"\n[catalog]\npaths = \"schemas/*.json\"\n",
            "\"schemas/*.json\"",
            "`catalog.paths` must be an array of strings, found a string",
        ),
        (
            "[project]\nname = \"a\"\n[catalog]\npaths = [\"a/*.json\", 3]\n",
            "3",
            "`catalog.paths[1]` must be a string, found an integer",
        ),
        (
            "[project]\nname = \"a\"\n[orchestrators.airflow]\nconnections = \"bq\"\n",
            "\"bq\"",
            "`orchestrators.airflow.connections` must be a table, found a string",
        ),
        (
            "[project]\nname = \"a\"\n[orchestrators.airflow]\nconnections = { trino = 1 }\n",
            "1",
            "`orchestrators.airflow.connections.trino` must be a string, found an integer",
        ),
    ];
    for (text, at, message) in cases {
        let (_, found) = parse(text);
        let got: Vec<_> = found.iter().map(|f| (f.code, f.at.as_str(), f.message.as_str())).collect();
        // A `project` that is not a table also leaves the project without a name.
        let expected = (CONFIG_INVALID_VALUE, at, message);
        assert!(got.contains(&expected), "{text}\n{got:#?}");
        assert_eq!(got.len(), 1, "{text}\n{got:#?}");
    }
}

#[test]
fn default_target_must_be_a_dialect() {
    let f = one("default_target = \"snowflake\"\n");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_INVALID_VALUE, "\"snowflake\""));
    assert_eq!(
        f.message,
        "`project.default_target` must be one of `bigquery`, `redshift` or `trino`, found `snowflake`"
    );
    assert_eq!(f.help, None);

    let f = one("default_target = \"BigQuery\"\n");
    assert_eq!(f.help.as_deref(), Some("did you mean `bigquery`?"));
}

#[test]
fn names_must_be_identifier_like() {
    let (config, f) = single("[project]\nname = \"acme corp\"\n");
    assert_eq!(config.project.name, "");
    assert_eq!(config.project.name_span, None);
    assert_eq!((f.code, f.at.as_str()), (CONFIG_INVALID_VALUE, "\"acme corp\""));
    assert_eq!(f.message, "`project.name` may contain only letters, digits, `_` and `-`, found `acme corp`");
    assert_eq!(f.help.as_deref(), Some("try `acme_corp`"));

    let (_, f) = single("[project]\nname = \"\"\n");
    assert_eq!((f.at.as_str(), f.message.as_str()), ("\"\"", "`project.name` must not be empty"));

    let f = one("[targets.bigquery]\nproject = \"acme-prod\"\ndataset = \"analytics-prod\"\n");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_INVALID_VALUE, "\"analytics-prod\""));
    assert_eq!(f.help.as_deref(), Some("try `analytics_prod`"));

    let f = one("[targets.trino]\ncatalog = \"  \"\nschema = \"s\"\n");
    assert_eq!((f.at.as_str(), f.message.as_str()), ("\"  \"", "`targets.trino.catalog` must not be empty"));
}

#[test]
fn timezones_must_be_iana_names() {
    let f = one("timezone = \"JST\"\n");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_INVALID_VALUE, "\"JST\""));
    assert_eq!(f.message, "`project.timezone` must be an IANA time zone name like `Area/City` or `UTC`, found `JST`");
    assert!(f.help.as_deref().is_some_and(|h| h.contains("`Asia/Tokyo`")), "{f:?}");

    let f = one("timezone = \"asia/tokyo\"\n");
    assert_eq!(f.help.as_deref(), Some("did you mean `Asia/Tokyo`?"));
    let f = one("timezone = \"utc\"\n");
    assert_eq!(f.help.as_deref(), Some("did you mean `UTC`?"));
}

#[test]
fn journey_numbers_must_be_in_range() {
    let cases = [
        ("max_stages = 0", "0", "`journeys.max_stages` must be between 1 and 64, found 0"),
        ("max_stages = 65", "65", "`journeys.max_stages` must be between 1 and 64, found 65"),
        ("max_stages = -3", "-3", "`journeys.max_stages` must be between 1 and 64, found -3"),
        (
            "max_stages = 99999999999999999999",
            "99999999999999999999",
            "`journeys.max_stages` must be between 1 and 64, found 99999999999999999999",
        ),
        (
            "consistency_sample = \"0%\"",
            "\"0%\"",
            "`journeys.consistency_sample` must be a percentage greater than 0% and at most 100%, found \"0%\"",
        ),
        (
            "consistency_sample = \"150.5%\"",
            "\"150.5%\"",
            "`journeys.consistency_sample` must be a percentage greater than 0% and at most 100%, found \"150.5%\"",
        ),
        (
            "consistency_sample = \"nan%\"",
            "\"nan%\"",
            "`journeys.consistency_sample` must be a percentage greater than 0% and at most 100%, found \"nan%\"",
        ),
        (
            "consistency_sample = \"abc%\"",
            "\"abc%\"",
            "`journeys.consistency_sample` must be a percentage greater than 0% and at most 100%, found \"abc%\"",
        ),
        (
            "consistency_sample = \"50\"",
            "\"50\"",
            "`journeys.consistency_sample` must be a percentage written with `%`, such as \"10%\", found `50`",
        ),
        (
            "consistency_sample = 0.2",
            "0.2",
            "`journeys.consistency_sample` must be a percentage written with `%`, such as \"10%\", found the bare number 0.2",
        ),
        (
            "consistency_sample = 50",
            "50",
            "`journeys.consistency_sample` must be a percentage written with `%`, such as \"10%\", found the bare number 50",
        ),
    ];
    for (line, at, message) in cases {
        let f = one(&format!("[journeys]\n{line}\n"));
        assert_eq!((f.code, f.at.as_str(), f.message.as_str()), (CONFIG_INVALID_VALUE, at, message));
    }
}

#[test]
fn a_bare_number_for_a_percentage_shows_both_readings() {
    let (_, found) = parse(&format!("{HEADER}[journeys]\nconsistency_sample = 0.2\n"));
    let help: Vec<_> = found.iter().map(|f| f.help.as_deref()).collect();
    assert_eq!(
        help,
        [Some("write `consistency_sample = \"0.2%\"` for 0.2 percent, or `\"20%\"` if 0.2 is a fraction of the rows")]
    );
    let (_, found) = parse(&format!("{HEADER}[journeys]\nconsistency_sample = 50\n"));
    let help: Vec<_> = found.iter().map(|f| f.help.as_deref()).collect();
    assert_eq!(help, [Some("write `consistency_sample = \"50%\"` for 50 percent")]);
    let (_, found) = parse(&format!("{HEADER}[journeys]\nconsistency_sample = 0\n"));
    let help: Vec<_> = found.iter().map(|f| f.help.as_deref()).collect();
    assert_eq!(
        help,
        [Some("write a percentage above 0% and at most 100% as a string, e.g. `consistency_sample = \"10%\"`")]
    );
}

// E0114

#[test]
fn catalog_paths_must_be_relative_globs_inside_the_project() {
    let text = format!(
        "{HEADER}[catalog]\npaths = [\"schemas/*.json\", \"/etc/schemas/*.json\", \"../shared/*.csv\", \"schemas/[a.json\", \"a/**b\", \"\", \"ok/**/*.csv\"]\n"
    );
    let (config, found) = parse(&text);
    let got: Vec<_> = found.iter().map(|f| (f.code, f.at.as_str())).collect();
    assert_eq!(
        got,
        [
            (CONFIG_CATALOG_PATH, "\"/etc/schemas/*.json\""),
            (CONFIG_CATALOG_PATH, "\"../shared/*.csv\""),
            (CONFIG_CATALOG_PATH, "["),
            (CONFIG_CATALOG_PATH, "b"),
            (CONFIG_CATALOG_PATH, "\"\""),
        ]
    );
    let messages: Vec<_> = found.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages.first().copied().unwrap_or_default(),
        "invalid entry in `catalog.paths`: `/etc/schemas/*.json` is an absolute path"
    );
    assert_eq!(
        messages.get(1).copied().unwrap_or_default(),
        "invalid entry in `catalog.paths`: `../shared/*.csv` leads outside the project folder"
    );
    assert_eq!(
        messages.get(2).copied().unwrap_or_default(),
        "invalid entry in `catalog.paths`: `schemas/[a.json` is not a valid glob pattern: invalid range pattern"
    );
    // Only the valid patterns are kept, each with its own span.
    let kept: Vec<_> = config.catalog.paths_with_spans().map(|(p, r)| (p, r.slice(&text))).collect();
    assert_eq!(kept, [("schemas/*.json", "\"schemas/*.json\""), ("ok/**/*.csv", "\"ok/**/*.csv\"")]);
}

#[test]
fn a_glob_error_in_an_escaped_string_points_at_the_whole_string() {
    let f = one("[catalog]\npaths = [\"schemas/\\u005Ba.json\"]\n");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_CATALOG_PATH, "\"schemas/\\u005Ba.json\""));
}

// All at once

#[test]
fn every_problem_is_reported_in_one_pass_in_file_order() {
    let text = r#"[project]
name = "acme corp"
default_target = "snowflake"
timezone = "JST"
materialised = true

[targets.bigquery]
dataset = "analytics"

[catalog]
paths = ["/abs/*.json"]

[journeys]
max_stages = 100
"#;
    let (config, found) = parse(text);
    let got: Vec<_> = found.iter().map(|f| (f.code, f.at.as_str())).collect();
    assert_eq!(
        got,
        [
            (CONFIG_INVALID_VALUE, "\"acme corp\""),
            (CONFIG_INVALID_VALUE, "\"snowflake\""),
            (CONFIG_INVALID_VALUE, "\"JST\""),
            (CONFIG_UNKNOWN_KEY, "materialised"),
            (CONFIG_MISSING_KEY, "[targets.bigquery]"),
            (CONFIG_CATALOG_PATH, "\"/abs/*.json\""),
            (CONFIG_INVALID_VALUE, "100"),
        ]
    );
    // Defaults stand in for every invalid value.
    assert_eq!(config.project.default_target, Dialect::BigQuery);
    assert_eq!(config.project.timezone, "UTC");
    assert_eq!(config.journeys.max_stages, 8);
    assert!(config.catalog.paths.is_empty());
    assert_eq!(config.targets.bigquery.map(|t| t.dataset), Some("analytics".to_owned()));
}

// E0110

#[test]
fn a_syntax_error_is_reported_at_the_parser_span() {
    let f = one("name = \"again\"\n");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_SYNTAX, "name"));
    assert_eq!(f.message, "cjo.toml is not valid TOML: duplicate key");

    let (config, f) = single("[project\nname = \"acme\"\n");
    assert_eq!(f.code, CONFIG_SYNTAX);
    assert_eq!(f.message, "cjo.toml is not valid TOML: unclosed table, expected `]`");
    assert_eq!(config.project.name, "");

    let (_, f) = single("[project]\nname = acme\n");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_SYNTAX, "acme"));
}

#[test]
fn problems_before_a_syntax_error_are_still_reported() {
    let text = "[project]\nname = \"acme\"\ntimzone = \"UTC\"\n[journeys]\nmax_stages = \n[targets.trino]\n";
    let (_, found) = parse(text);
    let got: Vec<_> = found.iter().map(|f| (f.code, f.at.as_str())).collect();
    // The missing catalog and schema of [targets.trino] may be a consequence
    // of the broken line, so they are not reported.
    assert_eq!(got, [(CONFIG_UNKNOWN_KEY, "timzone"), (CONFIG_SYNTAX, "")]);
}

// Robustness

/// A small deterministic generator, so the test needs no dependency and
/// every failure is reproducible.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or_default()
    }
}

fn check_invariants(text: &str) {
    let (config, diags) = parse_config(FileId(1), text);
    for d in &diags {
        let r = d.span().range;
        assert!(r.end as usize <= text.len(), "{text:?}: {d:?}");
        assert!(text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize), "{text:?}: {d:?}");
    }
    assert!(config.journeys.max_stages >= 1 && config.journeys.max_stages <= 64);
    assert_eq!(config.catalog.paths.len(), config.catalog.path_spans.len());
}

#[test]
fn garbage_never_panics() {
    const PIECES: &[&str] = &[
        "[",
        "]",
        "[[",
        "]]",
        "{",
        "}",
        "=",
        ",",
        ".",
        "\"",
        "'",
        "\"\"\"",
        "\n",
        " ",
        "#",
        "\\",
        "project",
        "name",
        "targets",
        "bigquery",
        "trino",
        "catalog",
        "paths",
        "journeys",
        "max_stages",
        "consistency_sample",
        "orchestrators",
        "airflow",
        "connections",
        "digdag",
        "1",
        "-0x7f",
        "1e999",
        "nan",
        "inf",
        "1979-05-27T07:32:00Z",
        "true",
        "%",
        "é",
        "日本",
        "\u{0}",
        "\r",
        "\t",
        "..",
        "/",
        "**",
        "ℵ",
    ];
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let len = rng.below(40);
        let text: String = (0..len).map(|_| rng.pick(PIECES)).collect();
        check_invariants(&text);
    }
    // Mutations of a valid file: delete, duplicate or insert a piece.
    for _ in 0..3000 {
        let mut text = EXAMPLE.to_owned();
        for _ in 0..=rng.below(4) {
            let mut at = rng.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match rng.below(3) {
                0 => {
                    let mut end = (at + rng.below(8)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(at..end, "");
                }
                1 => text.insert_str(at, rng.pick(PIECES)),
                _ => text.insert(at, char::from(b' ' + (rng.below(95) as u8))),
            }
        }
        check_invariants(&text);
    }
    // Deep nesting is bounded by the TOML parser.
    check_invariants(&format!("x = {}{}", "[".repeat(100_000), "]".repeat(100_000)));
    check_invariants(&format!("x = {}", "{a = ".repeat(50_000)));
}

// The documentation pages

/// The first fenced block of the page's "Example" section.
fn doc_example(doc: &str) -> Option<&str> {
    let example = doc.split("\n## Example").nth(1)?;
    let start = example.find("```toml\n")? + "```toml\n".len();
    let body = example.get(start..)?;
    body.get(..body.find("```")?)
}

#[test]
fn each_documented_example_triggers_its_code() {
    for code in [
        CONFIG_SYNTAX,
        CONFIG_UNKNOWN_KEY,
        CONFIG_INVALID_VALUE,
        CONFIG_MISSING_KEY,
        CONFIG_CATALOG_PATH,
        CONFIG_UNKNOWN_ENVIRONMENT,
        CONFIG_UNSET_VARIABLE,
        CONFIG_MALFORMED_REFERENCE,
    ] {
        assert!(code.doc.starts_with(&format!("# {} {}\n", code.id, code.name)), "{}", code.id);
        for section in ["## What", "## Why", "## How to fix", "## Example"] {
            assert!(code.doc.contains(&format!("\n{section}\n")), "{} lacks {section}", code.id);
        }
        let example = doc_example(code.doc);
        assert!(example.is_some(), "{} has no ```toml example", code.id);
        let (_, found) = parse(example.unwrap_or_default());
        assert!(found.iter().any(|f| f.code == code), "{}: {found:#?}", code.id);
    }
}

// Environments and `${env:…}`

/// A project with production's targets at the top level and three
/// environments laid over them.
const ENVIRONMENTS: &str = r#"[project]
name = "acme"
default_environment = "dev"

[targets.bigquery]
project = "acme-prod"
dataset = "analytics"

[targets.redshift]
schema = "analytics"

[orchestrators.airflow]
connections = { bigquery = "bq_prod" }

[environments.prod]
schedules = true

[environments.dev.targets.bigquery]
dataset = "dev_${env:USER}"

[environments.dev.targets.redshift]
schema = "${env:CJO_SCHEMA:-analytics_dev}"

[environments.ci.targets.bigquery]
project = "acme-ci"
dataset = "ci_${env:CI_RUN}"

[environments.ci.orchestrators.airflow.connections]
bigquery = "bq_ci"
"#;

#[test]
fn the_default_environment_overrides_key_by_key() {
    let (config, found) = parse_in(ENVIRONMENTS, None, &[("USER", "alice")]);
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(config.environment_name(), Some("dev"));
    assert!(!config.schedules(), "an environment schedules nothing unless it says so");
    let bigquery = config.targets.bigquery.as_ref().map(|t| (t.project.as_str(), t.dataset.as_str()));
    assert_eq!(bigquery, Some(("acme-prod", "dev_alice")));
    assert_eq!(config.targets.redshift.map(|t| t.schema), Some("analytics_dev".to_owned()));
    assert_eq!(config.environments.keys().collect::<Vec<_>>(), ["ci", "dev", "prod"]);
}

#[test]
fn an_asked_environment_wins_over_the_default() {
    let (config, found) = parse_in(ENVIRONMENTS, Some("ci"), &[("CI_RUN", "pr_42")]);
    assert!(found.is_empty(), "dev's `${{env:USER}}` is not read for ci: {found:#?}");
    let bigquery = config.targets.bigquery.as_ref().map(|t| (t.project.as_str(), t.dataset.as_str()));
    assert_eq!(bigquery, Some(("acme-ci", "ci_pr_42")));
    let airflow = config.orchestrators.airflow.as_ref().map(|a| a.connections.clone()).unwrap_or_default();
    assert_eq!(airflow.get(&Dialect::BigQuery).map(String::as_str), Some("bq_ci"));
    assert_eq!(airflow.get(&Dialect::Redshift).map(String::as_str), Some("redshift_default"));

    let (prod, found) = parse_in(ENVIRONMENTS, Some("prod"), &[]);
    assert!(found.is_empty(), "{found:#?}");
    assert!(prod.schedules());
    assert_eq!(prod.targets.bigquery.map(|t| t.dataset), Some("analytics".to_owned()));
}

#[test]
fn the_environment_records_production_and_the_schemas_it_moved() {
    // dev moves BigQuery's dataset and Redshift's schema.
    let (dev, found) = parse_in(ENVIRONMENTS, None, &[("USER", "alice")]);
    assert!(found.is_empty(), "{found:#?}");
    let active = dev.environment.as_ref().unwrap();
    assert_eq!(active.moved_schemas.iter().copied().collect::<Vec<_>>(), [Dialect::BigQuery, Dialect::Redshift]);
    assert!(dev.moves_schema(Dialect::BigQuery) && !dev.moves_schema(Dialect::Trino));
    let production = dev.production_targets().bigquery.as_ref().map(|t| (t.project.as_str(), t.dataset.as_str()));
    assert_eq!(production, Some(("acme-prod", "analytics")));
    assert_eq!(dev.production_targets().schema(Dialect::Redshift), Some("analytics"));

    // prod moves nothing; an environment that changes only the project
    // moves no schema either.
    let (prod, _) = parse_in(ENVIRONMENTS, Some("prod"), &[]);
    assert!(prod.environment.as_ref().unwrap().moved_schemas.is_empty());
    let same_dataset = ENVIRONMENTS.replace("dataset = \"ci_${env:CI_RUN}\"", "dataset = \"analytics\"");
    let (ci, found) = parse_in(&same_dataset, Some("ci"), &[]);
    assert!(found.is_empty(), "{found:#?}");
    assert!(ci.environment.as_ref().unwrap().moved_schemas.is_empty());
    assert_eq!(ci.targets.bigquery.as_ref().map(|t| t.project.as_str()), Some("acme-ci"));
    assert_eq!(ci.production_targets().bigquery.as_ref().map(|t| t.project.as_str()), Some("acme-prod"));

    // A target only the environment has moves nothing: there is no
    // production schema to move away from.
    let added = format!("{ENVIRONMENTS}\n[environments.prod.targets.trino]\ncatalog = \"hive\"\nschema = \"s\"\n");
    let (prod, found) = parse_in(&added, Some("prod"), &[]);
    assert!(found.is_empty(), "{found:#?}");
    assert!(prod.targets.trino.is_some() && prod.production_targets().trino.is_none());
    assert!(!prod.moves_schema(Dialect::Trino));

    // Without an environment, production is the configuration itself.
    let (none, _) = parse(&ENVIRONMENTS.replace("default_environment = \"dev\"\n", ""));
    assert_eq!(none.production_targets(), &none.targets);
    assert!(!none.moves_schema(Dialect::BigQuery));
}

#[test]
fn without_environments_nothing_changes() {
    let config = clean(EXAMPLE);
    assert_eq!(config.environment, None);
    assert!(config.schedules());
    assert!(config.environments.is_empty());
}

#[test]
fn an_unset_variable_is_an_error_at_its_reference() {
    let (config, found) = parse_in(ENVIRONMENTS, None, &[]);
    let [f] = found.as_slice() else { panic!("{found:#?}") };
    assert_eq!((f.code, f.at.as_str()), (CONFIG_UNSET_VARIABLE, "${env:USER}"));
    assert!(f.message.contains("`USER`") && f.message.contains("targets.bigquery.dataset"), "{}", f.message);
    assert!(f.help.as_deref().is_some_and(|h| h.contains("${env:USER:-")), "{:?}", f.help);
    // Never `dev_`: the value is dropped as an invalid one is, and the
    // build stops on the error.
    assert_eq!(config.targets.bigquery.map(|t| t.dataset), Some(String::new()));
}

#[test]
fn a_default_applies_to_an_unset_or_empty_variable() {
    for vars in [&[][..], &[("CJO_SCHEMA", "")][..]] {
        let (config, _) = parse_in(ENVIRONMENTS, None, &[&[("USER", "bob")], vars].concat());
        assert_eq!(config.targets.redshift.map(|t| t.schema), Some("analytics_dev".to_owned()));
    }
}

#[test]
fn malformed_references_are_errors_in_every_environment() {
    let text = format!(
        "{HEADER}[targets.redshift]\nschema = \"a_${{USER}}\"\n[environments.x.targets.trino]\ncatalog = \"${{env:HIVE\"\nschema = \"s\"\n"
    );
    let (_, found) = parse(&text);
    let got: Vec<_> = found.iter().map(|f| (f.code, f.at.as_str())).collect();
    assert_eq!(got, [(CONFIG_MALFORMED_REFERENCE, "${USER}"), (CONFIG_MALFORMED_REFERENCE, "${env:HIVE")]);
    // An escaped reference is text.
    let config = clean(&format!("{HEADER}[targets.redshift]\nschema = \"a$${{x}}\"\n"));
    assert_eq!(config.targets.redshift.map(|t| t.schema), Some("a${x}".to_owned()));
}

#[test]
fn an_interpolated_name_is_validated_as_written_ones_are() {
    let (config, found) = parse_in(ENVIRONMENTS, None, &[("USER", "a.b`; drop")]);
    let [f] = found.as_slice() else { panic!("{found:#?}") };
    assert_eq!((f.code, f.at.as_str()), (CONFIG_INVALID_VALUE, "\"dev_${env:USER}\""));
    assert!(f.message.contains("dev_a.b`; drop"), "{}", f.message);
    assert_eq!(config.targets.bigquery.map(|t| t.dataset), Some(String::new()));
}

#[test]
fn an_unknown_environment_suggests_and_lists() {
    let (_, found) = parse_in(ENVIRONMENTS, Some("prdo"), &[]);
    let [f] = found.as_slice() else { panic!("{found:#?}") };
    assert_eq!(f.code, CONFIG_UNKNOWN_ENVIRONMENT);
    assert!(f.message.contains("`prdo`"), "{}", f.message);
    let help = f.help.as_deref().unwrap_or_default();
    assert!(help.contains("`prod`") && help.contains("`ci`, `dev` and `prod`"), "{help}");

    let (_, f) = single("[project]\nname = \"a\"\ndefault_environment = \"stage\"\n");
    assert_eq!((f.code, f.at.as_str()), (CONFIG_UNKNOWN_ENVIRONMENT, "\"stage\""));
    assert!(f.help.as_deref().is_some_and(|h| h.contains("declares no environments")), "{:?}", f.help);
}

#[test]
fn environments_are_checked_like_the_top_level() {
    let text = format!(
        "{HEADER}[targets.bigquery]\nproject = \"p\"\ndataset = \"d\"\n\
         [environments.dev]\nschedules = \"no\"\npassword = \"hunter2\"\nbigquery = {{ dataset = \"x\" }}\n\
         [environments.dev.targets.bigquery]\ndatset = \"x\"\n\
         [environments.dev.targets.trino]\nschema = \"s\"\n"
    );
    let (_, found) = parse_in(&text, Some("dev"), &[]);
    let got: Vec<_> = found.iter().map(|f| (f.code, f.at.as_str())).collect();
    assert_eq!(
        got,
        [
            (CONFIG_INVALID_VALUE, "\"no\""),
            (CONFIG_UNKNOWN_KEY, "password"),
            (CONFIG_UNKNOWN_KEY, "bigquery"),
            (CONFIG_UNKNOWN_KEY, "datset"),
            // The top level has no [targets.trino] to inherit `catalog` from.
            (CONFIG_MISSING_KEY, "[environments.dev.targets.trino]"),
        ],
        "{found:#?}"
    );
    let typo = found.iter().find(|f| f.at == "datset").map(|f| (f.message.as_str(), f.help.as_deref()));
    assert_eq!(
        typo,
        Some(("unknown key `datset` in [environments.dev.targets.bigquery]", Some("did you mean `dataset`?")))
    );
    let misplaced = found.iter().find(|f| f.at == "bigquery").and_then(|f| f.help.as_deref());
    assert!(misplaced.is_some_and(|h| h.contains("[environments.dev.targets.bigquery]")), "{misplaced:?}");
}

#[test]
fn selectors_are_expressions_or_tables() {
    let text = format!(
        "{HEADER}[selectors]\nnightly = \"tag:nightly+ pipeline:core\"\n\n[selectors.marts]\nselect = \"path:models/marts\"\nexclude = \"tag:deprecated\"\n"
    );
    let config = clean(&text);
    let names: Vec<&str> = config.selectors.keys().map(String::as_str).collect();
    assert_eq!(names, ["marts", "nightly"]);
    let nightly = &config.selectors["nightly"];
    assert_eq!(nightly.name_span.slice(&text), "nightly");
    assert_eq!(nightly.select.text, "tag:nightly+ pipeline:core");
    assert_eq!(nightly.select.expr.terms.len(), 2);
    assert_eq!(nightly.exclude, None);
    let marts = &config.selectors["marts"];
    assert_eq!(marts.select.span.slice(&text), "\"path:models/marts\"");
    assert_eq!(marts.exclude.as_ref().map(|e| e.text.as_str()), Some("tag:deprecated"));
}

#[test]
fn a_broken_selector_is_reported_where_it_is_written() {
    let found = one("[selectors]\nnightly = \"tga:nightly+\"\n");
    assert_eq!((found.code, found.at.as_str()), (CONFIG_INVALID_SELECTOR, "\"tga:nightly+\""));
    assert!(found.message.contains("did you mean `tag`?"), "{}", found.message);
    for (rest, code, at) in [
        ("[selectors]\nall = \"  \"\n", CONFIG_INVALID_SELECTOR, "\"  \""),
        ("[selectors.a]\nselect = \"x\"\nexclude = \"a,,b\"\n", CONFIG_INVALID_SELECTOR, "\"a,,b\""),
        ("[selectors.a]\nexclude = \"x\"\n", CONFIG_MISSING_KEY, "[selectors.a]"),
        ("[selectors.a]\nselect = \"x\"\nexlude = \"y\"\n", CONFIG_UNKNOWN_KEY, "exlude"),
        ("[selectors]\na = 3\n", CONFIG_INVALID_VALUE, "3"),
    ] {
        let found = one(rest);
        assert_eq!((found.code, found.at.as_str()), (code, at), "{rest}");
    }
    // A broken selector is left out, so `--selector` says it is unknown
    // rather than selecting something else.
    let (config, _) = parse(&format!("{HEADER}[selectors]\nok = \"a\"\nbad = \"a+b\"\n"));
    assert_eq!(config.selectors.keys().collect::<Vec<_>>(), ["ok"]);
}
