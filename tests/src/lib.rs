//! The generated code of every schema in `schemas/`, compiled with
//! `#![deny(warnings)]` and `missing_docs`: building this crate proves each
//! generates Rust that compiles without warnings and documents every public
//! item. The integration, snapshot and compile-fail
//! tests in `tests/` use these modules.
#![deny(warnings)]
#![warn(missing_docs)]

/// `schemas/blog.prisma` (SQLite provider; also run on PostgreSQL).
pub mod blog {
    ormgen::include_schema!("blog");
}

/// `schemas/shop.prisma` (PostgreSQL).
pub mod shop {
    ormgen::include_schema!("shop");
}

/// `schemas/all_types.prisma` (PostgreSQL: every type and attribute).
pub mod all_types {
    ormgen::include_schema!("all_types");
}

/// `schemas/all_types_sqlite.prisma`.
pub mod all_types_sqlite {
    ormgen::include_schema!("all_types_sqlite");
}

/// `schemas/upserts.prisma` (SQLite provider; also run on PostgreSQL).
pub mod upserts {
    ormgen::include_schema!("upserts");
}

/// `schemas/hostile_identifiers.prisma` (SQLite provider; also run on
/// PostgreSQL): table, column, enum and constraint names that need quoting
/// and escaping.
pub mod hostile_identifiers {
    ormgen::include_schema!("hostile_identifiers");
}

/// `schemas/native_types.prisma` (PostgreSQL: every native type).
pub mod native_types {
    ormgen::include_schema!("native_types");
}

/// `schemas/native_types_sqlite.prisma` (every scalar type on SQLite).
pub mod native_types_sqlite {
    ormgen::include_schema!("native_types_sqlite");
}

pub mod crash_fixtures;
