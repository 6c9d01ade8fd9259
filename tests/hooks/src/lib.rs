//! The blog schema generated with write hooks on `User` and `Post`
//! (`ormgen_build::Config::hooks`), and those hooks ([`fixtures`]), for the
//! hook tests in `tests/hooks.rs`. Compiled with `#![deny(warnings)]`.
#![deny(warnings)]
#![warn(missing_docs)]

/// `schemas/blog.prisma` generated with write hooks on `User` and `Post`.
pub mod blog_hooks {
    ormgen::include_schema!("blog_hooks");
}

pub mod fixtures;
