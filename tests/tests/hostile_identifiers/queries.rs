//! Every kind of generated statement (inserts, filters, relationships,
//! aggregates, updates, upserts, constraint violations, the unit of work,
//! deletes) on the hostile schema, with every statement sent lexed for
//! containment; run on a schema made by `create_all`.

use ormgen::query::{ColumnExt, ExprExt, RelationExt};
use ormgen::{Dialect, Engine, Error, count, max, min, sum};
use ormgen_tests::hostile_identifiers::*;

use super::fixtures::{canaried, expect_schema, tables_and_types};
use super::lexer::assert_contained;
use super::names::*;
use crate::common;

/// Runs every kind of generated statement on a database holding the schema
/// (and nothing of it yet), asserting the rows that come back; then checks
/// that every statement sent kept its names inside their quotes.
pub fn exercise(engine: &Engine) {
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
