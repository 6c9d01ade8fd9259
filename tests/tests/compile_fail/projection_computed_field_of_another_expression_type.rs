#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt};
use ormgen_tests::blog::*;

ormgen::projection! {
    /// A user with a count declared as a sum.
    pub struct Stats from user {
        pub email: String,
        pub posts: i64 = [ormgen::count(post::id)] as qb::types::Sum<post::view_count>,
    }
}

fn main() {
    let _ = User::query().join(user::posts).group_by(user::email).select(Stats::fields());
}
