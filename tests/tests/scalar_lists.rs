//! Scalar lists (`String[]`, `Int[]`, `Color[]`, …: PostgreSQL arrays) in the
//! generated `schemas/all_types.prisma` code: inserted, read back, filtered with
//! `has` / `has_every` / `has_some` / `is_empty` / `eq`, updated and defaulted.
//! PostgreSQL only (SQLite has no arrays; the schema language rejects lists
//! there); fails when `CI` is set and the server is unreachable.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use std::str::FromStr;

use ormgen::chrono::{TimeZone, Utc};
use ormgen::query::{ArrayExprExt, ExprExt};
use ormgen::{BigDecimal, Session};
use ormgen_tests::all_types::*;

/// The PostgreSQL fixture with the enums and the `Scalars` and `Defaults`
/// tables of the generated DDL (the rest of all_types needs extensions).
fn pg() -> Option<common::Db> {
    let db = common::postgres(|b| b)?;
    let mut s = db.engine.session().expect("session");
    for st in CREATE_ALL_POSTGRES.iter().filter(|st| {
        st.contains("CREATE TYPE") || st.contains("\"Scalars\"") || st.contains("\"Defaults\"")
    }) {
        s.execute(ormgen::Native(st), ()).expect(st);
    }
    s.commit().expect("commit");
    Some(db)
}

fn new_row(tag: &str) -> NewScalars<'_> {
    NewScalars::new(
        tag,
        true,
        1,
        2i64,
        1.5,
        BigDecimal::from(3),
        Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap(),
        ormgen::serde_json::json!({"a": 1}),
        vec![1u8, 2],
        Color::Red,
    )
}

fn tags(rows: &[Scalars]) -> Vec<&str> {
    rows.iter().map(|r| r.string.as_str()).collect()
}

#[test]
fn scalar_lists_round_trip_filter_and_update() {
    let Some(db) = pg() else { return };
    let mut s: Session = db.engine.session().expect("session");

    let when = Utc.with_ymd_and_hms(2025, 6, 7, 8, 9, 10).unwrap();
    let full = Scalars::insert(
        &mut s,
        new_row("full")
            .string_list(vec!["a".to_owned(), "b,c".to_owned(), "d\"e".to_owned()])
            .boolean_list(vec![true, false])
            .int_list(vec![1, -2, i32::MAX])
            .big_int_list(vec![i64::MIN])
            .float_list(vec![0.25, f64::INFINITY])
            .decimal_list(vec![
                BigDecimal::from_str("12345678901234567890.000000000001").unwrap(),
            ])
            .date_time_list(vec![when])
            .json_list(vec![ormgen::serde_json::json!([1, {"x": null}])])
            .bytes_list(vec![vec![], vec![0u8, 255]])
            .color_list(vec![Color::Green, Color::Blue, Color::Green]),
    )
    .expect("insert with lists");
    assert_eq!(full.string_list, ["a", "b,c", "d\"e"]);
    assert_eq!(full.int_list, [1, -2, i32::MAX]);
    assert_eq!(full.big_int_list, [i64::MIN]);
    assert_eq!(full.float_list, [0.25, f64::INFINITY]);
    // DECIMAL(65,30): the scale grows, the value stays.
    assert_eq!(
        full.decimal_list,
        [BigDecimal::from_str("12345678901234567890.000000000001").unwrap()]
    );
    assert_eq!(full.date_time_list, [when]);
    assert_eq!(full.bytes_list, [vec![], vec![0u8, 255]]);
    assert_eq!(full.color_list, [Color::Green, Color::Blue, Color::Green]);

    // A list left out is stored as an empty list, not NULL.
    let empty = Scalars::insert(&mut s, new_row("empty")).expect("insert without lists");
    assert!(empty.string_list.is_empty() && empty.color_list.is_empty());
    let stored_null: bool = s
        .query_one(
            "SELECT \"stringList\" IS NULL FROM \"Scalars\" WHERE id = $1",
            (empty.id,),
        )
        .expect("raw");
    assert!(!stored_null);
    // A NULL written by someone else reads as an empty list.
    s.execute(
        "INSERT INTO \"Scalars\" (string, boolean, \"int\", \"bigInt\", \"float\", \"decimal\", \"dateTime\", json, bytes, color) \
         SELECT 'null', boolean, \"int\", \"bigInt\", \"float\", \"decimal\", \"dateTime\", json, bytes, color FROM \"Scalars\" WHERE id = $1",
        (empty.id,),
    )
    .expect("raw insert with NULL lists");
    let null_row = Scalars::query()
        .filter(scalars::string.eq("null"))
        .one(&mut s)
        .expect("null row");
    assert!(null_row.int_list.is_empty());

    let by = |s: &mut Session, q: ormgen::query::Query<_>| -> Vec<String> {
        let rows: Vec<Scalars> = q.order_by(scalars::id.asc()).all(s).expect("query");
        tags(&rows).into_iter().map(str::to_owned).collect()
    };
    assert_eq!(
        by(
            &mut s,
            Scalars::query().filter(scalars::string_list.has("b,c"))
        ),
        ["full"]
    );
    assert_eq!(
        by(
            &mut s,
            Scalars::query().filter(scalars::color_list.has(Color::Blue))
        ),
        ["full"]
    );
    assert_eq!(
        by(
            &mut s,
            Scalars::query().filter(scalars::int_list.has_every([1, i32::MAX]))
        ),
        ["full"]
    );
    assert!(
        by(
            &mut s,
            Scalars::query().filter(scalars::int_list.has_every([1, 7]))
        )
        .is_empty()
    );
    assert_eq!(
        by(
            &mut s,
            Scalars::query().filter(scalars::color_list.has_some([Color::Red, Color::Green]))
        ),
        ["full"]
    );
    assert_eq!(
        by(
            &mut s,
            Scalars::query().filter(scalars::string_list.is_empty())
        ),
        ["empty", "null"]
    );
    assert_eq!(
        by(
            &mut s,
            Scalars::query().filter(scalars::int_list.eq(vec![1, -2, i32::MAX]))
        ),
        ["full"]
    );
    assert!(
        by(
            &mut s,
            Scalars::query().filter(scalars::int_list.eq(vec![1, -2]))
        )
        .is_empty()
    );

    // Selecting a list column, and updating one through the changeset.
    let lists: Vec<Vec<String>> = Scalars::query()
        .select(scalars::string_list)
        .filter(scalars::id.eq(full.id))
        .all(&mut s)
        .expect("select list");
    assert_eq!(lists, [vec!["a", "b,c", "d\"e"]]);
    let n = Scalars::update_by_key(
        &mut s,
        empty.id,
        ScalarsChanges {
            string_list: Some(vec!["x".into()]),
            color_list: Some(vec![Color::Red]),
            ..Default::default()
        },
    )
    .expect("update lists");
    assert_eq!(n, 1);
    let again = Scalars::get(&mut s, empty.id).expect("get").expect("row");
    assert_eq!(again.string_list, ["x"]);
    assert_eq!(again.color_list, [Color::Red]);
    let mut edited = again.clone();
    edited.int_list = vec![4, 5];
    let saved = edited.save(&mut s).expect("save").expect("saved row");
    assert_eq!(saved.int_list, [4, 5]);

    // List defaults from the schema are filled in.
    let d = Defaults::insert(&mut s, NewDefaults::new()).expect("defaults");
    assert_eq!(d.string_list, ["a", "b,c", "d\"e"]);
    assert_eq!(d.int_list, [1, 2, 3]);
    assert!(d.empty_list.is_empty());
    assert_eq!(d.color_list, [Color::Red, Color::Blue]);
    s.commit().expect("commit");
}
