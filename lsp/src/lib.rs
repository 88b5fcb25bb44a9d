//! The cjo language server (issue 7).
