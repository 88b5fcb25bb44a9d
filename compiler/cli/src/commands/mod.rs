//! One module per subcommand. Each returns the process exit code: 0 done,
//! 1 problems found in the input, 2 usage or I/O errors.

pub mod check;
pub mod describe;
pub mod explain;
pub mod fmt;
pub mod init;
pub mod schema;

/// Exit codes.
pub const OK: u8 = 0;
pub const PROBLEMS: u8 = 1;
pub const USAGE: u8 = 2;
/// A bug in cjoc itself (a panic, already printed).
pub const INTERNAL: u8 = 101;
