//! The expression language against the bare driver (issue 18): one query
//! that uses arithmetic, a function and a window function,
//!
//! ```text
//! SELECT id, id * 2 + 1, lower(title), row_number() OVER (PARTITION BY user_id ORDER BY id)
//! FROM posts WHERE user_id = ? ORDER BY id
//! ```
//!
//! 100 rows per run (10 users × 100 posts), on SQLite in memory and
//! PostgreSQL (`ORMGEN_BENCH_PG_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`; skipped when unreachable).
//!
//! - `ormgen`: the typed builder, built anew for every run (as application
//!   code does), through the session's statement cache, rows decoded into
//!   `(i32, i32, String, i64)`;
//! - `bare`: rusqlite `prepare_cached` / a `postgres` prepared statement with
//!   the same SQL text (taken once from the builder) and the same three
//!   parameters in placeholder order (the constants 2 and 1, which ormgen
//!   binds, then the user),
//!   rows mapped by hand.
//!
//! Both work inside one open transaction. Contenders alternate in short
//! chunks and the report gives each one's median and the ratio ormgen/bare,
//! which is robust against the machine's drift.
//!
//! Run: `cargo bench --manifest-path benches/Cargo.toml --bench expression_compare`

use std::hint::black_box;

use ormgen::query::{ExprExt, lower, row_number, window};
use ormgen::{Dialect, Engine, Session};

#[path = "support/paired.rs"]
mod paired;
#[path = "support/pg.rs"]
mod pg;
use paired::{paired, report};
use pg::{drop_schema, pg_url, scratch_schema};

mod orm {
    ormgen::include_schema!("bench");
}
use orm::{Post, post};

type Row = (i32, i32, String, i64);
const USERS: i32 = 10;
const PER_USER: i32 = 100;

/// The query under test, built from scratch (a macro: its type has no name
/// to return it by).
macro_rules! the_query {
    ($user:expr) => {
        Post::query()
            .filter(post::user_id.eq($user))
            .select((
                post::id,
                post::id * 2 + 1,
                lower(post::title),
                row_number().over(
                    window()
                        .partition_by(post::user_id)
                        .order_by(post::id.asc()),
                ),
            ))
            .order_by(post::id.asc())
    };
}

fn query(user: i32) -> impl FnOnce(&mut Session) -> ormgen::Result<Vec<Row>> {
    move |s| the_query!(user).all(s)
}

fn sql_text(d: Dialect) -> String {
    the_query!(1).to_sql(d).sql
}

fn seed(engine: &Engine) -> Session {
    orm::create_all(engine).unwrap();
    let mut s = engine.session().unwrap();
    for u in 0..USERS {
        let user = orm::User::insert(&mut s, orm::NewUser::new(format!("User {u}"))).unwrap();
        let rows =
            (0..PER_USER).map(|i| orm::NewPost::new(user.id, format!("Post {i} OF User {u}")));
        Post::insert_all(&mut s, rows).unwrap();
    }
    s.commit().unwrap();
    s
}

fn sqlite() {
    // Both contenders read one database file (a second connection to an
    // in-memory database would see another database).
    let dir = std::env::temp_dir().join(format!("ormgen-expr-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bench.db");
    let url = format!("sqlite://{}", path.display());
    let seeding = Engine::connect(&url).unwrap();
    let seeded = seed(&seeding);
    // A fresh engine, like the bare connection: no statements of the seeding
    // kept on its connection. `ORMGEN_EXPR_SEEDED=1` measures on the seeding
    // connection instead (its statement cache holds the seeding's statements).
    let (engine, mut s) = if std::env::var_os("ORMGEN_EXPR_SEEDED").is_some() {
        (seeding, seeded)
    } else {
        drop(seeded);
        drop(seeding);
        let engine = Engine::connect(&url).unwrap();
        let s = engine.session().unwrap();
        (engine, s)
    };
    let bare = rusqlite::Connection::open(&path).unwrap();
    bare.execute_batch("BEGIN").unwrap();
    let sql = sql_text(Dialect::Sqlite);
    let run_bare = |user: i32| -> Vec<Row> {
        let mut st = bare.prepare_cached(&sql).unwrap();
        st.query_map([2, 1, user], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    let u = std::cell::Cell::new(0);
    let next = || {
        u.set(u.get() % USERS + 1);
        u.get()
    };
    assert_eq!(query(1)(&mut s).unwrap(), run_bare(1), "same rows");
    // Profiling: `ORMGEN_EXPR_LOOP="ormgen|bare <n>"` runs only that loop.
    if let Ok(spec) = std::env::var("ORMGEN_EXPR_LOOP") {
        let mut it = spec.split_whitespace();
        let who = it.next().unwrap_or("ormgen").to_owned();
        let n: usize = it.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
        for _ in 0..n {
            if who == "bare" {
                black_box(run_bare(next()));
            } else {
                black_box(query(next())(&mut s).unwrap());
            }
        }
        return;
    }
    let s = std::cell::RefCell::new(s);
    report(
        "sqlite/window_arith_fn",
        paired(
            101,
            50,
            || {
                black_box(query(next())(&mut s.borrow_mut()).unwrap());
            },
            || {
                black_box(run_bare(next()));
            },
        ),
    );
    drop(s);
    drop(engine);
    let _ = std::fs::remove_dir_all(dir);
}

fn postgres() {
    let Some((mut admin, schema)) = scratch_schema("ormgen_expr_bench") else {
        return;
    };
    let engine = Engine::builder(pg_url())
        .search_path(schema.clone())
        .build()
        .unwrap();
    let mut s = seed(&engine);
    let mut bare = postgres::Client::connect(&pg_url(), postgres::NoTls).unwrap();
    bare.batch_execute(&format!("set search_path to {schema}; BEGIN"))
        .unwrap();
    let st = bare.prepare(&sql_text(Dialect::Postgres)).unwrap();
    let bare = std::cell::RefCell::new(bare);
    let run_bare = |user: i32| -> Vec<Row> {
        bare.borrow_mut()
            .query(&st, &[&2i32, &1i32, &user])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect()
    };
    assert_eq!(query(1)(&mut s).unwrap(), run_bare(1), "same rows");
    let u = std::cell::Cell::new(0);
    let next = || {
        u.set(u.get() % USERS + 1);
        u.get()
    };
    let s = std::cell::RefCell::new(s);
    // Round trips swing with the cores' wake-up: single-run chunks, many rounds.
    report(
        "postgres/window_arith_fn",
        paired(
            2001,
            1,
            || {
                black_box(query(next())(&mut s.borrow_mut()).unwrap());
            },
            || {
                black_box(run_bare(next()));
            },
        ),
    );
    drop(s);
    drop(engine);
    // The bare connection's open transaction would hold the schema's locks.
    drop(bare);
    drop_schema(&mut admin, &schema);
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        println!("expression_compare: benchmark");
        return;
    }
    println!("paired medians (alternating chunks; ratio = ormgen / bare):");
    sqlite();
    if std::env::var_os("ORMGEN_EXPR_LOOP").is_none() {
        postgres();
    }
}
