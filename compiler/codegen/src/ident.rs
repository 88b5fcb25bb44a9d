//! Identifiers in each dialect: when a name needs quotes, and how.

use cjo_project::Dialect;
use sqlparser::ast::Ident;

use crate::literal;

/// BigQuery's reserved keywords (GoogleSQL lexical structure).
const BIGQUERY: &[&str] = &[
    "all",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "assert_rows_modified",
    "at",
    "between",
    "by",
    "case",
    "cast",
    "collate",
    "contains",
    "create",
    "cross",
    "cube",
    "current",
    "default",
    "define",
    "desc",
    "distinct",
    "else",
    "end",
    "enum",
    "escape",
    "except",
    "exclude",
    "exists",
    "extract",
    "false",
    "fetch",
    "following",
    "for",
    "from",
    "full",
    "group",
    "grouping",
    "groups",
    "hash",
    "having",
    "if",
    "ignore",
    "in",
    "inner",
    "intersect",
    "interval",
    "into",
    "is",
    "join",
    "lateral",
    "left",
    "like",
    "limit",
    "lookup",
    "merge",
    "natural",
    "new",
    "no",
    "not",
    "null",
    "nulls",
    "of",
    "on",
    "or",
    "order",
    "outer",
    "over",
    "partition",
    "preceding",
    "proto",
    "qualify",
    "range",
    "recursive",
    "respect",
    "right",
    "rollup",
    "rows",
    "select",
    "set",
    "some",
    "struct",
    "tablesample",
    "then",
    "to",
    "treat",
    "true",
    "unbounded",
    "union",
    "unnest",
    "using",
    "when",
    "where",
    "window",
    "with",
    "within",
];

/// Redshift's reserved words.
const REDSHIFT: &[&str] = &[
    "aes128",
    "aes256",
    "all",
    "allowoverwrite",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "authorization",
    "az64",
    "backup",
    "between",
    "binary",
    "blanksasnull",
    "both",
    "bytedict",
    "bzip2",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "credentials",
    "cross",
    "current_date",
    "current_time",
    "current_timestamp",
    "current_user",
    "current_user_id",
    "default",
    "deferrable",
    "deflate",
    "defrag",
    "delta",
    "delta32k",
    "desc",
    "disable",
    "distinct",
    "do",
    "else",
    "emptyasnull",
    "enable",
    "encode",
    "encrypt",
    "encryption",
    "end",
    "except",
    "explicit",
    "false",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "globaldict256",
    "globaldict64k",
    "grant",
    "group",
    "gzip",
    "having",
    "identity",
    "ignore",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "language",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "lun",
    "luns",
    "lzo",
    "lzop",
    "minus",
    "mostly16",
    "mostly32",
    "mostly8",
    "natural",
    "new",
    "not",
    "notnull",
    "null",
    "nulls",
    "off",
    "offline",
    "offset",
    "oid",
    "old",
    "on",
    "only",
    "open",
    "or",
    "order",
    "outer",
    "overlaps",
    "parallel",
    "partition",
    "percent",
    "permissions",
    "pivot",
    "placing",
    "primary",
    "raw",
    "readratio",
    "recover",
    "references",
    "rejectlog",
    "resort",
    "respect",
    "restore",
    "right",
    "select",
    "session_user",
    "similar",
    "snapshot",
    "some",
    "sysdate",
    "system",
    "table",
    "tag",
    "tdes",
    "text255",
    "text32k",
    "then",
    "timestamp",
    "to",
    "top",
    "trailing",
    "true",
    "truncatecolumns",
    "union",
    "unique",
    "unnest",
    "unpivot",
    "user",
    "using",
    "verbose",
    "wallet",
    "when",
    "where",
    "with",
    "without",
];

/// Trino's reserved keywords.
const TRINO: &[&str] = &[
    "alter",
    "and",
    "as",
    "between",
    "by",
    "case",
    "cast",
    "constraint",
    "create",
    "cross",
    "cube",
    "current_catalog",
    "current_date",
    "current_path",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "deallocate",
    "delete",
    "describe",
    "distinct",
    "drop",
    "else",
    "end",
    "escape",
    "except",
    "execute",
    "exists",
    "extract",
    "false",
    "for",
    "from",
    "full",
    "group",
    "grouping",
    "having",
    "in",
    "inner",
    "insert",
    "intersect",
    "into",
    "is",
    "join",
    "json_array",
    "json_exists",
    "json_object",
    "json_query",
    "json_table",
    "json_value",
    "left",
    "like",
    "listagg",
    "localtime",
    "localtimestamp",
    "natural",
    "normalize",
    "not",
    "null",
    "on",
    "or",
    "order",
    "outer",
    "prepare",
    "recursive",
    "right",
    "rollup",
    "select",
    "skip",
    "table",
    "then",
    "trim",
    "true",
    "uescape",
    "union",
    "unnest",
    "using",
    "values",
    "when",
    "where",
    "with",
];

fn reserved(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::BigQuery => BIGQUERY,
        Dialect::Redshift => REDSHIFT,
        Dialect::Trino => TRINO,
    }
}

/// Whether `name` must be quoted to be read as this name in `dialect`.
pub fn needs_quotes(name: &str, dialect: Dialect) -> bool {
    let mut chars = name.chars();
    let plain = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    !plain || reserved(dialect).binary_search(&name.to_ascii_lowercase().as_str()).is_ok()
}

/// The quote character of `dialect`.
pub fn quote_char(dialect: Dialect) -> char {
    match dialect {
        Dialect::BigQuery => '`',
        Dialect::Redshift | Dialect::Trino => '"',
    }
}

/// `name` as an identifier of `dialect`, quoted when needed.
///
/// A BigQuery name that holds a backtick, a backslash or a control
/// character comes back printed (see [`bigquery_escaped`]).
pub fn ident(name: &str, dialect: Dialect) -> Ident {
    if !needs_quotes(name, dialect) {
        return Ident::new(name);
    }
    bigquery_escaped(name, dialect).unwrap_or_else(|| Ident::with_quote(quote_char(dialect), name))
}

/// A quoted name as BigQuery must read it, if sqlparser would print it
/// wrong: BigQuery reads the escapes of its string literals between
/// backticks (`a\`b`), where sqlparser doubles the quote (`a``b`) and
/// leaves a backslash alone. The name comes back printed, without a quote
/// style, to be printed as it is.
pub fn bigquery_escaped(name: &str, dialect: Dialect) -> Option<Ident> {
    let escaped = dialect == Dialect::BigQuery && name.chars().any(|c| c == '`' || c == '\\' || c.is_control());
    escaped.then(|| Ident::new(literal::bigquery_quoted(name, '`')))
}

/// `a.b.c` with each part quoted as needed.
pub fn path(parts: &[String], dialect: Dialect) -> String {
    parts.iter().map(|p| ident(p, dialect).to_string()).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_for_binary_search() {
        for d in Dialect::ALL {
            let list = reserved(d);
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{d}");
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(
            path(&["acme-prod".into(), "analytics".into(), "t".into()], Dialect::BigQuery),
            "`acme-prod`.analytics.t"
        );
        assert_eq!(ident("user", Dialect::Redshift).to_string(), "\"user\"");
        assert_eq!(ident("user", Dialect::Trino).to_string(), "user");
        assert_eq!(ident("a\"b", Dialect::Trino).to_string(), "\"a\"\"b\"");
        assert_eq!(ident("select", Dialect::BigQuery).to_string(), "`select`");
        assert_eq!(ident("Day", Dialect::BigQuery).to_string(), "Day");
        assert_eq!(ident("a`b\\c", Dialect::BigQuery).to_string(), r"`a\`b\\c`");
    }
}
