#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Field};
use ormgen::{count, Session};
use ormgen_tests::blog::*;

fn main() {
    let _ = Post::query().select(post::author_id).group_by(post::author_id).having(count(post::id).over(qb::window()).gt(1));
}
