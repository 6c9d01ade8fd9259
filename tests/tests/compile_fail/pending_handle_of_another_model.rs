#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::Session;
use ormgen_tests::blog::*;

fn run(s: &mut Session, post: &Post) {
    let tag = s.add(NewTag::new("rust"));
    let _ = s.connect(post, post::tags, post);
    let _ = s.set(tag, post::author, post);
}

fn main() {}
