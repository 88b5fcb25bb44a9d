//! The standard library: `.cjo` files of portable functions, embedded in the
//! binary and always in scope. Each function declares its signature (for
//! the type checker) and one SQL template per warehouse (for the emitters).

/// Every standard-library file: its name and its text.
pub const FILES: &[(&str, &str)] = &[
    ("datetime.cjo", include_str!("../lib/datetime.cjo")),
    ("text.cjo", include_str!("../lib/text.cjo")),
    ("hash.cjo", include_str!("../lib/hash.cjo")),
];
