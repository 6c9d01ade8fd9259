#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::Session;
use ormgen_tests::blog::*;

// The required relation must be given: by its parent or by its key.
fn f(s: &mut Session) {
    let _ = s.add(NewPost::with_author("Hello"));
}

fn main() {}
