//! Every PostgreSQL native type (`schemas/native_types.prisma`) and every scalar
//! type on SQLite (`schemas/native_types_sqlite.prisma`) round-trips exactly
//! through the generated code: insert, read back, filter by equality and by
//! range, order by, eager-load through a relation, upsert — with boundary
//! values (integer min/max, float extremes, decimal precision limits, timestamp
//! precision, the date range ends chrono can hold, 00:00:00 and 23:59:59.999999,
//! time zones, empty strings, NULL). Some values are cross-checked through a bare
//! driver query. The PostgreSQL half fails when `CI` is set and the server is
//! unreachable.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use std::str::FromStr;

use ormgen::chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, SubsecRound, TimeZone, Utc};
use ormgen::serde_json::json;
use ormgen::{BigDecimal, Error, Session, TimeTz};

fn dec(s: &str) -> BigDecimal {
    BigDecimal::from_str(s).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn time(h: u32, m: u32, s: u32, us: u32) -> NaiveTime {
    NaiveTime::from_hms_micro_opt(h, m, s, us).unwrap()
}

fn utc(d: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
    d.and_time(t).and_utc()
}

fn offset(secs: i32) -> FixedOffset {
    FixedOffset::east_opt(secs).unwrap()
}

/// For each column: `eq` finds exactly the row holding the value, `gt`/`lt`/
/// `between` split the low and high row, and ordering puts low before high.
macro_rules! check_column {
    ($s:expr, $q:path, $m:ident, $col:ident, $lo:expr, $hi:expr) => {{
        use $m as t;
        let ids = |s: &mut Session, q: ormgen::query::Query<_>| -> Vec<i32> {
            let rows: Vec<$q> = q.all(s).expect(stringify!($col));
            rows.iter().map(|r| r.id).collect()
        };
        let (lo, hi) = ($lo, $hi);
        let name = stringify!($col);
        assert_eq!(
            ids($s, <$q>::query().filter(t::$col.eq(lo.clone()))),
            [1],
            "{name} = lo"
        );
        assert_eq!(
            ids($s, <$q>::query().filter(t::$col.eq(hi.clone()))),
            [2],
            "{name} = hi"
        );
        assert_eq!(
            ids($s, <$q>::query().filter(t::$col.gt(lo.clone()))),
            [2],
            "{name} > lo"
        );
        assert_eq!(
            ids($s, <$q>::query().filter(t::$col.lt(hi.clone()))),
            [1],
            "{name} < hi"
        );
        assert_eq!(
            ids(
                $s,
                <$q>::query()
                    .filter(t::$col.between(lo.clone(), hi.clone()))
                    .order_by(t::id.asc())
            ),
            [1, 2],
            "{name} between"
        );
        assert_eq!(
            ids($s, <$q>::query().order_by(t::$col.asc())),
            [1, 2],
            "{name} asc"
        );
        assert_eq!(
            ids($s, <$q>::query().order_by(t::$col.desc())),
            [2, 1],
            "{name} desc"
        );
    }};
}

// ------------------------------------------------------------------ PostgreSQL

mod pg {
    use super::*;
    use ormgen_tests::native_types::*;

    /// A PostgreSQL fixture with the schema's tables. `citext` is created in the
    /// database (outside the test's schema, by an admin connection) and `public`
    /// is appended to the search path so `CITEXT` resolves; the session time
    /// zone is far from UTC so that time zones are exercised.
    pub fn fixture() -> Option<common::Db> {
        let url = common::pg_url();
        if let Ok(mut admin) = postgres::Client::connect(&url, postgres::NoTls) {
            // `CREATE EXTENSION IF NOT EXISTS` is not safe against itself: two
            // tests running it at once can both try to insert the extension
            // (a unique violation on `pg_extension`). A transaction-scoped
            // advisory lock makes the fixtures take turns.
            admin
                .batch_execute(
                    "BEGIN; \
                     SELECT pg_advisory_xact_lock(hashtext('ormgen-tests: create citext')); \
                     CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public; \
                     COMMIT",
                )
                .expect("create extension citext");
        }
        let db = common::postgres(|b| {
            b.after_connect(|c| {
                c.batch_execute(
                    "SELECT set_config('search_path', current_setting('search_path') || ', public', false); \
                     SET TIME ZONE 'Asia/Kathmandu'",
                )
            })
        })?;
        let mut s = db.engine.session().expect("session");
        for st in CREATE_ALL_POSTGRES {
            s.execute(ormgen::Native(st), ()).expect(st);
        }
        s.commit().expect("commit");
        Some(db)
    }

    pub fn low(holder: i32) -> NewNativeRow<'static> {
        NewNativeRow::new(
            1,
            holder,
            i16::MIN,
            i32::MIN,
            0u32,
            i64::MIN,
            dec("-99999999999999999999999999999999999.999999999999999999999999999999"),
            dec("-99999999.99"),
            f32::MIN,
            f64::MIN,
            "",
            "0000000000",
            "",
            "a",
            "0.0.0.0/0",
            "00000000",
            "",
            ormgen::uuid::Uuid::nil(),
            "",
            vec![],
            utc(date(-4713, 11, 24), time(0, 0, 0, 0)),
            utc(date(-4713, 11, 24), time(0, 0, 0, 0)),
            utc(date(1, 1, 1), time(0, 0, 0, 0)),
            date(-4713, 11, 24),
            time(0, 0, 0, 0),
            time(0, 0, 0, 0),
            TimeTz::new(time(0, 0, 0, 0), offset(15 * 3600 + 59 * 60)),
            false,
            json!(null),
            json!(null),
        )
    }

    pub fn high(holder: i32) -> NewNativeRow<'static> {
        NewNativeRow::new(
            2,
            holder,
            i16::MAX,
            i32::MAX,
            u32::MAX,
            i64::MAX,
            dec("99999999999999999999999999999999999.999999999999999999999999999999"),
            dec("99999999.99"),
            f32::MAX,
            f64::MAX,
            "grüße, 世界 ✓ ".repeat(17),
            "zzzzzzzzzz",
            "grüße, 世界 ✓ \u{10FFFF}",
            "Z",
            "2001:db8::1/64",
            "11111111",
            "1111111111111111",
            ormgen::uuid::Uuid::max(),
            "<a x=\"1\">é &amp; ü</a>",
            vec![0u8, 255, 0],
            utc(date(262142, 12, 31), time(23, 59, 59, 0)),
            utc(date(262142, 12, 31), time(23, 59, 59, 999_999)),
            utc(date(9999, 12, 31), time(23, 59, 59, 999_000)),
            date(262142, 12, 31),
            time(23, 59, 59, 999_999),
            time(23, 59, 59, 0),
            TimeTz::new(time(23, 59, 59, 999_999), offset(-(15 * 3600 + 59 * 60))),
            true,
            json!({"b": [1, 2.5, "x"], "a": {}}),
            json!({"a": [1, 2]}),
        )
        .small_int_opt(i16::MIN)
        .oid_opt(u32::MAX)
        .real_opt(f32::MIN_POSITIVE)
        .citext_opt("Mixed")
        .inet_opt("::1")
        .bit_opt("")
        .xml_opt("<r/>")
        .date_opt(date(2024, 2, 29))
        .time_opt(time(12, 0, 0, 1))
        .timetz_opt(TimeTz::new(time(10, 0, 0, 0), offset(5 * 3600 + 45 * 60)))
    }

    /// Every column of a stored row equals what was inserted (CHAR(10) values
    /// are 10 characters long, so they come back unpadded).
    pub fn assert_row(row: &NativeRow, new: &NewNativeRow<'_>) {
        assert_eq!(row.id, new.id);
        assert_eq!(row.small_int, new.small_int);
        assert_eq!(row.integer, new.integer);
        assert_eq!(row.oid, new.oid);
        assert_eq!(row.big_int, new.big_int);
        assert_eq!(row.decimal, new.decimal);
        assert_eq!(row.decimal_ps, new.decimal_ps);
        assert_eq!(row.real, new.real);
        assert_eq!(row.double_precision, new.double_precision);
        assert_eq!(row.var_char, new.var_char);
        assert_eq!(row.char10, new.char10);
        assert_eq!(row.text, new.text);
        assert_eq!(row.citext, new.citext);
        assert_eq!(row.inet, new.inet);
        assert_eq!(row.bit8, new.bit8);
        assert_eq!(row.var_bit, new.var_bit);
        assert_eq!(row.uuid, new.uuid);
        assert_eq!(row.xml, new.xml);
        assert_eq!(row.byte_a, new.byte_a);
        assert_eq!(row.timestamp0, new.timestamp0);
        assert_eq!(row.timestamp6, new.timestamp6);
        assert_eq!(row.timestamptz3, new.timestamptz3);
        assert_eq!(row.date, new.date);
        assert_eq!(row.time, new.time);
        assert_eq!(row.time0, new.time0);
        assert_eq!(row.timetz, new.timetz);
        assert_eq!(row.boolean, new.boolean);
        assert_eq!(row.json, new.json);
        assert_eq!(row.json_b, new.json_b);
        assert_eq!(row.small_int_opt, new.small_int_opt);
        assert_eq!(row.oid_opt, new.oid_opt);
        assert_eq!(row.real_opt, new.real_opt);
        assert_eq!(row.citext_opt.as_deref(), new.citext_opt.as_deref());
        assert_eq!(row.inet_opt.as_deref(), new.inet_opt.as_deref());
        assert_eq!(row.bit_opt.as_deref(), new.bit_opt.as_deref());
        assert_eq!(row.xml_opt.as_deref(), new.xml_opt.as_deref());
        assert_eq!(row.date_opt, new.date_opt);
        assert_eq!(row.time_opt, new.time_opt);
        assert_eq!(row.timetz_opt, new.timetz_opt);
    }
}

#[test]
fn postgres_native_types_round_trip() {
    use ormgen_tests::native_types::*;
    let Some(db) = pg::fixture() else { return };
    let mut s = db.engine.session().expect("session");
    Holder::insert(&mut s, NewHolder::new(1, "h")).expect("holder");

    // Insert and read back (RETURNING), then by key.
    for new in [pg::low(1), pg::high(1)] {
        let stored = NativeRow::insert(&mut s, new.clone()).expect("insert");
        pg::assert_row(&stored, &new);
        let got = NativeRow::get(&mut s, new.id).expect("get").expect("row");
        pg::assert_row(&got, &new);
    }

    // Equality, range and order on every type with an ordering operator
    // (`json` and `xml` have none in PostgreSQL).
    check_column!(&mut s, NativeRow, native_row, small_int, i16::MIN, i16::MAX);
    check_column!(&mut s, NativeRow, native_row, integer, i32::MIN, i32::MAX);
    check_column!(&mut s, NativeRow, native_row, oid, 0u32, u32::MAX);
    check_column!(&mut s, NativeRow, native_row, big_int, i64::MIN, i64::MAX);
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        decimal,
        pg::low(1).decimal,
        pg::high(1).decimal
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        decimal_ps,
        dec("-99999999.99"),
        dec("99999999.99")
    );
    check_column!(&mut s, NativeRow, native_row, real, f32::MIN, f32::MAX);
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        double_precision,
        f64::MIN,
        f64::MAX
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        var_char,
        String::new(),
        pg::high(1).var_char.into_owned()
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        char10,
        "0000000000",
        "zzzzzzzzzz"
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        text,
        "",
        pg::high(1).text.into_owned()
    );
    check_column!(&mut s, NativeRow, native_row, citext, "A", "z");
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        inet,
        "0.0.0.0/0",
        "2001:db8::1/64"
    );
    check_column!(&mut s, NativeRow, native_row, bit8, "00000000", "11111111");
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        var_bit,
        "",
        "1111111111111111"
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        uuid,
        ormgen::uuid::Uuid::nil(),
        ormgen::uuid::Uuid::max()
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        byte_a,
        Vec::<u8>::new(),
        vec![0u8, 255, 0]
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        timestamp0,
        pg::low(1).timestamp0,
        pg::high(1).timestamp0
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        timestamp6,
        pg::low(1).timestamp6,
        pg::high(1).timestamp6
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        timestamptz3,
        pg::low(1).timestamptz3,
        pg::high(1).timestamptz3
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        date,
        date(-4713, 11, 24),
        date(262142, 12, 31)
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        time,
        time(0, 0, 0, 0),
        time(23, 59, 59, 999_999)
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        time0,
        time(0, 0, 0, 0),
        time(23, 59, 59, 0)
    );
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        timetz,
        pg::low(1).timetz,
        pg::high(1).timetz
    );
    check_column!(&mut s, NativeRow, native_row, boolean, false, true);
    check_column!(
        &mut s,
        NativeRow,
        native_row,
        json_b,
        json!(null),
        json!({"a": [1, 2]})
    );

    // NULL in optional columns: row 1 holds NULLs, row 2 values.
    let ids = |s: &mut Session, q: ormgen::query::Query<_>| -> Vec<i32> {
        let rows: Vec<NativeRow> = q.order_by(native_row::id.asc()).all(s).expect("query");
        rows.iter().map(|r| r.id).collect()
    };
    assert_eq!(
        ids(
            &mut s,
            NativeRow::query().filter(native_row::date_opt.is_null())
        ),
        [1]
    );
    assert_eq!(
        ids(
            &mut s,
            NativeRow::query().filter(native_row::timetz_opt.is_not_null())
        ),
        [2]
    );
    assert_eq!(
        ids(
            &mut s,
            NativeRow::query().filter(native_row::oid_opt.eq(u32::MAX))
        ),
        [2]
    );
    assert_eq!(
        ids(
            &mut s,
            NativeRow::query().filter(native_row::citext_opt.eq("mIXED"))
        ),
        [2]
    );
    assert_eq!(
        ids(
            &mut s,
            NativeRow::query().filter(native_row::inet_opt.eq("::1"))
        ),
        [2]
    );
    assert_eq!(
        ids(
            &mut s,
            NativeRow::query().filter(native_row::bit_opt.eq(""))
        ),
        [2]
    );

    // Eager loading through the relation decodes every column the same way.
    let loaded = Holder::query()
        .with(holder::rows)
        .all(&mut s)
        .expect("eager");
    assert_eq!(loaded.len(), 1);
    let mut rows = loaded[0].1.clone();
    rows.sort_by_key(|r| r.id);
    pg::assert_row(&rows[0], &pg::low(1));
    pg::assert_row(&rows[1], &pg::high(1));

    // Upsert on the key: every column of the low row takes the high values.
    let mut new = pg::high(1);
    new.id = 1;
    let up = NativeRow::upsert(new.clone())
        .on_conflict(native_row::id)
        .do_update_all()
        .execute(&mut s)
        .expect("upsert")
        .expect("row");
    pg::assert_row(&up, &new);
    let mut new = pg::low(1);
    new.id = 3;
    let inserted = NativeRow::upsert(new.clone())
        .on_conflict(native_row::id)
        .do_update_all()
        .execute(&mut s)
        .expect("upsert insert")
        .expect("row");
    pg::assert_row(&inserted, &new);
    // Updates bind the new types too.
    let n = NativeRow::update()
        .set(native_row::date.to(date(2000, 1, 1)))
        .set(native_row::timetz.to(TimeTz::utc(time(1, 2, 3, 4))))
        .set(native_row::oid.to(42u32))
        .set(native_row::inet.to("192.168.0.1"))
        .set(native_row::small_int_opt.to(None::<i16>))
        .filter(native_row::id.eq(3))
        .execute(&mut s)
        .expect("update");
    assert_eq!(n, 1);

    // Cross-check through a bare driver query: PostgreSQL's own text forms.
    s.commit().expect("commit");
    let mut raw = db.admin();
    let schema = db.schema.clone().unwrap();
    raw.batch_execute(&format!(
        "SET search_path TO {schema}, public; SET TIME ZONE 'Asia/Kathmandu'"
    ))
    .unwrap();
    let r = raw
        .query_one(
            "SELECT \"smallInt\"::text, oid::text, \"decimalPS\"::text, real::text, format('%s', inet), bit8::text, \
             \"varBit\"::text, date::text, time::text, timetz::text, timestamptz3::text, xml::text, citext::text \
             FROM \"NativeRow\" WHERE id = 1",
            &[],
        )
        .unwrap();
    let texts: Vec<String> = (0..13).map(|i| r.get(i)).collect();
    assert_eq!(
        texts,
        [
            "32767",
            "4294967295",
            "99999999.99",
            "3.4028235e+38",
            "2001:db8::1/64",
            "11111111",
            "1111111111111111",
            "262142-12-31",
            "23:59:59.999999",
            "23:59:59.999999-15:59",
            "10000-01-01 05:44:59.999+05:45",
            "<a x=\"1\">é &amp; ü</a>",
            "Z",
        ]
    );
    let r = raw
        .query_one(
            "SELECT date::text, \"smallIntOpt\" IS NULL, timetz::text, oid::text, format('%s', inet) FROM \"NativeRow\" WHERE id = 3",
            &[],
        )
        .unwrap();
    assert_eq!(r.get::<_, String>(0), "2000-01-01");
    assert!(r.get::<_, bool>(1));
    assert_eq!(r.get::<_, String>(2), "01:02:03.000004+00");
    assert_eq!(r.get::<_, String>(3), "42");
    assert_eq!(r.get::<_, String>(4), "192.168.0.1");
    // Written by the driver, read by ormgen: PostgreSQL's BC dates and text inputs.
    raw.execute(
        "UPDATE \"NativeRow\" SET date = '4714-11-24 BC', time = '00:00', timetz = '12:30:00-03:30', \
         inet = '10.0.0.0/8', \"varBit\" = B'101', timestamptz3 = '2024-06-01 12:00:00+02' WHERE id = 3",
        &[],
    )
    .unwrap();
    let got = NativeRow::get(&mut s, 3).expect("get").expect("row");
    assert_eq!(got.date, date(-4713, 11, 24));
    assert_eq!(got.time, time(0, 0, 0, 0));
    assert_eq!(
        got.timetz,
        TimeTz::new(time(12, 30, 0, 0), offset(-(3 * 3600 + 1800)))
    );
    assert_eq!(got.inet, "10.0.0.0/8");
    assert_eq!(got.var_bit, "101");
    assert_eq!(
        got.timestamptz3,
        Utc.with_ymd_and_hms(2024, 6, 1, 10, 0, 0).unwrap()
    );

    // The unit of work and `save` bind every type too.
    let mut new = pg::high(1);
    new.id = 5;
    s.add(new.clone());
    s.commit().expect("unit of work");
    let mut got = NativeRow::get(&mut s, 5).expect("get").expect("row");
    pg::assert_row(&got, &new);
    got.date = date(1999, 12, 31);
    got.time = time(0, 0, 0, 1);
    got.timetz = TimeTz::new(time(1, 0, 0, 0), offset(-3600));
    got.small_int = -1;
    got.real = f32::EPSILON;
    got.bit8 = "10000001".into();
    got.xml_opt = None;
    let saved = got.save(&mut s).expect("save").expect("row");
    assert_eq!(saved, got);

    // Values the database cannot hold exactly are typed errors, never a silent change.
    raw.execute(
        "UPDATE \"NativeRow\" SET time0 = '23:59:59.6' WHERE id = 3",
        &[],
    )
    .unwrap();
    let err = NativeRow::get(&mut s, 3).expect_err("24:00:00 is not a NaiveTime");
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    // A failed statement fails the session's transaction: roll it back to go on.
    s.rollback().expect("rollback");
    let mut bad = pg::low(1);
    bad.id = 4;
    bad.inet = "300.0.0.1".into();
    let err = NativeRow::insert(&mut s, bad).expect_err("not an address");
    assert!(err.to_string().contains("300.0.0.1"), "{err}");
    s.rollback().expect("rollback");
    let mut bad = pg::low(1);
    bad.id = 4;
    bad.bit8 = "0000000x".into();
    let err = NativeRow::insert(&mut s, bad).expect_err("not bits");
    assert!(err.to_string().contains("bit string"), "{err}");
    s.rollback().expect("rollback");
    let mut bad = pg::low(1);
    bad.id = 4;
    bad.decimal_ps = dec("100000000.00");
    assert!(
        NativeRow::insert(&mut s, bad).is_err(),
        "DECIMAL(10,2) overflow"
    );
}

#[test]
fn postgres_native_defaults() {
    use ormgen_tests::native_types::*;
    let Some(db) = pg::fixture() else { return };
    let mut s = db.engine.session().expect("session");
    let before = Utc::now();
    let d = Dated::insert(&mut s, NewDated::new()).expect("insert defaults");
    let after = Utc::now();
    // `now()`: the UTC date and time of day (milliseconds, like `now()` on
    // timestamps) at insert time.
    if before.date_naive() == after.date_naive() {
        assert_eq!(d.day, before.date_naive());
        assert!(
            before.trunc_subsecs(3).time() <= d.clock && d.clock <= after.time(),
            "{before} <= {} <= {after}",
            d.clock
        );
    }
    // The literal's own date and time of day, as PostgreSQL casts it.
    assert_eq!(d.fixed_day, date(2020, 1, 31));
    assert_eq!(d.at, time(12, 34, 56, 500_000));
    assert_eq!(d.at_tz, TimeTz::new(time(12, 34, 56, 0), offset(2 * 3600)));
    assert_eq!((d.small, d.oid, d.real), (i16::MIN, 7u32, 1.5f32));
    // The database's own defaults agree.
    let mut raw = db.admin();
    let schema = db.schema.clone().unwrap();
    let r = raw
        .query_one(
            &format!("INSERT INTO {schema}.\"Dated\" DEFAULT VALUES RETURNING id"),
            &[],
        )
        .unwrap();
    let id: i32 = r.get(0);
    let db_row = Dated::get(&mut s, id).expect("get").expect("row");
    assert_eq!(
        (
            db_row.fixed_day,
            db_row.at,
            db_row.at_tz,
            db_row.small,
            db_row.oid,
            db_row.real
        ),
        (d.fixed_day, d.at, d.at_tz, d.small, d.oid, d.real)
    );
}

// ------------------------------------------------------------------ SQLite

mod lite {
    use super::*;
    use ormgen_tests::native_types_sqlite::*;

    pub fn low(holder: i32) -> NewScalarRow<'static> {
        NewScalarRow::new(
            1,
            holder,
            "",
            false,
            i32::MIN,
            i64::MIN,
            f64::MIN,
            // NUMERIC affinity keeps at most 15 significant digits (see value.rs).
            dec("-999999999999.999"),
            utc(date(1, 1, 1), time(0, 0, 0, 0)),
            json!(null),
            vec![],
        )
    }

    pub fn high(holder: i32) -> NewScalarRow<'static> {
        NewScalarRow::new(
            2,
            holder,
            "grüße, 世界 ✓ \u{10FFFF}",
            true,
            i32::MAX,
            i64::MAX,
            f64::MAX,
            dec("999999999999.999"),
            utc(date(9999, 12, 31), time(23, 59, 59, 999_000)),
            json!({"a": [1, 2.5, "x"]}),
            vec![0u8, 255, 0],
        )
        .string_opt("")
        .boolean_opt(false)
        .int_opt(0)
        .big_int_opt(-1i64)
        .float_opt(f64::MIN_POSITIVE)
        .decimal_opt(dec("0.000000000000001"))
        .date_time_opt(utc(date(2024, 2, 29), time(12, 0, 0, 1_000)))
        .json_opt(json!([]))
        .bytes_opt(vec![])
    }

    pub fn assert_row(row: &ScalarRow, new: &NewScalarRow<'_>) {
        assert_eq!(row.id, new.id);
        assert_eq!(row.string, new.string);
        assert_eq!(row.string_opt.as_deref(), new.string_opt.as_deref());
        assert_eq!(row.boolean, new.boolean);
        assert_eq!(row.boolean_opt, new.boolean_opt);
        assert_eq!(row.int, new.int);
        assert_eq!(row.int_opt, new.int_opt);
        assert_eq!(row.big_int, new.big_int);
        assert_eq!(row.big_int_opt, new.big_int_opt);
        assert_eq!(row.float, new.float);
        assert_eq!(row.float_opt, new.float_opt);
        assert_eq!(row.decimal, new.decimal);
        assert_eq!(row.decimal_opt, new.decimal_opt);
        assert_eq!(row.date_time, new.date_time);
        assert_eq!(row.date_time_opt, new.date_time_opt);
        assert_eq!(row.json, new.json);
        assert_eq!(row.json_opt, new.json_opt);
        assert_eq!(row.bytes, new.bytes);
        assert_eq!(row.bytes_opt, new.bytes_opt);
    }
}

#[test]
fn sqlite_scalar_types_round_trip() {
    use ormgen_tests::native_types_sqlite::*;
    let db = common::sqlite_file(|b| b);
    let mut s = db.engine.session().expect("session");
    for st in CREATE_ALL_SQLITE {
        s.execute(ormgen::Native(st), ()).expect(st);
    }
    Holder::insert(&mut s, NewHolder::new(1, "h")).expect("holder");
    for new in [lite::low(1), lite::high(1)] {
        let stored = ScalarRow::insert(&mut s, new.clone()).expect("insert");
        lite::assert_row(&stored, &new);
        let got = ScalarRow::get(&mut s, new.id).expect("get").expect("row");
        lite::assert_row(&got, &new);
    }

    check_column!(
        &mut s,
        ScalarRow,
        scalar_row,
        string,
        "",
        "grüße, 世界 ✓ \u{10FFFF}"
    );
    check_column!(&mut s, ScalarRow, scalar_row, boolean, false, true);
    check_column!(&mut s, ScalarRow, scalar_row, int, i32::MIN, i32::MAX);
    check_column!(&mut s, ScalarRow, scalar_row, big_int, i64::MIN, i64::MAX);
    check_column!(&mut s, ScalarRow, scalar_row, float, f64::MIN, f64::MAX);
    check_column!(
        &mut s,
        ScalarRow,
        scalar_row,
        decimal,
        dec("-999999999999.999"),
        dec("999999999999.999")
    );
    check_column!(
        &mut s,
        ScalarRow,
        scalar_row,
        date_time,
        lite::low(1).date_time,
        lite::high(1).date_time
    );
    check_column!(
        &mut s,
        ScalarRow,
        scalar_row,
        bytes,
        Vec::<u8>::new(),
        vec![0u8, 255, 0]
    );

    let ids = |s: &mut Session, q: ormgen::query::Query<_>| -> Vec<i32> {
        let rows: Vec<ScalarRow> = q.order_by(scalar_row::id.asc()).all(s).expect("query");
        rows.iter().map(|r| r.id).collect()
    };
    assert_eq!(
        ids(
            &mut s,
            ScalarRow::query().filter(scalar_row::string_opt.is_null())
        ),
        [1]
    );
    assert_eq!(
        ids(
            &mut s,
            ScalarRow::query().filter(scalar_row::string_opt.eq(""))
        ),
        [2]
    );
    assert_eq!(
        ids(
            &mut s,
            ScalarRow::query().filter(scalar_row::bytes_opt.eq(Vec::<u8>::new()))
        ),
        [2]
    );

    let loaded = Holder::query()
        .with(holder::rows)
        .all(&mut s)
        .expect("eager");
    let mut rows = loaded[0].1.clone();
    rows.sort_by_key(|r| r.id);
    lite::assert_row(&rows[0], &lite::low(1));
    lite::assert_row(&rows[1], &lite::high(1));

    let mut new = lite::high(1);
    new.id = 1;
    let up = ScalarRow::upsert(new.clone())
        .on_conflict(scalar_row::id)
        .do_update_all()
        .execute(&mut s)
        .expect("upsert")
        .expect("row");
    lite::assert_row(&up, &new);

    // Cross-check the stored forms through the driver.
    let (dt, dec_kind, dec_real, big): (String, String, f64, i64) = s
        .query_one(
            "SELECT \"dateTime\", typeof(\"decimal\"), \"decimal\", \"bigInt\" FROM \"ScalarRow\" WHERE id = 2",
            (),
        )
        .expect("raw");
    assert_eq!(
        (dt.as_str(), dec_kind.as_str(), dec_real, big),
        (
            "9999-12-31 23:59:59.999",
            "real",
            999999999999.999,
            i64::MAX
        )
    );
}
