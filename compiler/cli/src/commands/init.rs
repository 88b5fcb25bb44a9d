//! `cjoc init DIR`: a starter project that passes `cjoc check` and
//! `cjoc build`.

use std::path::Path;

use super::{OK, USAGE};

const FILES: &[(&str, &str)] = &[
    ("sources.cjo", include_str!("../../templates/init/sources.cjo")),
    ("models.cjo", include_str!("../../templates/init/models.cjo")),
    ("pipelines.cjo", include_str!("../../templates/init/pipelines.cjo")),
    ("README.md", include_str!("../../templates/init/README.md")),
    (".gitignore", "/target\n"),
];

const TARGET_TABLES: &[(&str, &str)] = &[
    ("bigquery", "[targets.bigquery]\nproject = \"my-gcp-project\"\ndataset = \"analytics\"\nlocation = \"US\"\n"),
    ("redshift", "[targets.redshift]\nschema = \"analytics\"\n"),
    ("trino", "[targets.trino]\ncatalog = \"hive\"\nschema = \"analytics\"\n"),
];

pub fn run(dir: &Path, name: Option<&str>, target: &str) -> u8 {
    if dir.join(cjo_project::CONFIG_FILE).exists() {
        eprintln!("error: {} already has a cjo.toml; nothing was written", dir.display());
        return USAGE;
    }
    let name = name.map(str::to_string).unwrap_or_else(|| project_name(dir));
    let table = TARGET_TABLES.iter().find(|(t, _)| *t == target).map_or("", |(_, table)| table);
    let config = format!(
        "[project]\nname = \"{name}\"\ndefault_target = \"{target}\"\ntimezone = \"UTC\"\n\n{table}\n[orchestrators.airflow]\n\n[orchestrators.digdag]\n"
    );
    let mut files: Vec<(&str, String)> = vec![(cjo_project::CONFIG_FILE, config)];
    files.extend(FILES.iter().map(|(path, text)| (*path, text.replace("{{name}}", &name))));
    // Refuse before writing anything, so a failure leaves no half project.
    if let Some((path, _)) = files.iter().find(|(path, _)| dir.join(path).exists()) {
        eprintln!("error: {} already exists; nothing was written", dir.join(path).display());
        return USAGE;
    }
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return USAGE;
    }
    for (path, text) in &files {
        if let Err(e) = std::fs::write(dir.join(path), text) {
            eprintln!("error: cannot write {}: {e}", dir.join(path).display());
            return USAGE;
        }
    }
    if crate::progress::quiet() {
        return OK;
    }
    // A status line, not output: on standard error, as `build` says what
    // it built (and `cargo new` what it created).
    let shown = dir.display();
    eprintln!("Created project `{name}` in {shown}\nNext: `cjoc check {shown}` then `cjoc build {shown}`");
    OK
}

/// The folder's name, made into a valid project name.
fn project_name(dir: &Path) -> String {
    let base = std::path::absolute(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let cleaned: String =
        base.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    if cleaned.is_empty() { "my_project".to_string() } else { cleaned }
}
