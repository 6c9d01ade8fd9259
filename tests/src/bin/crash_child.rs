//! The process the crash tests kill (tests/tests/crash_recovery.rs).
//!
//! ```text
//! crash_child writer  <url> <pg schema or -> <rows per transaction>
//! crash_child migrate <url> <pg schema or -> <tables>
//! ```
//!
//! `writer` applies the ledger migration, then commits numbered rows through
//! an engine as fast as it can — `<rows per transaction>` consecutive numbers
//! per transaction — and prints the last number of each transaction on
//! stdout once `commit` has returned (the acknowledgement the parent checks
//! against after it kills the process).
//!
//! `migrate` applies the ledger migration, prints `migrating`, applies the
//! wide migration (one transaction of `2 × <tables>` statements: a table and
//! its rows each), then prints `migrated`.

use std::io::Write;
use std::process::ExitCode;

use ormgen::migrate::Migrator;
use ormgen::{Engine, Result};
use ormgen_tests::crash_fixtures::{ledger, wide};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, url, schema, n] = args.as_slice() else {
        eprintln!("usage: crash_child writer|migrate <url> <schema or -> <n>");
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("not a number: {n}");
        return ExitCode::from(2);
    };
    let schema = (schema != "-").then_some(schema.as_str());
    let run = match mode.as_str() {
        "writer" => writer(url, schema, n as i64),
        "migrate" => migrate(url, schema, n),
        _ => {
            eprintln!("unknown mode {mode}");
            return ExitCode::from(2);
        }
    };
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crash_child: {e}");
            ExitCode::FAILURE
        }
    }
}

fn engine(url: &str, schema: Option<&str>) -> Result<Engine> {
    let mut b = Engine::builder(url).pool_size(1);
    if let Some(s) = schema {
        b = b.search_path(s);
    }
    b.build()
}

fn writer(url: &str, schema: Option<&str>, batch: i64) -> Result<()> {
    let engine = engine(url, schema)?;
    Migrator::new(vec![ledger()])?.up(&engine, None)?;
    let last: Option<i64> = engine
        .session()?
        .query_first("SELECT MAX(n) FROM ledger", ())?
        .flatten();
    let mut next = last.unwrap_or(0) + 1;
    let payload = "x".repeat(200);
    let mut out = std::io::stdout().lock();
    loop {
        engine.transaction(|s| {
            for k in 0..batch {
                s.execute(
                    "INSERT INTO ledger (n, txn, payload) VALUES ($1, $2, $3)",
                    (next + k, next, payload.as_str()),
                )?;
            }
            Ok(())
        })?;
        next += batch;
        // The parent reads acknowledgements line by line; a failed write
        // means it is gone, and so should this process be.
        if writeln!(out, "{}", next - 1)
            .and_then(|()| out.flush())
            .is_err()
        {
            return Ok(());
        }
    }
}

fn migrate(url: &str, schema: Option<&str>, tables: usize) -> Result<()> {
    let engine = engine(url, schema)?;
    let migrator = Migrator::new(vec![ledger(), wide(tables)])?;
    migrator.up(&engine, Some("20260101000000"))?;
    println!("migrating");
    migrator.up(&engine, None)?;
    println!("migrated");
    Ok(())
}
