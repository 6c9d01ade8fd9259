#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Null, RelationExt};
use ormgen::{avg, count, sum, Session};
use ormgen_tests::blog::*;

fn main() {
    // `user::as_mentor` is the mentor's side of the self-join: it is in scope
    // only after `.join(user::mentor)`.
    let _ = User::query().filter(user::as_mentor::name.eq("Alice"));
}
