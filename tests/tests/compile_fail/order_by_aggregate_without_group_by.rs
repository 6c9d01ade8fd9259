#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Null, RelationExt};
use ormgen::{avg, count, sum, Session};
use ormgen_tests::blog::*;

fn main() {}

fn body(mut s: Session) {
    // No `group_by` and whole-model rows: there are no groups to order by
    // `count`, and both databases reject the statement.
    let _ = User::query().order_by(count(user::id).desc()).all(&mut s);
}
