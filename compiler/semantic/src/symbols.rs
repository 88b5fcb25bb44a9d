//! The project's declarations by name: one namespace for sources, models,
//! journeys and pipelines, one for functions.

use std::collections::BTreeMap;

use cjo_diagnostics::{self as codes, Diagnostic, FileId, Span};
use cjo_project::{FileKind, Workspace};
use cjo_syntax::ast::{self, Item};

use crate::functions::{Functions, Signature};
use crate::schema::Relation;

/// A declaration and the file it is in.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Decl<'a> {
    pub file: FileId,
    pub item: &'a Item,
}

impl Decl<'_> {
    pub fn name_span(&self) -> Span {
        Span::new(self.file, self.item.name().range)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Symbols<'a> {
    /// Sources, models, journeys and pipelines by lowercase name, in
    /// declaration order within their files.
    pub items: BTreeMap<String, Decl<'a>>,
    pub checks: Vec<(FileId, &'a ast::Check)>,
    pub functions: Functions,
}

impl<'a> Symbols<'a> {
    pub fn collect(ws: &'a Workspace, out: &mut Vec<Diagnostic>) -> Self {
        let mut symbols = Symbols::default();
        let mut fn_spans: BTreeMap<String, (Span, bool)> = BTreeMap::new();
        // The standard library first, so that a project's `fn` of the same
        // name is the one reported.
        let mut modules: Vec<_> = ws.modules.iter().collect();
        modules.sort_by_key(|m| ws.file(m.file).is_none_or(|f| f.kind != FileKind::Stdlib));
        for module in modules {
            let stdlib = ws.file(module.file).is_some_and(|f| f.kind == FileKind::Stdlib);
            for item in &module.ast.items {
                let decl = Decl { file: module.file, item };
                let span = decl.name_span();
                match item {
                    Item::Check(check) => symbols.checks.push((module.file, check)),
                    Item::Function(f) => {
                        let key = f.name.text.to_ascii_lowercase();
                        if let Some((first, first_std)) = fn_spans.get(&key) {
                            let d = duplicate("fn", &f.name.text, span, *first, *first_std);
                            out.push(if *first_std {
                                d
                            } else {
                                d.with_help("two functions of one name cannot both be called: rename one")
                            });
                            continue;
                        }
                        fn_spans.insert(key, (span, stdlib));
                        symbols.functions.insert(Signature::from_ast(f, span));
                    }
                    _ => {
                        let key = item.name().text.to_ascii_lowercase();
                        if key.is_empty() {
                            continue;
                        }
                        if let Some(first) = symbols.items.get(&key) {
                            out.push(duplicate(item.keyword(), &item.name().text, span, first.name_span(), false));
                            continue;
                        }
                        symbols.items.insert(key, decl);
                    }
                }
            }
        }
        symbols
    }

    pub fn get(&self, name: &str) -> Option<Decl<'a>> {
        self.items.get(&name.to_ascii_lowercase()).copied()
    }

    pub fn sources(&self) -> impl Iterator<Item = (FileId, &'a ast::Source)> + '_ {
        self.items.values().filter_map(|d| match d.item {
            Item::Source(s) => Some((d.file, s)),
            _ => None,
        })
    }

    pub fn models(&self) -> impl Iterator<Item = (FileId, &'a ast::Model)> + '_ {
        self.items.values().filter_map(|d| match d.item {
            Item::Model(m) => Some((d.file, m)),
            _ => None,
        })
    }

    pub fn journeys(&self) -> impl Iterator<Item = (FileId, &'a ast::Journey)> + '_ {
        self.items.values().filter_map(|d| match d.item {
            Item::Journey(j) => Some((d.file, j)),
            _ => None,
        })
    }

    pub fn pipelines(&self) -> impl Iterator<Item = (FileId, &'a ast::Pipeline)> + '_ {
        self.items.values().filter_map(|d| match d.item {
            Item::Pipeline(p) => Some((d.file, p)),
            _ => None,
        })
    }
}

/// What a name used as a table (a check's target, `profiles`, `events`,
/// a `references` target) stands for.
#[derive(Debug)]
pub(crate) enum RelationLookup<'r, 'a> {
    Found(&'r Relation),
    /// A source or model whose columns are unknown (its own declaration
    /// was reported): nothing more to say here.
    Unresolved,
    /// Declared, but not as a table (a journey, a pipeline).
    NotATable(Decl<'a>),
    Unknown,
}

/// Looks `name` up among the relations, then among all declarations.
pub(crate) fn relation<'r, 'a>(
    symbols: &Symbols<'a>,
    relations: &'r BTreeMap<String, Relation>,
    name: &str,
) -> RelationLookup<'r, 'a> {
    if let Some(rel) = relations.get(&name.to_ascii_lowercase()) {
        return RelationLookup::Found(rel);
    }
    match symbols.get(name) {
        Some(d) if matches!(d.item, Item::Source(_) | Item::Model(_)) => RelationLookup::Unresolved,
        Some(d) => RelationLookup::NotATable(d),
        None => RelationLookup::Unknown,
    }
}

/// The relations' names, for "did you mean".
pub(crate) fn relation_names(relations: &BTreeMap<String, Relation>) -> impl Iterator<Item = &str> {
    relations.values().map(|r| r.name.as_str())
}

fn duplicate(keyword: &str, name: &str, span: Span, first: Span, first_in_stdlib: bool) -> Diagnostic {
    let d = Diagnostic::error(codes::DUPLICATE_DECLARATION, span, format!("`{name}` is declared twice"))
        .with_label(format!("second `{keyword}` called `{name}`"));
    if first_in_stdlib {
        d.with_help(format!("the standard library already has a function `{name}`: give yours another name"))
    } else if keyword == "fn" {
        d.with_secondary(first, "first declared here")
    } else {
        d.with_secondary(first, "first declared here").with_help(
            "sources, models, journeys and pipelines share one namespace across the project's files: rename one",
        )
    }
}
