//! The catalogue of diagnostic codes. Codes are stable: once published a code
//! keeps its meaning forever. Each has a documentation page in
//! `compiler/diagnostics/codes/<ID>.md` (what, why, how to fix, an example),
//! printed by `cjoc explain <ID>`.
//!
//! Ranges: `E00xx` lexing and parsing, `E01xx` the project (files,
//! `cjo.toml`, the catalog, and sources checked against it), `E02xx` the
//! shape of declarations, `E03xx` names, `E04xx` types, `E05xx` journeys,
//! `E06xx` code generation, `E07xx` pipelines and schedulers; `Wxxxx`
//! warnings.

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

/// The stage of the compiler that makes a code: its range (see the
/// module's documentation). Code that groups diagnostics asks this, never
/// the id's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// `E00xx`: lexing and parsing.
    Syntax,
    /// `E01xx`: files, `cjo.toml`, the catalog.
    Project,
    /// `E02xx`: the shape of declarations.
    Structure,
    /// `E03xx`: names.
    Names,
    /// `E04xx`: types.
    Types,
    /// `E05xx`: journeys.
    Journeys,
    /// `E06xx`: code generation, per warehouse.
    Lowering,
    /// `E07xx`: pipelines and schedulers.
    Pipelines,
    /// `Wxxxx`: warnings, from any stage.
    Warning,
}

impl Code {
    /// The stage that makes this code.
    pub fn stage(self) -> Stage {
        match self.id.as_bytes() {
            [b'E', b'0', b'0', ..] => Stage::Syntax,
            [b'E', b'0', b'1', ..] => Stage::Project,
            [b'E', b'0', b'2', ..] => Stage::Structure,
            [b'E', b'0', b'3', ..] => Stage::Names,
            [b'E', b'0', b'4', ..] => Stage::Types,
            [b'E', b'0', b'5', ..] => Stage::Journeys,
            [b'E', b'0', b'6', ..] => Stage::Lowering,
            [b'E', b'0', b'7', ..] => Stage::Pipelines,
            _ => Stage::Warning,
        }
    }
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
    /// A SQL body that sqlparser cannot read.
    SQL_SYNTAX = "E0015" "sql-syntax";
    /// A SQL body that is not exactly one query.
    SQL_NOT_A_QUERY = "E0016" "sql-not-a-query";
    /// A SQL body over the size limit (1 MiB), not parsed.
    SQL_BODY_TOO_LARGE = "E0017" "sql-body-too-large";

    // The project: files and cjo.toml.
    FILE_UNREADABLE = "E0100" "file-unreadable";
    INVALID_UTF8 = "E0101" "invalid-utf8";
    FILE_TOO_LARGE = "E0102" "file-too-large";
    /// A project path that is a FIFO, a device, a socket or a folder.
    NOT_A_REGULAR_FILE = "E0103" "not-a-regular-file";
    /// More files, folders or bytes than a project may have.
    PROJECT_TOO_LARGE = "E0104" "project-too-large";
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
    /// A source declares a column that the catalog's table does not have.
    SOURCE_COLUMN_NOT_IN_CATALOG = "E0120" "source-column-not-in-catalog";
    /// A source declares a column with another type than the catalog's.
    SOURCE_COLUMN_TYPE = "E0121" "source-column-type";
    /// A source declares `not null` a column the catalog says may be null.
    SOURCE_COLUMN_NULLABLE = "E0122" "source-column-nullable";
    /// `--env`, the editor's setting or `project.default_environment` names
    /// an environment that `cjo.toml` does not declare.
    CONFIG_UNKNOWN_ENVIRONMENT = "E0123" "config-unknown-environment";
    /// `${env:NAME}` names a variable that is not set, and gives no default.
    CONFIG_UNSET_VARIABLE = "E0124" "config-unset-variable";
    /// A `${…}` in a `cjo.toml` string that is not `${env:NAME[:-default]}`.
    CONFIG_MALFORMED_REFERENCE = "E0125" "config-malformed-reference";
    /// A `[selectors]` expression that is not in the selection language.
    CONFIG_INVALID_SELECTOR = "E0126" "config-invalid-selector";

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
    /// A `(was old)` whose old name is still in use, or claimed twice.
    INVALID_RENAME = "E0216" "invalid-rename";
    // Names.
    /// Two declarations of the project share a name.
    DUPLICATE_DECLARATION = "E0300" "duplicate-declaration";
    /// A table name that is no source, model or CTE.
    UNKNOWN_TABLE = "E0301" "unknown-table";
    /// A column that no table in scope has.
    UNKNOWN_COLUMN = "E0302" "unknown-column";
    /// A column name that more than one table in scope has.
    AMBIGUOUS_COLUMN = "E0303" "ambiguous-column";
    /// A function that is neither SQL's, the standard library's nor the project's.
    UNKNOWN_FUNCTION = "E0304" "unknown-function";
    /// A `$name` that is no declared or built-in parameter.
    UNKNOWN_PARAMETER = "E0305" "unknown-parameter";
    /// `source … from catalog` with no such table in the catalog files.
    NOT_IN_CATALOG = "E0306" "not-in-catalog";
    /// A check, pipeline or journey naming something that does not exist or is of the wrong kind.
    UNKNOWN_ITEM = "E0307" "unknown-item";
    /// Models and journeys that depend on each other in a circle.
    DEPENDENCY_CYCLE = "E0308" "dependency-cycle";
    /// Two output columns, or two tables of one `from`, with the same name.
    DUPLICATE_COLUMN = "E0309" "duplicate-column";
    /// A model's output column without a name.
    UNNAMED_COLUMN = "E0310" "unnamed-column";
    // Types.
    /// Operands whose types cannot be compared or combined.
    TYPE_MISMATCH = "E0400" "type-mismatch";
    /// A condition that is not boolean.
    NOT_BOOLEAN = "E0401" "not-boolean";
    /// A column outside `group by` in an aggregating query.
    NOT_AGGREGATED = "E0402" "not-aggregated";
    /// The sides of a `union` differ in arity or type.
    SET_OPERATION_MISMATCH = "E0403" "set-operation-mismatch";
    /// A function called with the wrong number or types of arguments.
    WRONG_ARGUMENTS = "E0404" "wrong-arguments";
    /// A parameter's default or use that does not fit its type.
    PARAMETER_TYPE = "E0405" "parameter-type";
    /// An aggregate or window function where none may be.
    MISPLACED_AGGREGATE = "E0406" "misplaced-aggregate";
    /// A `group by` or `order by` position outside the select list.
    INVALID_POSITION = "E0407" "invalid-position";
    /// A cast between types that cannot be converted.
    INVALID_CAST = "E0408" "invalid-cast";
    /// A query whose columns cannot be known (`(expr).*`, `*` over a `pivot`).
    UNKNOWN_COLUMNS = "E0409" "unknown-columns";
    // Journeys.
    /// A branch or `->` naming a step its stage does not have.
    UNKNOWN_STEP = "E0500" "unknown-step";
    /// Steps that lead back to themselves.
    STEP_CYCLE = "E0501" "step-cycle";
    /// A step no path from the stage's first step reaches.
    UNREACHABLE_STEP = "E0502" "unreachable-step";
    /// A stage in which no `end`, `jump` or last step is reachable.
    NO_REACHABLE_END = "E0503" "no-reachable-end";
    /// A journey with more stages than allowed.
    TOO_MANY_STAGES = "E0504" "too-many-stages";
    /// A `jump` to an unknown, the same or an earlier stage.
    INVALID_JUMP = "E0505" "invalid-jump";
    /// Journeys whose cross-journey jumps form a circle.
    JUMP_CYCLE = "E0506" "jump-cycle";
    /// `since journey_start|stage_start|step_start` where that anchor does not exist.
    MISPLACED_ANCHOR = "E0507" "misplaced-anchor";
    /// A journey's `key` missing from its profiles or an event relation.
    JOURNEY_KEY = "E0508" "journey-key";
    /// An event relation without a clear time column.
    NO_TIME_COLUMN = "E0509" "no-time-column";
    /// A quantifier over a relation not listed in the journey's `events`.
    UNKNOWN_EVENT = "E0510" "unknown-event";
    /// A goal or journey-level exit that holds for everyone before entry.
    BLOCKS_EVERY_ENTRY = "E0511" "blocks-every-entry";
    /// A step or stage the `--state` build had, dropped with no word on
    /// where the customers in it go.
    REMOVED_WITHOUT_DESTINATION = "E0512" "removed-without-destination";

    // Code generation.
    /// A construct the target warehouse cannot express.
    UNSUPPORTED_CONSTRUCT = "E0600" "unsupported-construct";
    /// A warehouse used without its `[targets.*]` section in `cjo.toml`.
    MISSING_TARGET = "E0601" "missing-target";
    /// An incremental model's column of unknown type.
    UNTYPED_INCREMENTAL_COLUMN = "E0602" "untyped-incremental-column";
    /// A parameter without a usable value.
    PARAMETER_VALUE = "E0603" "parameter-value";
    /// A model reading a model that is built in another warehouse.
    CROSS_TARGET_READ = "E0604" "cross-target-read";
    /// A model's schema or table name longer than its warehouse accepts.
    NAME_TOO_LONG = "E0605" "name-too-long";

    // Pipelines and schedulers.
    /// Pipelines that wait for each other's output.
    PIPELINE_WAIT_CYCLE = "E0700" "pipeline-wait-cycle";
    /// A schedule or wait a chosen scheduler cannot express.
    UNSCHEDULABLE = "E0701" "unschedulable";
    /// `catchup = true` without a `start_date`.
    CATCHUP_WITHOUT_START = "E0702" "catchup-without-start";

    // Warnings.
    /// A `///` doc comment that documents nothing.
    DANGLING_DOC_COMMENT = "W0001" "dangling-doc-comment";
    /// A catalog column whose warehouse type has no exact cjo equivalent.
    CATALOG_APPROXIMATE_TYPE = "W0002" "catalog-approximate-type";
    /// `--target` names a warehouse that `cjo.toml` does not configure.
    UNCONFIGURED_TARGET = "W0003" "unconfigured-target";
    /// `on_late_upstream`/`upstream_timeout` on a pipeline that waits for no other.
    LATE_RULE_WITHOUT_UPSTREAM = "W0004" "late-rule-without-upstream";
    /// A model's column whose type cjo cannot tell.
    UNTYPED_COLUMN = "W0006" "untyped-column";
    /// A file `cjoc fmt` leaves as it is because formatting would change its meaning.
    FORMAT_CHANGES_MEANING = "W0007" "format-changes-meaning";
    /// A model or journey that no pipeline runs, in a project that has pipelines.
    NOT_SCHEDULED = "W0008" "not-scheduled";
    /// A pipeline setting that one of its schedulers has no equivalent for.
    SETTING_NOT_ON_SCHEDULER = "W0009" "setting-not-on-scheduler";
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
    fn every_error_code_is_in_a_stage() {
        for c in ALL.iter().filter(|c| c.id.starts_with('E')) {
            assert_ne!(c.stage(), Stage::Warning, "{} is in no stage's range", c.id);
        }
        assert_eq!(UNSUPPORTED_CONSTRUCT.stage(), Stage::Lowering);
        assert_eq!(UNTERMINATED_STRING.stage(), Stage::Syntax);
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
