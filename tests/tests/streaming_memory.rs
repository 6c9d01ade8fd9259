//! `Query::iter` streams: iterating a large table keeps the process's memory
//! flat on both backends (issue 21, item 9). The table is filled on the
//! server side (a recursive CTE on SQLite, `generate_series` on PostgreSQL),
//! then every row is decoded into a `User` while the resident set size is
//! sampled from `/proc/self/status`. 500,000 rows by default;
//! `ORMGEN_STREAM_ROWS=5000000` for the full run. Alone in its test binary,
//! so no other test's allocations are counted.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;
#[path = "support/proc_status.rs"]
mod proc_status;

use ormgen::query::ExprExt;
use ormgen_tests::blog::{User, create_all, user};
use proc_status::rss_kib;

#[test]
fn iterating_a_large_table_keeps_memory_flat() {
    let rows: i64 = std::env::var("ORMGEN_STREAM_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500_000);
    for db in common::all() {
        let name = db.name();
        create_all(&db.engine).expect("create_all");
        let fill = db.sql(
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT ?) \
             INSERT INTO users (email, name, age, role, created_at, updated_at) \
             SELECT 'u' || n || '@x.org', 'User number ' || n, n % 90, 'MEMBER', \
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM c",
            "INSERT INTO users (email, name, age, role, created_at, updated_at) \
             SELECT 'u' || n || '@x.org', 'User number ' || n, n % 90, 'MEMBER', now(), now() \
             FROM generate_series(1, $1::bigint) AS n",
        );
        db.engine
            .transaction(|s| s.execute(fill, (rows,)))
            .expect("fill");

        let mut s = db.engine.session().expect("session");
        let mut seen = 0i64;
        let mut ages = 0i64;
        let (mut start, mut peak) = (0u64, 0u64);
        for (i, row) in User::query()
            .order_by(user::id.asc())
            .iter(&mut s)
            .expect("iter")
            .enumerate()
        {
            let u = row.expect("row");
            seen += 1;
            ages += i64::from(u.age.unwrap_or(0));
            if i == 10_000 {
                // After the first rows: buffers and caches are warm.
                start = rss_kib();
                peak = start;
            } else if i > 10_000 && i % 10_000 == 0 {
                peak = peak.max(rss_kib());
            }
        }
        assert_eq!(seen, rows, "{name}");
        let expected: i64 = (1..=rows).map(|n| n % 90).sum();
        assert_eq!(ages, expected, "{name}: every row decoded");
        let growth = peak.saturating_sub(start);
        eprintln!(
            "{name}: {rows} rows streamed; RSS {start} KiB after 10,000 rows, peak {peak} KiB \
             (+{growth} KiB)"
        );
        assert!(
            growth < 8 * 1024,
            "{name}: RSS grew by {growth} KiB while streaming {rows} rows"
        );
    }
}
