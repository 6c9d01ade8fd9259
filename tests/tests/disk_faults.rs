//! SQLite on a full disk and on a read-only file system (issue 21, item 4):
//! the database lives on a small tmpfs the test mounts (as root, as CI
//! runs), filled up or remounted read-only under the engine.
//!
//! - Full: writing until the disk is full fails with [`Error::DiskFull`];
//!   every transaction committed before it is intact and the failed one
//!   left nothing; `PRAGMA integrity_check` is `ok`; once space is freed the
//!   next write succeeds, on the same engine.
//! - Read-only: a database on a file system remounted read-only opens and
//!   reads; writes fail with [`Error::ReadOnly`] and change nothing; once
//!   the file system is writable again, so is the database. (A WAL database
//!   there cannot be opened at all — SQLite must create its `-shm` file —
//!   and the connect error says why.)
//!
//! Without the right to mount (not root) the test fails when `CI` is set
//! and is skipped with a loud message otherwise.

use std::path::{Path, PathBuf};
use std::process::Command;

use ormgen::{Engine, Error};
use ormgen_tests::blog::{NewUser, User, create_all};

/// A tmpfs mounted for the test, unmounted (and its directory removed) at drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(label: &str, size: &str) -> Option<Tmpfs> {
        let dir = std::env::temp_dir().join(format!("ormgen-disk-{}-{label}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mount point");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&dir)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs(dir)),
            other => {
                let why = match other {
                    Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
                    Err(e) => e.to_string(),
                };
                let _ = std::fs::remove_dir(&dir);
                assert!(
                    std::env::var_os("CI").is_none(),
                    "cannot mount a tmpfs (run as root) and CI is set: {why}"
                );
                eprintln!(
                    "\n!!!!!!!! SKIPPING disk fault test: cannot mount a tmpfs: {why} !!!!!!!!\n"
                );
                None
            }
        }
    }

    fn remount(&self, mode: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&self.0)
            .status()
            .expect("mount")
            .success();
        assert!(ok, "remount {mode}");
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The one value of a one-row, one-column query.
fn scalar<T: ormgen::FromColumn>(engine: &Engine, sql: &str) -> T {
    let v: Option<T> = engine
        .session()
        .expect("session")
        .query_first(sql, ())
        .expect(sql);
    v.expect("a row")
}

fn count(engine: &Engine) -> i64 {
    scalar(engine, "SELECT COUNT(*) FROM users")
}

fn integrity(engine: &Engine) -> String {
    scalar(engine, "PRAGMA integrity_check")
}

/// One transaction of ten users with 4 KB names, numbered from `first`.
fn ten_users(engine: &Engine, first: usize) -> ormgen::Result<()> {
    let name = "n".repeat(4096);
    engine.transaction(|s| {
        for k in first..first + 10 {
            User::insert(s, NewUser::new(format!("u{k}@x.org")).name(name.clone()))?;
        }
        Ok(())
    })
}

#[test]
fn a_full_disk_is_a_typed_error_that_loses_nothing() {
    for journal in ["wal", "delete"] {
        let Some(fs) = Tmpfs::mount(&format!("full-{journal}"), "2m") else {
            return;
        };
        // Ballast: freeing it later is "the administrator made room".
        let ballast = fs.path().join("ballast");
        std::fs::write(&ballast, vec![0u8; 512 * 1024]).expect("ballast");
        let url = format!(
            "sqlite://{}?journal_mode={journal}",
            fs.path().join("full.db").display()
        );
        let engine = Engine::connect(&url).expect("engine");
        create_all(&engine).expect("create_all");

        let mut committed = 0usize;
        let err = loop {
            match ten_users(&engine, committed) {
                Ok(()) => committed += 10,
                Err(e) => break e,
            }
            assert!(committed < 10_000, "{journal}: the disk never filled");
        };
        assert!(
            matches!(err, Error::DiskFull { .. }),
            "{journal}: expected DiskFull, got {err:?}"
        );
        assert!(committed > 0, "{journal}");
        assert_eq!(
            count(&engine) as usize,
            committed,
            "{journal}: rows after the failure"
        );
        assert_eq!(integrity(&engine), "ok", "{journal}");

        // Room again: the same engine writes, and everything is there.
        std::fs::remove_file(&ballast).expect("free the ballast");
        ten_users(&engine, committed).expect("a write after space was freed");
        assert_eq!(count(&engine) as usize, committed + 10, "{journal}");
        engine.dispose();
        let reopened = Engine::connect(&url).expect("reopen");
        assert_eq!(
            count(&reopened) as usize,
            committed + 10,
            "{journal}: reopened"
        );
        assert_eq!(integrity(&reopened), "ok", "{journal}: reopened");
        eprintln!(
            "{journal}: disk full after {committed} rows ({err}); {} rows after freeing space",
            committed + 10
        );
        reopened.dispose();
    }
}

#[test]
fn a_read_only_file_system_refuses_writes_and_keeps_reads() {
    for journal in ["wal", "delete"] {
        let Some(fs) = Tmpfs::mount(&format!("ro-{journal}"), "8m") else {
            return;
        };
        let url = format!(
            "sqlite://{}?journal_mode={journal}",
            fs.path().join("ro.db").display()
        );
        let engine = Engine::connect(&url).expect("engine");
        create_all(&engine).expect("create_all");
        ten_users(&engine, 0).expect("write");

        // Linux refuses to remount a file system read-only while a file on
        // it is open for writing, so the engine closes first.
        engine.dispose();
        drop(engine);
        fs.remount("ro");
        let engine = Engine::connect(&url).expect("an engine connects lazily");
        if journal == "wal" {
            // SQLite cannot open a WAL database whose directory is read-only
            // (it must create the `-shm` file): a connect error that says so.
            let Err(err) = engine.session() else {
                panic!("{journal}: a session on a read-only WAL database");
            };
            assert!(
                matches!(&err, Error::Connect { message } if message.contains("read-only")),
                "{err:?}"
            );
        } else {
            assert_eq!(count(&engine), 10, "{journal}: reads still work");
            let err = ten_users(&engine, 10).expect_err("a write on a read-only file system");
            assert!(
                matches!(err, Error::ReadOnly { .. }),
                "{journal}: expected ReadOnly, got {err:?}"
            );
            assert_eq!(count(&engine), 10, "{journal}: nothing changed");
        }
        engine.dispose();
        drop(engine);

        fs.remount("rw");
        let engine = Engine::connect(&url).expect("engine");
        ten_users(&engine, 10).expect("a write once the file system is writable");
        assert_eq!(count(&engine), 20, "{journal}");
        assert_eq!(integrity(&engine), "ok", "{journal}");
        engine.dispose();
    }
}
