#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Field};
use ormgen::{count, Session};
use ormgen_tests::blog::*;

fn run(s: &mut Session) {
    let _ = Post::query()
        .correlate(user::table)
        .filter(post::author_id.eq(user::id))
        .select(post::id)
        .all(s);
}

fn main() {}
