//! The SQL warehouses `cjoc` compiles to.

use std::fmt;

/// One target warehouse. Every stage that varies by warehouse (the type
/// checker's function signatures, the SQL printer, the orchestrator output)
/// matches on this enum, so adding a dialect is a compile error everywhere
/// that must learn about it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Dialect {
    BigQuery,
    Redshift,
    Trino,
}

impl Dialect {
    /// Every dialect, in the order they are listed to users.
    pub const ALL: [Dialect; 3] = [Dialect::BigQuery, Dialect::Redshift, Dialect::Trino];

    /// The lower-case name used in `cjo.toml`, on the command line and in
    /// output paths.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::BigQuery => "bigquery",
            Dialect::Redshift => "redshift",
            Dialect::Trino => "trino",
        }
    }

    /// The warehouse's name as its vendor writes it, for messages.
    pub fn title(self) -> &'static str {
        match self {
            Dialect::BigQuery => "BigQuery",
            Dialect::Redshift => "Redshift",
            Dialect::Trino => "Trino",
        }
    }

    /// The dialect named exactly `name` (lower case, as written in
    /// `cjo.toml`), if any.
    pub fn parse(name: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.as_str() == name)
    }

    /// The longest name of a schema or table the warehouse accepts, in
    /// UTF-8 bytes: BigQuery's datasets and tables take 1,024, Redshift's
    /// identifiers 127. Trino sets none of its own (its connectors may).
    pub fn max_name_bytes(self) -> Option<usize> {
        match self {
            Dialect::BigQuery => Some(1024),
            Dialect::Redshift => Some(127),
            Dialect::Trino => None,
        }
    }

    /// The names of all dialects, for "expected one of" messages and
    /// suggestions.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Dialect::ALL.into_iter().map(Dialect::as_str)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for d in Dialect::ALL {
            assert_eq!(Dialect::parse(d.as_str()), Some(d));
            assert_eq!(d.to_string(), d.as_str());
        }
        assert_eq!(Dialect::parse("BigQuery"), None);
        assert_eq!(Dialect::parse("snowflake"), None);
        assert_eq!(Dialect::names().collect::<Vec<_>>(), ["bigquery", "redshift", "trino"]);
    }
}
