//! Hostile identifiers (issue 21, item 7): `schemas/hostile_identifiers.prisma`
//! names its tables, columns, enum type and labels, indexes and constraints
//! with double quotes, backticks, backslashes, single quotes, semicolons
//! followed by an injection, SQL comment openers, placeholder look-alikes,
//! spaces, a line break, non-ASCII letters and SQL keywords. On SQLite and
//! PostgreSQL (own schema per test; fails when `CI` is set and the server is
//! unreachable) the schema is created by `create_all` and by migrations, and
//! every generated statement runs; the DDL, the statements sent and the
//! migration scripts are lexed to show that every name stays inside its
//! quotes; a canary table `y`, which the injections would drop or empty,
//! survives with its row, and the databases hold exactly the expected tables.
//!
//! The validator accepts any string as a mapped name (none of these
//! characters is rejected), as Prisma 6.19's validator does for this schema
//! (checked with the prisma-oracle); PostgreSQL and SQLite accept any
//! character but NUL in a quoted identifier, so rejecting some would only
//! refuse schemas that work. (Prisma's own DDL for it does not escape `"` and
//! fails: `tests/prisma_ddl/hostile_identifiers.sqlite.sql`.)
#![allow(clippy::type_complexity)]
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ormgen::migrate::{Migrator, Snapshot, VERSION_TABLE, introspect};
use ormgen::query::{ColumnExt, ExprExt, RelationExt, Table};
use ormgen::{Dialect, Engine, Error, Native, Session, count, max, min, sum};
use ormgen_build::ddl::{self, RenderMode};
use ormgen_build::migrate::{DiffOutcome, diff_to_folder};
use ormgen_tests::hostile_identifiers::*;

// The database names of the schema (written out here, not read from the
// generator, so the test checks the generator against an independent list).
const AUTHOR: &str = "x\"; DROP TABLE y; --";
const BOOK: &str = "user";
const REVIEW: &str = "größe 名前 `reviews`";
const MOOD: &str = "mood $ormgen$ \"type\"";
const LABELS: [&str; 3] = ["glücklich 😀", "it's \"sad\"; DROP TABLE y; --", "order"];
const AUTHOR_COLUMNS: [&str; 6] = [
    "select",
    "名前 \"name\"",
    "e-mail\\addr",
    "größe",
    "order",
    "group",
];
const BOOK_COLUMNS: [&str; 6] = [
    "table",
    "ti`tle`; --",
    "user",
    "line\r\nbreak\t*/ /* -- '",
    "price $1 ?2 :name @p",
    "author (id), \"ref\"",
];
const REVIEW_COLUMNS: [&str; 4] = [
    "order by",
    "⭐ group",
    "text \\\"#; DELETE FROM y; --",
    "book id",
];
const EMAIL_KEY: &str = "uniq `email`; --";
const AUTHOR_INDEX: &str = "idx \"größe\"\\; DROP TABLE y; --";
const TITLE_KEY: &str = "user_author (id), \"ref\"_ti`tle`; --_key";
const PAGES_INDEX: &str = "user_user_idx";
const PAGES_CHECK: &str = "pages CONSTRAINT \"c\" CHECK (";
const BOOK_FK: &str = "user_author (id), \"ref\"_fkey";

/// The second version of the schema (the migration test): names that
/// change, each as hostile as the ones it replaces.
const LABELS_2: [&str; 3] = [
    "glücklich 😀",
    "it's \"sad\"; DROP TABLE y; --",
    "bored \"x\"; --",
];
const COST: &str = "co\"st'; DROP TABLE y; --";
const REVIEW_2: &str = "reviews\"; DROP TABLE y; -- 2";
const AUTHOR_INDEX_2: &str = "idx2 \"größe\"; DELETE FROM y; --";

/// The canary: what the injections in the names would drop or empty.
const CANARY: &str = "y";

/// `name` as a quoted identifier, written independently of the generator's
/// helper: `"` doubled inside `"…"`, on both dialects.
fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `value` as a string literal: `'` doubled inside `'…'`.
fn lit(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn review_names(table: &str) -> [String; 4] {
    [
        format!("{table}_pkey"),
        format!("{table}_book id_fkey"),
        format!("{table}_book id_⭐ group_idx"),
        table.to_owned(),
    ]
}

/// Every name a statement of this test's schemas may quote.
fn known_names() -> BTreeSet<String> {
    let mut names: BTreeSet<String> = [AUTHOR, BOOK, MOOD, COST, AUTHOR_INDEX_2]
        .into_iter()
        .chain(AUTHOR_COLUMNS)
        .chain(BOOK_COLUMNS)
        .chain(REVIEW_COLUMNS)
        .chain([
            EMAIL_KEY,
            AUTHOR_INDEX,
            TITLE_KEY,
            PAGES_INDEX,
            PAGES_CHECK,
            BOOK_FK,
        ])
        .map(str::to_owned)
        .collect();
    names.insert(format!("{AUTHOR}_pkey"));
    names.insert(format!("{BOOK}_pkey"));
    names.extend(review_names(REVIEW));
    names.extend(review_names(REVIEW_2));
    // What migrations name along the way: SQLite's rebuilt tables, the
    // PostgreSQL enum type a removed label recreates.
    names.insert(format!("_ormgen_new_{BOOK}"));
    names.insert(format!("_ormgen_new_{REVIEW_2}"));
    names.insert(format!("_ormgen_new_{REVIEW}"));
    names.insert(format!("{MOOD}_old"));
    names
}

/// A statement split by a lexer of its quoting: the identifiers it quotes
/// (decoded), its string literals (decoded) and the code outside both
/// (comments dropped when `comments` is set).
#[derive(Debug, Default)]
struct Lexed {
    idents: Vec<String>,
    literals: Vec<String>,
    code: String,
}

fn lex(sql: &str, comments: bool) -> Lexed {
    let mut out = Lexed::default();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some(x) if x == c && chars.peek() == Some(&c) => {
                            chars.next();
                            text.push(c);
                        }
                        Some(x) if x == c => break,
                        Some(x) => text.push(x),
                        None => panic!("unterminated {c} in {sql:?}"),
                    }
                }
                if c == '"' {
                    out.idents.push(text);
                } else {
                    out.literals.push(text);
                }
            }
            '-' if comments && chars.peek() == Some(&'-') => {
                for x in chars.by_ref() {
                    if x == '\n' {
                        out.code.push('\n');
                        break;
                    }
                }
            }
            c => out.code.push(c),
        }
    }
    out
}

/// What an escaped name would leak into the code outside the quotes.
const PAYLOADS: [&str; 3] = ["DROP TABLE Y", "DELETE FROM Y", "*/"];

/// Asserts that every name in `sql` (a statement, or a script when
/// `script` is set) stays inside its quotes: each quoted identifier is one
/// of `known`, each literal an enum label, and the code outside quotes holds
/// none of the payloads, no comment opener, no backtick or backslash, and no
/// `;` but the statement ends of a script or the `DO` block's own.
fn assert_contained(sql: &str, script: bool, known: &BTreeSet<String>) {
    let l = lex(sql, script);
    for i in &l.idents {
        assert!(known.contains(i), "unexpected identifier {i:?} in {sql:?}");
    }
    for v in &l.literals {
        assert!(
            LABELS.contains(&v.as_str()) || LABELS_2.contains(&v.as_str()),
            "unexpected literal {v:?} in {sql:?}"
        );
    }
    let upper = l.code.to_uppercase();
    for p in PAYLOADS {
        assert!(!upper.contains(p), "{p:?} outside quotes in {sql:?}");
    }
    for bad in ["--", "/*", "`", "\\"] {
        assert!(!l.code.contains(bad), "{bad:?} outside quotes in {sql:?}");
    }
    if script {
        for (k, part) in l.code.split(';').enumerate().skip(1) {
            assert!(
                part.is_empty() || part.starts_with('\n'),
                "statement {k} of a script goes on after its `;`: {sql:?}"
            );
        }
    } else if let Some(rest) = sql.strip_prefix("DO ") {
        // `DO $tag$ BEGIN …; EXCEPTION WHEN duplicate_object THEN NULL; END $tag$`:
        // the tag must not occur in the body (a name holds `$ormgen$`).
        let tag = rest.split_whitespace().next().expect("tag");
        let body = &rest[tag.len()..rest.len() - tag.len()];
        assert!(!body.contains(tag), "the tag {tag} occurs in {sql:?}");
        assert!(rest.ends_with(tag), "{sql:?}");
        assert_eq!(l.code.matches(';').count(), 2, "{sql:?}");
    } else {
        assert!(!l.code.contains(';'), "`;` outside quotes in {sql:?}");
    }
}

#[test]
fn generated_names_are_the_schemas() {
    assert_eq!(author::table::INFO.name, AUTHOR);
    assert_eq!(book::table::INFO.name, BOOK);
    assert_eq!(review::table::INFO.name, REVIEW);
    assert_eq!(author::table::INFO.columns, AUTHOR_COLUMNS);
    assert_eq!(book::table::INFO.columns, BOOK_COLUMNS);
    assert_eq!(review::table::INFO.columns, REVIEW_COLUMNS);
    assert_eq!(
        [Mood::Happy, Mood::Sad, Mood::Order].map(Mood::as_str),
        LABELS
    );
}

/// The DDL as text: every name appears quoted with its `"` doubled, in the
/// clause it names, and nothing leaves its quotes.
#[test]
fn ddl_quotes_every_name_on_both_dialects() {
    let known = known_names();
    for (dialect, create, drop) in [
        ("postgres", CREATE_ALL_POSTGRES, DROP_ALL_POSTGRES),
        ("sqlite", CREATE_ALL_SQLITE, DROP_ALL_SQLITE),
    ] {
        for sql in create.iter().chain(drop) {
            assert_contained(sql, false, &known);
        }
        let text = create.join(";\n");
        let fk = format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}{}({}) ON DELETE CASCADE",
            q(BOOK_FK),
            q(BOOK_COLUMNS[5]),
            q(AUTHOR),
            if dialect == "sqlite" { " " } else { "" },
            q(AUTHOR_COLUMNS[0])
        );
        let [_, review_fk, review_index, _] = review_names(REVIEW);
        let mut expected = vec![
            format!("CREATE TABLE IF NOT EXISTS {} (", q(AUTHOR)),
            format!("CREATE TABLE IF NOT EXISTS {} (", q(BOOK)),
            format!("CREATE TABLE IF NOT EXISTS {} (", q(REVIEW)),
            format!(
                "CREATE UNIQUE INDEX IF NOT EXISTS {} ON {}({})",
                q(EMAIL_KEY),
                q(AUTHOR),
                q(AUTHOR_COLUMNS[2])
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {}({}, {})",
                q(AUTHOR_INDEX),
                q(AUTHOR),
                q(AUTHOR_COLUMNS[3]),
                q(AUTHOR_COLUMNS[1])
            ),
            format!(
                "CREATE UNIQUE INDEX IF NOT EXISTS {} ON {}({}, {})",
                q(TITLE_KEY),
                q(BOOK),
                q(BOOK_COLUMNS[5]),
                q(BOOK_COLUMNS[1])
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {}({})",
                q(PAGES_INDEX),
                q(BOOK),
                q(BOOK_COLUMNS[2])
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {}({}, {})",
                q(&review_index),
                q(REVIEW),
                q(REVIEW_COLUMNS[3]),
                q(REVIEW_COLUMNS[1])
            ),
            format!("CONSTRAINT {} CHECK (\"user\" >= 0)", q(PAGES_CHECK)),
            fk,
            format!(
                "CONSTRAINT {} FOREIGN KEY ({})",
                q(&review_fk),
                q(REVIEW_COLUMNS[3])
            ),
            format!("{} TEXT,", q(BOOK_COLUMNS[3])),
        ];
        for c in AUTHOR_COLUMNS
            .iter()
            .chain(&BOOK_COLUMNS)
            .chain(&REVIEW_COLUMNS)
        {
            expected.push(format!("\n    {} ", q(c)));
        }
        if dialect == "postgres" {
            let labels: Vec<String> = LABELS.iter().map(|l| lit(l)).collect();
            expected.push(format!(
                "CREATE TYPE {} AS ENUM ({})",
                q(MOOD),
                labels.join(", ")
            ));
            expected.push(format!(
                "{} {} NOT NULL DEFAULT {}",
                q(AUTHOR_COLUMNS[4]),
                q(MOOD),
                lit(LABELS[0])
            ));
            expected.push(format!(
                "CONSTRAINT {} PRIMARY KEY ({})",
                q(&format!("{AUTHOR}_pkey")),
                q(AUTHOR_COLUMNS[0])
            ));
        } else {
            expected.push(format!(
                "{} TEXT NOT NULL DEFAULT {}",
                q(AUTHOR_COLUMNS[4]),
                lit(LABELS[0])
            ));
            expected.push(format!(
                "{} INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT",
                q(AUTHOR_COLUMNS[0])
            ));
        }
        for e in &expected {
            assert!(text.contains(e.as_str()), "{dialect}: no {e:?} in\n{text}");
        }
        let drops: Vec<String> = [REVIEW, BOOK, AUTHOR]
            .iter()
            .map(|t| format!("DROP TABLE IF EXISTS {}", q(t)))
            .chain((dialect == "postgres").then(|| format!("DROP TYPE IF EXISTS {}", q(MOOD))))
            .collect();
        assert_eq!(drop, drops, "{dialect}");
    }
}

/// Creates the canary table `y` with its row in `db`.
fn add_canary(db: common::Db) -> common::Db {
    let mut s = db.engine.session().expect("session");
    s.batch_execute("CREATE TABLE y (id INTEGER NOT NULL); INSERT INTO y VALUES (42)")
        .expect("canary");
    s.commit().expect("commit");
    drop(s);
    db
}

/// A fresh database of `dialect` with the canary.
fn with_canary(dialect: Dialect) -> common::Db {
    add_canary(match dialect {
        Dialect::Sqlite => common::sqlite_file(|b| b),
        Dialect::Postgres => common::postgres(|b| b).expect("postgres"),
    })
}

/// The backends of this build, each with the canary.
fn canaried() -> Vec<common::Db> {
    common::all().into_iter().map(add_canary).collect()
}

/// The tables of the database (the test's schema on PostgreSQL) and, on
/// PostgreSQL, its enum types; the canary must still hold its row.
fn tables_and_types(engine: &Engine) -> (Vec<String>, Vec<String>) {
    let mut s = engine.session().expect("session");
    let (tables, types): (Vec<String>, Vec<String>) = match engine.dialect() {
        Dialect::Sqlite => (
            s.query_as(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                (),
            )
            .expect("tables"),
            Vec::new(),
        ),
        Dialect::Postgres => (
            s.query_as(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
                (),
            )
            .expect("tables"),
            s.query_as(
                "SELECT typname::text FROM pg_type WHERE typnamespace = current_schema()::regnamespace AND typtype = 'e' ORDER BY 1",
                (),
            )
            .expect("types"),
        ),
    };
    let canary: Vec<i32> = s
        .query_as("SELECT id FROM y", ())
        .expect("the canary table is there");
    assert_eq!(canary, [42], "the canary lost its row");
    s.commit().expect("commit");
    (tables, types)
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    v.sort();
    v
}

fn expect_schema(engine: &Engine, extra: &[&str]) {
    let mut want = vec![CANARY, AUTHOR, BOOK, REVIEW];
    want.extend_from_slice(extra);
    let (tables, types) = tables_and_types(engine);
    assert_eq!(tables, sorted(&want), "{:?}", engine.dialect());
    if engine.dialect() == Dialect::Postgres {
        assert_eq!(types, [MOOD]);
    }
}

/// Runs every kind of generated statement on a database holding the schema
/// (and nothing of it yet), asserting the rows that come back; then checks
/// that every statement sent kept its names inside their quotes.
fn exercise(engine: &Engine) {
    let name = format!("{:?}", engine.dialect());
    let log = common::recorder(engine);
    let mut s = engine.session().expect("session");

    // Insert one, and many; values as hostile as the names (bound, never pasted).
    let ann = Author::insert(
        &mut s,
        NewAuthor::new("Ann \"the\" 'quoted'; --", "ann@x.org", 170)
            .mood(Mood::Sad)
            .nick("select * from y"),
    )
    .expect("insert");
    assert_eq!(
        (
            ann.name.as_str(),
            ann.email.as_str(),
            ann.height,
            ann.mood,
            ann.nick.as_deref()
        ),
        (
            "Ann \"the\" 'quoted'; --",
            "ann@x.org",
            170,
            Mood::Sad,
            Some("select * from y")
        ),
        "{name}"
    );
    let more = Author::insert_many(
        &mut s,
        [
            NewAuthor::new("Bo 名前", "bo@x.org", 180).mood(Mood::Order),
            NewAuthor::new("Cy größe", "cy@x.org", 160),
        ],
    )
    .expect("insert_many");
    let (bo, cy) = (more[0].clone(), more[1].clone());
    assert_eq!(
        (bo.mood, cy.mood, cy.nick.clone()),
        (Mood::Order, Mood::Happy, None),
        "{name}"
    );
    let books = Book::insert_many(
        &mut s,
        [
            NewBook::new("Ann's first; --", ann.id)
                .pages(120)
                .note("a\r\nb")
                .price(10),
            NewBook::new("Ann's second", ann.id).pages(340),
            NewBook::new("Bo `ticks`", bo.id).pages(500).price(25),
        ],
    )
    .expect("books");
    assert_eq!(books[0].note.as_deref(), Some("a\r\nb"), "{name}");
    assert_eq!(books[1].pages, 340);
    let reviews = Review::insert_many(
        &mut s,
        [
            NewReview::new(5, "\"great\"", books[0].id),
            NewReview::new(2, "meh \\", books[0].id),
            NewReview::new(4, "fine", books[2].id),
        ],
    )
    .expect("reviews");
    assert_eq!(reviews.len(), 3);
    assert_eq!(
        Review::insert_all(&mut s, [NewReview::new(1, "bad", books[1].id)]).expect("insert_all"),
        1
    );
    s.commit().expect("commit");

    // Filters on the hostile columns; order by them.
    let by_email = Author::query()
        .filter(author::email.eq("bo@x.org"))
        .one(&mut s)
        .expect("by email");
    assert_eq!(by_email, bo, "{name}");
    let sad: Vec<i32> = Author::query()
        .filter(author::mood.eq(Mood::Sad))
        .select(author::id)
        .all(&mut s)
        .expect("by mood");
    assert_eq!(sad, [ann.id], "{name}");
    let tall: Vec<String> = Author::query()
        .filter(author::height.gt(165).and(author::nick.is_null()))
        .select(author::name)
        .all(&mut s)
        .expect("by height");
    assert_eq!(tall, ["Bo 名前"], "{name}");
    let quoted = Author::query()
        .filter(author::name.like("%\"the\"%"))
        .count(&mut s)
        .expect("like");
    assert_eq!(quoted, 1, "{name}");
    let by_height: Vec<String> = Author::query()
        .order_by(author::height.desc())
        .select(author::email)
        .all(&mut s)
        .expect("order by");
    assert_eq!(by_height, ["bo@x.org", "ann@x.org", "cy@x.org"], "{name}");
    let titles: Vec<(String, Option<i32>)> = Book::query()
        .filter(book::note.is_null().or(book::price.ge(10)))
        .order_by(book::title.asc())
        .select((book::title, book::price))
        .all(&mut s)
        .expect("books by note and price");
    assert_eq!(
        titles,
        [
            ("Ann's first; --".to_owned(), Some(10)),
            ("Ann's second".to_owned(), None),
            ("Bo `ticks`".to_owned(), Some(25))
        ],
        "{name}"
    );
    assert_eq!(
        Book::get(&mut s, books[0].id).expect("get").as_ref(),
        Some(&books[0]),
        "{name}"
    );

    // Relationships across the foreign keys: eager loads, joins, EXISTS.
    let loaded: Vec<(Author, Vec<Book>)> = Author::query()
        .order_by(author::id.asc())
        .with(author::books)
        .all(&mut s)
        .expect("with books");
    let shape: Vec<(i32, usize)> = loaded.iter().map(|(a, b)| (a.id, b.len())).collect();
    assert_eq!(shape, [(ann.id, 2), (bo.id, 1), (cy.id, 0)], "{name}");
    let with_reviews: Vec<(Book, Vec<Review>)> = Book::query()
        .order_by(book::id.asc())
        .with(book::reviews)
        .all(&mut s)
        .expect("with reviews");
    let stars: Vec<Vec<i32>> = with_reviews
        .iter()
        .map(|(_, rs)| {
            let mut v: Vec<i32> = rs.iter().map(|r| r.stars).collect();
            v.sort();
            v
        })
        .collect();
    assert_eq!(stars, [vec![2, 5], vec![1], vec![4]], "{name}");
    assert_eq!(
        books[2].load_author(&mut s).expect("load author"),
        bo,
        "{name}"
    );
    assert_eq!(
        ann.load_books(&mut s).expect("load books").len(),
        2,
        "{name}"
    );
    let joined: Vec<(Review, Book, Author)> = Review::query()
        .join(review::book)
        .join(book::author)
        .filter(author::mood.eq(Mood::Order))
        .all(&mut s)
        .expect("joins");
    assert_eq!(
        joined
            .iter()
            .map(|(r, b, a)| (r.stars, b.id, a.id))
            .collect::<Vec<_>>(),
        [(4, books[2].id, bo.id)],
        "{name}"
    );
    let thick: Vec<i32> = Author::query()
        .filter(author::books.some(book::pages.gt(300)))
        .order_by(author::id.asc())
        .select(author::id)
        .all(&mut s)
        .expect("some");
    assert_eq!(thick, [ann.id, bo.id], "{name}");
    let unreviewed = Book::query()
        .filter(book::reviews.none(review::stars.ge(1)))
        .count(&mut s)
        .expect("none");
    assert_eq!(unreviewed, 0, "{name}");

    // Counts and aggregates, grouped.
    let (n, pages, tallest, shortest): (i64, Option<i64>, Option<i32>, Option<i32>) =
        Author::query()
            .left_join(author::books)
            .select((
                count(book::id),
                sum(book::pages),
                max(author::height),
                min(author::height),
            ))
            .one(&mut s)
            .expect("aggregates");
    assert_eq!(
        (n, pages, tallest, shortest),
        (3, Some(960), Some(180), Some(160)),
        "{name}"
    );
    let per_author: Vec<(i32, i64)> = Book::query()
        .select((book::author_id, count(book::id)))
        .group_by(book::author_id)
        .having(count(book::id).gt(1))
        .all(&mut s)
        .expect("group by");
    assert_eq!(per_author, [(ann.id, 2)], "{name}");

    // Updates: by filter (with RETURNING), by key, a whole row.
    let grown = Author::update()
        .set(author::height.to(181))
        .set(author::nick.to("grown \"up\""))
        .filter(author::email.eq("cy@x.org"))
        .execute_returning(&mut s)
        .expect("update");
    assert_eq!(
        grown
            .iter()
            .map(|a| (a.id, a.height, a.nick.clone()))
            .collect::<Vec<_>>(),
        [(cy.id, 181, Some("grown \"up\"".to_owned()))],
        "{name}"
    );
    let n = Book::update_by_key(
        &mut s,
        books[1].id,
        BookChanges {
            note: Some(Some("*/ -- '".to_owned())),
            price: Some(Some(7)),
            ..Default::default()
        },
    )
    .expect("update_by_key");
    assert_eq!(n, 1, "{name}");
    let mut renamed = bo.clone();
    renamed.name = "Bo \"renamed\"".into();
    renamed.mood = Mood::Happy;
    let saved = renamed.save(&mut s).expect("save").expect("row");
    assert_eq!(saved, renamed, "{name}");
    s.commit().expect("commit");

    // Upserts and the unique constraints.
    let up = Author::upsert(NewAuthor::new("Ann again", "ann@x.org", 171))
        .on_conflict(author::email)
        .do_update((author::height,))
        .execute(&mut s)
        .expect("upsert")
        .expect("row");
    assert_eq!(
        (up.id, up.name.as_str(), up.height),
        (ann.id, ann.name.as_str(), 171),
        "{name}"
    );
    let none = Author::upsert(NewAuthor::new("Nobody", "ann@x.org", 1))
        .on_conflict(author::email)
        .do_nothing()
        .execute(&mut s)
        .expect("do nothing");
    assert_eq!(none, None, "{name}");
    let up = Book::upsert(NewBook::new("Ann's second", ann.id).pages(341))
        .on_conflict((book::author_id, book::title))
        .do_update_all()
        .execute(&mut s)
        .expect("upsert on the compound key")
        .expect("row");
    assert_eq!((up.id, up.pages), (books[1].id, 341), "{name}");
    s.commit().expect("commit");
    let pg = engine.dialect() == Dialect::Postgres;
    match Book::insert(&mut s, NewBook::new("Ann's second", ann.id)) {
        // SQLite reports no name; the runtime derives the default one from
        // the message (`table.column, table.column`).
        Err(Error::UniqueViolation { constraint, .. }) => {
            assert_eq!(constraint.as_deref(), Some(TITLE_KEY), "{name}");
        }
        other => panic!("{name}: expected a unique violation, got {other:?}"),
    }
    s.rollback().expect("rollback");
    match Author::insert(&mut s, NewAuthor::new("Dup", "bo@x.org", 1)) {
        Err(Error::UniqueViolation { constraint, .. }) => {
            if pg {
                assert_eq!(constraint.as_deref(), Some(EMAIL_KEY));
            }
        }
        other => panic!("{name}: expected a unique violation, got {other:?}"),
    }
    s.rollback().expect("rollback");
    match Book::insert(&mut s, NewBook::new("negative", ann.id).pages(-1)) {
        Err(Error::CheckViolation { constraint, .. }) => {
            assert_eq!(constraint.as_deref(), Some(PAGES_CHECK), "{name}");
        }
        other => panic!("{name}: expected a check violation, got {other:?}"),
    }
    s.rollback().expect("rollback");
    match Book::insert(&mut s, NewBook::new("orphan", 999_999)) {
        Err(Error::ForeignKeyViolation { constraint, .. }) => {
            if pg {
                assert_eq!(constraint.as_deref(), Some(BOOK_FK));
            }
        }
        other => panic!("{name}: expected a foreign-key violation, got {other:?}"),
    }
    s.rollback().expect("rollback");

    // The unit of work: children added before their parent, flushed in
    // foreign-key order.
    let review = s.add(NewReview::new(3, "flushed", 0));
    let book = s.add(NewBook::new("flushed \"book\"", 0));
    let writer = s.add(NewAuthor::new("Di", "di@x.org", 150));
    s.set(review, review::book, book).expect("set book");
    s.set(book, book::author, writer).expect("set author");
    let flushed = s.flush().expect("flush");
    let (di, di_book) = (
        flushed.get(writer).expect("author").clone(),
        flushed.get(book).expect("book").clone(),
    );
    assert_eq!(di_book.author_id, di.id, "{name}");
    assert_eq!(
        flushed.get(review).expect("review").book_id,
        di_book.id,
        "{name}"
    );
    s.commit().expect("commit");

    // Deletes: by filter (RETURNING), by key, cascading across both keys.
    let gone = Review::delete()
        .filter(review::body.eq("meh \\"))
        .execute_returning(&mut s)
        .expect("delete");
    assert_eq!(
        gone.iter().map(|r| r.stars).collect::<Vec<_>>(),
        [2],
        "{name}"
    );
    assert_eq!(
        Author::delete_by_key(&mut s, ann.id).expect("delete"),
        1,
        "{name}"
    );
    assert_eq!(
        Author::delete_by_key(&mut s, ann.id).expect("again"),
        0,
        "{name}"
    );
    assert_eq!(
        Book::query().count(&mut s).expect("count"),
        2,
        "{name}: cascade"
    );
    assert_eq!(
        Review::query().count(&mut s).expect("count"),
        2,
        "{name}: cascade"
    );
    assert_eq!(
        Author::delete()
            .filter(author::id.eq(di.id))
            .execute(&mut s)
            .expect("delete"),
        1
    );
    s.commit().expect("commit");
    drop(s);

    let sent = log.lock().expect("log").clone();
    assert!(sent.len() > 40, "{name}: {} statements", sent.len());
    let known = known_names();
    for sql in &sent {
        assert_contained(sql, false, &known);
    }
}

#[test]
fn every_generated_statement_works_on_a_schema_from_create_all() {
    for db in canaried() {
        create_all(&db.engine).expect("create_all");
        create_all(&db.engine).expect("create_all again is a no-op");
        expect_schema(&db.engine, &[]);
        exercise(&db.engine);
        expect_schema(&db.engine, &[]);
        drop_all(&db.engine).expect("drop_all");
        drop_all(&db.engine).expect("drop_all again is a no-op");
        let (tables, types) = tables_and_types(&db.engine);
        assert_eq!(tables, [CANARY], "{}", db.name());
        assert!(types.is_empty(), "{}: {types:?}", db.name());
    }
}

// ---------------------------------------------------------------- migrations

const SCHEMA: &str = include_str!("../../schemas/hostile_identifiers.prisma");

/// `SCHEMA` with `from` replaced by `to` (which must occur once).
fn edit(src: &str, from: &str, to: &str) -> String {
    assert_eq!(src.matches(from).count(), 1, "{from:?}");
    src.replacen(from, to, 1)
}

/// The second version: the line-break column dropped, `price` renamed to a
/// new hostile column, an enum label removed and one added (PostgreSQL
/// recreates the type), the reviews table renamed (so its default
/// constraint names change) and an index renamed.
fn schema_v2() -> String {
    let s = edit(
        SCHEMA,
        "  note     String?  @map(\"line\\r\\nbreak\\t*/ /* -- '\")\n",
        "",
    );
    let s = edit(
        &s,
        "price    Int?     @map(\"price $1 ?2 :name @p\")",
        "cost     Int?     @map(\"co\\\"st'; DROP TABLE y; --\") @renamedFrom(\"price\")",
    );
    let s = edit(
        &s,
        "  ORDER @map(\"order\")\n",
        "  BORED @map(\"bored \\\"x\\\"; --\")\n",
    );
    let s = edit(
        &s,
        "@@map(\"größe 名前 `reviews`\")",
        "@@map(\"reviews\\\"; DROP TABLE y; -- 2\")",
    );
    edit(
        &s,
        "map: \"idx \\\"größe\\\"\\\\; DROP TABLE y; --\"",
        "map: \"idx2 \\\"größe\\\"; DELETE FROM y; --\"",
    )
}

/// A directory removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let p = std::env::temp_dir().join(format!(
            "ormgen-hostile-{}-{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes the two migrations (`init`, `evolve`); returns their versions.
fn write_migrations(dir: &Path) -> Vec<String> {
    let schema_path = dir.join("schema.prisma");
    let mut versions = Vec::new();
    for (name, src) in [("init", SCHEMA.to_owned()), ("evolve", schema_v2())] {
        std::fs::write(&schema_path, &src).expect("write schema");
        match diff_to_folder(&schema_path, &src, name, &dir.join("migrations"))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
        {
            DiffOutcome::Written { folder, .. } => {
                let f = folder
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                versions.push(f.split('_').next().expect("version").to_owned());
            }
            DiffOutcome::Unchanged => panic!("{name}: no change"),
        }
    }
    versions
}

/// The catalog of a fresh database of `dialect` built from `src` by the
/// generator's plain DDL (as a migration from nothing would).
fn fresh_catalog(dialect: Dialect, src: &str) -> Snapshot {
    let db = with_canary(dialect);
    let (schema, _) = ormgen_schema::parse_and_validate("s.prisma", src).expect("valid schema");
    let d = match dialect {
        Dialect::Sqlite => ddl::Dialect::Sqlite,
        Dialect::Postgres => ddl::Dialect::Postgres,
    };
    let mut s = db.engine.session().expect("session");
    for st in ddl::create_all(&schema, d, RenderMode::Plain).expect("ddl") {
        s.execute(Native(&st), ()).expect("fresh DDL");
    }
    s.commit().expect("commit");
    introspect(&db.engine).expect("introspect")
}

/// The catalog's foreign keys on SQLite are named from the table's SQL:
/// hostile names must come back whole.
fn assert_sqlite_names(catalog: &Snapshot, review: &str) {
    let book = &catalog[BOOK];
    let fk = format!("fk Some({BOOK_FK:?})");
    assert!(book.iter().any(|f| f.starts_with(&fk)), "{book:#?}");
    let check = format!("check {} CHECK (\"user\" >= 0", q(PAGES_CHECK));
    assert!(book.contains(&check), "{book:#?}");
    assert!(book.contains(&"autoincrement".to_owned()), "{book:#?}");
    let fk = format!("fk Some({:?})", format!("{review}_book id_fkey"));
    assert!(
        catalog[review].iter().any(|f| f.starts_with(&fk)),
        "{:#?}",
        catalog[review]
    );
}

#[test]
fn migrations_create_evolve_and_revert_the_schema() {
    let dir = TempDir::new();
    let versions = write_migrations(&dir.0);
    let known = known_names();
    for entry in std::fs::read_dir(dir.0.join("migrations")).expect("migrations") {
        let folder = entry.expect("entry").path();
        for file in [
            "up.postgres.sql",
            "down.postgres.sql",
            "up.sqlite.sql",
            "down.sqlite.sql",
        ] {
            let script = std::fs::read_to_string(folder.join(file)).expect("script");
            assert_contained(&script, true, &known);
        }
    }
    let v2 = schema_v2();
    for db in canaried() {
        let d = db.dialect;
        let m = Migrator::from_dir(&dir.0.join("migrations"), d).expect("migrator");
        let init = fresh_catalog(d, SCHEMA);
        let evolved = fresh_catalog(d, &v2);
        if d == Dialect::Sqlite {
            assert_sqlite_names(&init, REVIEW);
            assert_sqlite_names(&evolved, REVIEW_2);
        }

        // Up to `init`: the catalog create_all makes; the generated code runs.
        assert_eq!(
            m.up(&db.engine, Some(&versions[0])).expect("up"),
            [versions[0].clone()]
        );
        assert_eq!(
            introspect(&db.engine).expect("introspect"),
            init,
            "{d:?}: init"
        );
        expect_schema(&db.engine, &[VERSION_TABLE]);
        exercise(&db.engine);

        // Rows that the evolution must carry over (no label it removes).
        let mut s = db.engine.session().expect("session");
        let ann = Author::insert(
            &mut s,
            NewAuthor::new("Ann", "ann@x.org", 170).mood(Mood::Sad),
        )
        .expect("author");
        let book =
            Book::insert(&mut s, NewBook::new("t", ann.id).price(12).note("x")).expect("book");
        Review::insert(&mut s, NewReview::new(5, "kept", book.id)).expect("review");
        s.commit().expect("commit");
        drop(s);

        // Up to `evolve`: renames keep their data.
        assert_eq!(m.up(&db.engine, None).expect("up"), [versions[1].clone()]);
        assert_eq!(
            introspect(&db.engine).expect("introspect"),
            evolved,
            "{d:?}: evolve"
        );
        let (tables, types) = tables_and_types(&db.engine);
        assert_eq!(
            tables,
            sorted(&[CANARY, AUTHOR, BOOK, REVIEW_2, VERSION_TABLE]),
            "{d:?}"
        );
        if d == Dialect::Postgres {
            assert_eq!(types, [MOOD]);
        }
        let mut s = db.engine.session().expect("session");
        let cost: Option<i32> = s
            .query_one(
                format!(
                    "SELECT {} FROM {} WHERE {} = $1",
                    q(COST),
                    q(BOOK),
                    q(BOOK_COLUMNS[0])
                )
                .as_str(),
                (book.id,),
            )
            .expect("renamed column");
        assert_eq!(cost, Some(12), "{d:?}: the renamed column keeps its value");
        let stars: i32 = s
            .query_one(
                format!(
                    "SELECT {} FROM {} WHERE {} = $1",
                    q(REVIEW_COLUMNS[1]),
                    q(REVIEW_2),
                    q(REVIEW_COLUMNS[2])
                )
                .as_str(),
                ("kept",),
            )
            .expect("renamed table");
        assert_eq!(stars, 5, "{d:?}: the renamed table keeps its rows");
        let cast = if d == Dialect::Postgres { "::text" } else { "" };
        let mood: String = s
            .query_one(
                format!(
                    "SELECT {}{cast} FROM {} WHERE {} = $1",
                    q(AUTHOR_COLUMNS[4]),
                    q(AUTHOR),
                    q(AUTHOR_COLUMNS[0])
                )
                .as_str(),
                (ann.id,),
            )
            .expect("enum column");
        assert_eq!(mood, LABELS[1], "{d:?}: the recreated enum keeps the label");
        s.commit().expect("commit");
        drop(s);

        // Down again: `init`'s catalog, the rows back under their old names.
        assert_eq!(m.down(&db.engine, 1).expect("down"), [versions[1].clone()]);
        assert_eq!(
            introspect(&db.engine).expect("introspect"),
            init,
            "{d:?}: down"
        );
        let mut s = db.engine.session().expect("session");
        let back = Book::get(&mut s, book.id).expect("get").expect("book");
        assert_eq!((back.price, back.note), (Some(12), None), "{d:?}");
        let kept = Review::query()
            .filter(review::body.eq("kept"))
            .count(&mut s)
            .expect("count");
        assert_eq!(kept, 1, "{d:?}");
        s.commit().expect("commit");
        drop(s);
        exercise_after_reset(&db.engine);
        assert_eq!(m.down(&db.engine, 1).expect("down"), [versions[0].clone()]);
        let (tables, types) = tables_and_types(&db.engine);
        assert_eq!(tables, sorted(&[CANARY, VERSION_TABLE]), "{d:?}");
        assert!(types.is_empty(), "{d:?}: {types:?}");
    }
}

/// The generated code on the reverted schema, once its rows are gone.
fn exercise_after_reset(engine: &Engine) {
    let mut s: Session = engine.session().expect("session");
    Author::delete().execute(&mut s).expect("delete all");
    s.commit().expect("commit");
    drop(s);
    exercise(engine);
}
