#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Int, Text};
use ormgen_tests::blog::*;

ormgen::cte! {
    /// Names of users.
    mod names("names") { id: Int, name: Text }
}

fn main() {
    let _ = names::query().with_cte(names::table, User::query().select(user::id));
}
