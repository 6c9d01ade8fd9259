//! Crash recovery (issue 21, items 1 and 5): a child process
//! (`src/bin/crash_child.rs`) commits numbered rows through ormgen and
//! acknowledges each commit on a pipe; this test kills it with SIGKILL at
//! random moments and checks the database after every kill:
//!
//! - every acknowledged row is there, and the rows form one gap-free run
//!   `1..=max` (nothing lost, nothing invented);
//! - at most the one transaction in flight at the kill is there without its
//!   acknowledgement, and only whole (each transaction's rows all or none);
//! - SQLite's `PRAGMA integrity_check` is `ok`;
//! - the migration version table agrees with the schema (the ledger
//!   migration is recorded, with its checksum, exactly when its table exists).
//!
//! SQLite in WAL and in rollback-journal (`delete`) mode, and PostgreSQL; one
//! and ten rows per transaction. `ORMGEN_CRASH_KILLS` sets the kills per
//! database (default 25, so 50 per storage mode).
//!
//! The migration test kills the child half-way through a one-transaction
//! migration of 200 statements: the schema must then be exactly the previous
//! version's, and the next `migrate up` applies the migration cleanly.
#[path = "../../runtime/tests/common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use ormgen::migrate::{Migrator, VERSION_TABLE, introspect};
use ormgen::{Engine, Result};
use ormgen_tests::crash_fixtures::{ledger, wide};

const CHILD: &str = env!("CARGO_BIN_EXE_crash_child");

/// The tests take turns: on PostgreSQL, migrations of every schema of a
/// database share one advisory lock, which a killed migration's backend
/// holds until it notices its client is gone.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A small xorshift generator: kill moments vary from run to run, and the
/// seed is printed so a failing run can be replayed (`ORMGEN_CRASH_SEED`).
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("ORMGEN_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
                    | 1
            });
        eprintln!("ORMGEN_CRASH_SEED={seed}");
        Rng(seed)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Where the child writes: its URL (and PostgreSQL schema) and the parent's
/// own engine on the same database.
struct Target {
    label: String,
    url: String,
    schema: Option<String>,
    engine: Engine,
    /// Keeps a PostgreSQL fixture's schema (or SQLite's directory) alive.
    _db: Option<common::Db>,
    _dir: Option<TempDir>,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sqlite_target(label: &str, journal: &str) -> Target {
    let dir = std::env::temp_dir().join(format!("ormgen-crash-{}-{label}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!(
        "sqlite://{}?journal_mode={journal}",
        dir.join("crash.db").display()
    );
    let engine = Engine::connect(&url).expect("sqlite engine");
    Target {
        label: label.to_owned(),
        url,
        schema: None,
        engine,
        _db: None,
        _dir: Some(TempDir(dir)),
    }
}

fn pg_target(label: &str) -> Option<Target> {
    let db = common::postgres(|b| b)?;
    Some(Target {
        label: label.to_owned(),
        url: common::pg_url(),
        schema: db.schema.clone(),
        engine: db.engine.clone(),
        _db: Some(db),
        _dir: None,
    })
}

fn targets(label: &str) -> Vec<Target> {
    let mut v = vec![
        sqlite_target(&format!("sqlite-wal-{label}"), "wal"),
        sqlite_target(&format!("sqlite-delete-{label}"), "delete"),
    ];
    v.extend(pg_target(&format!("postgres-{label}")));
    v
}

/// Starts the child; a thread records the last number it acknowledged.
fn spawn(t: &Target, mode: &str, n: usize) -> (Child, Arc<AtomicI64>, std::thread::JoinHandle<()>) {
    let mut child = Command::new(CHILD)
        .args([
            mode,
            &t.url,
            t.schema.as_deref().unwrap_or("-"),
            &n.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn crash_child");
    let acked = Arc::new(AtomicI64::new(-1));
    let a = acked.clone();
    let out = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            let v = match line.as_str() {
                "migrating" => 0,
                "migrated" => 1,
                n => n.parse().expect("an acknowledged number"),
            };
            a.store(v, Ordering::SeqCst);
        }
    });
    (child, acked, reader)
}

fn kill(mut child: Child, reader: std::thread::JoinHandle<()>) {
    // SIGKILL: no destructor, no rollback, no flush runs in the child.
    child.kill().expect("SIGKILL");
    child.wait().expect("wait");
    reader.join().expect("reader");
}

fn integrity_ok(engine: &Engine) -> Result<()> {
    if engine.dialect() == ormgen::Dialect::Sqlite {
        let r: Option<String> = engine
            .session()?
            .query_first("PRAGMA integrity_check", ())?;
        assert_eq!(r.as_deref(), Some("ok"), "integrity_check");
    }
    Ok(())
}

fn table_exists(engine: &Engine, table: &str) -> Result<bool> {
    let sql = match engine.dialect() {
        ormgen::Dialect::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
        }
        ormgen::Dialect::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
        }
    };
    let n: Option<i64> = engine.session()?.query_first(sql, (table,))?;
    Ok(n == Some(1))
}

/// The migrations recorded, and whether their checksums match.
fn recorded(engine: &Engine, migrator: &Migrator) -> Result<Vec<String>> {
    let status = migrator.status(engine)?; // refuses a changed checksum
    let rows: Option<i64> = engine.session()?.query_first(
        format!("SELECT COUNT(*) FROM \"{VERSION_TABLE}\"").as_str(),
        (),
    )?;
    let applied: Vec<String> = status
        .into_iter()
        .filter(|s| s.applied_at.is_some())
        .map(|s| s.version)
        .collect();
    assert_eq!(rows, Some(applied.len() as i64), "version table rows");
    Ok(applied)
}

/// Checks the ledger after a kill, given the highest number known to be
/// committed (acknowledged, or seen after an earlier kill); returns the
/// highest number present.
fn check_ledger(t: &Target, batch: i64, acked: i64) -> Result<i64> {
    let e = &t.engine;
    integrity_ok(e)?;
    let applied = recorded(e, &Migrator::new(vec![ledger()])?)?;
    let exists = table_exists(e, "ledger")?;
    assert_eq!(
        exists,
        applied == ["20260101000000"],
        "{}: the ledger table exists exactly when its migration is recorded",
        t.label
    );
    if !exists {
        assert!(acked <= 0, "{}: acknowledged rows but no ledger", t.label);
        return Ok(0);
    }
    let mut s = e.session()?;
    let (count, min, max): (i64, Option<i64>, Option<i64>) = s
        .query_first("SELECT COUNT(*), MIN(n), MAX(n) FROM ledger", ())?
        .expect("one row");
    let max = max.unwrap_or(0);
    assert!(
        count == max && min.unwrap_or(1) == 1,
        "{}: rows are not 1..={max} ({count} rows, min {min:?})",
        t.label
    );
    assert!(
        max >= acked,
        "{}: acknowledged {acked}, only {max} present",
        t.label
    );
    // Only the transaction in flight at the kill may be there unacknowledged.
    assert!(
        max - acked.max(0) == 0 || max - acked.max(0) == batch,
        "{}: {max} present, {acked} acknowledged, {batch} per transaction",
        t.label
    );
    let torn: Option<i64> = s.query_first(
        "SELECT COUNT(*) FROM (SELECT txn FROM ledger GROUP BY txn \
         HAVING COUNT(*) <> $1 OR MIN(n) <> txn) AS t",
        (batch,),
    )?;
    assert_eq!(torn, Some(0), "{}: a transaction is half-present", t.label);
    Ok(max)
}

fn kills_per_database() -> usize {
    std::env::var("ORMGEN_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(25)
}

#[test]
fn sigkilled_writers_lose_no_acknowledged_commit() -> Result<()> {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut rng = Rng::new();
    let kills = kills_per_database();
    for batch in [1usize, 10] {
        for t in targets(&format!("batch{batch}")) {
            let started = Instant::now();
            let (mut mid_write, mut max) = (0usize, 0i64);
            for _ in 0..kills {
                let before = max;
                let (child, acked, reader) = spawn(&t, "writer", batch);
                // A random moment: most land in the write loop, a few in
                // the child's start-up (connect, migrate).
                std::thread::sleep(Duration::from_micros(2_000 + rng.below(120_000)));
                kill(child, reader);
                let acked = acked.load(Ordering::SeqCst);
                max = check_ledger(&t, batch as i64, acked.max(before))?;
                assert!(max >= before, "{}: rows disappeared", t.label);
                if acked > before {
                    mid_write += 1;
                }
            }
            eprintln!(
                "{}: {kills} kills ({mid_write} during writes), {max} rows checked, {:.1} s",
                t.label,
                started.elapsed().as_secs_f64()
            );
            assert!(
                mid_write * 2 >= kills,
                "{}: only {mid_write} of {kills} kills landed while rows were being written",
                t.label
            );
        }
    }
    Ok(())
}

#[test]
fn a_migration_killed_half_way_leaves_the_previous_version() -> Result<()> {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    const TABLES: usize = 100;
    let mut rng = Rng::new();
    let full = Migrator::new(vec![ledger(), wide(TABLES)])?;
    for t in targets("migrate") {
        // The previous version's schema, then the full one and how long the
        // migration takes (applied, measured and reverted in the parent).
        full.up(&t.engine, Some("20260101000000"))?;
        let previous = introspect(&t.engine)?;
        let start = Instant::now();
        full.up(&t.engine, None)?;
        let took = start.elapsed();
        let complete = introspect(&t.engine)?;
        full.down(&t.engine, 1)?;
        assert_eq!(introspect(&t.engine)?, previous, "{}: down", t.label);

        let (mut half_way, kills) = (0usize, 8usize);
        for _ in 0..kills {
            let (child, state, reader) = spawn(&t, "migrate", TABLES);
            let deadline = Instant::now() + Duration::from_secs(30);
            while state.load(Ordering::SeqCst) < 0 {
                assert!(
                    Instant::now() < deadline,
                    "{}: child never started migrating",
                    t.label
                );
                std::thread::sleep(Duration::from_micros(200));
            }
            // Somewhere in the middle of the 200 statements.
            let at = took.as_micros() as u64 / 10 + rng.below(took.as_micros() as u64 * 6 / 10);
            std::thread::sleep(Duration::from_micros(at));
            kill(child, reader);
            integrity_ok(&t.engine)?;
            let applied = recorded(&t.engine, &full)?;
            if applied.len() == 1 {
                half_way += 1;
                assert_eq!(
                    introspect(&t.engine)?,
                    previous,
                    "{}: a migration killed half-way left a partial schema",
                    t.label
                );
            } else {
                // It finished before the kill: undo it for the next round.
                assert_eq!(introspect(&t.engine)?, complete, "{}", t.label);
                full.down(&t.engine, 1)?;
            }
        }
        // The next `migrate up` applies it cleanly.
        let (mut child, state, reader) = spawn(&t, "migrate", TABLES);
        assert!(
            child.wait().expect("wait").success(),
            "{}: migrate up",
            t.label
        );
        reader.join().expect("reader");
        assert_eq!(state.load(Ordering::SeqCst), 1, "{}: migrated", t.label);
        assert_eq!(recorded(&t.engine, &full)?.len(), 2, "{}", t.label);
        assert_eq!(
            introspect(&t.engine)?,
            complete,
            "{}: after migrate up",
            t.label
        );
        let rows: Option<i64> = t.engine.session()?.query_first(
            format!("SELECT COUNT(*) FROM wide_{}", TABLES - 1).as_str(),
            (),
        )?;
        assert_eq!(rows, Some(2000), "{}", t.label);
        eprintln!(
            "{}: migration of {} statements takes {:.0} ms; {half_way} of {kills} kills half-way",
            t.label,
            TABLES * 2,
            took.as_secs_f64() * 1000.0
        );
        assert!(
            half_way * 2 >= kills,
            "{}: only {half_way} kills half-way",
            t.label
        );
    }
    Ok(())
}
