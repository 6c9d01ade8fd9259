#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt};
use ormgen_tests::blog::*;

ormgen::projection! {
    /// A user card.
    pub struct Card from user {
        pub nickname: String,
        pub email: String,
    }
}

fn main() {
    let _ = User::query().select(Card::fields());
}
