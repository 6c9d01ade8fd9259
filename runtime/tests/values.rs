//! Every scalar type round-trips on both backends; wrong types give decode errors.

mod common;

use std::str::FromStr;

use ormgen::chrono::{DateTime, TimeZone, Utc};
use ormgen::{BigDecimal, DbEnum, Error, Value};

fn roundtrip<T>(db: &common::Db, sqlite_type: &str, pg_type: &str, value: T) -> T
where
    T: ormgen::ToParam + ormgen::FromColumn + std::fmt::Debug,
{
    let mut s = db.engine.session().unwrap();
    let ty = db.sql(sqlite_type, pg_type);
    s.batch_execute(&format!(
        "drop table if exists rt; create table rt (v {ty})"
    ))
    .unwrap();
    s.execute("insert into rt (v) values (?)", (&value,))
        .unwrap();
    let back: T = s.query_one("select v from rt", ()).unwrap();
    s.rollback().unwrap();
    back
}

fn check<T>(db: &common::Db, sqlite_type: &str, pg_type: &str, value: T)
where
    T: ormgen::ToParam + ormgen::FromColumn + std::fmt::Debug + PartialEq + Clone,
{
    let back = roundtrip(db, sqlite_type, pg_type, value.clone());
    assert_eq!(back, value, "{} {pg_type}", db.name());
}

#[test]
fn null_bool_and_integers() {
    for db in common::all() {
        check(&db, "BOOLEAN", "BOOLEAN", true);
        check(&db, "BOOLEAN", "BOOLEAN", false);
        check(&db, "BOOLEAN", "BOOLEAN", None::<bool>);
        for v in [i32::MIN, -1, 0, 1, i32::MAX] {
            check(&db, "INTEGER", "INTEGER", v);
        }
        for v in [i64::MIN, -1, 0, i64::MAX] {
            check(&db, "BIGINT", "BIGINT", v);
        }
        check(&db, "INTEGER", "INTEGER", None::<i32>);
        check(&db, "BIGINT", "BIGINT", Some(42i64));
        check(&db, "INTEGER", "SMALLINT", i16::MIN);
    }
}

#[test]
fn floats_and_non_finite() {
    for db in common::all() {
        for v in [
            0.0,
            -0.0,
            1.5,
            -1e300,
            f64::MIN_POSITIVE,
            f64::MAX,
            std::f64::consts::PI,
        ] {
            check(&db, "REAL", "DOUBLE PRECISION", v);
        }
        check(&db, "REAL", "DOUBLE PRECISION", f64::INFINITY);
        check(&db, "REAL", "DOUBLE PRECISION", f64::NEG_INFINITY);
        if db.is_pg() {
            // PostgreSQL keeps NaN.
            assert!(roundtrip(&db, "REAL", "DOUBLE PRECISION", f64::NAN).is_nan());
        } else {
            // SQLite stores NaN as NULL: `Option<f64>` reads None, `f64` is a decode error.
            assert_eq!(
                roundtrip(&db, "REAL", "DOUBLE PRECISION", Some(f64::NAN)),
                None
            );
            let mut s = db.engine.session().unwrap();
            s.batch_execute("create table nan (v REAL)").unwrap();
            s.execute("insert into nan values (?)", (f64::NAN,))
                .unwrap();
            let err = s.query_one::<f64>("select v from nan", ()).unwrap_err();
            assert!(
                matches!(err, Error::Decode { ref found, .. } if found == "NULL"),
                "{err}"
            );
        }
    }
}

#[test]
fn strings_and_blobs() {
    for db in common::all() {
        check(&db, "TEXT", "TEXT", String::new());
        check(
            &db,
            "TEXT",
            "TEXT",
            "héllo wörld — 日本語 🎉 \u{0001}'\"".to_owned(),
        );
        check(&db, "TEXT", "VARCHAR(255)", "varchar".to_owned());
        check(&db, "TEXT", "TEXT", None::<String>);
        check(&db, "BLOB", "BYTEA", Vec::<u8>::new());
        check(&db, "BLOB", "BYTEA", vec![0u8, 1, 2, 255]);
        let big: Vec<u8> = (0..10 * 1024 * 1024)
            .map(|i: u32| (i.wrapping_mul(2654435761) >> 24) as u8)
            .collect();
        check(&db, "BLOB", "BYTEA", big);
        // Borrowed forms bind too.
        let mut s = db.engine.session().unwrap();
        let t: String = s.query_one("select ?", ("borrowed",)).unwrap_or_else(|_| {
            s.rollback().unwrap();
            s.query_one(db.sql("select ?", "select ?::text"), ("borrowed",))
                .unwrap()
        });
        assert_eq!(t, "borrowed");
    }
}

#[test]
fn decimals() {
    let full = "12345678901234567890123456789012345.123456789012345678901234567890"; // 65 digits, 30 fractional
    for db in common::all() {
        if db.is_pg() {
            for v in [
                full,
                "-12345678901234567890123456789012345.123456789012345678901234567890",
                "0",
                "0.000000000000000000000000000001",
                "-0.5",
                "100",
            ] {
                let d = BigDecimal::from_str(v).unwrap();
                let back = roundtrip(&db, "DECIMAL", "DECIMAL(65,30)", d.clone());
                assert_eq!(back, d, "{v}");
            }
            // The column's scale pads the display: 1.5 comes back as 1.500000000000000000000000000000.
            let back = roundtrip(
                &db,
                "DECIMAL",
                "DECIMAL(65,30)",
                BigDecimal::from_str("1.5").unwrap(),
            );
            assert_eq!(back.to_string(), "1.500000000000000000000000000000");
            // Unconstrained NUMERIC keeps the given scale.
            let back = roundtrip(
                &db,
                "DECIMAL",
                "NUMERIC",
                BigDecimal::from_str("1.50").unwrap(),
            );
            assert_eq!(back.to_string(), "1.50");
        } else {
            // NUMERIC affinity: integers and up to ~15 significant digits round-trip.
            for v in [
                "0",
                "-0.5",
                "123.25",
                "100",
                "9223372036854775807",
                "12345.6789012345",
            ] {
                let d = BigDecimal::from_str(v).unwrap();
                assert_eq!(roundtrip(&db, "DECIMAL", "", d.clone()), d, "{v}");
            }
            // More digits are rounded to a double by SQLite (documented limitation)…
            let back = roundtrip(&db, "DECIMAL", "", BigDecimal::from_str(full).unwrap());
            assert_ne!(back, BigDecimal::from_str(full).unwrap());
            // …unless the column is TEXT.
            let d = BigDecimal::from_str(full).unwrap();
            assert_eq!(roundtrip(&db, "TEXT", "", d.clone()), d);
        }
        check(&db, "DECIMAL", "DECIMAL(65,30)", None::<BigDecimal>);
    }
}

#[test]
fn datetimes() {
    let ms = Utc.with_ymd_and_hms(2024, 2, 29, 23, 59, 58).unwrap()
        + ormgen::chrono::TimeDelta::milliseconds(123);
    for db in common::all() {
        check(&db, "DATETIME", "TIMESTAMP(3)", ms);
        check(&db, "DATETIME", "TIMESTAMPTZ", ms);
        check(
            &db,
            "DATETIME",
            "TIMESTAMP(3)",
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).unwrap(),
        );
        check(
            &db,
            "DATETIME",
            "TIMESTAMP(3)",
            Utc.with_ymd_and_hms(1900, 12, 31, 1, 2, 3).unwrap(),
        );
        check(&db, "DATETIME", "TIMESTAMP(3)", None::<DateTime<Utc>>);
        // Sub-millisecond precision is rounded to the millisecond on both.
        let micro = ms + ormgen::chrono::TimeDelta::microseconds(600);
        let back = roundtrip(&db, "DATETIME", "TIMESTAMP(3)", micro);
        assert_eq!(
            back,
            ms + ormgen::chrono::TimeDelta::milliseconds(1),
            "{}",
            db.name()
        );

        let mut s = db.engine.session().unwrap();
        s.batch_execute(db.sql(
            "create table ts (id integer primary key, at DATETIME not null default CURRENT_TIMESTAMP)",
            "create table ts (id serial primary key, at TIMESTAMP(3) not null default CURRENT_TIMESTAMP)",
        ))
        .unwrap();
        s.execute("insert into ts default values", ()).unwrap();
        let now: DateTime<Utc> = s.query_one("select at from ts", ()).unwrap();
        assert!(
            (Utc::now() - now).num_seconds().abs() < 120,
            "default timestamp {now} on {}",
            db.name()
        );
        // Stored text compares with CURRENT_TIMESTAMP defaults on SQLite.
        let past = Utc::now() - ormgen::chrono::TimeDelta::days(1);
        let n: i64 = s
            .query_one("select count(*) from ts where at > ?", (past,))
            .unwrap();
        assert_eq!(n, 1, "{}", db.name());
        if !db.is_pg() {
            // Other stored forms decode too.
            let t: DateTime<Utc> = s
                .query_one("select '2024-02-29T23:59:58.123Z'", ())
                .unwrap();
            assert_eq!(t, ms);
            let t: DateTime<Utc> = s.query_one("select 1709251198123", ()).unwrap();
            assert_eq!(t, ms);
        }
    }
}

#[test]
fn json() {
    let nested =
        serde_json::json!({"a": [1, 2.5, {"b": null, "c": "ü"}], "d": true, "e": {"f": {"g": []}}});
    for db in common::all() {
        check(&db, "JSONB", "JSONB", nested.clone());
        check(&db, "JSONB", "JSON", nested.clone());
        // Scalars: SQLite's JSONB column has NUMERIC affinity and returns 123 as an integer.
        check(&db, "JSONB", "JSONB", serde_json::json!(123));
        check(&db, "JSONB", "JSONB", serde_json::json!(1.5));
        check(&db, "JSONB", "JSONB", serde_json::json!("text"));
        check(&db, "JSONB", "JSONB", serde_json::json!(null));
        check(&db, "JSONB", "JSONB", None::<serde_json::Value>);
    }
}

#[test]
fn uuids() {
    let u = uuid::Uuid::from_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap();
    for db in common::all() {
        check(&db, "TEXT", "UUID", u);
        check(&db, "TEXT", "UUID", uuid::Uuid::nil());
        check(&db, "TEXT", "UUID", None::<uuid::Uuid>);
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Member,
    Admin,
}

impl DbEnum for Role {
    const PG_TYPE: &'static str = "Role";
    fn as_db_str(&self) -> &'static str {
        match self {
            Role::Member => "MEMBER",
            Role::Admin => "admin",
        }
    }
    fn from_db_str(s: &str) -> Option<Self> {
        match s {
            "MEMBER" => Some(Role::Member),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}
ormgen::impl_db_enum!(Role);

#[test]
fn enums() {
    for db in common::all() {
        let mut s = db.engine.session().unwrap();
        // Each decode error below would fail a transaction: run without one.
        s.set_autocommit(true).unwrap();
        if db.is_pg() {
            s.batch_execute(r#"create type "Role" as enum ('MEMBER', 'admin')"#)
                .unwrap();
        }
        s.batch_execute(db.sql(
            "create table u (id integer primary key, role TEXT not null, r2 TEXT)",
            r#"create table u (id serial primary key, role "Role" not null, r2 "Role")"#,
        ))
        .unwrap();
        s.execute(
            "insert into u (role, r2) values (?, ?)",
            (Role::Admin, None::<Role>),
        )
        .unwrap();
        s.execute(
            "insert into u (role, r2) values (?, ?)",
            (Role::Member, Some(Role::Admin)),
        )
        .unwrap();
        let rows: Vec<(Role, Option<Role>)> = s
            .query_as("select role, r2 from u order by id", ())
            .unwrap();
        assert_eq!(
            rows,
            vec![(Role::Admin, None), (Role::Member, Some(Role::Admin))]
        );
        // Filtering by an enum parameter.
        let n: i64 = s
            .query_one("select count(*) from u where role = ?", (Role::Member,))
            .unwrap();
        assert_eq!(n, 1);
        // Text binds to the enum too, and an unknown label is a decode error.
        s.execute("insert into u (role) values (?)", ("MEMBER",))
            .unwrap();
        let err = s
            .query_one::<Role>(db.sql("select 'boss'", "select 'boss'::text"), ())
            .unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err}");
        s.commit().unwrap();
    }
}

#[test]
fn dynamic_values() {
    for db in common::all() {
        let mut s = db.engine.session().unwrap();
        s.batch_execute(db.sql(
            "create table d (i BIGINT, t TEXT, b BLOB, f REAL, n TEXT)",
            "create table d (i BIGINT, t TEXT, b BYTEA, f DOUBLE PRECISION, n TEXT)",
        ))
        .unwrap();
        let vals = vec![
            Value::I64(7),
            Value::from("x"),
            Value::Bytes(vec![1]),
            Value::F64(0.5),
            Value::Null,
        ];
        s.execute("insert into d values (?, ?, ?, ?, ?)", &vals)
            .unwrap();
        let rows = s.query("select i, t, b, f, n from d", ()).unwrap();
        assert_eq!(rows.len(), 1);
        let row = &rows[0];
        let got: Vec<Value> = (0..5).map(|i| row.get::<Value>(i).unwrap()).collect();
        assert_eq!(got, vals);
        assert_eq!(row.get::<String>("t").unwrap(), "x");
        assert_eq!(row.column_name(3), Some("f"));
        assert!(matches!(
            row.get::<i64>("nope"),
            Err(Error::NoSuchColumn(_))
        ));
    }
}

#[test]
fn wrong_types_are_decode_errors() {
    for db in common::all() {
        let mut s = db.engine.session().unwrap();
        // Each decode error below would fail a transaction: run without one.
        s.set_autocommit(true).unwrap();
        s.batch_execute(
            "create table w (id integer primary key, name text, big bigint, flag boolean)",
        )
        .unwrap();
        s.execute(
            "insert into w (id, name, big, flag) values (1, 'x', 5000000000, true)",
            (),
        )
        .unwrap();
        s.execute("insert into w (id, name) values (2, null)", ())
            .unwrap();
        let e = s
            .query_one::<i64>("select name from w where id = 1", ())
            .unwrap_err();
        match e {
            Error::Decode {
                column,
                expected,
                found,
            } => {
                assert_eq!(column, "name");
                assert_eq!(expected, "i64");
                assert!(found.eq_ignore_ascii_case("text"), "{found}");
            }
            other => panic!("{other:?}"),
        }
        let e = s
            .query_one::<String>("select name from w where id = 2", ())
            .unwrap_err();
        assert!(
            matches!(&e, Error::Decode { found, .. } if found.starts_with("NULL")),
            "{e}"
        );
        let e = s
            .query_one::<bool>("select name from w where id = 1", ())
            .unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{e}");
        let e = s
            .query_one::<uuid::Uuid>("select name from w where id = 1", ())
            .unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{e}");
        let e = s
            .query_one::<Vec<u8>>("select id from w where id = 1", ())
            .unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{e}");
        let e = s
            .query_one::<DateTime<Utc>>("select name from w where id = 1", ())
            .unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{e}");
        if db.is_pg() {
            // PostgreSQL knows the column type: bigint into i32 is refused.
            let e = s
                .query_one::<i32>("select big from w where id = 1", ())
                .unwrap_err();
            assert!(matches!(e, Error::Decode { .. }), "{e}");
        } else {
            // SQLite: out of range for i32.
            let e = s
                .query_one::<i32>("select big from w where id = 1", ())
                .unwrap_err();
            assert!(
                matches!(&e, Error::Decode { found, .. } if found.contains("out of range")),
                "{e}"
            );
        }
        // A bad parameter type is an error, not a panic.
        if db.is_pg() {
            let e = s
                .execute("insert into w (id, name) values (?, ?)", (3i32, 5i32))
                .unwrap_err();
            assert!(matches!(e, Error::Sql { .. }), "{e}");
        }
    }
}

#[test]
fn arrays_on_postgres_and_a_typed_error_on_sqlite() {
    for db in common::all() {
        let mut s = db.engine.session().unwrap();
        // Each decode error below would fail a transaction: run without one.
        s.set_autocommit(true).unwrap();
        if !db.is_pg() {
            // SQLite has no arrays: binding one is an error, never a panic.
            let err = s
                .query_one::<i64>("select ?", (vec![1i32, 2],))
                .expect_err("no arrays on SQLite");
            assert!(err.to_string().contains("PostgreSQL arrays"), "{err}");
            continue;
        }
        check(
            &db,
            "",
            "TEXT[]",
            vec!["a".to_owned(), String::new(), "\"q\"".to_owned()],
        );
        check(&db, "", "INTEGER[]", vec![1i32, -1, i32::MIN]);
        check(&db, "", "BIGINT[]", Vec::<i64>::new());
        check(&db, "", "BOOLEAN[]", vec![true, false]);
        check(&db, "", "DOUBLE PRECISION[]", vec![0.5f64, -2.0]);
        check(&db, "", "BYTEA[]", vec![vec![0u8, 1], vec![]]);
        check(&db, "", "UUID[]", vec![uuid::Uuid::from_u128(42)]);
        // NULL elements: an error for a list of plain values, `Value::Null` for
        // dynamic values; a NULL column reads as an empty list.
        let with_null = s
            .query_one::<Vec<i32>>("select ARRAY[1, NULL]::int[]", ())
            .expect_err("NULL element");
        assert!(matches!(with_null, Error::Decode { .. }), "{with_null:?}");
        let dynamic: Value = s.query_one("select ARRAY[1, NULL]::int[]", ()).unwrap();
        assert_eq!(dynamic, Value::Array(vec![Value::I32(1), Value::Null]));
        let none: Vec<String> = s.query_one("select NULL::text[]", ()).unwrap();
        assert!(none.is_empty());
        let nested = s
            .query_one::<Vec<i32>>("select ARRAY[[1, 2], [3, 4]]::int[]", ())
            .expect_err("two dimensions");
        assert!(nested.to_string().contains("2-dimensional"), "{nested}");
        // Dynamic arrays bind too (the query builder's `Value::Array`).
        let n: i64 = s
            .query_one(
                "select cardinality($1::text[])::bigint",
                (Value::Array(vec![Value::from("x"), Value::from("y")]),),
            )
            .unwrap();
        assert_eq!(n, 2);
    }
}

#[cfg(feature = "postgres")]
/// Types Prisma maps to `String` whose PostgreSQL wire format is not text
/// (`BIT`, `VARBIT`, `INET`, `CIDR`, `XML`) bind and decode as their text form.
#[test]
fn strings_of_bit_inet_and_xml_columns() {
    let Some(db) = common::postgres(|b| b) else {
        return;
    };
    for (ty, v) in [
        ("BIT(3)", "101"),
        ("VARBIT", ""),
        ("VARBIT(20)", "10000000000000000001"),
        ("INET", "10.0.0.1"),
        ("INET", "10.0.0.1/8"),
        ("INET", "::ffff:1.2.3.4"),
        ("INET", "2001:db8::/32"),
        ("CIDR", "10.0.0.0/8"),
        ("XML", "<a>é</a>"),
        ("XML", ""),
    ] {
        check(&db, "TEXT", ty, v.to_owned());
        check(&db, "TEXT", ty, Some(v.to_owned()));
    }
    check(&db, "TEXT", "INET", None::<String>);
    let mut s = db.engine.session().unwrap();
    let err = s
        .query_one::<String>("select $1::inet::text", ("10.0.0.300",))
        .expect_err("not an address");
    assert!(err.to_string().contains("10.0.0.300"), "{err}");
}

/// `NaiveDate`, `NaiveTime`, `TimeTz` and `u32` (OID) on both backends.
#[test]
fn dates_times_and_oids() {
    use ormgen::TimeTz;
    use ormgen::chrono::{FixedOffset, NaiveDate, NaiveTime};
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let t = |h, m, s, us| NaiveTime::from_hms_micro_opt(h, m, s, us).unwrap();
    for db in common::all() {
        for v in [d(2024, 2, 29), d(1, 1, 1), d(9999, 12, 31)] {
            check(&db, "TEXT", "DATE", v);
        }
        if db.is_pg() {
            check(&db, "TEXT", "DATE", d(-4713, 11, 24));
            check(&db, "TEXT", "DATE", d(262_142, 12, 31));
        }
        for v in [t(0, 0, 0, 0), t(23, 59, 59, 999_999), t(12, 30, 0, 1)] {
            check(&db, "TEXT", "TIME", v);
        }
        for (v, off) in [
            (t(0, 0, 0, 0), 15 * 3600 + 59 * 60),
            (t(23, 59, 59, 999_999), -(15 * 3600 + 59 * 60)),
            (t(10, 0, 0, 0), 0),
        ] {
            check(
                &db,
                "TEXT",
                "TIMETZ",
                TimeTz::new(v, FixedOffset::east_opt(off).unwrap()),
            );
        }
        for v in [0u32, 1, u32::MAX] {
            check(&db, "INTEGER", "OID", v);
        }
        check(&db, "TEXT", "DATE", None::<NaiveDate>);
    }
}
