#![allow(unused_mut, unused_variables, unused_imports, dead_code)]
use ormgen::Session;
use ormgen_tests::blog::*;

// A row whose parent is pending has no foreign key yet: only `Session::add`
// takes it, never a direct insert.
fn f(s: &mut Session) -> ormgen::Result<()> {
    let erin = s.add(NewUser::new("erin@x.org"));
    Post::insert(s, NewPost::with_author("Hello", erin))?;
    Ok(())
}

fn main() {}
