#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Field};
use ormgen::{count, Session};
use ormgen_tests::blog::*;

ormgen::sql_function! {
    /// `ltrim(s, chars)`
    fn ltrim(s: qb::Text, chars: qb::Text) -> qb::Text;
}

fn main() {
    let _ = User::query().select(ltrim(user::email, user::age));
}
