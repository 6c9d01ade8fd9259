#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Null, RelationExt};
use ormgen::{avg, count, sum, Session};
use ormgen_tests::blog::*;

fn main() {
    // Inside `mentees.some(..)` the mentee is `user::as_mentees`, not `user`.
    let _ = User::query().filter(user::mentees.some(user::age.gt(40)));
}
