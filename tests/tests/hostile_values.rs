//! Hostile values through the generated write and filter paths (issue 21,
//! item 8): NUL bytes, invalid UTF-8 read as text, 10 MB texts, integers at
//! and past their limits (also through arithmetic), timestamps at the range
//! limits. Each must come back exactly or fail with a typed error — never a
//! panic, never a silent change — on SQLite and PostgreSQL, and the session
//! must stay usable after a failure (rolled back).
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use ormgen::chrono::{DateTime, TimeZone, Utc};
use ormgen::query::{ColumnExt, ExprExt};
use ormgen::{Error, Session};
use ormgen_tests::blog::*;

/// `Ok` values must equal `want`; errors must be typed (any `Error` is, by
/// construction) and leave the session usable after a rollback.
fn exact_or_error<T: PartialEq + std::fmt::Debug>(
    s: &mut Session,
    what: &str,
    got: ormgen::Result<T>,
    want: &T,
) -> Option<Error> {
    match got {
        Ok(v) => {
            assert_eq!(&v, want, "{what}: changed on the way");
            None
        }
        Err(e) => {
            eprintln!("{what}: {e}");
            s.rollback().unwrap();
            // The seeded owner is committed: the session still reads it.
            let users = User::query()
                .count(s)
                .unwrap_or_else(|e2| panic!("{what}: session unusable after {e}: {e2}"));
            assert!(users >= 1, "{what}: the committed owner is gone after {e}");
            Some(e)
        }
    }
}

fn seeded(db: &common::Db) -> (Session, User) {
    create_all(&db.engine).unwrap();
    let mut s = db.engine.session().unwrap();
    let u = User::insert(&mut s, NewUser::new("owner@x.org")).unwrap();
    s.commit().unwrap();
    (s, u)
}

#[test]
fn texts_with_nul_bytes_huge_texts_and_invalid_utf8() {
    for db in common::all() {
        let (mut s, owner) = seeded(&db);
        // A NUL byte: SQLite keeps it; PostgreSQL's text cannot hold it.
        let nul = "before\0after".to_owned();
        let got = Post::insert(&mut s, NewPost::new(nul.clone(), owner.id)).and_then(|p| {
            let by_filter = Post::query()
                .filter(post::title.eq(nul.clone()))
                .select(post::id)
                .all(&mut s)?;
            assert_eq!(by_filter, [p.id], "{}: the filter finds it", db.name());
            Ok(Post::get(&mut s, p.id)?.map(|p| p.title))
        });
        let err = exact_or_error(&mut s, "NUL in text", got, &Some(nul.clone()));
        if db.is_pg() {
            let e = err.expect("PostgreSQL refuses NUL in text");
            assert!(matches!(e, Error::Sql { .. } | Error::Params(_)), "{e:?}");
        } else {
            assert!(err.is_none(), "SQLite keeps a NUL byte: {err:?}");
        }

        // 10 MB of text through insert, filter and update.
        let big: String = (0..10 * 1024 * 1024)
            .map(|i: u32| char::from(b'a' + (i.wrapping_mul(2_654_435_761) >> 27) as u8 % 26))
            .collect();
        let got = Post::insert(&mut s, NewPost::new(big.clone(), owner.id)).and_then(|p| {
            let mut other = big.clone();
            other.push('!');
            Post::update()
                .set(post::body.to(other.clone()))
                .filter(post::title.eq(big.clone()))
                .execute(&mut s)?;
            let back = Post::get(&mut s, p.id)?.expect("row");
            Ok((
                back.title.len(),
                back.title == big,
                back.body == Some(other),
            ))
        });
        exact_or_error(&mut s, "10 MB text", got, &(big.len(), true, true));
        s.commit().unwrap();

        // Invalid UTF-8 read as text: a decode error naming the column, on
        // SQLite from a blob cast to text, on PostgreSQL from bytea.
        let sql = db.sql(
            "select cast(x'c328ff' as text)",
            "select '\\xc328ff'::bytea",
        );
        let err = s.query_one::<String>(sql, ()).unwrap_err();
        assert!(
            matches!(err, Error::Decode { .. }),
            "{}: {err:?}",
            db.name()
        );
        s.rollback().unwrap();
    }
}

#[test]
fn integers_at_and_past_their_limits() {
    for db in common::all() {
        let (mut s, owner) = seeded(&db);
        for v in [i32::MIN, -1, 0, i32::MAX] {
            let got =
                Post::insert(&mut s, NewPost::new("n", owner.id).view_count(v)).and_then(|p| {
                    let found = Post::query()
                        .filter(post::view_count.eq(v).and(post::id.eq(p.id)))
                        .count(&mut s)?;
                    Ok((Post::get(&mut s, p.id)?.map(|p| p.view_count), found))
                });
            exact_or_error(&mut s, "i32 limit", got, &(Some(v), 1));
        }
        s.commit().unwrap();

        // Overflow through arithmetic: PostgreSQL refuses it; SQLite computes
        // in 64 bits and stores 2147483648, which then must not read back as
        // some other i32.
        let p = Post::insert(&mut s, NewPost::new("max", owner.id).view_count(i32::MAX)).unwrap();
        s.commit().unwrap();
        let bumped = Post::update()
            .set(post::view_count.to(post::view_count + 1))
            .by_key(p.id)
            .execute(&mut s);
        match bumped {
            Err(e) => {
                assert!(db.is_pg(), "{}: {e:?}", db.name());
                s.rollback().unwrap();
                let back = Post::get(&mut s, p.id).unwrap().unwrap();
                assert_eq!(
                    back.view_count,
                    i32::MAX,
                    "unchanged after the failed update"
                );
            }
            Ok(n) => {
                assert_eq!(n, 1);
                s.commit().unwrap();
                let read = Post::get(&mut s, p.id);
                let err =
                    read.expect_err("2147483648 is no i32: a typed error, not a wrapped value");
                assert!(matches!(err, Error::Decode { .. }), "{err:?}");
                // The decode error failed the transaction; after a rollback,
                // as an i64 the stored value is exact.
                s.rollback().unwrap();
                let wide: i64 = s
                    .query_one(
                        db.sql(
                            "select view_count from posts where id = ?",
                            "select view_count::bigint from posts where id = $1",
                        ),
                        (p.id,),
                    )
                    .unwrap();
                assert_eq!(wide, i64::from(i32::MAX) + 1);
                s.rollback().unwrap();
            }
        }
    }
}

#[test]
fn timestamps_at_the_range_limits() {
    for db in common::all() {
        let (mut s, owner) = seeded(&db);
        let early = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
        let late = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap()
            + ormgen::chrono::Duration::milliseconds(999);
        let epoch = DateTime::<Utc>::UNIX_EPOCH;
        for when in [early, epoch, late] {
            let got = Post::insert(&mut s, NewPost::new("t", owner.id).published_at(when))
                .and_then(|p| {
                    let found = Post::query()
                        .filter(post::published_at.eq(when).and(post::id.eq(p.id)))
                        .count(&mut s)?;
                    Ok((Post::get(&mut s, p.id)?.and_then(|p| p.published_at), found))
                });
            exact_or_error(&mut s, &format!("timestamp {when}"), got, &(Some(when), 1));
        }
        s.commit().unwrap();
        // Past what the databases store: chrono's extremes (at the columns'
        // millisecond precision) are an error or exact, never another instant.
        let ms = |t: DateTime<Utc>| {
            DateTime::<Utc>::from_timestamp_millis(t.timestamp_millis()).unwrap()
        };
        for when in [ms(DateTime::<Utc>::MIN_UTC), ms(DateTime::<Utc>::MAX_UTC)] {
            let got = Post::insert(&mut s, NewPost::new("x", owner.id).published_at(when))
                .and_then(|p| Ok(Post::get(&mut s, p.id)?.and_then(|p| p.published_at)));
            exact_or_error(&mut s, &format!("timestamp {when}"), got, &Some(when));
            s.rollback().unwrap();
        }
    }
}
