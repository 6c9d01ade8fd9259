#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt};
use ormgen_tests::blog::*;

ormgen::projection! {
    /// A user card.
    pub struct Card from user {
        pub id: i32,
        pub email: String,
    }
}

fn main() {
    let _ = Tag::query().select(Card::fields());
}
