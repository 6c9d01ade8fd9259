//! `fmt`: idempotent, meaning-preserving (the IR before and after is equal),
//! and a snapshot of a deliberately messy input.

use std::path::PathBuf;

use ormgen_schema::format::format_schema;
use ormgen_schema::parse_and_validate;

fn valid_files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [root.join("tests/fixtures/valid"), root.join("../schemas")] {
        if let Ok(rd) = std::fs::read_dir(dir) {
            files.extend(
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "prisma")),
            );
        }
    }
    files.sort();
    files
}

#[test]
fn fmt_is_idempotent_and_keeps_the_ir() {
    let files = valid_files();
    assert!(!files.is_empty());
    for path in files {
        let src = std::fs::read_to_string(&path).expect("readable");
        let name = path.display().to_string();
        let once = format_schema(&src).unwrap_or_else(|d| panic!("{name}: {d:?}"));
        let twice = format_schema(&once).unwrap_or_else(|d| panic!("{name} (formatted): {d:?}"));
        assert_eq!(once, twice, "{name}: formatting is not idempotent");
        let before = parse_and_validate(&name, &src);
        let after = parse_and_validate(&name, &once);
        match (before, after) {
            (Ok((a, _)), Ok((b, _))) => assert!(
                a.without_spans() == b.without_spans(),
                "{name}: formatting changed the IR\n--- formatted:\n{once}"
            ),
            // A fixture rejected for a non-syntax reason must stay rejected alike.
            (Err(a), Err(b)) => assert_eq!(a.items.len(), b.items.len(), "{name}"),
            (a, b) => panic!(
                "{name}: validity changed by formatting: {:?} vs {:?}",
                a.is_ok(),
                b.is_ok()
            ),
        }
    }
}

const MESSY: &str = r#"// Header comment
datasource   db{
provider="postgresql"   // the provider
  url =   env( "DATABASE_URL" )
}
/// A user.
model User{
id Int @id   @default( autoincrement( ) )
   email    String @unique( map:"users_email" )
  name String?    // display name



posts Post[]
  @@index( [ name ,email ( sort : Desc ) ] , where:"name IS NOT NULL" )
@@map( "users" )
}
enum Role{
A
   BB   @map( "bb" )
}


model Post {
  id Int @id
  author User @relation(fields:[authorId],references:[id],onDelete:Cascade)
  authorId Int
  tags String[] @default(["a","b\"c"])
} // after
"#;

#[test]
fn messy_input_snapshot() {
    let formatted = format_schema(MESSY).expect("messy input parses");
    insta::assert_snapshot!("fmt_messy", formatted);
    assert_eq!(format_schema(&formatted).expect("parses"), formatted);
    let before = parse_and_validate("messy.prisma", MESSY).expect("valid").0;
    let after = parse_and_validate("messy.prisma", &formatted)
        .expect("valid")
        .0;
    assert_eq!(before.without_spans(), after.without_spans());
}

#[test]
fn syntax_errors_are_not_formatted() {
    assert!(format_schema("model A {\n  !!!\n}\n").is_err());
}

/// Block comments survive `fmt` verbatim (a multi-line one keeps its inner
/// lines), whether on their own line, after a field or at the top level.
#[test]
fn block_comments_are_kept() {
    let src = "/* top */\nmodel User {\n    /** doc\n     of id */\n  id   Int @id   /* after */\n  name String\n}\n";
    let once = format_schema(src).unwrap_or_else(|d| panic!("{d:?}"));
    assert_eq!(
        once,
        "/* top */\nmodel User {\n  /** doc\n     of id */\n  id   Int    @id /* after */\n  name String\n}\n"
    );
    assert_eq!(
        format_schema(&once).unwrap_or_else(|d| panic!("{d:?}")),
        once
    );
}
