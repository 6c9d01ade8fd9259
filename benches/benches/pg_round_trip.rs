//! How long one PostgreSQL round trip takes through each driver arrangement
//! (issue 19's `by_pk` aim), and how much that depends on sleeping cores.
//!
//! Every contender runs the same prepared `SELECT id, name FROM t WHERE id =
//! $1` on its own connection, interleaved in rounds; the median per
//! operation and the ratio to tokio-postgres on a current-thread runtime are
//! printed. Contenders: the sync `postgres` crate (what ormgen's sync
//! session and its async session's connection thread use); tokio-postgres
//! awaited on a current-thread runtime and on a one-worker multi-thread
//! runtime (connection task on the worker); ormgen's sync `Session` and its
//! `AsyncSession` (raw `query_one`, so only the engine differs).
//!
//! With `ORMGEN_BENCH_BUSY=1` a thread spins for the whole run, so one core
//! never sleeps: on an idle 2-core machine a sleeping core takes tens of
//! microseconds to wake, which is the same order as the round trip itself
//! and decides which arrangement looks fastest.
//!
//! Run: `cargo bench --manifest-path benches/Cargo.toml --bench pg_round_trip`.

#[path = "support/pg.rs"]
mod pg;

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

const ROUNDS: usize = 21;
const OPS: usize = 200;
const SQL: &str = "SELECT id, name FROM t WHERE id = $1";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A fresh connection of each kind, in the benchmark's schema.
fn tokio_pg(
    rt: &tokio::runtime::Runtime,
    schema: &str,
) -> (tokio_postgres::Client, tokio_postgres::Statement) {
    rt.block_on(async {
        let (c, conn) = tokio_postgres::connect(&pg::pg_url(), tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(conn);
        c.batch_execute(&format!("SET search_path TO {schema}"))
            .await
            .expect("search_path");
        let st = c.prepare(SQL).await.expect("prepare");
        (c, st)
    })
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let Some((mut admin, schema)) = pg::scratch_schema("round_trip") else {
        return;
    };
    admin
        .batch_execute(&format!(
            "CREATE TABLE {schema}.t (id int PRIMARY KEY, name text NOT NULL); \
             INSERT INTO {schema}.t SELECT g, 'name ' || g FROM generate_series(1, 10000) g"
        ))
        .expect("seed");

    let busy = std::env::var_os("ORMGEN_BENCH_BUSY").is_some();
    let stop = Arc::new(AtomicBool::new(false));
    let spinner = busy.then(|| {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        })
    });

    let mut sync_pg = postgres::Client::connect(&pg::pg_url(), postgres::NoTls).expect("connect");
    sync_pg
        .batch_execute(&format!("SET search_path TO {schema}"))
        .expect("search_path");
    let sync_st = sync_pg.prepare(SQL).expect("prepare");
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (ct, ct_st) = tokio_pg(&current, &schema);
    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let (mt, mt_st) = tokio_pg(&multi, &schema);
    let engine = ormgen::Engine::builder(pg::pg_url())
        .search_path(schema.clone())
        .build()
        .expect("engine");
    let mut session = engine.session().expect("session");
    session.set_autocommit(true).expect("autocommit");
    // An async engine of its own, made inside the runtime: its connections
    // are tokio-postgres clients there, and the session sends its statements
    // from the awaiting task.
    let mut async_session = current
        .block_on(
            ormgen::AsyncEngine::builder(pg::pg_url())
                .search_path(schema.clone())
                .build_async(),
        )
        .expect("async engine")
        .session();
    current
        .block_on(async_session.set_autocommit(true))
        .expect("autocommit");

    let names = [
        "tokio-postgres (current-thread)",
        "tokio-postgres (multi-thread)",
        "postgres (sync)",
        "ormgen Session",
        "ormgen AsyncSession",
    ];
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut key = 0i32;
    for round in 0..ROUNDS + 1 {
        for (k, sample) in samples.iter_mut().enumerate() {
            let start = Instant::now();
            for _ in 0..OPS {
                key = key % 10_000 + 1;
                let id: i32 = match k {
                    0 => current
                        .block_on(ct.query_one(&ct_st, &[&key]))
                        .expect("query")
                        .get(0),
                    1 => multi
                        .block_on(mt.query_one(&mt_st, &[&key]))
                        .expect("query")
                        .get(0),
                    2 => sync_pg.query_one(&sync_st, &[&key]).expect("query").get(0),
                    3 => {
                        session
                            .query_one::<(i32, String)>(SQL, (key,))
                            .expect("query")
                            .0
                    }
                    _ => {
                        current
                            .block_on(async_session.query_one::<(i32, String), _, _>(SQL, (key,)))
                            .expect("query")
                            .0
                    }
                };
                black_box(id);
            }
            // Round 0 warms up (connections, prepared statements, threads).
            if round > 0 {
                sample.push(start.elapsed().as_secs_f64() * 1e6 / OPS as f64);
            }
        }
    }
    stop.store(true, Ordering::Relaxed);
    if let Some(t) = spinner {
        let _ = t.join();
    }
    drop((session, async_session));
    pg::drop_schema(&mut admin, &schema);

    let medians: Vec<f64> = samples.into_iter().map(median).collect();
    println!(
        "one round trip, {} ({ROUNDS} interleaved rounds of {OPS}):\n",
        if busy {
            "one core kept busy"
        } else {
            "idle machine"
        }
    );
    println!("| contender | µs/op (median) | ÷ tokio-postgres (current-thread) |\n|---|---:|---:|");
    for (name, m) in names.iter().zip(&medians) {
        println!("| {name} | {m:.1} | {:.2} |", m / medians[0]);
    }
}
