//! Loading a project: `cjo.toml`, every `.cjo` file below it, and the
//! standard library, each parsed and checked. Only a missing or unreadable
//! `cjo.toml` stops loading; every other problem is a diagnostic.

use std::fmt;
use std::path::{Path, PathBuf};

use cjo_diagnostics::{self as diag, Diagnostic, FileId, LineIndex, Span, TextRange};
use cjo_syntax::ast;

use crate::config::{Config, parse_config};
use crate::fs::FileSystem;

/// Files larger than this are reported and not parsed.
pub const MAX_FILE_SIZE: usize = 128 * 1024 * 1024;

/// Folders nested deeper than this below the root are not searched.
const MAX_DEPTH: usize = 32;

/// The name of the project file.
pub const CONFIG_FILE: &str = "cjo.toml";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FileKind {
    Config,
    Cjo,
    /// A standard-library file, embedded in the compiler.
    Stdlib,
}

/// One file of the workspace. Its [`FileId`] is its index.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as the user would write it: the root given to [`load`]
    /// joined with the path below it (`<stdlib>/…` for the library).
    pub path: PathBuf,
    pub kind: FileKind,
    pub text: String,
    pub line_index: LineIndex,
}

/// A parsed `.cjo` file.
#[derive(Clone, Debug)]
pub struct Module {
    pub file: FileId,
    pub ast: ast::File,
}

/// A loaded project.
#[derive(Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    pub files: Vec<SourceFile>,
    pub modules: Vec<Module>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a project could not be loaded at all.
#[derive(Debug)]
pub enum LoadError {
    /// The root holds no `cjo.toml`.
    NoConfig(PathBuf),
    /// `cjo.toml` exists but could not be read.
    Unreadable(PathBuf, std::io::Error),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NoConfig(dir) => {
                write!(f, "no {CONFIG_FILE} in {} (create a project with `cjoc init`)", dir.display())
            }
            LoadError::Unreadable(path, e) => write!(f, "cannot read {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for LoadError {}

impl Workspace {
    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    /// The project's own `.cjo` files (not the standard library).
    pub fn user_modules(&self) -> impl Iterator<Item = &Module> {
        self.modules.iter().filter(|m| self.file(m.file).is_some_and(|f| f.kind == FileKind::Cjo))
    }
}

/// Loads the project whose `cjo.toml` is in `root`.
pub fn load(fs: &dyn FileSystem, root: &Path) -> Result<Workspace, LoadError> {
    let config_path = root.join(CONFIG_FILE);
    let config_bytes = fs.read(&config_path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NoConfig(root.to_path_buf()),
        _ => LoadError::Unreadable(config_path.clone(), e),
    })?;
    let mut loader = Loader { files: Vec::new(), diagnostics: Vec::new() };
    let config_id = loader.add(config_path, FileKind::Config, config_bytes);
    let config_text = loader.files.get(config_id.0 as usize).map(|f| f.text.clone()).unwrap_or_default();
    let (config, config_diags) = parse_config(config_id, &config_text);
    loader.diagnostics.extend(config_diags);

    let mut paths = Vec::new();
    walk(fs, root, Path::new(""), 0, &mut paths, &mut loader);
    for rel in paths {
        let path = root.join(&rel);
        if let Some(len) = fs.len(&path).filter(|&len| len > MAX_FILE_SIZE as u64) {
            let id = loader.add(path.clone(), FileKind::Cjo, Vec::new());
            loader.diagnostics.push(too_large(id, &path, len));
            continue;
        }
        match fs.read(&path) {
            Ok(bytes) => {
                loader.add(path, FileKind::Cjo, bytes);
            }
            Err(e) => {
                let id = loader.add(path.clone(), FileKind::Cjo, Vec::new());
                loader.diagnostics.push(Diagnostic::error(
                    diag::FILE_UNREADABLE,
                    Span::new(id, TextRange::default()),
                    format!("cannot read {}: {e}", path.display()),
                ));
            }
        }
    }
    for (name, text) in cjo_stdlib::FILES {
        loader.add(PathBuf::from("<stdlib>").join(name), FileKind::Stdlib, text.as_bytes().to_vec());
    }

    let invalid_utf8: Vec<FileId> =
        loader.diagnostics.iter().filter(|d| d.code == diag::INVALID_UTF8).map(|d| d.span().file).collect();
    let mut modules = Vec::new();
    for f in loader.files.iter().filter(|f| f.kind != FileKind::Config) {
        let parse = cjo_syntax::parse(f.id, &f.text);
        let checks = cjo_syntax::validate(f.id, &parse);
        // Bytes that are not UTF-8 were reported once (E0101); the
        // replacement characters standing for them are not news.
        let mut syntax = parse.diagnostics;
        if invalid_utf8.contains(&f.id) {
            syntax.retain(|d| {
                !(d.code == diag::UNEXPECTED_CHARACTER && d.span().range.slice(&f.text).starts_with('\u{fffd}'))
            });
        }
        loader.diagnostics.extend(syntax);
        loader.diagnostics.extend(checks);
        modules.push(Module { file: f.id, ast: parse.file });
    }
    let mut diagnostics = loader.diagnostics;
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
    Ok(Workspace { root: root.to_path_buf(), config, files: loader.files, modules, diagnostics })
}

fn too_large(id: FileId, path: &Path, len: u64) -> Diagnostic {
    Diagnostic::error(
        diag::FILE_TOO_LARGE,
        Span::new(id, TextRange::default()),
        format!("{} is {} MiB, more than the {} MiB cjo reads", path.display(), len >> 20, MAX_FILE_SIZE >> 20),
    )
    .with_help("split the file into smaller ones")
}

struct Loader {
    files: Vec<SourceFile>,
    diagnostics: Vec<Diagnostic>,
}

impl Loader {
    /// Adds a file, decoding it as UTF-8 (reporting where it is not).
    fn add(&mut self, path: PathBuf, kind: FileKind, bytes: Vec<u8>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        let text = if bytes.len() > MAX_FILE_SIZE {
            self.diagnostics.push(too_large(id, &path, bytes.len() as u64));
            String::new()
        } else {
            match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let len = text.get(at..).and_then(|s| s.chars().next()).map_or(0, char::len_utf8);
                    self.diagnostics.push(
                        Diagnostic::error(
                            diag::INVALID_UTF8,
                            Span::new(id, TextRange::from_usize(at..at + len)),
                            format!("{} is not valid UTF-8", path.display()),
                        )
                        .with_label(format!("invalid byte at offset {at}"))
                        .with_help("save the file as UTF-8; the invalid bytes are read as U+FFFD"),
                    );
                    text
                }
            }
        };
        let line_index = LineIndex::new(&text);
        self.files.push(SourceFile { id, path, kind, text, line_index });
        id
    }
}

/// The `.cjo` files of the project at `root`, relative to it, sorted;
/// hidden folders and the root's `target/` are skipped.
pub fn discover(fs: &dyn FileSystem, root: &Path) -> Vec<PathBuf> {
    let mut loader = Loader { files: Vec::new(), diagnostics: Vec::new() };
    let mut out = Vec::new();
    walk(fs, root, Path::new(""), 0, &mut out, &mut loader);
    out
}

fn walk(fs: &dyn FileSystem, root: &Path, rel: &Path, depth: usize, out: &mut Vec<PathBuf>, loader: &mut Loader) {
    if depth > MAX_DEPTH {
        return;
    }
    let mut entries = match fs.read_dir(&root.join(rel)) {
        Ok(entries) => entries,
        Err(e) => {
            // An unreadable folder is reported against cjo.toml, the only file we surely have.
            loader.diagnostics.push(
                Diagnostic::warning(
                    diag::FILE_UNREADABLE,
                    Span::new(FileId(0), TextRange::default()),
                    format!("cannot list {}: {e}", root.join(rel).display()),
                )
                .with_help("files in this folder are not part of the build"),
            );
            return;
        }
    };
    entries.sort();
    for entry in entries {
        if entry.name.starts_with('.') {
            continue;
        }
        let path = rel.join(&entry.name);
        if entry.is_dir {
            if !(depth == 0 && entry.name == "target") {
                walk(fs, root, &path, depth + 1, out, loader);
            }
        } else if entry.name.ends_with(".cjo") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemoryFs;

    fn project() -> MemoryFs {
        let mut fs = MemoryFs::new();
        fs.insert("p/cjo.toml", "[project]\nname = \"p\"\n");
        fs
    }

    #[test]
    fn loads_files_in_order_and_skips_target_and_hidden() {
        let mut fs = project();
        fs.insert("p/b.cjo", "source b = \"s.b\" { x: int }")
            .insert("p/a/a.cjo", "source a = \"s.a\" { x: int }")
            .insert("p/target/t.cjo", "garbage {")
            .insert("p/.hidden/h.cjo", "garbage {")
            .insert("p/notes.txt", "not cjo");
        let ws = load(&fs, Path::new("p")).unwrap();
        let user: Vec<_> = ws.files.iter().filter(|f| f.kind == FileKind::Cjo).map(|f| f.path.clone()).collect();
        assert_eq!(user, vec![PathBuf::from("p/a/a.cjo"), PathBuf::from("p/b.cjo")]);
        assert_eq!(ws.error_count(), 0, "{:?}", ws.diagnostics);
    }

    #[test]
    fn missing_config_is_a_load_error() {
        let fs = MemoryFs::new();
        assert!(matches!(load(&fs, Path::new("nowhere")), Err(LoadError::NoConfig(_))));
    }

    #[test]
    fn invalid_utf8_is_reported_at_the_first_bad_byte() {
        let mut fs = project();
        fs.insert("p/x.cjo", b"source s = \"t\" { a: int }\n\xff\xfe".to_vec());
        let ws = load(&fs, Path::new("p")).unwrap();
        let d = ws.diagnostics.iter().find(|d| d.code == diag::INVALID_UTF8);
        assert_eq!(d.map(|d| d.span().range.start), Some(26));
    }

    #[test]
    fn the_standard_library_is_clean() {
        let fs = project();
        let ws = load(&fs, Path::new("p")).unwrap();
        assert!(ws.modules.len() >= 3);
        assert!(ws.diagnostics.is_empty(), "{:?}", ws.diagnostics);
    }
}
