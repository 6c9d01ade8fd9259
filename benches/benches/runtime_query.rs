//! The runtime's query path against the bare drivers.
//!
//! Contenders, on SQLite (in memory) and PostgreSQL (`ORMGEN_BENCH_PG_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`; skipped when unreachable):
//! - `bare`: rusqlite `prepare_cached` / a `postgres` prepared statement, mapping rows by
//!   hand into the same struct;
//! - `ormgen`: a `Session` with `Native` SQL constants and a `FromRow` struct (what
//!   generated code does); fetch one uses `query_first` (the first row, like rusqlite's
//!   `query_row`; `query_one` also reads on to check there is no second row);
//! - `ormgen_portable` (fetch one only): portable SQL (`?` placeholders) through the
//!   per-connection translation cache.
//!
//! Every contender works inside one open transaction (the session's is begun by its
//! first statement; the bare connection runs `BEGIN` itself), so both pay the same
//! locking and round trips and the difference is the runtime's own overhead.
//!
//! After criterion's groups, a paired run alternates contenders in short chunks and
//! prints the median time per operation and the ratio ormgen/bare, which is robust
//! against the machine's drift.
//!
//! Run: `cargo bench --manifest-path benches/Cargo.toml --bench runtime_query`

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion};

#[path = "support/paired.rs"]
mod paired;
#[path = "support/pg.rs"]
mod pg;
use ormgen::{Engine, FromRow, Native, Row, Session};
use paired::{paired, report};
use pg::{drop_schema, pg_url, scratch_schema};

#[derive(Debug)]
#[allow(dead_code)]
struct User {
    id: i64,
    name: String,
    hair_color: Option<String>,
}

impl FromRow for User {
    #[inline]
    fn from_row(row: &Row<'_>) -> ormgen::Result<Self> {
        Ok(User {
            id: row.get(0)?,
            name: row.get(1)?,
            hair_color: row.get(2)?,
        })
    }
}

const ROWS: i64 = 1000;

mod sql {
    pub mod sqlite {
        pub const CREATE: &str =
            "create table users (id integer primary key, name text not null, hair_color text)";
        pub const BY_ID: &str = "select id, name, hair_color from users where id = ?1";
        pub const ALL: &str = "select id, name, hair_color from users order by id limit 1000";
        pub const INSERT: &str = "insert into users (name, hair_color) values (?1, ?2)";
    }
    pub mod pg {
        pub const CREATE: &str =
            "create table users (id bigserial primary key, name text not null, hair_color text)";
        pub const BY_ID: &str = "select id, name, hair_color from users where id = $1";
        pub const ALL: &str = "select id, name, hair_color from users order by id limit 1000";
        pub const INSERT: &str = "insert into users (name, hair_color) values ($1, $2)";
    }
    pub const BY_ID_PORTABLE: &str = "select id, name, hair_color from users where id = ?";
}

fn seed_ormgen(s: &mut Session, create: &str, insert: &str) {
    s.execute(create, ()).unwrap();
    for i in 0..ROWS {
        let hair = if i % 2 == 0 { Some("black") } else { None };
        s.execute(Native(insert), (format!("user {i}"), hair))
            .unwrap();
    }
    s.commit().unwrap();
}

// ---------------------------------------------------------------------------------
// SQLite

struct SqliteBare {
    conn: rusqlite::Connection,
}

impl SqliteBare {
    fn new() -> Self {
        Self::with(rusqlite::Connection::open_in_memory().unwrap())
    }
    /// On a named `memdb` database, as the engine's `sqlite::memory:` uses (for telling
    /// the runtime's overhead from that of the shared in-memory database).
    fn memdb() -> Self {
        use rusqlite::OpenFlags as F;
        let uri = format!("file:/bench-bare-{}?vfs=memdb", std::process::id());
        let flags = F::SQLITE_OPEN_READ_WRITE
            | F::SQLITE_OPEN_CREATE
            | F::SQLITE_OPEN_URI
            | F::SQLITE_OPEN_NO_MUTEX;
        Self::with(rusqlite::Connection::open_with_flags(uri, flags).unwrap())
    }
    fn with(conn: rusqlite::Connection) -> Self {
        conn.execute_batch(sql::sqlite::CREATE).unwrap();
        for i in 0..ROWS {
            let hair = if i % 2 == 0 { Some("black") } else { None };
            conn.execute(
                sql::sqlite::INSERT,
                rusqlite::params![format!("user {i}"), hair],
            )
            .unwrap();
        }
        conn.execute_batch("BEGIN").unwrap();
        SqliteBare { conn }
    }
    fn by_id(&self, id: i64) -> User {
        let mut stmt = self.conn.prepare_cached(sql::sqlite::BY_ID).unwrap();
        stmt.query_row([id], |r| {
            Ok(User {
                id: r.get(0)?,
                name: r.get(1)?,
                hair_color: r.get(2)?,
            })
        })
        .unwrap()
    }
    fn all(&self) -> Vec<User> {
        let mut stmt = self.conn.prepare_cached(sql::sqlite::ALL).unwrap();
        stmt.query_map([], |r| {
            Ok(User {
                id: r.get(0)?,
                name: r.get(1)?,
                hair_color: r.get(2)?,
            })
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }
    fn insert(&self) -> usize {
        let mut stmt = self.conn.prepare_cached(sql::sqlite::INSERT).unwrap();
        stmt.execute(rusqlite::params!["new user", Some("brown")])
            .unwrap()
    }
}

fn sqlite_ormgen() -> (Engine, Session) {
    let engine = Engine::connect("sqlite::memory:").unwrap();
    let mut s = engine.session().unwrap();
    seed_ormgen(&mut s, sql::sqlite::CREATE, sql::sqlite::INSERT);
    (engine, s)
}

// ---------------------------------------------------------------------------------
// PostgreSQL

struct PgBare {
    client: postgres::Client,
    by_id: postgres::Statement,
    all: postgres::Statement,
    insert: postgres::Statement,
}

impl PgBare {
    fn new(schema: &str) -> Self {
        let mut client = postgres::Client::connect(&pg_url(), postgres::NoTls).unwrap();
        client
            .batch_execute(&format!("set search_path to {schema}"))
            .unwrap();
        let by_id = client.prepare(sql::pg::BY_ID).unwrap();
        let all = client.prepare(sql::pg::ALL).unwrap();
        let insert = client.prepare(sql::pg::INSERT).unwrap();
        client.batch_execute("BEGIN").unwrap();
        PgBare {
            client,
            by_id,
            all,
            insert,
        }
    }
    fn by_id(&mut self, id: i64) -> User {
        let r = self.client.query_one(&self.by_id, &[&id]).unwrap();
        User {
            id: r.get(0),
            name: r.get(1),
            hair_color: r.get(2),
        }
    }
    fn all(&mut self) -> Vec<User> {
        self.client
            .query(&self.all, &[])
            .unwrap()
            .iter()
            .map(|r| User {
                id: r.get(0),
                name: r.get(1),
                hair_color: r.get(2),
            })
            .collect()
    }
    fn insert(&mut self) -> u64 {
        self.client
            .execute(&self.insert, &[&"new user", &Some("brown")])
            .unwrap()
    }
}

/// A fresh schema with the seeded table, or None when the server is unreachable.
fn pg_setup() -> Option<(String, Engine, Session)> {
    let (_, schema) = scratch_schema("ormgen_bench")?;
    let engine = Engine::builder(pg_url())
        .search_path(schema.clone())
        .build()
        .unwrap();
    let mut s = engine.session().unwrap();
    seed_ormgen(&mut s, sql::pg::CREATE, sql::pg::INSERT);
    Some((schema, engine, s))
}

fn pg_teardown(schema: &str) {
    if let Ok(mut admin) = postgres::Client::connect(&pg_url(), postgres::NoTls) {
        drop_schema(&mut admin, schema);
    }
}

// ---------------------------------------------------------------------------------
// Criterion groups

fn criterion_sqlite(c: &mut Criterion) {
    let bare = SqliteBare::new();
    let (_engine, mut s) = sqlite_ormgen();
    let mut g = c.benchmark_group("sqlite_memory");
    let mut id = 0i64;
    g.bench_function(BenchmarkId::new("fetch_one", "bare"), |b| {
        b.iter(|| {
            id = id % ROWS + 1;
            black_box(bare.by_id(id))
        })
    });
    g.bench_function(BenchmarkId::new("fetch_one", "ormgen"), |b| {
        b.iter(|| {
            id = id % ROWS + 1;
            black_box(
                s.query_first::<User>(Native(sql::sqlite::BY_ID), (id,))
                    .unwrap(),
            )
        })
    });
    g.bench_function(BenchmarkId::new("fetch_one", "ormgen_portable"), |b| {
        b.iter(|| {
            id = id % ROWS + 1;
            black_box(s.query_first::<User>(sql::BY_ID_PORTABLE, (id,)).unwrap())
        })
    });
    g.bench_function(BenchmarkId::new("fetch_1000", "bare"), |b| {
        b.iter(|| black_box(bare.all()))
    });
    g.bench_function(BenchmarkId::new("fetch_1000", "ormgen"), |b| {
        b.iter(|| black_box(s.query_as::<User>(Native(sql::sqlite::ALL), ()).unwrap()))
    });
    g.bench_function(BenchmarkId::new("insert_one", "bare"), |b| {
        b.iter(|| black_box(bare.insert()))
    });
    g.bench_function(BenchmarkId::new("insert_one", "ormgen"), |b| {
        b.iter(|| {
            black_box(
                s.execute(Native(sql::sqlite::INSERT), ("new user", Some("brown")))
                    .unwrap(),
            )
        })
    });
    g.finish();
}

fn criterion_pg(c: &mut Criterion) {
    let Some((schema, _engine, mut s)) = pg_setup() else {
        return;
    };
    let mut bare = PgBare::new(&schema);
    let mut g = c.benchmark_group("postgres");
    let mut id = 0i64;
    g.bench_function(BenchmarkId::new("fetch_one", "bare"), |b| {
        b.iter(|| {
            id = id % ROWS + 1;
            black_box(bare.by_id(id))
        })
    });
    g.bench_function(BenchmarkId::new("fetch_one", "ormgen"), |b| {
        b.iter(|| {
            id = id % ROWS + 1;
            black_box(
                s.query_first::<User>(Native(sql::pg::BY_ID), (id,))
                    .unwrap(),
            )
        })
    });
    g.bench_function(BenchmarkId::new("fetch_1000", "bare"), |b| {
        b.iter(|| black_box(bare.all()))
    });
    g.bench_function(BenchmarkId::new("fetch_1000", "ormgen"), |b| {
        b.iter(|| black_box(s.query_as::<User>(Native(sql::pg::ALL), ()).unwrap()))
    });
    g.bench_function(BenchmarkId::new("insert_one", "bare"), |b| {
        b.iter(|| black_box(bare.insert()))
    });
    g.bench_function(BenchmarkId::new("insert_one", "ormgen"), |b| {
        b.iter(|| {
            black_box(
                s.execute(Native(sql::pg::INSERT), ("new user", Some("brown")))
                    .unwrap(),
            )
        })
    });
    g.finish();
    drop(s);
    drop(bare);
    pg_teardown(&schema);
}

// ---------------------------------------------------------------------------------
// Paired run: alternate contenders chunk by chunk, compare medians.

fn paired_summary() {
    println!("\npaired medians (alternating chunks; ratio = ormgen / bare):");
    let bare = SqliteBare::new();
    let (_engine, s) = sqlite_ormgen();
    let s = std::cell::RefCell::new(s);
    let mut id = 0i64;
    let mut next = move || {
        id = id % ROWS + 1;
        id
    };
    let ids: Vec<i64> = (0..4096).map(|_| next()).collect();
    let (mut ia, mut ib) = (0usize, 0usize);
    report(
        "sqlite_memory/fetch_one",
        paired(
            41,
            2000,
            || {
                ia = (ia + 1) % ids.len();
                black_box(
                    s.borrow_mut()
                        .query_first::<User>(Native(sql::sqlite::BY_ID), (ids[ia],))
                        .unwrap(),
                );
            },
            || {
                ib = (ib + 1) % ids.len();
                black_box(bare.by_id(ids[ib]));
            },
        ),
    );
    report(
        "sqlite_memory/fetch_1000",
        paired(
            41,
            20,
            || {
                black_box(
                    s.borrow_mut()
                        .query_as::<User>(Native(sql::sqlite::ALL), ())
                        .unwrap(),
                );
            },
            || {
                black_box(bare.all());
            },
        ),
    );
    report(
        "sqlite_memory/insert_one",
        paired(
            41,
            2000,
            || {
                black_box(
                    s.borrow_mut()
                        .execute(Native(sql::sqlite::INSERT), ("new user", Some("brown")))
                        .unwrap(),
                );
            },
            || {
                black_box(bare.insert());
            },
        ),
    );
    drop(s);

    let Some((schema, _engine, s)) = pg_setup() else {
        return;
    };
    let bare = std::cell::RefCell::new(PgBare::new(&schema));
    let s = std::cell::RefCell::new(s);
    let (mut ia, mut ib) = (0usize, 0usize);
    report(
        "postgres/fetch_one",
        paired(
            41,
            300,
            || {
                ia = (ia + 1) % ids.len();
                black_box(
                    s.borrow_mut()
                        .query_first::<User>(Native(sql::pg::BY_ID), (ids[ia],))
                        .unwrap(),
                );
            },
            || {
                ib = (ib + 1) % ids.len();
                black_box(bare.borrow_mut().by_id(ids[ib]));
            },
        ),
    );
    report(
        "postgres/fetch_1000",
        paired(
            41,
            10,
            || {
                black_box(
                    s.borrow_mut()
                        .query_as::<User>(Native(sql::pg::ALL), ())
                        .unwrap(),
                );
            },
            || {
                black_box(bare.borrow_mut().all());
            },
        ),
    );
    report(
        "postgres/insert_one",
        paired(
            41,
            300,
            || {
                black_box(
                    s.borrow_mut()
                        .execute(Native(sql::pg::INSERT), ("new user", Some("brown")))
                        .unwrap(),
                );
            },
            || {
                black_box(bare.borrow_mut().insert());
            },
        ),
    );
    drop(s);
    drop(bare);
    pg_teardown(&schema);
}

// ---------------------------------------------------------------------------------
// Instruction counting: `ORMGEN_CG="<workload> <contender> <n> [<grow>]"` runs only that loop
// (workload `fetch_one` | `fetch_1000` | `insert_one`, contender `bare` | `bare_memdb` |
// `ormgen` | `portable`; `grow` rows inserted into both databases first) on SQLite in
// memory, for
// `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*cg_loop*'`.

#[inline(never)]
fn cg_loop(n: usize, mut f: impl FnMut(usize)) {
    for i in 0..n {
        f(i);
    }
}

fn callgrind_mode(spec: &str) {
    let mut it = spec.split_whitespace();
    let (work, who, n) = (
        it.next().unwrap_or("fetch_one"),
        it.next().unwrap_or("ormgen"),
        it.next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(100_000usize),
    );
    let bare = if who == "bare_memdb" {
        SqliteBare::memdb()
    } else {
        SqliteBare::new()
    };
    let who = who.strip_suffix("_memdb").unwrap_or(who);
    let (_engine, mut s) = sqlite_ormgen();
    // Warm both statement caches and open the session's transaction.
    black_box(bare.by_id(1));
    black_box(
        s.query_first::<User>(Native(sql::sqlite::BY_ID), (1,))
            .unwrap(),
    );
    black_box(s.query_first::<User>(sql::BY_ID_PORTABLE, (1,)).unwrap());
    // Optionally grow the database first (as criterion's insert loop does before the
    // paired run), outside the collected loop.
    let grow: i64 = it.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    for _ in 0..grow {
        bare.insert();
        s.execute(Native(sql::sqlite::INSERT), ("new user", Some("brown")))
            .unwrap();
    }
    let id = |i: usize| (i as i64) % ROWS + 1;
    match (work, who) {
        ("fetch_one", "bare") => cg_loop(n, |i| {
            black_box(bare.by_id(id(i)));
        }),
        ("fetch_one", "ormgen") => cg_loop(n, |i| {
            black_box(
                s.query_first::<User>(Native(sql::sqlite::BY_ID), (id(i),))
                    .unwrap(),
            );
        }),
        ("fetch_one", "portable") => cg_loop(n, |i| {
            black_box(
                s.query_first::<User>(sql::BY_ID_PORTABLE, (id(i),))
                    .unwrap(),
            );
        }),
        ("fetch_1000", "bare") => cg_loop(n, |_| {
            black_box(bare.all());
        }),
        ("fetch_1000", "ormgen") => cg_loop(n, |_| {
            black_box(s.query_as::<User>(Native(sql::sqlite::ALL), ()).unwrap());
        }),
        ("insert_one", "bare") => cg_loop(n, |_| {
            black_box(bare.insert());
        }),
        ("insert_one", "ormgen") => cg_loop(n, |_| {
            black_box(
                s.execute(Native(sql::sqlite::INSERT), ("new user", Some("brown")))
                    .unwrap(),
            );
        }),
        other => panic!("unknown ORMGEN_CG workload/contender {other:?}"),
    }
}

fn main() {
    if let Ok(spec) = std::env::var("ORMGEN_CG") {
        callgrind_mode(&spec);
        return;
    }
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    criterion_sqlite(&mut c);
    criterion_pg(&mut c);
    c.final_summary();
    if std::env::args().all(|a| a != "--list") {
        paired_summary();
    }
}
