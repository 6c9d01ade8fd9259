#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Field};
use ormgen::{count, Session};
use ormgen_tests::blog::*;

fn main() {
    let _ = Post::query().select(qb::row_number().over(qb::window().partition_by(count(post::id))));
}
