//! Type names as `information_schema.columns.data_type` writes them on
//! Redshift and Trino: `character varying(256)`, `decimal(12,2)`,
//! `timestamp(3) with time zone`, `array(varchar)`, `row(a bigint, b varchar)`.

use cjo_diagnostics::{Diagnostic, FileId, Span, TextRange};

use crate::Type;
use crate::diagnostics as diag;
use crate::types::valid_decimal;

/// Deeper nesting than this in one type name is reported rather than
/// followed (no warehouse allows near as much).
const MAX_DEPTH: usize = 64;

/// Parses `text`, which starts at byte `base` of `file`. `decimal` is the
/// precision and scale to use for a bare `numeric`/`decimal` (Redshift gives
/// them in separate columns). `None` means the type was reported.
pub fn parse(
    file: FileId,
    base: usize,
    text: &str,
    decimal: Option<(u32, u32)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Type> {
    let mut p = Parser { file, tokens: tokenize(text, base), pos: 0, diagnostics, text, base, decimal };
    let ty = p.ty(0)?;
    if let Some(extra) = p.peek().cloned() {
        let span = p.span(extra.range);
        p.diagnostics.push(diag::syntax(span, format!("unexpected `{}` after the type", extra.text)));
        return None;
    }
    Some(ty)
}

#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Word,
    Number,
    Quoted,
    Punct,
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    /// Lowercase for words; unquoted for quoted names.
    text: String,
    range: std::ops::Range<usize>,
}

fn tokenize(text: &str, base: usize) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let (kind, mut end, mut value) = match c {
            c if c.is_whitespace() => continue,
            '"' => {
                // A quoted field name of a Trino `row`: `""` is a quote.
                let mut value = String::new();
                let mut end = text.len();
                while let Some((i, c)) = chars.next() {
                    if c == '"' {
                        if chars.peek().is_some_and(|&(_, n)| n == '"') {
                            chars.next();
                            value.push('"');
                            continue;
                        }
                        end = i + 1;
                        break;
                    }
                    value.push(c);
                }
                (Kind::Quoted, end, value)
            }
            c if c.is_ascii_digit() => (Kind::Number, start + 1, c.to_string()),
            c if c.is_alphanumeric() || c == '_' => (Kind::Word, start + c.len_utf8(), c.to_lowercase().collect()),
            c => (Kind::Punct, start + c.len_utf8(), c.to_string()),
        };
        if matches!(kind, Kind::Word | Kind::Number) {
            while let Some(&(i, n)) = chars.peek() {
                let continues = if kind == Kind::Number { n.is_ascii_digit() } else { n.is_alphanumeric() || n == '_' };
                if !continues {
                    break;
                }
                value.extend(n.to_lowercase());
                end = i + n.len_utf8();
                chars.next();
            }
        }
        tokens.push(Token { kind, text: value, range: base + start..base + end });
    }
    tokens
}

struct Parser<'a> {
    file: FileId,
    tokens: Vec<Token>,
    pos: usize,
    diagnostics: &'a mut Vec<Diagnostic>,
    text: &'a str,
    base: usize,
    decimal: Option<(u32, u32)>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn at_punct(&self, p: &str) -> bool {
        self.peek().is_some_and(|t| t.kind == Kind::Punct && t.text == p)
    }

    fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.file, TextRange::from_usize(range))
    }

    /// The end of the input, for "expected …" at the end.
    fn end(&self) -> usize {
        self.base + self.text.len()
    }

    fn expect(&mut self, p: &str) -> Option<()> {
        if self.at_punct(p) {
            self.pos += 1;
            return Some(());
        }
        self.expected(&format!("`{p}`"))
    }

    /// Reports that `what` was expected here.
    fn expected<T>(&mut self, what: &str) -> Option<T> {
        let (range, found) = match self.peek() {
            Some(t) => (t.range.clone(), format!("`{}`", t.text)),
            None => (self.end()..self.end(), "the end of the type".to_string()),
        };
        let span = self.span(range);
        self.diagnostics.push(diag::syntax(span, format!("expected {what} in the type, found {found}")));
        None
    }

    /// One type: its words, its arguments in parentheses, trailing words
    /// (`with time zone`).
    fn ty(&mut self, depth: usize) -> Option<Type> {
        let start = self.peek().map_or(self.end(), |t| t.range.start);
        if depth > MAX_DEPTH {
            let span = self.span(start..self.end());
            self.diagnostics.push(diag::syntax(span, "the type is nested too deeply"));
            return None;
        }
        let mut words = self.words();
        if words.is_empty() {
            let (range, found) = match self.peek() {
                Some(t) => (t.range.clone(), format!("`{}`", t.text)),
                None => (start..start, "nothing".to_string()),
            };
            let span = self.span(range);
            self.diagnostics.push(diag::syntax(span, format!("expected a type, found {found}")));
            return None;
        }
        let head = words.join(" ");
        let mut args = Vec::new();
        let mut elements = Vec::new();
        let mut fields: Vec<(String, Type)> = Vec::new();
        if self.at_punct("(") {
            self.pos += 1;
            match head.as_str() {
                "array" => elements.push(self.ty(depth + 1)?),
                "map" => {
                    elements.push(self.ty(depth + 1)?);
                    self.expect(",")?;
                    elements.push(self.ty(depth + 1)?);
                }
                "row" => loop {
                    let name = match self.peek() {
                        Some(t) if matches!(t.kind, Kind::Word | Kind::Quoted) => t.clone(),
                        _ => {
                            return self.expected("a field name");
                        }
                    };
                    self.pos += 1;
                    let ty = self.ty(depth + 1)?;
                    if fields.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name.text)) {
                        let span = self.span(name.range.clone());
                        self.diagnostics.push(diag::duplicate_column(span, span, "field", &name.text));
                    } else {
                        fields.push((name.text, ty));
                    }
                    if !self.at_punct(",") {
                        break;
                    }
                    self.pos += 1;
                },
                _ => loop {
                    match self.peek() {
                        Some(t) if matches!(t.kind, Kind::Number | Kind::Word) => {
                            args.push(t.clone());
                            self.pos += 1;
                        }
                        _ => return self.expected("a number"),
                    }
                    if !self.at_punct(",") {
                        break;
                    }
                    self.pos += 1;
                },
            }
            self.expect(")")?;
        }
        words.extend(self.words());
        let end = self.tokens.get(self.pos.wrapping_sub(1)).map_or(start, |t| t.range.end);
        let span = self.span(start..end);
        let written = self.text.get(start - self.base..end - self.base).unwrap_or(&head).to_string();
        self.resolve(&words.join(" "), &written, span, &args, elements, fields)
    }

    fn words(&mut self) -> Vec<String> {
        let mut words = Vec::new();
        while let Some(t) = self.peek().filter(|t| t.kind == Kind::Word) {
            words.push(t.text.clone());
            self.pos += 1;
        }
        words
    }

    fn resolve(
        &mut self,
        name: &str,
        written: &str,
        span: Span,
        args: &[Token],
        mut elements: Vec<Type>,
        fields: Vec<(String, Type)>,
    ) -> Option<Type> {
        let number = |i: usize| args.get(i).and_then(|t| t.text.parse::<u32>().ok());
        let ty = match name {
            "varchar"
            | "character varying"
            | "char"
            | "character"
            | "text"
            | "nchar"
            | "nvarchar"
            | "bpchar"
            | "string"
            | "national character varying"
            | "national character" => Type::String,
            "bigint" | "integer" | "int" | "smallint" | "tinyint" | "int8" | "int4" | "int2" => Type::Int,
            "boolean" | "bool" => Type::Bool,
            "double" | "double precision" | "float8" | "float" | "real" | "float4" => Type::Float,
            "date" => Type::Date,
            "json" | "super" | "jsonb" => Type::Json,
            "varbinary" | "varbyte" | "binary varying" | "binary" | "bytea" => Type::Bytes,
            "numeric" | "decimal" => {
                let (precision, scale) = match (args.first(), args.get(1)) {
                    (None, _) => self.decimal.unwrap_or((38, 0)),
                    (Some(_), None) => (number(0).unwrap_or(0), 0),
                    (Some(_), Some(_)) => (number(0).unwrap_or(0), number(1).unwrap_or(u32::MAX)),
                };
                if !valid_decimal(precision, scale) {
                    self.diagnostics.push(diag::invalid_decimal(span, precision, scale));
                    return None;
                }
                Type::Decimal { precision, scale }
            }
            "timestamp with time zone" | "timestamptz" => Type::Timestamp,
            "timestamp" | "timestamp without time zone" => {
                self.diagnostics.push(diag::no_time_zone(span, written));
                Type::Timestamp
            }
            "array" if elements.len() == 1 => Type::Array(Box::new(elements.pop()?)),
            "row" if !fields.is_empty() => Type::Struct(fields),
            "geometry" | "geography" | "uuid" => {
                let why = if name == "uuid" { "it is compared as text" } else { "spatial functions are not typed" };
                self.diagnostics.push(diag::approximate(span, written, "string", why));
                Type::String
            }
            "map" => {
                self.diagnostics.push(diag::unsupported_type(
                    span,
                    written,
                    "maps are not cjo values",
                    "read the column through a view that casts it to `json`",
                ));
                return None;
            }
            "time" | "timetz" | "time with time zone" | "time without time zone" => {
                self.diagnostics.push(diag::unsupported_type(
                    span,
                    written,
                    "cjo has no time-of-day type",
                    "read the column through a view that casts it to a string",
                ));
                return None;
            }
            _ if name.starts_with("interval") => {
                self.diagnostics.push(diag::unsupported_type(
                    span,
                    written,
                    "cjo has no interval type",
                    "read the column through a view that converts it to a number of seconds",
                ));
                return None;
            }
            _ => {
                self.diagnostics.push(diag::unknown_type(span, written, "Redshift or Trino"));
                return None;
            }
        };
        Some(ty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> (Option<String>, Vec<String>) {
        let mut diagnostics = Vec::new();
        let ty = parse(FileId(0), 10, text, None, &mut diagnostics);
        let codes = diagnostics.iter().map(|d| format!("{} {:?}", d.code.id, d.span().range)).collect();
        (ty.map(|t| t.to_string()), codes)
    }

    #[test]
    fn redshift_names() {
        for (name, cjo) in [
            ("character varying(256)", "string"),
            ("character varying", "string"),
            ("text", "string"),
            ("char(2)", "string"),
            ("bigint", "int"),
            ("int4", "int"),
            ("smallint", "int"),
            ("boolean", "bool"),
            ("bool", "bool"),
            ("numeric(18,2)", "decimal(18, 2)"),
            ("decimal", "decimal(38, 0)"),
            ("double precision", "float"),
            ("real", "float"),
            ("float8", "float"),
            ("date", "date"),
            ("timestamp with time zone", "timestamp"),
            ("timestamptz", "timestamp"),
            ("super", "json"),
            ("varbyte", "bytes"),
        ] {
            assert_eq!(ty(name), (Some(cjo.to_string()), vec![]), "{name}");
        }
    }

    #[test]
    fn trino_names() {
        for (name, cjo) in [
            ("varchar", "string"),
            ("varchar(10)", "string"),
            ("tinyint", "int"),
            ("decimal(12,2)", "decimal(12, 2)"),
            ("DECIMAL(10, 0)", "decimal(10, 0)"),
            ("double", "float"),
            ("timestamp(3) with time zone", "timestamp"),
            ("json", "json"),
            ("array(varchar)", "array<string>"),
            ("array(array(bigint))", "array<array<int>>"),
            ("row(a bigint, \"b c\" varchar)", "struct<a: int, b c: string>"),
            ("array(row(x double, y timestamp(6) with time zone))", "array<struct<x: float, y: timestamp>>"),
        ] {
            assert_eq!(ty(name), (Some(cjo.to_string()), vec![]), "{name}");
        }
    }

    #[test]
    fn no_time_zone_warns_at_the_type() {
        assert_eq!(ty("timestamp(3)"), (Some("timestamp".into()), vec!["W0002 10..22".into()]));
        assert_eq!(ty("timestamp without time zone").1, vec!["W0002 10..37"]);
        assert_eq!(ty("row(a timestamp)").1, vec!["W0002 16..25"]);
    }

    #[test]
    fn unsupported_and_unknown_types_point_at_themselves() {
        assert_eq!(ty("map(varchar, bigint)"), (None, vec!["E0116 10..30".into()]));
        assert_eq!(ty("time(3)"), (None, vec!["E0116 10..17".into()]));
        assert_eq!(ty("array(frobnicate)"), (None, vec!["E0116 16..26".into()]));
        assert_eq!(ty("interval day to second").0, None);
        assert_eq!(ty("decimal(80,2)"), (None, vec!["E0116 10..23".into()]));
        assert_eq!(ty("decimal(5,6)").0, None);
    }

    #[test]
    fn malformed_names_are_syntax_errors() {
        let mut diagnostics = Vec::new();
        assert_eq!(parse(FileId(0), 0, "row(, a int)", None, &mut diagnostics), None);
        assert_eq!(diagnostics[0].message, "expected a field name in the type, found `,`");
        assert_eq!(ty("array(varchar").1, vec!["E0115 23..23"]);
        assert_eq!(ty("").1, vec!["E0115 10..10"]);
        assert_eq!(ty("varchar)").1, vec!["E0115 17..18"]);
        assert_eq!(ty("row(a bigint, a varchar)").1, vec!["E0118 24..25"]);
        let deep = format!("{}bigint{}", "array(".repeat(1000), ")".repeat(1000));
        assert_eq!(ty(&deep).0, None);
    }
}
