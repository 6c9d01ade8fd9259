//! SQLite storage settings: journal mode, `synchronous`, busy timeout and
//! foreign keys, from a URL's query (`sqlite://app.db?journal_mode=wal&…`)
//! and from [`EngineBuilder`](crate::EngineBuilder) methods (which win).
//!
//! What each choice costs:
//!
//! | setting | default | cost and benefit |
//! |---|---|---|
//! | `journal_mode=wal` | files | readers never block the writer nor the writer readers; two side files (`-wal`, `-shm`); the database must be on a local file system |
//! | `journal_mode=delete` (SQLite's own default), `truncate`, `persist` | | one file at rest; a writer blocks readers while it commits |
//! | `journal_mode=memory`, `off` | in-memory databases | no rollback journal on disk: a crash in a transaction can corrupt a file database |
//! | `synchronous=normal` | files in WAL mode | commits survive an application crash; a power loss may lose the last transactions, never corrupts |
//! | `synchronous=full` (SQLite's default), `extra` | other journal modes | an fsync per commit: durable through power loss, slower commits |
//! | `synchronous=off` | | no fsync: fastest, a power loss can corrupt the file |
//! | `busy_timeout=<ms>` | 5000 | how long a statement waits for another connection's write lock before [`Error::Busy`] |
//! | `foreign_keys=off` | on | foreign keys not enforced (SQLite's own default): cheaper deletes, no integrity |
//!
//! In-memory databases: `sqlite::memory:` (or `?cache=shared`) is one
//! database for every session of the engine (kept alive by the engine);
//! `sqlite::memory:?cache=private` is SQLite's plain `:memory:` — one
//! connection, so the engine's pool holds exactly one and sessions take
//! turns, and the database ends with the engine.

// Parsing and the defaults are used by the SQLite backend only.
#![cfg_attr(not(feature = "rusqlite"), allow(dead_code))]

use std::time::Duration;

use crate::error::{Error, Result};

/// SQLite's journal mode (`PRAGMA journal_mode`); see the [module
/// docs](self) for what each costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalMode {
    /// Delete the rollback journal at each commit (SQLite's default).
    Delete,
    /// Truncate the rollback journal instead of deleting it.
    Truncate,
    /// Keep the rollback journal, zeroing its header.
    Persist,
    /// Keep the rollback journal in memory.
    Memory,
    /// Write-ahead log (ormgen's default for files).
    Wal,
    /// No rollback journal.
    Off,
}

impl JournalMode {
    /// The PRAGMA's keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            JournalMode::Delete => "delete",
            JournalMode::Truncate => "truncate",
            JournalMode::Persist => "persist",
            JournalMode::Memory => "memory",
            JournalMode::Wal => "wal",
            JournalMode::Off => "off",
        }
    }

    fn parse(s: &str) -> Option<JournalMode> {
        [
            JournalMode::Delete,
            JournalMode::Truncate,
            JournalMode::Persist,
            JournalMode::Memory,
            JournalMode::Wal,
            JournalMode::Off,
        ]
        .into_iter()
        .find(|m| m.keyword().eq_ignore_ascii_case(s))
    }
}

/// SQLite's `PRAGMA synchronous`; see the [module docs](self) for what each
/// costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    /// No fsync.
    Off,
    /// Fsync at checkpoints (ormgen's default for files in WAL mode).
    Normal,
    /// Fsync at each commit (SQLite's default).
    Full,
    /// `Full`, and the directory after deleting a journal.
    Extra,
}

impl Synchronous {
    /// The PRAGMA's keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Synchronous::Off => "off",
            Synchronous::Normal => "normal",
            Synchronous::Full => "full",
            Synchronous::Extra => "extra",
        }
    }

    /// The level `PRAGMA synchronous` reads back (0 to 3).
    pub fn level(self) -> i64 {
        match self {
            Synchronous::Off => 0,
            Synchronous::Normal => 1,
            Synchronous::Full => 2,
            Synchronous::Extra => 3,
        }
    }

    fn parse(s: &str) -> Option<Synchronous> {
        [
            Synchronous::Off,
            Synchronous::Normal,
            Synchronous::Full,
            Synchronous::Extra,
        ]
        .into_iter()
        .find(|m| m.keyword().eq_ignore_ascii_case(s))
    }
}

/// The settings a SQLite connection is opened with; `None` is the default
/// for the kind of database (see the [module docs](self)).
#[derive(Debug, Clone, Default)]
pub(crate) struct SqliteSettings {
    pub(crate) journal_mode: Option<JournalMode>,
    pub(crate) synchronous: Option<Synchronous>,
    pub(crate) busy_timeout: Option<Duration>,
    pub(crate) foreign_keys: Option<bool>,
}

/// The busy timeout when none is set.
pub(crate) const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How an in-memory database is shared (the `cache` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MemoryKind {
    /// One database for all the engine's connections.
    Shared,
    /// SQLite's plain `:memory:`: one connection.
    Private,
}

impl SqliteSettings {
    /// The settings of a URL's query (`journal_mode=wal&synchronous=full&
    /// busy_timeout=5000&foreign_keys=on`, and `cache=shared|private` for an
    /// in-memory database, returned beside them).
    pub(crate) fn from_query(query: &str) -> Result<(SqliteSettings, Option<MemoryKind>)> {
        let mut settings = SqliteSettings::default();
        let mut cache = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let bad = || {
                Error::Config(format!(
                    "invalid SQLite URL parameter {key}={value:?}: expected {}",
                    match key {
                        "journal_mode" => "delete, truncate, persist, memory, wal or off",
                        "synchronous" => "off, normal, full or extra",
                        "busy_timeout" => "milliseconds",
                        "foreign_keys" => "on or off",
                        _ => "shared or private",
                    }
                ))
            };
            match key {
                "journal_mode" => {
                    settings.journal_mode = Some(JournalMode::parse(value).ok_or_else(bad)?);
                }
                "synchronous" => {
                    settings.synchronous = Some(Synchronous::parse(value).ok_or_else(bad)?);
                }
                "busy_timeout" => {
                    let ms: u64 = value.parse().map_err(|_| bad())?;
                    settings.busy_timeout = Some(Duration::from_millis(ms));
                }
                "foreign_keys" => {
                    settings.foreign_keys = Some(match value.to_ascii_lowercase().as_str() {
                        "on" | "true" | "1" => true,
                        "off" | "false" | "0" => false,
                        _ => return Err(bad()),
                    });
                }
                "cache" => {
                    cache = Some(match value {
                        "shared" => MemoryKind::Shared,
                        "private" => MemoryKind::Private,
                        _ => return Err(bad()),
                    });
                }
                _ => {
                    return Err(Error::Config(format!(
                        "unknown SQLite URL parameter {key:?}: expected journal_mode, \
                         synchronous, busy_timeout, foreign_keys or (in-memory) cache"
                    )));
                }
            }
        }
        Ok((settings, cache))
    }

    /// These settings with `over`'s set ones replacing them.
    pub(crate) fn overlay(self, over: &SqliteSettings) -> SqliteSettings {
        SqliteSettings {
            journal_mode: over.journal_mode.or(self.journal_mode),
            synchronous: over.synchronous.or(self.synchronous),
            busy_timeout: over.busy_timeout.or(self.busy_timeout),
            foreign_keys: over.foreign_keys.or(self.foreign_keys),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parameters_parse_and_bad_ones_are_named() {
        let (s, cache) = SqliteSettings::from_query(
            "journal_mode=DELETE&synchronous=full&busy_timeout=250&foreign_keys=off",
        )
        .unwrap();
        assert_eq!(s.journal_mode, Some(JournalMode::Delete));
        assert_eq!(s.synchronous, Some(Synchronous::Full));
        assert_eq!(s.busy_timeout, Some(Duration::from_millis(250)));
        assert_eq!(s.foreign_keys, Some(false));
        assert_eq!(cache, None);
        let (_, cache) = SqliteSettings::from_query("cache=private").unwrap();
        assert_eq!(cache, Some(MemoryKind::Private));
        for bad in [
            "journal_mode=fast",
            "synchronous=2x",
            "busy_timeout=soon",
            "mode=ro",
        ] {
            let e = SqliteSettings::from_query(bad).unwrap_err().to_string();
            let key = bad.split('=').next().unwrap();
            assert!(e.contains(key), "{e}");
        }
        let over = SqliteSettings {
            synchronous: Some(Synchronous::Extra),
            ..SqliteSettings::default()
        };
        let merged = s.overlay(&over);
        assert_eq!(merged.synchronous, Some(Synchronous::Extra));
        assert_eq!(merged.journal_mode, Some(JournalMode::Delete));
    }
}
