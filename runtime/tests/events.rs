//! Engine events (statement counts, transactions, checkouts) and echo through tracing.

mod common;

use std::sync::{Arc, Mutex};

use ormgen::Event;

#[derive(Default, Debug, Clone, PartialEq)]
struct Counts {
    before: usize,
    after: usize,
    begin: usize,
    commit: usize,
    rollback: usize,
    checkout: usize,
    checkin: usize,
    connect: usize,
    rows: u64,
    sql: Vec<String>,
}

fn counting(engine: &ormgen::Engine) -> Arc<Mutex<Counts>> {
    let counts = Arc::new(Mutex::new(Counts::default()));
    let c = counts.clone();
    engine.add_listener(move |e| {
        let mut c = c.lock().unwrap();
        match e {
            Event::BeforeExecute { sql, params } => {
                c.before += 1;
                c.sql.push(format!("{sql} {}", params.len()));
            }
            Event::AfterExecute { rows, duration, .. } => {
                c.after += 1;
                c.rows += rows.unwrap_or(0);
                assert!(duration.as_secs() < 60);
            }
            Event::Begin { .. } => c.begin += 1,
            Event::Commit => c.commit += 1,
            Event::Rollback => c.rollback += 1,
            Event::Checkout => c.checkout += 1,
            Event::Checkin => c.checkin += 1,
            Event::Connect => c.connect += 1,
            _ => {}
        }
    });
    counts
}

#[test]
fn listeners_see_statements_transactions_and_checkouts() {
    for db in common::all() {
        let counts = counting(&db.engine);
        db.engine
            .transaction(|s| {
                s.execute("create table e (id integer primary key, v text)", ())?;
                s.execute("insert into e (id, v) values (?, ?)", (1, "a"))?;
                s.execute("insert into e (id, v) values (?, ?)", (2, "b"))?;
                Ok(())
            })
            .unwrap();
        {
            let mut s = db.engine.session().unwrap();
            let rows: Vec<(i64, String)> =
                s.query_as("select id, v from e order by id", ()).unwrap();
            assert_eq!(rows.len(), 2);
            // dropped without commit: rollback
        }
        let c = counts.lock().unwrap().clone();
        assert_eq!((c.before, c.after), (4, 4), "{}: {c:?}", db.name());
        assert_eq!(c.rows, 2 + 2, "1 + 1 inserted, 2 selected");
        assert_eq!((c.begin, c.commit, c.rollback), (2, 1, 1), "{c:?}");
        assert_eq!((c.checkout, c.checkin), (2, 2), "{c:?}");
        assert_eq!(c.connect, 1, "one connection opened and reused: {c:?}");
        let placeholder = if db.is_pg() { "$1" } else { "?1" };
        assert!(
            c.sql[1].contains(placeholder) && c.sql[1].ends_with(" 2"),
            "{:?}",
            c.sql
        );
        db.engine.clear_listeners();
        db.engine
            .session()
            .unwrap()
            .execute("select 1", ())
            .unwrap();
        assert_eq!(counts.lock().unwrap().before, 4);
    }
}

/// A `tracing` writer that collects output.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[test]
fn echo_logs_statements_and_parameters_under_ormgen_sql() {
    for db in common::backends(|b| b.echo(true)) {
        let out = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(out.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let mut s = db.engine.session().unwrap();
            let v: String = s
                .query_one(
                    db.sql("select ? || 'x'", "select ?::text || 'x'"),
                    ("echoed",),
                )
                .unwrap();
            assert_eq!(v, "echoedx");
            s.commit().unwrap();
            db.engine.set_echo(false);
            s.execute("select 42", ()).unwrap();
            db.engine.set_echo(true);
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert!(text.contains("ormgen::sql"), "{text}");
        assert!(text.contains("BEGIN"), "{text}");
        assert!(text.contains("|| 'x'"), "{text}");
        assert!(text.contains(r#"["echoed"]"#), "{text}");
        assert!(text.contains("COMMIT"), "{text}");
        assert!(!text.contains("select 42"), "echo off: {text}");
    }
}

#[test]
fn statement_cache_prepares_once_per_connection() {
    // PostgreSQL shows a connection's prepared statements in pg_prepared_statements; the
    // SQLite side uses rusqlite's per-connection cache (capacity 256).
    for db in common::all() {
        let mut s = db.engine.session().unwrap();
        let sql = db.sql("select ? * 2", "select ?::int8 * 2");
        for i in 0..10i64 {
            let v: i64 = s.query_one(sql, (i,)).unwrap();
            assert_eq!(v, i * 2);
        }
        if db.is_pg() {
            let n: i64 = s
                .query_one("select count(*) from pg_prepared_statements where statement = 'select $1::int8 * 2'", ())
                .unwrap();
            assert_eq!(n, 1);
        }
    }
}

#[test]
fn dropping_a_session_with_uncommitted_writes_warns() {
    for db in common::all() {
        db.engine
            .transaction(|s| s.batch_execute("create table items (id integer primary key)"))
            .unwrap();
        let out = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(out.clone())
            .with_ansi(false)
            .finish();
        let warnings = || {
            String::from_utf8(out.0.lock().unwrap().clone())
                .unwrap()
                .matches("uncommitted writes")
                .count()
        };
        tracing::subscriber::with_default(subscriber, || {
            // Reads only, then dropped: the implicit transaction ends quietly.
            let mut s = db.engine.session().unwrap();
            let _: i64 = s.query_one("select count(*) from items", ()).unwrap();
            drop(s);
            assert_eq!(warnings(), 0, "{}", db.name());
            // A write committed, a write rolled back explicitly: quiet.
            let mut s = db.engine.session().unwrap();
            s.execute("insert into items (id) values (1)", ()).unwrap();
            s.commit().unwrap();
            s.execute("insert into items (id) values (2)", ()).unwrap();
            s.rollback().unwrap();
            drop(s);
            assert_eq!(warnings(), 0, "{}", db.name());
            // A write left uncommitted: rolled back, with a warning.
            let mut s = db.engine.session().unwrap();
            s.execute("insert into items (id) values (3)", ()).unwrap();
            drop(s);
            assert_eq!(warnings(), 1, "{}", db.name());
        });
        let n: i64 = db
            .engine
            .session()
            .unwrap()
            .query_one("select count(*) from items", ())
            .unwrap();
        assert_eq!(n, 1, "{}", db.name());
    }
}
