//! Migrations: the schema's second version (hostile renames, a dropped
//! column, an enum label removed and one added), the `init` and `evolve`
//! migrations written from both versions and lexed for containment, and the
//! test that runs them up and down on a canaried database of each backend.

use std::path::Path;

use ormgen::migrate::{Migrator, Snapshot, VERSION_TABLE, introspect};
use ormgen::{Dialect, Engine, Native, Session};
use ormgen_build::ddl::{self, RenderMode};
use ormgen_build::migrate::{DiffOutcome, diff_to_folder};
use ormgen_tests::hostile_identifiers::*;

use super::fixtures::{TempDir, canaried, expect_schema, sorted, tables_and_types, with_canary};
use super::lexer::assert_contained;
use super::names::*;
use super::queries::exercise;

const SCHEMA: &str = include_str!("../../../schemas/hostile_identifiers.prisma");

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
        let cost: Option<i32> =
            select_by(&mut s, &q(COST), BOOK, BOOK_COLUMNS[0], (book.id,)).expect("renamed column");
        assert_eq!(cost, Some(12), "{d:?}: the renamed column keeps its value");
        let stars: i32 = select_by(
            &mut s,
            &q(REVIEW_COLUMNS[1]),
            REVIEW_2,
            REVIEW_COLUMNS[2],
            ("kept",),
        )
        .expect("renamed table");
        assert_eq!(stars, 5, "{d:?}: the renamed table keeps its rows");
        let cast = if d == Dialect::Postgres { "::text" } else { "" };
        let mood: String = select_by(
            &mut s,
            &format!("{}{cast}", q(AUTHOR_COLUMNS[4])),
            AUTHOR,
            AUTHOR_COLUMNS[0],
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

/// `SELECT <select> FROM <table> WHERE <key> = $1`, the names quoted (the
/// `select` expression is given quoted), with one value.
fn select_by<T: ormgen::FromRow>(
    s: &mut ormgen::Session,
    select: &str,
    table: &str,
    key: &str,
    value: impl ormgen::Params,
) -> ormgen::Result<T> {
    let sql = format!("SELECT {select} FROM {} WHERE {} = $1", q(table), q(key));
    s.query_one(sql.as_str(), value)
}
