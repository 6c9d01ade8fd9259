//! The raw-SQL placeholder translator on arbitrary text: it never panics,
//! both dialects see the same placeholders, and translating a translation
//! again changes nothing (the dialect's own `$N` / `?N` pass through), so
//! no placeholder is lost, invented or renumbered by the scanner's view of
//! quotes, comments and casts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ormgen::Dialect;
use ormgen::params::{Placeholders, translate};

fuzz_target!(|data: &[u8]| {
    let Ok(sql) = std::str::from_utf8(data) else {
        return;
    };
    let pg = translate(sql, Dialect::Postgres);
    let lite = translate(sql, Dialect::Sqlite);
    match (pg, lite) {
        (Ok(pg), Ok(lite)) => {
            assert_eq!(pg.placeholders, lite.placeholders, "dialects disagree on {sql:?}");
            let count = match &pg.placeholders {
                Placeholders::Positional(n) => *n,
                Placeholders::Named(names) => names.len(),
            };
            for (t, dialect) in [(&pg, Dialect::Postgres), (&lite, Dialect::Sqlite)] {
                let again = translate(&t.sql, dialect)
                    .unwrap_or_else(|e| panic!("{dialect:?} output {:?} rejected: {e}", t.sql));
                assert_eq!(again.sql, t.sql, "{dialect:?}: translation of {sql:?} not stable");
                assert_eq!(
                    again.placeholders,
                    Placeholders::Positional(count),
                    "{dialect:?}: {sql:?} -> {:?}",
                    t.sql
                );
            }
        }
        (Err(_), Err(_)) => {}
        (a, b) => panic!("dialects disagree on {sql:?}: {a:?} vs {b:?}"),
    }
});
