//! The catalogue of diagnostic codes. Codes are stable: once published a code
//! keeps its meaning forever. Each has a documentation page in
//! `compiler/diagnostics/codes/<ID>.md` (what, why, how to fix, an example),
//! printed by `cjoc explain <ID>`.
//!
//! Ranges: `E00xx` lexing and parsing, `E01xx` the project (files,
//! `cjo.toml`), `E02xx` the shape of declarations, `E03xx` names, `E04xx`
//! types, `E05xx` journeys, `E06xx` code generation; `Wxxxx` warnings.

use std::fmt;

/// A stable diagnostic code with its documentation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code {
    /// `E0001`, `W0001` …
    pub id: &'static str,
    /// A short kebab-case name, e.g. `unterminated-string`.
    pub name: &'static str,
    /// The documentation page (Markdown).
    pub doc: &'static str,
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id)
    }
}

macro_rules! codes {
    ($( $(#[$meta:meta])* $konst:ident = $id:literal $name:literal; )*) => {
        $(
            $(#[$meta])*
            pub const $konst: Code = Code {
                id: $id,
                name: $name,
                doc: include_str!(concat!("../codes/", $id, ".md")),
            };
        )*
        /// Every code, in order.
        pub const ALL: &[Code] = &[$($konst),*];
    };
}

codes! {
    // Lexing and parsing.
    UNEXPECTED_CHARACTER = "E0001" "unexpected-character";
    UNTERMINATED_STRING = "E0002" "unterminated-string";
    UNTERMINATED_COMMENT = "E0003" "unterminated-comment";
    UNTERMINATED_SQL_BODY = "E0004" "unterminated-sql-body";
    INVALID_ESCAPE = "E0005" "invalid-escape";
    INVALID_NUMBER = "E0006" "invalid-number";
    NESTING_TOO_DEEP = "E0007" "nesting-too-deep";
    SYNTAX_ERROR = "E0010" "syntax-error";
    UNCLOSED_DELIMITER = "E0011" "unclosed-delimiter";
    UNKNOWN_DURATION_UNIT = "E0012" "unknown-duration-unit";
    INVALID_TIME = "E0013" "invalid-time";
    UNMATCHED_DELIMITER = "E0014" "unmatched-delimiter";

    // The project: files and cjo.toml.
    FILE_UNREADABLE = "E0100" "file-unreadable";
    INVALID_UTF8 = "E0101" "invalid-utf8";
    FILE_TOO_LARGE = "E0102" "file-too-large";
    CONFIG_SYNTAX = "E0110" "config-syntax";
    CONFIG_UNKNOWN_KEY = "E0111" "config-unknown-key";
    CONFIG_INVALID_VALUE = "E0112" "config-invalid-value";
    CONFIG_MISSING_KEY = "E0113" "config-missing-key";
    CONFIG_CATALOG_PATH = "E0114" "config-catalog-path";
    CATALOG_SYNTAX = "E0115" "catalog-syntax";
    CATALOG_UNKNOWN_TYPE = "E0116" "catalog-unknown-type";
    CATALOG_MISSING_FIELD = "E0117" "catalog-missing-field";
    CATALOG_DUPLICATE_COLUMN = "E0118" "catalog-duplicate-column";
    CATALOG_TABLE_NAME = "E0119" "catalog-table-name";

    // The shape of declarations.
    UNKNOWN_SETTING = "E0200" "unknown-setting";
    INVALID_SETTING_VALUE = "E0201" "invalid-setting-value";
    DUPLICATE_SETTING = "E0202" "duplicate-setting";
    MISSING_SETTING = "E0203" "missing-setting";
    DUPLICATE_MEMBER = "E0204" "duplicate-member";
    UNKNOWN_CHECK = "E0205" "unknown-check";
    INVALID_CHECK_ARGUMENTS = "E0206" "invalid-check-arguments";
    UNKNOWN_TYPE = "E0207" "unknown-type";
    UNKNOWN_DIALECT = "E0208" "unknown-dialect";
    INVALID_CRON = "E0209" "invalid-cron";
    INVALID_SHARES = "E0210" "invalid-shares";
    MISSING_ELSE = "E0211" "missing-else";
    UNKNOWN_WEEKDAY = "E0212" "unknown-weekday";
    INVALID_DATE = "E0213" "invalid-date";
    INVALID_TEMPLATE = "E0214" "invalid-template";
    MISPLACED_MEMBER = "E0215" "misplaced-member";

    // Warnings.
    /// A `///` doc comment that documents nothing.
    DANGLING_DOC_COMMENT = "W0001" "dangling-doc-comment";
    /// A catalog column whose warehouse type has no exact cjo equivalent.
    CATALOG_APPROXIMATE_TYPE = "W0002" "catalog-approximate-type";
}

/// Finds a code by its id, case-insensitively (`e0001` works).
pub fn lookup(id: &str) -> Option<Code> {
    ALL.iter().copied().find(|c| c.id.eq_ignore_ascii_case(id.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let mut ids: Vec<_> = ALL.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        for c in ALL {
            assert!(c.id.len() == 5 && (c.id.starts_with('E') || c.id.starts_with('W')), "{}", c.id);
            assert!(c.name.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-' || ch.is_ascii_digit()));
        }
    }

    #[test]
    fn every_doc_has_the_required_sections() {
        for c in ALL {
            for section in ["## What", "## Why", "## How to fix", "## Example"] {
                assert!(c.doc.contains(section), "{} lacks `{section}`", c.id);
            }
            assert!(c.doc.starts_with(&format!("# {} ", c.id)), "{} doc must start with its title", c.id);
        }
    }
}
