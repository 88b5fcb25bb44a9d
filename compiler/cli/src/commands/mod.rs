//! One module per subcommand. Each returns the process exit code: 0 done,
//! 1 problems found in the input, 2 usage or I/O errors.

pub mod build;
pub mod check;
pub mod completions;
pub mod describe;
pub mod diff;
pub mod explain;
pub mod fmt;
pub mod init;
pub mod ls;
pub mod lsp;
pub mod schema;
pub mod schema_diff;
pub mod select;
pub mod simulate;

/// Exit codes.
pub const OK: u8 = 0;
pub const PROBLEMS: u8 = 1;
pub const USAGE: u8 = 2;
/// A bug in cjoc itself (a panic, already printed).
pub const INTERNAL: u8 = 101;

/// Leaves `value` for the process's exit to reclaim instead of freeing it:
/// a project's trees are millions of small allocations, and freeing them
/// one by one just before exiting is work nobody needs.
/// Only for what a command holds until it returns its exit code.
pub fn keep_until_exit<T>(value: T) {
    std::mem::forget(value);
}

/// The `--env` of this run, set once before the command runs.
static ENVIRONMENT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// Sets the environment [`load_project`] reads `cjo.toml` for (`--env`).
pub fn set_environment(name: Option<&str>) {
    let _ = ENVIRONMENT.set(name.map(str::to_owned));
}

/// What `cjo.toml` is read with: the `--env` asked for, and this process's
/// environment variables for `${env:NAME}` (those whose name and value are
/// Unicode; another is as good as unset).
fn config_context() -> cjo_project::ConfigContext {
    cjo_project::ConfigContext {
        environment: ENVIRONMENT.get().cloned().flatten(),
        variables: std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect(),
    }
}

/// Loads the project around `dir` (its folder or any above it), printing
/// why it cannot be loaded and returning [`USAGE`] then. `cjo.toml` is read
/// for the environment of [`set_environment`].
pub fn load_project(dir: &std::path::Path) -> Result<cjo_project::Workspace, u8> {
    let Some(root) = crate::os_fs::find_project_root(dir) else {
        eprintln!("error: no cjo.toml in {} or any folder above it (create a project with `cjoc init`)", dir.display());
        return Err(USAGE);
    };
    let _phase = crate::progress::phase("loading");
    let limits = cjo_project::Limits::UNBOUNDED;
    cjo_project::load_in(&crate::os_fs::OsFs, &root, limits, &config_context()).map_err(|e| {
        eprintln!("error: {e}");
        USAGE
    })
}

/// Reads a file the user named (`cjoc fmt FILE`, `cjoc schema import`, a
/// CSV file of `cjoc simulate`) as a project's files are read: a regular
/// file (a link to one is followed) of at most
/// [`MAX_FILE_SIZE`](cjo_project::MAX_FILE_SIZE) bytes. Otherwise the
/// coded error naming it (E0100, E0102, E0103) is printed, and returned.
pub fn read_file(path: &std::path::Path, color: bool) -> Result<Vec<u8>, cjo_project::ReadError> {
    cjo_disk::read(path, cjo_project::MAX_FILE_SIZE).inspect_err(|e| report_unreadable(path, e, color))
}

/// Prints why `path` could not be read, as a coded diagnostic.
pub fn report_unreadable(path: &std::path::Path, e: &cjo_project::ReadError, color: bool) {
    let diagnostic = e.diagnostic(cjo_diagnostics::FileId(0), path, cjo_project::MAX_FILE_SIZE);
    let file = crate::render::OneFile { path, text: "" };
    let _ = crate::render::human(&mut std::io::stderr().lock(), &file, &[diagnostic], color);
}
