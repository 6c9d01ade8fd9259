//! What an upsert's update part changes, on the generated `schemas/upserts.prisma`
//! code, on SQLite and PostgreSQL: never the conflict target or the primary key
//! (uuid(), cuid() and autoincrement() keys keep their value, and so their
//! children), never a column the caller left to its schema default (now(),
//! literals); the columns the caller gave are updated and `@updatedAt` is set.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use ormgen::Session;
use ormgen::chrono::{DateTime, Duration, Utc};
use ormgen::query::ExprExt;
use ormgen_tests::upserts::*;

fn setup() -> Vec<common::Db> {
    common::all()
        .into_iter()
        .inspect(|db| create_all(&db.engine).expect("create_all"))
        .collect()
}

/// A time well in the past, so that a value overwritten by `now()` shows.
fn long_ago() -> DateTime<Utc> {
    DateTime::from_timestamp(1_000_000_000, 0).expect("timestamp")
}

fn notes_of(s: &mut Session, member: &str) -> i64 {
    Note::query()
        .filter(note::member_id.eq(member.to_owned()))
        .count(s)
        .expect("notes")
}

#[test]
fn do_update_all_keeps_a_uuid_key_its_children_and_defaulted_columns() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let stored = Member::insert(
            &mut s,
            NewMember::new("ann@x.org", "Ann")
                .nickname("annie")
                .score(7)
                .joined_at(long_ago())
                .updated_at(long_ago()),
        )
        .expect("insert");
        Note::insert(&mut s, NewNote::new("hello", stored.id.clone())).expect("note");
        s.commit().expect("commit");

        // Only the name is given: id, nickname, score and joined_at are left to
        // their defaults and must keep their stored values.
        let up = Member::upsert(NewMember::new("ann@x.org", "Ann Smith"))
            .on_conflict(member::email)
            .do_update_all()
            .execute(&mut s)
            .expect("upsert")
            .expect("row");
        assert_eq!(up.id, stored.id, "{name}: the uuid key changed");
        assert_eq!(up.name, "Ann Smith", "{name}: the given column");
        assert_eq!(up.nickname, "annie", "{name}: literal default overwrote");
        assert_eq!(up.score, 7, "{name}: literal default overwrote");
        assert_eq!(up.joined_at, long_ago(), "{name}: now() overwrote");
        assert!(
            up.updated_at > long_ago() + Duration::days(1),
            "{name}: @updatedAt is set on the update: {:?}",
            up.updated_at
        );
        s.commit().expect("commit");
        assert_eq!(
            notes_of(&mut s, &stored.id),
            1,
            "{name}: the note lost its member"
        );
        assert_eq!(Member::query().count(&mut s).expect("count"), 1, "{name}");
        let again = Member::get(&mut s, stored.id.clone())
            .expect("get")
            .expect("row");
        assert_eq!(again, up, "{name}: the returned row is the stored row");

        // Explicitly given columns (even ones that have defaults) are updated,
        // the key still is not, even when the caller gives one.
        let up = Member::upsert(
            NewMember::new("ann@x.org", "Ann")
                .id("00000000-0000-4000-8000-000000000000")
                .nickname("A.")
                .score(9)
                .joined_at(long_ago() + Duration::days(2)),
        )
        .on_conflict(member::email)
        .do_update_all()
        .execute(&mut s)
        .expect("upsert")
        .expect("row");
        assert_eq!(
            (
                up.id.as_str(),
                up.name.as_str(),
                up.nickname.as_str(),
                up.score
            ),
            (stored.id.as_str(), "Ann", "A.", 9),
            "{name}"
        );
        assert_eq!(up.joined_at, long_ago() + Duration::days(2), "{name}");
        assert_eq!(notes_of(&mut s, &stored.id), 1, "{name}");

        // do_update with a list skips the key and the target as well.
        let up = Member::upsert(NewMember::new("ann@x.org", "Annie"))
            .on_conflict(member::email)
            .do_update((member::id, member::email, member::name))
            .execute(&mut s)
            .expect("upsert")
            .expect("row");
        assert_eq!(
            (up.id.as_str(), up.name.as_str()),
            (stored.id.as_str(), "Annie"),
            "{name}"
        );
        s.commit().expect("commit");

        // No conflict: a plain insert with every default filled.
        let new = Member::upsert(NewMember::new("bo@x.org", "Bo"))
            .on_conflict(member::email)
            .do_update_all()
            .execute(&mut s)
            .expect("upsert")
            .expect("row");
        assert_ne!(new.id, stored.id, "{name}");
        assert_eq!(
            (new.nickname.as_str(), new.score),
            ("newcomer", 0),
            "{name}"
        );
        s.commit().expect("commit");
    }
}

#[test]
fn do_update_all_keeps_a_cuid_key_and_its_now_default() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        let stored = Team::insert(&mut s, NewTeam::new("core", "Core").created_at(long_ago()))
            .expect("insert");
        let up = Team::upsert(NewTeam::new("core", "Core team"))
            .on_conflict(team::slug)
            .do_update_all()
            .execute(&mut s)
            .expect("upsert")
            .expect("row");
        assert_eq!(up.id, stored.id, "{name}: the cuid key changed");
        assert_eq!(up.created_at, long_ago(), "{name}: now() overwrote");
        assert_eq!(up.title, "Core team", "{name}");
        s.commit().expect("commit");
        assert_eq!(Team::query().count(&mut s).expect("count"), 1, "{name}");
    }
}

#[test]
fn an_upsert_with_nothing_to_update_returns_the_stored_row_unchanged() {
    for db in setup() {
        let name = db.name();
        let mut s = db.engine.session().expect("session");
        // An autoincrement() key (never inserted) and defaulted columns.
        let stored = Counter::insert(
            &mut s,
            NewCounter::new("visits").hits(41).seen_at(long_ago()),
        )
        .expect("insert");
        // Every column but the conflict target is left to its default: nothing
        // is updated, and the stored row comes back as it is.
        let up = Counter::upsert(NewCounter::new("visits"))
            .on_conflict(counter::label)
            .do_update_all()
            .execute(&mut s)
            .expect("upsert")
            .expect("the existing row");
        assert_eq!(up, stored, "{name}");
        // The hits are given: updated; the key and seen_at stay.
        let up = Counter::upsert(NewCounter::new("visits").hits(42))
            .on_conflict(counter::label)
            .do_update_all()
            .execute(&mut s)
            .expect("upsert")
            .expect("row");
        assert_eq!(
            (up.id, up.hits, up.seen_at),
            (stored.id, 42, long_ago()),
            "{name}"
        );
        s.commit().expect("commit");
        assert_eq!(Counter::query().count(&mut s).expect("count"), 1, "{name}");
    }
}
