//! Loading along a composite, nullable foreign key (`Owned.owner` →
//! `Membership`, key `(org_id, user_id)`) with the generated code: eager
//! loading in both directions takes the keys from the models' fields (a NULL
//! in either column means "no owner"), and a left join reads an absent
//! membership as `None` from its first key column.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use ormgen::Session;
use ormgen_tests::all_types_sqlite::*;

/// Memberships (1, 1), (1, 2) and (2, 1) (the last owns nothing); owned rows
/// 1 and 2 → (1, 1), 3 → (1, 2), 4 without owner, 5 with only `org_id` set.
fn seed(s: &mut Session) -> Vec<Owned> {
    Membership::insert_many(
        s,
        [(1, 1, "a"), (1, 2, "b"), (2, 1, "c")]
            .into_iter()
            .map(|(o, u, slug)| NewMembership::new(o, u, slug, 0)),
    )
    .expect("memberships");
    let owned = [
        (Some(1), Some(1)),
        (Some(1), Some(1)),
        (Some(1), Some(2)),
        (None, None),
        (Some(1), None),
    ];
    Owned::insert_many(
        s,
        owned.into_iter().map(|(o, u)| NewOwned {
            org_id: o,
            user_id: u,
        }),
    )
    .expect("owned")
}

fn db() -> (common::Db, Vec<Owned>) {
    let db = common::sqlite_memory(|b| b);
    create_all(&db.engine).expect("create_all");
    let owned = db.engine.transaction(|s| Ok(seed(s))).expect("seed");
    (db, owned)
}

#[test]
fn eager_loading_along_a_composite_nullable_key() {
    let (db, owned) = db();
    let mut s = db.engine.session().expect("session");
    let ids = |os: &[Owned]| os.iter().map(|o| o.id).collect::<Vec<_>>();

    // To-many: each membership gets the rows whose (org_id, user_id) is its key.
    let mut by_member: Vec<((i32, i32), Vec<i32>)> = Membership::query()
        .with(membership::owned)
        .all(&mut s)
        .expect("memberships with owned")
        .into_iter()
        .map(|(m, os)| ((m.org_id, m.user_id), ids(&os)))
        .collect();
    by_member.sort();
    let (o1, o2, o3) = (owned[0].id, owned[1].id, owned[2].id);
    assert_eq!(
        by_member,
        vec![((1, 1), vec![o1, o2]), ((1, 2), vec![o3]), ((2, 1), vec![])]
    );

    // To-one: a NULL in either key column loads no owner.
    let owners: Vec<(i32, Option<(i32, i32)>)> = Owned::query()
        .with(owned::owner)
        .all(&mut s)
        .expect("owned with owner")
        .into_iter()
        .map(|(o, m)| (o.id, m.map(|m| (m.org_id, m.user_id))))
        .collect();
    assert_eq!(
        owners,
        vec![
            (o1, Some((1, 1))),
            (o2, Some((1, 1))),
            (o3, Some((1, 2))),
            (owned[3].id, None),
            (owned[4].id, None),
        ]
    );
}

#[test]
fn left_joined_models_are_none_without_a_match() {
    let (db, owned) = db();
    let mut s = db.engine.session().expect("session");

    let rows: Vec<(i32, Option<String>)> = Owned::query()
        .left_join(owned::owner)
        .all(&mut s)
        .expect("owned left join owner")
        .into_iter()
        .map(|(o, m)| (o.id, m.map(|m| m.slug)))
        .collect();
    let mut rows = rows;
    rows.sort();
    let slug = |x: &str| Some(x.to_owned());
    assert_eq!(
        rows,
        vec![
            (owned[0].id, slug("a")),
            (owned[1].id, slug("a")),
            (owned[2].id, slug("b")),
            (owned[3].id, None),
            (owned[4].id, None),
        ]
    );

    // The other way round: the membership without rows gets one `None`.
    let mut back: Vec<(String, Option<i32>)> = Membership::query()
        .left_join(membership::owned)
        .all(&mut s)
        .expect("membership left join owned")
        .into_iter()
        .map(|(m, o)| (m.slug, o.map(|o| o.id)))
        .collect();
    back.sort();
    assert_eq!(
        back,
        vec![
            ("a".to_owned(), Some(owned[0].id)),
            ("a".to_owned(), Some(owned[1].id)),
            ("b".to_owned(), Some(owned[2].id)),
            ("c".to_owned(), None),
        ]
    );
}
