#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Field};
use ormgen::{count, Session};
use ormgen_tests::blog::*;

fn main() {
    let _ = qb::insert_select((tag::name,), User::query().select(user::id));
}
