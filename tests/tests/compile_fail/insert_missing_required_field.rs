#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::query::{self as qb, ColumnExt, ExprExt, Null, RelationExt};
use ormgen::{avg, count, sum, Session};
use ormgen_tests::blog::*;

fn main() {}

fn body(mut s: Session) {
    let _ = User::insert(&mut s, NewUser { name: Some("Alice".into()), age: None, role: None, created_at: None, updated_at: None, mentor_id: None });
}
