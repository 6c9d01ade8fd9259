//! The one error type of the runtime, and its mapping from both drivers' error codes.

use std::borrow::Cow;
use std::time::Duration;

/// `Result` with the runtime's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong at run time, with kinds callers can match on.
///
/// Database errors are classified from PostgreSQL's SQLSTATE codes and SQLite's
/// extended result codes; what is not classified ends up in [`Error::Sql`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A unique (or primary key) constraint was violated.
    ///
    /// `constraint` is the constraint's name on PostgreSQL. SQLite does not report
    /// names, so it is derived from the message using Prisma's default naming
    /// (`{table}_{col}_{col}_key`, `{table}_pkey` for primary keys).
    #[error("unique constraint violated ({}): {message}", constraint.as_deref().unwrap_or("unnamed"))]
    UniqueViolation {
        /// The constraint's name, when known.
        constraint: Option<String>,
        /// The database's message.
        message: String,
    },
    /// A foreign-key constraint was violated.
    #[error("foreign key constraint violated ({}): {message}", constraint.as_deref().unwrap_or("unnamed"))]
    ForeignKeyViolation {
        /// The constraint's name, when known (PostgreSQL only).
        constraint: Option<String>,
        /// The database's message.
        message: String,
    },
    /// A NOT NULL constraint was violated.
    #[error("not-null constraint violated ({}): {message}", column.as_deref().unwrap_or("unknown column"))]
    NotNullViolation {
        /// The column, when known.
        column: Option<String>,
        /// The database's message.
        message: String,
    },
    /// A CHECK constraint was violated.
    #[error("check constraint violated ({}): {message}", constraint.as_deref().unwrap_or("unnamed"))]
    CheckViolation {
        /// The constraint's name, when known.
        constraint: Option<String>,
        /// The database's message.
        message: String,
    },
    /// The transaction could not be serialized (PostgreSQL 40001); retry it.
    #[error("serialization failure (retryable): {message}")]
    SerializationFailure {
        /// The database's message.
        message: String,
    },
    /// A deadlock was detected (PostgreSQL 40P01); retry the transaction.
    #[error("deadlock detected (retryable): {message}")]
    Deadlock {
        /// The database's message.
        message: String,
    },
    /// The database is busy or locked (SQLite `SQLITE_BUSY`/`SQLITE_LOCKED` after the
    /// busy timeout); retry the transaction.
    #[error("database busy (retryable): {message}")]
    Busy {
        /// The database's message.
        message: String,
    },
    /// No connection could be checked out of the pool in time.
    #[error(
        "timed out after {timeout:?} waiting for a connection (pool size {size}, max overflow {overflow}, all in use)"
    )]
    PoolTimeout {
        /// Connections the pool keeps.
        size: usize,
        /// Extra connections it may open under load.
        overflow: usize,
        /// How long the checkout waited.
        timeout: Duration,
    },
    /// The connection to the database was lost (server closed it, network error,
    /// administrator shutdown) before the transaction's `COMMIT` was sent. The
    /// connection is discarded from the pool and the server rolled the open
    /// transaction back: its work is lost, and running it again is safe
    /// (`transaction_retry` does).
    #[error("connection lost: {message}")]
    ConnectionLost {
        /// What the driver reported.
        message: String,
    },
    /// The connection was lost while `COMMIT` was in flight, so whether the
    /// transaction committed is unknown ("in doubt"): the server may have
    /// committed it before the answer was lost. Never retried automatically —
    /// running it again could apply it twice. Check whether its effect is
    /// there (an idempotency key: a unique column the transaction writes),
    /// then decide.
    #[error(
        "the connection was lost during COMMIT: the transaction may or may not have committed ({message})"
    )]
    CommitOutcomeUnknown {
        /// What the driver reported.
        message: String,
    },
    /// The statement was stopped before it finished: a
    /// [`CancelHandle`](crate::CancelHandle) (or a dropped async future)
    /// cancelled it — SQLite's interrupt, a PostgreSQL cancel request. Like any
    /// error it fails the open transaction; the connection stays usable.
    #[error("statement cancelled: {message}")]
    Cancelled {
        /// The database's message.
        message: String,
    },
    /// The statement ran longer than the statement timeout
    /// ([`EngineBuilder::statement_timeout`](crate::EngineBuilder::statement_timeout),
    /// [`Session::set_statement_timeout`](crate::Session::set_statement_timeout))
    /// and was stopped by the server. It fails the open transaction; the
    /// connection stays usable.
    #[error("statement timeout: {message}")]
    Timeout {
        /// The database's message.
        message: String,
    },
    /// The database is out of storage: the disk (or SQLite's
    /// `max_page_count`) is full (SQLite `SQLITE_FULL`, PostgreSQL 53100).
    /// The statement and its transaction failed and nothing of them was
    /// written; once space is freed, writes succeed again.
    #[error("out of storage: {message}")]
    DiskFull {
        /// The database's message.
        message: String,
    },
    /// The database cannot be written: a read-only SQLite file, directory or
    /// file system (`SQLITE_READONLY`), a read-only transaction or a hot
    /// standby (PostgreSQL 25006). Reads still work.
    #[error("the database is read-only: {message}")]
    ReadOnly {
        /// The database's message.
        message: String,
    },
    /// Could not connect to the database.
    #[error("could not connect: {message}")]
    Connect {
        /// What the driver reported.
        message: String,
    },
    /// A column's value could not be decoded into the requested Rust type.
    #[error("cannot decode column {column}: expected {expected}, found {found}")]
    Decode {
        /// The column's name (or index when it has none).
        column: String,
        /// The Rust type asked for.
        expected: &'static str,
        /// What the database returned (its type, NULL, or an out-of-range value).
        found: String,
    },
    /// `query_one` found no row.
    #[error("query returned no rows, expected exactly one")]
    NotFound,
    /// `query_one`/`query_opt` found more than one row.
    #[error("query returned more than one row")]
    TooManyRows,
    /// A column named in `Row::get` does not exist in the result.
    #[error("no column named {0:?} in the result")]
    NoSuchColumn(String),
    /// A parameter problem: a named placeholder without a value, a wrong count, ….
    #[error("parameter error: {0}")]
    Params(String),
    /// The engine URL or an option is invalid.
    #[error("configuration error: {0}")]
    Config(String),
    /// The engine URL names a backend this build of ormgen does not include: its
    /// driver is behind a Cargo feature of the `ormgen` crate that is off.
    #[error(
        "this build of ormgen does not include the {backend} backend: enable the `{feature}` Cargo feature of the `ormgen` crate"
    )]
    BackendNotCompiled {
        /// The backend the URL names (`"SQLite"`, `"PostgreSQL"`).
        backend: &'static str,
        /// The `ormgen` feature that compiles it in (`"sqlite"`, `"postgres"`).
        feature: &'static str,
    },
    /// A query the query builder cannot run as built (e.g. a table joined twice, which
    /// needs table aliases), reported by the query's terminal.
    #[error("unsupported query: {0}")]
    Unsupported(String),
    /// An update or delete of a loaded row (by its key) matched no row: the row
    /// was deleted meanwhile, or its key changed.
    #[error(
        "{action} of a row of `{table}` matched no row (deleted meanwhile, or its key changed)"
    )]
    NoSuchRow {
        /// The table's SQL name.
        table: String,
        /// `"update"` or `"delete"`.
        action: &'static str,
    },
    /// The unit of work cannot run as asked: a cycle of required foreign keys
    /// among pending rows, a handle from another session or an earlier flush.
    #[error("unit of work: {0}")]
    UnitOfWork(String),
    /// Generated code ran on an engine of a dialect it was generated without
    /// (`ormgen_build::Config::dialects`, `ormgen generate --dialect`): its
    /// fixed statements for that dialect are absent.
    #[error(
        "this schema's code was generated without SQL for {dialect:?}; generate it for this dialect too (`ormgen_build::Config::dialects`, `ormgen generate --dialect`)"
    )]
    DialectNotGenerated {
        /// The engine's dialect.
        dialect: crate::Dialect,
    },
    /// Application code refused the write: a model or session hook returned
    /// it ([`Error::rejected`]). The hook's write and everything the hooks
    /// wrote with it are rolled back. It holds the application's own error
    /// (`Error::Rejected(e)` then `e.downcast_ref::<MyError>()`).
    #[error("rejected: {0}")]
    Rejected(Box<dyn std::error::Error + Send + Sync + 'static>),
    /// A migration cannot be applied or reverted: it failed (the database
    /// stays at the previous version), was edited after it was applied, or
    /// is missing.
    #[error("migration: {0}")]
    Migration(String),
    /// A statement failed earlier in the session's open transaction, so the
    /// transaction is failed: every later statement and `commit` return this
    /// error until `Session::rollback` (or until the savepoint the failure
    /// happened in is rolled back). Nothing of the transaction is committed.
    #[error("the transaction failed earlier ({cause}); call rollback()")]
    TransactionFailed {
        /// The error that failed the transaction, as text.
        cause: String,
    },
    /// Any other database error, with the database's code (SQLSTATE on PostgreSQL,
    /// the extended result code on SQLite) and message.
    #[error("database error {code}: {message}")]
    Sql {
        /// SQLSTATE (PostgreSQL) or extended result code (SQLite), as text.
        code: String,
        /// The database's message.
        message: String,
    },
}

impl Error {
    /// [`Error::Rejected`] with the application's reason: a message
    /// (`Error::rejected("admins are not deleted")`) or its own error type.
    pub fn rejected(
        reason: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Error {
        Error::Rejected(reason.into())
    }

    /// Whether retrying the whole transaction may succeed: serialization failures,
    /// deadlocks and SQLite busy/locked errors.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::SerializationFailure { .. } | Error::Deadlock { .. } | Error::Busy { .. }
        )
    }

    /// Whether the connection is unusable after this error.
    pub fn is_connection_lost(&self) -> bool {
        matches!(
            self,
            Error::ConnectionLost { .. } | Error::CommitOutcomeUnknown { .. }
        )
    }

    /// Whether the transaction did not commit and could not have, because the
    /// database could not be reached or the connection broke before `COMMIT`
    /// ([`Error::Connect`], [`Error::ConnectionLost`]): running it again
    /// once the server is back is safe. `transaction_retry` retries these
    /// with a longer backoff, besides the [retryable](Self::is_retryable)
    /// ones; [`Error::CommitOutcomeUnknown`] is neither.
    pub fn is_unreached(&self) -> bool {
        matches!(self, Error::Connect { .. } | Error::ConnectionLost { .. })
    }

    pub(crate) fn decode(
        column: impl Into<String>,
        expected: &'static str,
        found: Cow<'static, str>,
    ) -> Self {
        Error::Decode {
            column: column.into(),
            expected,
            found: found.into_owned(),
        }
    }
}

/// Maps a rusqlite error onto the runtime's kinds.
#[cfg(feature = "rusqlite")]
pub(crate) fn from_sqlite(err: rusqlite::Error) -> Error {
    use rusqlite::ffi;
    match err {
        rusqlite::Error::SqliteFailure(e, msg) => {
            let message = msg.unwrap_or_else(|| e.to_string());
            match e.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE => Error::UniqueViolation {
                    constraint: sqlite_constraint_name(&message, "_key"),
                    message,
                },
                ffi::SQLITE_CONSTRAINT_PRIMARYKEY => Error::UniqueViolation {
                    constraint: sqlite_table(&message).map(|t| format!("{t}_pkey")),
                    message,
                },
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Error::ForeignKeyViolation {
                    constraint: None,
                    message,
                },
                // `ON DELETE/UPDATE RESTRICT` runs as a trigger program in SQLite and
                // fails with the trigger code, but the foreign-key message.
                ffi::SQLITE_CONSTRAINT_TRIGGER if message.starts_with("FOREIGN KEY constraint") => {
                    Error::ForeignKeyViolation {
                        constraint: None,
                        message,
                    }
                }
                ffi::SQLITE_CONSTRAINT_NOTNULL => Error::NotNullViolation {
                    column: message
                        .split_once(" constraint failed: ")
                        .map(|(_, c)| c.to_owned()),
                    message,
                },
                ffi::SQLITE_CONSTRAINT_CHECK => Error::CheckViolation {
                    constraint: message
                        .strip_prefix("CHECK constraint failed: ")
                        .map(str::to_owned),
                    message,
                },
                _ => match e.code {
                    ffi::ErrorCode::DatabaseBusy | ffi::ErrorCode::DatabaseLocked => {
                        Error::Busy { message }
                    }
                    ffi::ErrorCode::OperationInterrupted => Error::Cancelled { message },
                    ffi::ErrorCode::DiskFull => Error::DiskFull { message },
                    ffi::ErrorCode::ReadOnly => Error::ReadOnly { message },
                    _ => Error::Sql {
                        code: e.extended_code.to_string(),
                        message,
                    },
                },
            }
        }
        // rusqlite 0.40 has this variant only with its `modern_sqlite`
        // feature, which `bundled` turns on; without it (`sqlite-system` on
        // rusqlite 0.40) the message below still carries the error.
        #[cfg(feature = "sqlite")]
        rusqlite::Error::SqlInputError {
            error,
            msg,
            sql,
            offset,
        } => Error::Sql {
            code: error.extended_code.to_string(),
            message: format!("{msg} (at offset {offset} in {sql:?})"),
        },
        other => Error::Sql {
            code: "rusqlite".into(),
            message: other.to_string(),
        },
    }
}

/// "UNIQUE constraint failed: users.email, users.name" → `users_email_name_key`.
/// The columns are those of one table, each written `table.column` after
/// the message's fixed prefix, so the table is read up to the first `.` and
/// the columns split at `, table.`: names holding `: `, `, ` or `.` (after
/// the table's) stay whole.
#[cfg(feature = "rusqlite")]
fn sqlite_constraint_name(message: &str, suffix: &str) -> Option<String> {
    let (table, first) = sqlite_qualified(message)?;
    let mut name = String::with_capacity(message.len() + suffix.len());
    name.push_str(table);
    for column in first.split(&format!(", {table}.")) {
        name.push('_');
        name.push_str(column);
    }
    name.push_str(suffix);
    Some(name)
}

/// The table and the rest after it (`col, table.col…`) of a SQLite
/// constraint message (`UNIQUE constraint failed: table.col…`).
#[cfg(feature = "rusqlite")]
fn sqlite_qualified(message: &str) -> Option<(&str, &str)> {
    let (_, qualified) = message.split_once(" constraint failed: ")?;
    qualified.split_once('.')
}

#[cfg(feature = "rusqlite")]
fn sqlite_table(message: &str) -> Option<&str> {
    sqlite_qualified(message).map(|(t, _)| t)
}

/// Maps a `postgres` error onto the runtime's kinds.
#[cfg(feature = "postgres")]
pub(crate) fn from_pg(err: postgres::Error) -> Error {
    use postgres::error::SqlState;
    if let Some(db) = err.as_db_error() {
        let code = db.code();
        let message = db.message().to_owned();
        let constraint = db.constraint().map(str::to_owned);
        return if *code == SqlState::UNIQUE_VIOLATION {
            Error::UniqueViolation {
                constraint,
                message,
            }
        } else if *code == SqlState::FOREIGN_KEY_VIOLATION {
            Error::ForeignKeyViolation {
                constraint,
                message,
            }
        } else if *code == SqlState::NOT_NULL_VIOLATION {
            Error::NotNullViolation {
                column: db.column().map(str::to_owned),
                message,
            }
        } else if *code == SqlState::CHECK_VIOLATION {
            Error::CheckViolation {
                constraint,
                message,
            }
        } else if *code == SqlState::T_R_SERIALIZATION_FAILURE {
            Error::SerializationFailure { message }
        } else if *code == SqlState::T_R_DEADLOCK_DETECTED {
            Error::Deadlock { message }
        } else if *code == SqlState::QUERY_CANCELED {
            // The same code for both; the message tells them apart.
            if message.contains("statement timeout") {
                Error::Timeout { message }
            } else {
                Error::Cancelled { message }
            }
        } else if *code == SqlState::DISK_FULL {
            Error::DiskFull { message }
        } else if *code == SqlState::READ_ONLY_SQL_TRANSACTION {
            Error::ReadOnly { message }
        } else if code.code().starts_with("08")
            || *code == SqlState::ADMIN_SHUTDOWN
            || *code == SqlState::CRASH_SHUTDOWN
            || *code == SqlState::CANNOT_CONNECT_NOW
            || *code == SqlState::IDLE_SESSION_TIMEOUT
        {
            Error::ConnectionLost {
                message: format!("{} ({})", message, code.code()),
            }
        } else {
            Error::Sql {
                code: code.code().to_owned(),
                message,
            }
        };
    }
    if err.is_closed() || io_cause(&err) {
        return Error::ConnectionLost {
            message: err.to_string(),
        };
    }
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Sql {
        code: "postgres".into(),
        message,
    }
}

#[cfg(feature = "postgres")]
fn io_cause(err: &postgres::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(err);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

#[cfg(all(test, feature = "rusqlite"))]
mod tests {
    use super::*;

    #[test]
    fn sqlite_unique_name_from_message() {
        assert_eq!(
            sqlite_constraint_name("UNIQUE constraint failed: users.email", "_key").as_deref(),
            Some("users_email_key")
        );
        assert_eq!(
            sqlite_constraint_name("UNIQUE constraint failed: t.a, t.b", "_key").as_deref(),
            Some("t_a_b_key")
        );
        assert_eq!(sqlite_constraint_name("garbage", "_key"), None);
    }

    /// Names holding the message's separators (issue 21, item 7).
    #[test]
    fn sqlite_names_with_separators_stay_whole() {
        assert_eq!(
            sqlite_constraint_name(
                "UNIQUE constraint failed: a: b\"; --.author (id), \"ref\", a: b\"; --.ti.tle: x",
                "_key"
            )
            .as_deref(),
            Some("a: b\"; --_author (id), \"ref\"_ti.tle: x_key")
        );
        assert_eq!(
            sqlite_table("UNIQUE constraint failed: a: b.id").map(|t| format!("{t}_pkey")),
            Some("a: b_pkey".to_owned())
        );
    }
}
