#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::Session;
use ormgen_tests::blog::*;

fn run(s: &mut Session, post: &Post, tag: &Tag) {
    let _ = s.set(post, post::author, tag);
}

fn main() {}
