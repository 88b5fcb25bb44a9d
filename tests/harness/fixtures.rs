//! Runs every fixture: `fixtures/errors/*.cjo` and `fixtures/ok/*.cjo` as
//! single-file projects, `fixtures/projects/*/` as whole projects. The
//! diagnostics must sit exactly where the fixture's annotations say (see
//! `cjo_tests::expected_places`), and their text is snapshotted. A new case
//! is a new file.

use std::path::Path;

use cjo_tests::{actual_places, expected_places, load_dir, load_single, render_compact, stdlib_is_clean};

fn check_places(fixture: &str, expected: Vec<cjo_tests::Place>, actual: Vec<cjo_tests::Place>) {
    if expected != actual {
        let show = |v: &[cjo_tests::Place]| v.iter().map(|p| format!("    {p}")).collect::<Vec<_>>().join("\n");
        panic!("{fixture}: diagnostics differ\n  expected:\n{}\n  actual:\n{}", show(&expected), show(&actual));
    }
}

#[test]
fn single_file_fixtures() {
    insta::glob!("../fixtures", "{errors,ok}/*.cjo", |path| {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let text = std::fs::read_to_string(path).unwrap();
        let ws = load_single(&name, &text);
        assert!(stdlib_is_clean(&ws));
        let expected = expected_places(&name, &text);
        let is_ok = path.parent().is_some_and(|p| p.ends_with("ok"));
        assert_eq!(
            is_ok,
            expected.is_empty(),
            "{name}: fixtures in ok/ have no annotations and those in errors/ have some"
        );
        check_places(&name, expected, actual_places(&ws));
        if is_ok {
            let module = ws.user_modules().next().unwrap();
            insta::assert_debug_snapshot!(module.ast);
        } else {
            insta::assert_snapshot!(render_compact(&ws));
        }
    });
}

#[test]
fn project_fixtures() {
    insta::glob!("../fixtures", "projects/*/cjo.toml", |config| {
        let dir = config.parent().unwrap();
        let ws = load_dir(dir);
        let mut expected = Vec::new();
        for f in &ws.files {
            if let Ok(rel) = f.path.strip_prefix("p") {
                if f.kind != cjo_project::FileKind::Stdlib {
                    expected.extend(expected_places(&rel.display().to_string(), &f.text));
                }
            }
        }
        expected.sort();
        check_places(&dir.display().to_string(), expected, actual_places(&ws));
        insta::assert_snapshot!(render_compact(&ws));
    });
}

#[test]
fn there_are_enough_error_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/errors");
    let count = std::fs::read_dir(dir).unwrap().count();
    assert!(count >= 40, "only {count} error fixtures");
}
