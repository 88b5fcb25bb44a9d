//! The selection language, read: dbt's node selection syntax, which people
//! know by heart. An expression is terms separated by spaces (union); a
//! term is atoms separated by commas (intersection); an atom is
//! `[@][N+]method:value[+N]`, the method optional.
//!
//! It lives here, below code generation, because `cjo.toml`'s
//! `[selectors]` are read (and their syntax checked) with the
//! configuration; what an expression picks is `cjo_codegen::select`'s.

use std::fmt;

/// One `--select` or `--exclude` expression: the union of its terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub terms: Vec<Term>,
}

/// Atoms that must all match (`tag:nightly,model:stg_*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    pub atoms: Vec<Atom>,
}

/// One criterion and the graph walk around what it matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Atom {
    pub method: Method,
    /// What the method matches: a name, a glob (`stg_*`), a path.
    pub value: String,
    /// `+name` (`Some(None)`: every ancestor) or `2+name` (`Some(Some(2))`).
    pub parents: Option<Option<u32>>,
    /// `name+` or `name+1`.
    pub children: Option<Option<u32>>,
    /// `@name`: the node, its descendants, and every ancestor of those.
    pub at: bool,
}

/// How an atom's value is matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// No method: a node's name, or a path when the value looks like one.
    Default,
    Tag,
    Path,
    Source,
    Model,
    Check,
    Journey,
    Pipeline,
    Materialized,
    Target,
    State,
}

impl Method {
    /// Every method with its spelling, for parsing and for messages.
    pub const ALL: [(Method, &'static str); 10] = [
        (Method::Tag, "tag"),
        (Method::Path, "path"),
        (Method::Source, "source"),
        (Method::Model, "model"),
        (Method::Check, "check"),
        (Method::Journey, "journey"),
        (Method::Pipeline, "pipeline"),
        (Method::Materialized, "materialized"),
        (Method::Target, "target"),
        (Method::State, "state"),
    ];

    pub fn as_str(self) -> &'static str {
        Method::ALL.iter().find(|(m, _)| *m == self).map_or("", |(_, s)| s)
    }
}

/// Why an expression could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Reads an expression; `text` may be empty (no terms).
pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
    let mut terms = Vec::new();
    for word in text.split_whitespace() {
        let mut atoms = Vec::new();
        for part in word.split(',') {
            if part.is_empty() {
                return Err(error(format!("`{word}` has an empty part between commas")));
            }
            atoms.push(atom(part)?);
        }
        terms.push(Term { atoms });
    }
    Ok(Expr { terms })
}

fn error(message: String) -> SyntaxError {
    SyntaxError { message }
}

fn atom(text: &str) -> Result<Atom, SyntaxError> {
    let (at, rest) = match text.strip_prefix('@') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    // `N+` before the name: digits, then a plus.
    let lead = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let (parents, rest) = match lead.strip_prefix('+') {
        Some(after) => (Some(depth(rest.strip_suffix(lead).unwrap_or_default(), text)?), after),
        None => (None, rest),
    };
    // `+N` after it: a plus, then digits.
    let trail = rest.trim_end_matches(|c: char| c.is_ascii_digit());
    let (children, rest) = match trail.strip_suffix('+') {
        Some(before) => (Some(depth(rest.strip_prefix(trail).unwrap_or_default(), text)?), before),
        None => (None, rest),
    };
    if at && parents.is_some() {
        return Err(error(format!("`{text}`: `@` already selects every ancestor; write `@name` or `+name`, not both")));
    }
    let (method, value) = match rest.split_once(':') {
        Some((name, value)) => {
            let method = Method::ALL.iter().find(|(_, s)| *s == name).map(|(m, _)| *m).ok_or_else(|| {
                let names = Method::ALL.iter().map(|(_, s)| *s);
                let hint = cjo_diagnostics::did_you_mean(name, names).map(|h| format!("; {h}")).unwrap_or_default();
                let all: Vec<&str> = Method::ALL.iter().map(|(_, s)| *s).collect();
                error(format!("`{text}`: `{name}:` is not a selection method (they are {}){hint}", all.join(", ")))
            })?;
            (method, value)
        }
        None => (Method::Default, rest),
    };
    if value.is_empty() {
        return Err(error(format!("`{text}` names nothing")));
    }
    if value.contains('+') || value.contains('@') {
        return Err(error(format!("`{text}`: write `+` only before or after a name, and `@` only before it")));
    }
    Ok(Atom { method, value: value.to_string(), parents, children, at })
}

/// `""` (every generation) or a count of generations.
fn depth(digits: &str, text: &str) -> Result<Option<u32>, SyntaxError> {
    if digits.is_empty() {
        return Ok(None);
    }
    digits.parse::<u32>().map(Some).map_err(|_| error(format!("`{text}`: `{digits}` is too many generations")))
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at {
            f.write_str("@")?;
        }
        if let Some(d) = self.parents {
            write!(f, "{}+", d.map(|n| n.to_string()).unwrap_or_default())?;
        }
        if self.method != Method::Default {
            write!(f, "{}:", self.method.as_str())?;
        }
        f.write_str(&self.value)?;
        if let Some(d) = self.children {
            write!(f, "+{}", d.map(|n| n.to_string()).unwrap_or_default())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Atom {
        let mut e = parse(text).unwrap();
        assert_eq!(e.terms.len(), 1);
        e.terms.remove(0).atoms.remove(0)
    }

    #[test]
    fn reads_the_graph_operators() {
        let a = one("2+tag:nightly+1");
        assert_eq!(
            (a.method, a.value.as_str(), a.parents, a.children),
            (Method::Tag, "nightly", Some(Some(2)), Some(Some(1)))
        );
        let a = one("@orders");
        assert!(a.at && a.parents.is_none() && a.children.is_none());
        let a = one("+orders+");
        assert_eq!((a.parents, a.children), (Some(None), Some(None)));
        for text in ["2+tag:nightly+1", "@orders", "+orders+", "path:models/staging", "stg_*"] {
            assert_eq!(one(text).to_string(), text);
        }
    }

    #[test]
    fn unions_and_intersections() {
        let e = parse("  a b,tag:x  c ").unwrap();
        assert_eq!(e.terms.len(), 3);
        assert_eq!(e.terms[1].atoms.len(), 2);
        assert!(parse("").unwrap().terms.is_empty());
    }

    #[test]
    fn rejects_what_has_no_meaning() {
        for (text, says) in [
            ("tga:x", "did you mean `tag`?"),
            ("a,,b", "empty part"),
            ("tag:", "names nothing"),
            ("@+a", "`@` already"),
            ("a+b", "only before or after"),
            ("99999999999+a", "too many"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.message.contains(says), "{text}: {}", e.message);
        }
    }
}
