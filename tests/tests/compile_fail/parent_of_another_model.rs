#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::Session;
use ormgen_tests::blog::*;

// A post's author must be a user: a pending tag is refused.
fn f(s: &mut Session) {
    let tag = s.add(NewTag::new("rust"));
    let _ = s.add(NewPost::with_author("Hello", tag));
}

fn main() {}
