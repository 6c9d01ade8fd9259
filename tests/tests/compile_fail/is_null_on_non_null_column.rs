#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Null, RelationExt};
use ormgen::{avg, count, sum, Session};
use ormgen_tests::blog::*;

fn main() {
    let _ = User::query().filter(user::email.is_null());
}
