#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::Session;
use ormgen_tests::blog::*;

fn run(s: &mut Session, post: &Post, user: &User) {
    let _ = s.set(user, user::posts, post);
}

fn main() {}
