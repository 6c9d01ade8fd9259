//! PostgreSQL through the `postgres` crate (or, for an async engine, a
//! `tokio-postgres` client on the application's runtime: `pg_native`): the
//! per-connection prepared statement cache, binding, running statements.

use rustc_hash::FxHashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type};

use crate::error::{Error, Result, from_pg};
use crate::events::short_debug;
use crate::params::with_mapped;
use crate::row::Row;
use crate::value::{PgError, ToParam};

/// A `postgres` client with its prepared statements, keyed by SQL text.
///
/// A prepared statement remembers its parameter and result types, which DDL can
/// change (PostgreSQL then answers "cached plan must not change result type"). Every
/// connection of an engine shares a DDL counter: a statement starting with `CREATE`,
/// `ALTER` or `DROP` run through the engine bumps it, and each connection clears its
/// cache when it sees a new value. A statement that fails with a stale-plan error is
/// also evicted, so the retried transaction prepares it afresh.
pub(crate) struct PgConn {
    pub(crate) client: PgClient,
    statements: FxHashMap<Box<str>, postgres::Statement>,
    ddl: Arc<AtomicU64>,
    seen_ddl: u64,
    /// This connection ran DDL that a `ROLLBACK` may still undo: statements
    /// prepared since then would go stale again, so the rollback clears the
    /// caches as the DDL did.
    ddl_undoable: bool,
}

/// The driver of a connection. (One per pooled connection: the variants'
/// size difference costs nothing worth an indirection on every statement.)
#[allow(clippy::large_enum_variant)]
pub(crate) enum PgClient {
    /// The `postgres` crate's client, with a runtime of its own (sync engines).
    Blocking(postgres::Client),
    /// A `tokio-postgres` client on the application's runtime (async engines).
    #[cfg(feature = "async")]
    Native(super::pg_native::NativePg),
}

impl PgClient {
    pub(crate) fn batch_execute(&mut self, sql: &str) -> Result<()> {
        match self {
            PgClient::Blocking(c) => c.batch_execute(sql).map_err(from_pg),
            #[cfg(feature = "async")]
            PgClient::Native(c) => c.block(|c| async move { c.batch_execute(sql).await }),
        }
    }

    fn prepare(&mut self, sql: &str) -> Result<postgres::Statement> {
        match self {
            PgClient::Blocking(c) => c.prepare(sql).map_err(from_pg),
            #[cfg(feature = "async")]
            PgClient::Native(c) => c.block(|c| async move { c.prepare(sql).await }),
        }
    }

    fn execute(
        &mut self,
        stmt: &postgres::Statement,
        binds: &[&(dyn ToSql + Sync)],
    ) -> Result<u64> {
        match self {
            PgClient::Blocking(c) => c.execute(stmt, binds).map_err(from_pg),
            #[cfg(feature = "async")]
            PgClient::Native(c) => c.block(|c| async move { c.execute(stmt, binds).await }),
        }
    }

    fn query(
        &mut self,
        stmt: &postgres::Statement,
        binds: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>> {
        match self {
            PgClient::Blocking(c) => c.query(stmt, binds).map_err(from_pg),
            #[cfg(feature = "async")]
            PgClient::Native(c) => c.block(|c| async move { c.query(stmt, binds).await }),
        }
    }

    /// Whether the server answers within `timeout`.
    pub(crate) fn is_valid(&mut self, timeout: std::time::Duration) -> bool {
        match self {
            PgClient::Blocking(c) => c.is_valid(timeout).is_ok(),
            #[cfg(feature = "async")]
            PgClient::Native(c) => {
                let deadline = std::time::Instant::now() + timeout;
                let answer =
                    c.block_until(|c| async move { c.simple_query("").await }, Some(deadline));
                matches!(answer, Some(Ok(_)))
            }
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        match self {
            PgClient::Blocking(c) => c.is_closed(),
            #[cfg(feature = "async")]
            PgClient::Native(c) => c.is_closed(),
        }
    }
}

/// Whether `sql` starts with a schema-changing keyword.
#[inline]
pub(crate) fn starts_with_ddl(sql: &str) -> bool {
    let t = sql.trim_start();
    let b = t.as_bytes();
    match b.first() {
        Some(b'c' | b'C' | b'a' | b'A' | b'd' | b'D') => {}
        _ => return false,
    }
    let word: &str = t
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("");
    ["create", "alter", "drop"]
        .iter()
        .any(|k| word.eq_ignore_ascii_case(k))
}

/// Whether any statement of a script may change the schema.
fn script_has_ddl(sql: &str) -> bool {
    sql.split(';').any(starts_with_ddl)
}

/// A transaction-control statement, as [`PgConn::after_control`] reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Control {
    /// `BEGIN`, `START TRANSACTION`.
    Begin,
    /// `COMMIT`, `END`.
    Commit,
    /// `ROLLBACK`, `ABORT`; `partial` for `ROLLBACK [WORK | TRANSACTION] TO
    /// [SAVEPOINT] name`, which leaves the transaction open.
    Rollback { partial: bool },
}

/// What transaction-control statement `sql` (or a script) starts with, if
/// any: its first keyword, and for a rollback whether it is to a savepoint.
fn control_of(sql: &str) -> Option<Control> {
    let t = sql.trim_start();
    // Most statements are none: a look at the first letter first.
    match t.as_bytes().first()? | 0x20 {
        b'a' | b'b' | b'c' | b'e' | b'r' | b's' => {}
        _ => return None,
    }
    let mut words = t
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty());
    let first = words.next()?;
    let is = |w: &str, k: &str| w.eq_ignore_ascii_case(k);
    if is(first, "begin") || is(first, "start") {
        Some(Control::Begin)
    } else if is(first, "commit") || is(first, "end") {
        Some(Control::Commit)
    } else if is(first, "rollback") || is(first, "abort") {
        let next = words
            .next()
            .filter(|w| !is(w, "work") && !is(w, "transaction"))
            .or_else(|| words.next());
        Some(Control::Rollback {
            partial: next.is_some_and(|w| is(w, "to")),
        })
    } else {
        None
    }
}

/// Binds through [`ToParam::to_pg`], checking [`ToParam::pg_accepts`].
#[derive(Clone, Copy)]
pub(crate) struct Bind<'a>(pub(crate) &'a dyn ToParam);

impl fmt::Debug for Bind<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&short_debug(self.0, 100))
    }
}

impl ToSql for Bind<'_> {
    #[inline]
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        self.0.to_pg(ty, out)
    }
    fn accepts(_ty: &Type) -> bool {
        true
    }
    #[inline]
    fn to_sql_checked(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, PgError> {
        if !self.0.pg_accepts(ty) {
            return Err(bind_mismatch(self.0, ty).into());
        }
        self.0.to_pg(ty, out)
    }
}

/// Why `v` cannot be sent as a parameter of type `ty` (the driver reports it
/// as a bind error of the statement).
pub(crate) fn bind_mismatch(v: &dyn ToParam, ty: &Type) -> String {
    format!(
        "cannot bind {} as a parameter of PostgreSQL type {}",
        short_debug(v, 100),
        ty.name()
    )
}

impl PgConn {
    pub(crate) fn new(client: PgClient, ddl: Arc<AtomicU64>) -> Self {
        let seen_ddl = ddl.load(Ordering::Acquire);
        PgConn {
            client,
            statements: FxHashMap::default(),
            ddl,
            seen_ddl,
            ddl_undoable: false,
        }
    }

    fn bump_ddl(&mut self) {
        self.ddl.fetch_add(1, Ordering::AcqRel);
        self.ddl_undoable = true;
    }

    pub(crate) fn batch(&mut self, sql: &str) -> Result<()> {
        let r = self.client.batch_execute(sql);
        self.after_control(sql, r.is_ok());
        if script_has_ddl(sql) {
            self.bump_ddl();
        }
        r
    }

    /// What follows a transaction-control statement (or a script starting
    /// with one): a `ROLLBACK` (also to a savepoint) after this
    /// connection's DDL clears the prepared-statement caches, since what
    /// was prepared against the undone schema is stale (PostgreSQL would
    /// refuse it: "cached plan must not change result type"); `BEGIN`,
    /// `COMMIT` and a whole `ROLLBACK` end what a later rollback could undo.
    /// A `COMMIT` that failed (`ok` false) rolled the transaction back.
    /// Also for raw SQL (`execute("ROLLBACK")`): anything else is ignored.
    /// Nothing to do (and nothing parsed) unless DDL is undoable.
    pub(crate) fn after_control(&mut self, sql: &str, ok: bool) {
        if self.ddl_undoable
            && let Some(control) = control_of(sql)
        {
            self.after(control, ok);
        }
    }

    /// [`after_control`](Self::after_control) for a statement whose kind
    /// the caller knows.
    pub(crate) fn after(&mut self, control: Control, ok: bool) {
        if !self.ddl_undoable {
            return;
        }
        match control {
            Control::Rollback { partial } => {
                self.ddl.fetch_add(1, Ordering::AcqRel);
                self.ddl_undoable = partial;
            }
            Control::Commit if !ok => {
                self.ddl.fetch_add(1, Ordering::AcqRel);
                self.ddl_undoable = false;
            }
            Control::Begin | Control::Commit => self.ddl_undoable = false,
        }
    }

    /// Drops a statement whose cached plan went stale.
    fn evict_if_stale(&mut self, sql: &str, e: &Error) {
        let stale = match e {
            Error::Sql { code, message } => {
                code == "0A000" || (code == "postgres" && message.contains("parameter"))
            }
            _ => false,
        };
        if stale {
            self.statements.remove(sql);
        }
    }

    /// Empties the statement cache when the engine's DDL counter moved
    /// since this connection last looked.
    #[inline]
    fn follow_ddl(&mut self) {
        let generation = self.ddl.load(Ordering::Relaxed);
        if generation != self.seen_ddl {
            self.statements.clear();
            self.seen_ddl = generation;
        }
    }

    /// The prepared statement for `sql`, from the per-connection cache.
    #[inline]
    pub(crate) fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        self.follow_ddl();
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql.into(), s.clone());
        Ok(s)
    }

    /// The cached prepared statement for `sql`, without preparing it.
    #[cfg(feature = "async")]
    pub(crate) fn cached_statement(&mut self, sql: &str) -> Option<postgres::Statement> {
        self.follow_ddl();
        self.statements.get(sql).cloned()
    }

    /// Caches a statement prepared elsewhere (by an async session's task).
    #[cfg(feature = "async")]
    pub(crate) fn keep_statement(&mut self, sql: &str, stmt: postgres::Statement) {
        self.statements.insert(sql.into(), stmt);
    }

    /// What follows a statement run with [`execute`](Self::execute) or by
    /// an async session's task: a transaction-control statement's effect on
    /// the caches, the schema counter after DDL, the stale-plan eviction.
    pub(crate) fn after_statement(&mut self, sql: &str, error: Option<&Error>) {
        self.after_control(sql, error.is_none());
        if starts_with_ddl(sql) {
            self.bump_ddl();
        }
        if let Some(e) = error {
            self.evict_if_stale(sql, e);
        }
    }

    /// The statement's parameters, checked and wrapped for the driver.
    #[inline]
    pub(crate) fn check(stmt: &postgres::Statement, params: &[&dyn ToParam]) -> Result<()> {
        let expected = stmt.params().len();
        if expected != params.len() {
            return Err(Error::Params(format!(
                "the statement has {expected} placeholder(s) but {} value(s) were given",
                params.len()
            )));
        }
        Ok(())
    }

    #[inline]
    pub(crate) fn execute(&mut self, sql: &str, params: &[&dyn ToParam]) -> Result<u64> {
        let r = self.execute_inner(sql, params);
        self.after_statement(sql, r.as_ref().err());
        r
    }

    #[inline]
    fn execute_inner(&mut self, sql: &str, params: &[&dyn ToParam]) -> Result<u64> {
        let stmt = self.statement(sql)?;
        Self::check(&stmt, params)?;
        with_binds(params, |binds| self.client.execute(&stmt, binds))
    }

    #[inline]
    pub(crate) fn query<F>(&mut self, sql: &str, params: &[&dyn ToParam], f: F) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<bool>,
    {
        let r = self.query_inner(sql, params, f);
        if let Err(e) = &r {
            self.evict_if_stale(sql, e);
        }
        r
    }

    /// Runs a query through the driver's buffered `query` (one blocking wait for the
    /// whole result; its row-by-row iterator costs a runtime round trip per row), then
    /// hands the rows to `f`.
    #[inline]
    fn query_inner<F>(&mut self, sql: &str, params: &[&dyn ToParam], mut f: F) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<bool>,
    {
        let stmt = self.statement(sql)?;
        Self::check(&stmt, params)?;
        let rows = with_binds(params, |binds| self.client.query(&stmt, binds))?;
        let mut n = 0u64;
        for r in &rows {
            n += 1;
            if !f(&Row::pg_of(r, rows.len()))? {
                break;
            }
        }
        Ok(n)
    }
}

/// Calls `f` with the parameters as the driver's `&[&(dyn ToSql + Sync)]`, on the stack
/// for up to 16 of them.
#[inline]
fn with_binds<R>(params: &[&dyn ToParam], f: impl FnOnce(&[&(dyn ToSql + Sync)]) -> R) -> R {
    with_mapped(
        params,
        |p| Bind(*p),
        |binds| with_mapped(binds, |b| b as &(dyn ToSql + Sync), f),
    )
}

#[cfg(test)]
mod tests {
    use super::{Control, control_of};

    #[test]
    fn control_statements_are_read_with_their_savepoint_forms() {
        let rollback = |partial| Some(Control::Rollback { partial });
        for (sql, want) in [
            ("BEGIN", Some(Control::Begin)),
            (
                "begin isolation level serializable read only",
                Some(Control::Begin),
            ),
            ("  START TRANSACTION", Some(Control::Begin)),
            ("COMMIT", Some(Control::Commit)),
            ("end", Some(Control::Commit)),
            ("ROLLBACK", rollback(false)),
            ("rollback work", rollback(false)),
            ("ROLLBACK AND CHAIN", rollback(false)),
            ("abort transaction", rollback(false)),
            (
                "ROLLBACK TO SAVEPOINT sp_1; RELEASE SAVEPOINT sp_1",
                rollback(true),
            ),
            ("rollback to sp_1", rollback(true)),
            ("ROLLBACK WORK TO SAVEPOINT x", rollback(true)),
            ("rollback transaction to x", rollback(true)),
            ("SELECT 1", None),
            ("SAVEPOINT x", None),
            ("create table rollback_log (id int)", None),
            ("", None),
        ] {
            assert_eq!(control_of(sql), want, "{sql:?}");
        }
    }
}
