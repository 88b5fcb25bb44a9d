//! The standard library: `.cjo` files of portable functions, embedded in the
//! binary and always in scope. Each function declares its signature (for
//! the type checker) and one SQL template per warehouse (for the emitters).

/// Every standard-library file: its name and its text.
pub const FILES: &[(&str, &str)] = &[
    ("datetime.cjo", include_str!("../lib/datetime.cjo")),
    ("text.cjo", include_str!("../lib/text.cjo")),
    ("math.cjo", include_str!("../lib/math.cjo")),
    ("conditional.cjo", include_str!("../lib/conditional.cjo")),
    ("cast.cjo", include_str!("../lib/cast.cjo")),
    ("json.cjo", include_str!("../lib/json.cjo")),
    ("array.cjo", include_str!("../lib/array.cjo")),
    ("hash.cjo", include_str!("../lib/hash.cjo")),
];
