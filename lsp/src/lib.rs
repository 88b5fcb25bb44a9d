//! The cjo language server (`cjoc lsp`): the compiler core behind the
//! Language Server Protocol, over standard input and output.
//!
//! The crate speaks protocol and nothing else. Analysis is
//! `cjo_semantic::analyze` over the project as the editor sees it (the
//! open documents in front of the disk, [`vfs`]); the answers come from
//! `cjo_semantic::ide` in byte offsets and are converted to UTF-16
//! positions here ([`convert`]). Checking runs on blocking threads,
//! debounced and incremental (parses kept by text, [`project::Caches`]);
//! a run an edit has superseded is published if it finishes first, and
//! cancelled when the next run is due ([`state`]);
//! every request runs on a blocking thread too, where a panic becomes an
//! error answer ([`server`]). See `docs/lsp.md`.

pub mod compiled;
pub mod convert;
pub mod handlers;
pub mod project;
pub mod server;
pub mod state;
pub mod tokens;
pub mod vfs;

pub use server::Server;
use tower_lsp_server::{ClientSocket, LspService};

/// The client command the "Show compiled SQL" code lens runs, with the
/// document's URI and the model's name (the VS Code extension registers
/// it and sends `cjo/compiledSql`).
pub const SHOW_COMPILED_SQL: &str = "cjo.showCompiledSql";

/// The custom request for a model's compiled SQL.
pub const COMPILED_SQL: &str = "cjo/compiledSql";

/// The service: the server with its custom request, and the socket its
/// messages to the client go through.
pub fn service() -> (LspService<Server>, ClientSocket) {
    LspService::build(Server::new).custom_method(COMPILED_SQL, Server::compiled_sql).finish()
}

/// The stack of every thread of the server: the compiler's recursive
/// passes are bounded, but generous room keeps them far from the limit
/// (the CLI uses 256 MiB for its one thread; the server has several).
const STACK_SIZE: usize = 64 << 20;

/// Serves the protocol on standard input and output until the client
/// exits.
pub fn run_stdio() -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(STACK_SIZE)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (service, socket) = service();
        tower_lsp_server::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
    });
    Ok(())
}
