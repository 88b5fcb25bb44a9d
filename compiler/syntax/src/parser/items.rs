//! Top-level declarations.

use chumsky::prelude::*;
use cjo_diagnostics::{self as diag, TextRange};

use super::common::{at_line_start, block, keyword_of, kw, name, setting, setting_start, skip_unit, string, type_expr};
use super::expr::expr;
use super::journey::journey;
use super::{Extra, In, custom, rng};
use crate::ast::*;
use crate::token::Token;

/// The kinds of check written `name(…)`.
const CHECK_KINDS: &[&str] = &["unique", "not_null", "accepted_values", "references"];

/// The words that start a declaration.
pub const ITEM_KEYWORDS: &[&str] = &["source", "model", "check", "journey", "pipeline", "fn"];

/// A whole file: declarations, each recovered on its own.
pub fn file<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, File, Extra<'t, 's>> {
    let stop = choice((end(), at_line_start(keyword_of(ITEM_KEYWORDS))));
    let skip = choice((skip_unit(), just(Token::RBrace).ignored()));
    let skip_to_item = skip.clone().then(skip.and_is(stop.not()).repeated()).to(None);
    let recovered = choice((item().map(Some), unknown_item())).recover_with(via_parser(skip_to_item));
    // Only start an item (and so its recovery) where input remains.
    any()
        .rewind()
        .ignore_then(recovered)
        .repeated()
        .collect::<Vec<_>>()
        .then_ignore(end())
        .map(|items| File { items: items.into_iter().flatten().collect() })
}

fn item<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Item, Extra<'t, 's>> + Clone {
    choice((
        source().map(Item::Source),
        model().map(Item::Model),
        check().map(Item::Check),
        journey().map(Item::Journey),
        pipeline().map(Item::Pipeline),
        function().map(Item::Function),
    ))
    .labelled("a declaration (`source`, `model`, `check`, `journey`, `pipeline` or `fn`)")
}

/// `modle x { … }`: a word that is not a declaration keyword, followed by a
/// block. Reported with the nearest keyword, and the block skipped whole.
fn unknown_item<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Option<Item>, Extra<'t, 's>> + Clone {
    let word = select! { Token::Ident(w) if !ITEM_KEYWORDS.contains(&w) => w };
    word.map_with(|w: &str, e| (w, e.span()))
        .then_ignore(any().and_is(one_of([Token::LBrace, Token::RBrace]).not()).repeated())
        .then_ignore(skip_unit())
        .validate(|(w, span), _, emitter| {
            let help = match w {
                "table" | "view" | "create" => {
                    Some("declare a warehouse table with `source` and a SQL transform with `model`".to_string())
                }
                "test" | "tests" => Some("data tests are written in a `check` block".to_string()),
                "dag" | "schedule" | "job" => Some("say what runs when in a `pipeline` block".to_string()),
                _ => diag::did_you_mean(w, ITEM_KEYWORDS.iter().copied()),
            }
            .unwrap_or_else(|| {
                "declarations start with `source`, `model`, `check`, `journey`, `pipeline` or `fn`".into()
            });
            emitter.emit(custom(span, diag::SYNTAX_ERROR, format!("`{w}` does not start a declaration"), &help));
            None
        })
}

/// A member of a block: the member itself, with a doc comment attached later.
fn members<T>(parts: Vec<Option<T>>) -> impl Iterator<Item = T> {
    parts.into_iter().flatten()
}

#[derive(Clone)]
enum SourceMember {
    Column(Column),
    Setting(Setting),
}

fn column<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Column, Extra<'t, 's>> + Clone {
    // A warehouse column whose name is not an identifier is written in
    // backticks: `` `売上`: int ``.
    let quoted = select! { Token::QuotedIdent(w) => w }
        .map_with(|w: &str, e| Name { text: w.to_string(), range: rng(e.span()) });
    name()
        .or(quoted)
        .then_ignore(just(Token::Colon))
        .then(type_expr())
        .then(kw("not").then(kw("null")).or_not())
        .map_with(|((name, ty), not_null), e| Column {
            doc: None,
            name,
            ty,
            not_null: not_null.is_some(),
            range: rng(e.span()),
        })
}

fn source<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Source, Extra<'t, 's>> + Clone {
    let member = choice((column().map(SourceMember::Column), setting().map(SourceMember::Setting)))
        .labelled("a column (`name: type`)");
    let from_catalog = kw("from").then(kw("catalog")).map(|(a, b)| a.cover(b));
    kw("source")
        .ignore_then(name())
        .then_ignore(just(Token::Eq))
        .then(string())
        .then(from_catalog.or_not())
        .then(
            block(
                member,
                any()
                    .filter(|t| matches!(t, Token::Ident(_) | Token::QuotedIdent(_)))
                    .then(one_of([Token::Colon, Token::Eq])),
            )
            .or_not(),
        )
        .map_with(|(((name, table), from_catalog), body), e| {
            let mut source = Source {
                doc: None,
                name,
                table,
                from_catalog,
                columns: Vec::new(),
                settings: Vec::new(),
                range: rng(e.span()),
            };
            for m in members(body.unwrap_or_default()) {
                match m {
                    SourceMember::Column(c) => source.columns.push(c),
                    SourceMember::Setting(s) => source.settings.push(s),
                }
            }
            source
        })
}

#[derive(Clone)]
enum ModelMember {
    Setting(Setting),
    Param(Param),
    Body(SqlBody),
}

/// `sql [dialect] { … }`.
fn sql_body<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, SqlBody, Extra<'t, 's>> + Clone {
    let text = select! { Token::SqlBody(b) => b }.map_with(|b: &str, e| (b.to_string(), rng(e.span())));
    let empty = empty().map_with(|_, e| (String::new(), TextRange::empty(rng(e.span()).start)));
    kw("sql")
        .ignore_then(name().or_not())
        .then(text.or(empty).delimited_by(just(Token::LBrace), just(Token::RBrace)))
        .map_with(|(dialect, (text, text_range)), e| SqlBody { dialect, text, text_range, range: rng(e.span()) })
}

/// Succeeds, consuming nothing, unless the next line starts a model member
/// (`param`, `sql`, `key =`): a default left out at the end of a line must
/// not swallow the next member.
fn not_next_member<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, (), Extra<'t, 's>> + Clone {
    let member = choice((keyword_of(&["param", "sql"]), setting_start()));
    at_line_start(member).not().rewind().ignored()
}

fn param<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Param, Extra<'t, 's>> + Clone {
    kw("param")
        .ignore_then(name())
        .then_ignore(just(Token::Colon))
        .then(type_expr())
        .then(just(Token::Eq).ignore_then(not_next_member().ignore_then(expr()).labelled("a default value")).or_not())
        .map_with(|((name, ty), default), e| Param { doc: None, name, ty, default, range: rng(e.span()) })
}

fn model<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Model, Extra<'t, 's>> + Clone {
    let member = choice((
        param().map(ModelMember::Param),
        sql_body().map(ModelMember::Body),
        setting().map(ModelMember::Setting),
    ))
    .labelled("a setting, `param` or `sql { … }`");
    let start = choice((keyword_of(&["param", "sql"]), setting_start()));
    kw("model").ignore_then(name()).then(block(member, start)).map_with(|(name, body), e| {
        let mut model = Model {
            doc: None,
            name,
            settings: Vec::new(),
            params: Vec::new(),
            bodies: Vec::new(),
            range: rng(e.span()),
        };
        for m in members(body) {
            match m {
                ModelMember::Setting(s) => model.settings.push(s),
                ModelMember::Param(p) => model.params.push(p),
                ModelMember::Body(b) => model.bodies.push(b),
            }
        }
        model
    })
}

fn check<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Check, Extra<'t, 's>> + Clone {
    let arg = expr().then(just(Token::Arrow).ignore_then(expr()).or_not()).map_with(|(value, arrow), e| CheckArg {
        value,
        arrow,
        range: rng(e.span()),
    });
    let call = name()
        .then(
            arg.separated_by(just(Token::Comma))
                .allow_trailing()
                .collect::<Vec<_>>()
                .delimited_by(just(Token::LParen), just(Token::RParen)),
        )
        .map_with(|(name, args), e| CheckEntry::Call { name, args, range: rng(e.span()) });
    // The condition may continue on the next line, but never *is* the next
    // check: `expect "…":` left incomplete must not swallow `unique(id)`.
    let next_check = choice((kw("expect").ignored(), keyword_of(CHECK_KINDS).then(just(Token::LParen)).ignored()));
    let condition = at_line_start(next_check).not().rewind().ignore_then(expr()).labelled("a condition");
    let expect =
        kw("expect").ignore_then(string()).then_ignore(just(Token::Colon)).then(condition).map_with(
            |(description, condition), e| CheckEntry::Expect { description, condition, range: rng(e.span()) },
        );
    let entry = choice((expect, call)).labelled("a check such as `unique(col)` or `expect \"…\": condition`");
    kw("check")
        .ignore_then(name())
        .then(block(entry, choice((kw("expect").ignored(), name().then(just(Token::LParen)).ignored()))))
        .map_with(|(target, entries), e| Check {
            doc: None,
            target,
            entries: members(entries).collect(),
            range: rng(e.span()),
        })
}

fn pipeline<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Pipeline, Extra<'t, 's>> + Clone {
    kw("pipeline")
        .ignore_then(name())
        .then(block(setting().labelled("a setting (`key = value`)"), setting_start()))
        .map_with(|(name, settings), e| Pipeline {
            doc: None,
            name,
            settings: members(settings).collect(),
            range: rng(e.span()),
        })
}

fn function<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Function, Extra<'t, 's>> + Clone {
    let type_params = name()
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::Lt), just(Token::Gt));
    let param = name()
        .then_ignore(just(Token::Colon))
        .then(type_expr())
        .then(just(Token::Ellipsis).or_not())
        .map_with(|((name, ty), dots), e| FnParam { name, ty, variadic: dots.is_some(), range: rng(e.span()) });
    let params = param
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen));
    kw("fn")
        .ignore_then(name())
        .then(type_params.or_not())
        .then(params)
        .then_ignore(just(Token::Arrow))
        .then(type_expr())
        .then(block(setting().labelled("a template (`bigquery = \"…\"`)"), setting_start()))
        .map_with(|((((name, type_params), params), ret), templates), e| Function {
            doc: None,
            name,
            type_params: type_params.unwrap_or_default(),
            params,
            ret,
            templates: members(templates).collect(),
            range: rng(e.span()),
        })
}
