#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Null, RelationExt};
use ormgen::{avg, count, sum, Session};
use ormgen_tests::blog::*;

fn main() {
    // Inside `followers.some(..)` the follower is `user::as_followers`: the
    // message names that alias table, not a relation filter.
    let _ = User::query().filter(user::followers.some(user::name.eq("Bob")));
}
