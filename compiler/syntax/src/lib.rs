//! The `.cjo` front end: lexing, parsing with error recovery, and the
//! structural checks that need nothing but one file's syntax tree.
//!
//! Nothing here fails: every function returns what it could build together
//! with diagnostics for what it could not.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod token;
pub mod validate;

pub use lexer::lex;
pub use parser::{Parse, parse};
pub use validate::validate;
