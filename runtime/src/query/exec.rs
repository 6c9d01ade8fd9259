//! Running queries on a [`Session`]: the terminals of [`Query`] (`all`, `first`,
//! `one`, `count`, `exists`, `load`, `iter`), [`get`] by primary key, and the
//! streaming [`RowStream`].
//!
//! Every statement goes through the session (its transaction, its listeners and the
//! connection's prepared-statement cache) as [`Native`] SQL: the builder already
//! renders the dialect's placeholders. Rows are decoded with [`Decode`] straight
//! from the driver's row; no intermediate values are built.

use std::marker::PhantomData;
#[cfg(feature = "rusqlite")]
use std::mem::ManuallyDrop;
#[cfg(feature = "rusqlite")]
use std::ptr::NonNull;
use std::time::Instant;

#[cfg(feature = "postgres")]
use postgres::fallible_iterator::FallibleIterator;

use super::ast::QueryState;
use super::builder::{Executable, Query, RowType};
use super::decode::{Decode, ReadAs};
use super::fingerprint::Shape;
use super::operand::PrimaryKey;
use super::table::Table;
use super::walk::{Param, StatementKind};
use crate::backend::RawConn;
#[cfg(feature = "postgres")]
use crate::backend::postgres::{Bind, PgClient};
#[cfg(feature = "postgres")]
use crate::error::from_pg;
#[cfg(feature = "rusqlite")]
use crate::error::from_sqlite;
use crate::error::{Error, Result};
use crate::events::Event;
use crate::session::mark_failed;
use crate::{AsSql, Keyed, Native, Params, Row, Session, ToParam, Value};

/// Runs `run` with the SQL of statement `kind` of query `q`, from the
/// connection's cache of rendered statements (keyed by the query's [`Shape`]:
/// the fingerprint pass of the walk, which writes no text), and its
/// parameters, borrowed from the query. The text pass runs only on a miss.
pub(crate) fn with_statement<R>(
    q: &QueryState,
    kind: StatementKind,
    s: &mut Session,
    run: impl FnOnce(&mut Session, Keyed<'_>, &[Param<'_>]) -> Result<R>,
) -> Result<R> {
    let d = s.dialect();
    let mut shape = Shape::new(kind, d);
    shape.walk(q, kind);
    let key = shape.key();
    let sql = s.rendered_sql(key, || q.statement(kind, d).sql)?;
    run(s, Keyed::rendered(key, &sql), shape.params())
}

/// Runs `sql` with `params` and decodes every row as `T`.
pub fn fetch_all<T: Decode, P: Params + ?Sized>(
    s: &mut Session,
    sql: &str,
    params: &P,
) -> Result<Vec<T>> {
    fetch_all_as(s, Native(sql), params)
}

/// Runs `sql` and decodes its first row, if any, without reading further.
pub fn fetch_first<T: Decode, P: Params + ?Sized>(
    s: &mut Session,
    sql: &str,
    params: &P,
) -> Result<Option<T>> {
    fetch_first_as(s, Native(sql), params)
}

/// Runs `sql`; exactly one row or [`Error::NotFound`] / [`Error::TooManyRows`].
pub fn fetch_one<T: Decode, P: Params + ?Sized>(
    s: &mut Session,
    sql: &str,
    params: &P,
) -> Result<T> {
    fetch_one_as(s, Native(sql), params)
}

/// [`fetch_all`] for any [`AsSql`] (the runtime passes [`Keyed`](crate::Keyed) SQL).
#[inline]
pub(crate) fn fetch_all_as<T: Decode, P: Params + ?Sized>(
    s: &mut Session,
    sql: impl AsSql,
    params: &P,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    s.try_for_each(sql, params, |r| {
        if out.capacity() == 0 {
            // A buffered result (PostgreSQL) says how many rows come: one
            // allocation instead of a doubling series.
            out.reserve_exact(r.result_len_hint());
        }
        out.push(T::decode(r)?);
        Ok(true)
    })?;
    Ok(out)
}

/// [`fetch_first`] for any [`AsSql`].
#[inline]
pub(crate) fn fetch_first_as<T: Decode, P: Params + ?Sized>(
    s: &mut Session,
    sql: impl AsSql,
    params: &P,
) -> Result<Option<T>> {
    let mut out = None;
    s.try_for_each(sql, params, |r| {
        out = Some(T::decode(r)?);
        Ok(false)
    })?;
    Ok(out)
}

/// [`fetch_one`] for any [`AsSql`].
#[inline]
pub(crate) fn fetch_one_as<T: Decode, P: Params + ?Sized>(
    s: &mut Session,
    sql: impl AsSql,
    params: &P,
) -> Result<T> {
    let mut out = None;
    let mut many = false;
    s.try_for_each(sql, params, |r| {
        if out.is_some() {
            many = true;
            return Ok(false);
        }
        out = Some(T::decode(r)?);
        Ok(true)
    })?;
    if many {
        return Err(Error::TooManyRows);
    }
    out.ok_or(Error::NotFound)
}

/// Whether a query can run in dialect `d` (its code was generated for it,
/// and it holds no construct the builder refused).
pub(crate) fn check_state(st: &QueryState, d: crate::Dialect) -> Result<()> {
    if st.generated_without == Some(d) {
        return Err(Error::DialectNotGenerated { dialect: d });
    }
    match st.error {
        Some(m) => Err(Error::Unsupported(m.to_owned())),
        None => Ok(()),
    }
}

impl<S, R, G> Query<S, R, G> {
    fn check(&self, d: crate::Dialect) -> Result<()> {
        check_state(&self.st, d)
    }
}

/// Terminals. They need a known row type and a valid grouping state.
impl<S, R, G> Query<S, R, G>
where
    R: RowType<S>,
{
    /// All rows.
    pub fn all(self, s: &mut Session) -> Result<Vec<R::Row>>
    where
        G: Executable,
    {
        self.check(s.dialect())?;
        with_statement(&self.st, StatementKind::Select, s, |s, sql, p| {
            fetch_all_as(s, sql, p)
        })
    }

    /// The first row, if any (adds `LIMIT 1`).
    pub fn first(mut self, s: &mut Session) -> Result<Option<R::Row>>
    where
        G: Executable,
    {
        self.check(s.dialect())?;
        self.st.limit = Some(1);
        with_statement(&self.st, StatementKind::Select, s, |s, sql, p| {
            fetch_first_as(s, sql, p)
        })
    }

    /// Exactly one row: [`Error::NotFound`] for none, [`Error::TooManyRows`] for more
    /// (fetches at most two).
    pub fn one(mut self, s: &mut Session) -> Result<R::Row>
    where
        G: Executable,
    {
        self.check(s.dialect())?;
        self.st.limit = Some(self.st.limit.map_or(2, |l| l.min(2)));
        with_statement(&self.st, StatementKind::Select, s, |s, sql, p| {
            fetch_one_as(s, sql, p)
        })
    }

    /// The number of rows the query returns (`SELECT COUNT(*) ..`, wrapped as a
    /// subquery when DISTINCT, GROUP BY, LIMIT or OFFSET are present).
    pub fn count(self, s: &mut Session) -> Result<i64>
    where
        G: Executable,
    {
        self.check(s.dialect())?;
        let n = with_statement(&self.st, StatementKind::Count, s, |s, sql, p| {
            fetch_first_as::<i64, _>(s, sql, p)
        })?;
        Ok(n.unwrap_or(0))
    }

    /// Whether the query returns any row (`SELECT EXISTS (SELECT 1 ..)`).
    pub fn exists(self, s: &mut Session) -> Result<bool>
    where
        G: Executable,
    {
        self.check(s.dialect())?;
        let found = with_statement(&self.st, StatementKind::Exists, s, |s, sql, p| {
            fetch_first_as::<bool, _>(s, sql, p)
        })?;
        Ok(found.unwrap_or(false))
    }

    /// Reads rows into a caller-chosen compatible type, e.g. `(String, Option<String>)`.
    /// Reading a nullable column into a non-`Option` type does not compile.
    pub fn load<T: ReadAs<R::Row>>(self, s: &mut Session) -> Result<Vec<T>>
    where
        G: Executable,
    {
        Ok(self.all(s)?.into_iter().map(T::read).collect())
    }

    /// Streams the rows: each is decoded when the iterator reaches it, so results
    /// larger than memory can be processed.
    ///
    /// The stream borrows the session mutably until it is dropped: no other
    /// statement can run on the session meanwhile (the compiler enforces it). It
    /// runs inside the session's transaction (beginning one if none is open), like
    /// every statement of the session. On SQLite it steps the prepared statement
    /// (from the connection's statement cache); on PostgreSQL it reads rows from
    /// the server as they arrive (`query_raw`). Dropping the stream early stops
    /// reading (PostgreSQL discards the rest of the result). Listeners see one
    /// `BeforeExecute`/`AfterExecute` pair when the stream opens, with `rows: None`.
    pub fn iter(self, s: &mut Session) -> Result<RowStream<'_, R::Row>>
    where
        G: Executable,
    {
        self.check(s.dialect())?;
        let st = self.st.to_statement(s.dialect());
        RowStream::open(s, &st.sql, &st.params)
    }
}

/// `Model::get(s, key)`: runs the generated `T::GET` constant through the
/// statement cache.
pub fn get<T: Table, K: PrimaryKey<T::PrimaryKey>>(
    s: &mut Session,
    key: K,
) -> Result<Option<T::Model>> {
    let sql = T::GET.get(s.dialect())?;
    fetch_first_as(s, Keyed::constant(sql), &key.key_values())
}

// ------------------------------------------------------------------ streaming

/// Binds a [`Value`] for rusqlite (through [`ToParam::to_sqlite`]).
#[cfg(feature = "rusqlite")]
struct SqliteBind<'a>(&'a Value);

#[cfg(feature = "rusqlite")]
impl rusqlite::ToSql for SqliteBind<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        self.0.to_sqlite()
    }
}

/// A stepping SQLite statement: the cached statement lives on the heap and the
/// `Rows` cursor borrows it.
#[cfg(feature = "rusqlite")]
struct SqliteCursor<'c> {
    /// Borrows `*stmt`; dropped first (see `Drop`).
    rows: ManuallyDrop<rusqlite::Rows<'c>>,
    /// Owned (from `Box::into_raw`); freed in `Drop` after `rows`.
    stmt: NonNull<rusqlite::CachedStatement<'c>>,
}

#[cfg(feature = "rusqlite")]
impl<'c> SqliteCursor<'c> {
    fn open(conn: &'c rusqlite::Connection, sql: &str, params: &[Value]) -> Result<Self> {
        let mut stmt = conn.prepare_cached(sql).map_err(from_sqlite)?;
        let expected = stmt.parameter_count();
        if expected != params.len() {
            return Err(Error::Params(format!(
                "the statement has {expected} placeholder(s) but {} value(s) were given",
                params.len()
            )));
        }
        for (i, p) in params.iter().enumerate() {
            stmt.raw_bind_parameter(i + 1, SqliteBind(p))
                .map_err(from_sqlite)?;
        }
        let mut stmt = NonNull::from(Box::leak(Box::new(stmt)));
        // SAFETY: `stmt` points to a live heap allocation that is only freed in
        // `Drop`, after `rows` (the only borrow of it, exclusive) has been dropped. The
        // allocation never moves, and nothing else accesses it meanwhile. The
        // lifetime `'c` is that of the connection borrow, which outlives the cursor.
        let rows = unsafe { stmt.as_mut() }.raw_query();
        Ok(SqliteCursor {
            rows: ManuallyDrop::new(rows),
            stmt,
        })
    }
}

#[cfg(feature = "rusqlite")]
impl Drop for SqliteCursor<'_> {
    fn drop(&mut self) {
        // SAFETY: `rows` is dropped exactly once, before the statement it borrows;
        // `stmt` came from `Box::leak` in `open` and is freed exactly once.
        unsafe {
            ManuallyDrop::drop(&mut self.rows);
            drop(Box::from_raw(self.stmt.as_ptr()));
        }
    }
}

enum Cursor<'s> {
    #[cfg(feature = "rusqlite")]
    Sqlite(SqliteCursor<'s>),
    #[cfg(feature = "postgres")]
    Pg(postgres::RowIter<'s>),
    /// An async engine's connection, read on a connection thread.
    #[cfg(all(feature = "postgres", feature = "async"))]
    PgNative(
        std::pin::Pin<Box<tokio_postgres::RowStream>>,
        &'s mut crate::backend::pg_native::NativePg,
    ),
    Done,
}

/// A streaming iterator over decoded rows; see [`Query::iter`]. It holds the
/// session's connection (`&'s mut Session`) until dropped.
pub struct RowStream<'s, T> {
    cursor: Cursor<'s>,
    /// Inside a transaction: where an error of the stream fails it.
    failed: Option<&'s mut Option<Box<str>>>,
    _p: PhantomData<fn() -> T>,
}

impl<'s, T: Decode> RowStream<'s, T> {
    /// Opens a stream over the rows of `sql` (in the session's dialect) with
    /// `params`.
    pub fn open(s: &'s mut Session, sql: &str, params: &[Value]) -> Result<Self> {
        let (conn, events, mut failed) = s.conn_for_stream()?;
        let start = Instant::now();
        let refs: Vec<&dyn ToParam> = if events.observed() {
            params.iter().map(|v| v as &dyn ToParam).collect()
        } else {
            Vec::new()
        };
        if events.observed() {
            events.emit(&Event::BeforeExecute { sql, params: &refs });
        }
        let r = match &mut conn.raw {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(c) => SqliteCursor::open(c.conn(), sql, params).map(Cursor::Sqlite),
            #[cfg(feature = "postgres")]
            RawConn::Pg(c) => match c.statement(sql) {
                Ok(stmt) => match &mut c.client {
                    PgClient::Blocking(client) => client
                        .query_raw(&stmt, params.iter().map(|v| Bind(v)))
                        .map(Cursor::Pg)
                        .map_err(from_pg),
                    #[cfg(feature = "async")]
                    PgClient::Native(native) => {
                        let client = native.client.clone();
                        let opened = native.block_on(async {
                            client
                                .query_raw(&stmt, params.iter().map(|v| Bind(v)))
                                .await
                        });
                        match opened {
                            Ok(Ok(rows)) => Ok(Cursor::PgNative(Box::pin(rows), native)),
                            Ok(Err(e)) => Err(from_pg(e)),
                            Err(e) => Err(e),
                        }
                    }
                },
                Err(e) => Err(e),
            },
        };
        if events.observed() {
            events.emit(&Event::AfterExecute {
                sql,
                params: &refs,
                duration: start.elapsed(),
                rows: None,
                error: r.as_ref().err(),
            });
        }
        if let (Err(e), Some(slot)) = (&r, failed.as_deref_mut()) {
            mark_failed(slot, e);
        }
        Ok(RowStream {
            cursor: r?,
            failed,
            _p: PhantomData,
        })
    }
}

impl<T: Decode> Iterator for RowStream<'_, T> {
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let item = match &mut self.cursor {
            #[cfg(feature = "rusqlite")]
            Cursor::Sqlite(c) => match c.rows.next() {
                Ok(Some(r)) => Some(T::decode(&Row::sqlite(r))),
                Ok(None) => None,
                Err(e) => Some(Err(from_sqlite(e))),
            },
            #[cfg(feature = "postgres")]
            Cursor::Pg(it) => match it.next() {
                Ok(Some(r)) => Some(T::decode(&Row::pg(&r))),
                Ok(None) => None,
                Err(e) => Some(Err(from_pg(e))),
            },
            #[cfg(all(feature = "postgres", feature = "async"))]
            Cursor::PgNative(rows, native) => {
                use futures_core::Stream;
                let next = native.block_on(std::future::poll_fn(|cx| rows.as_mut().poll_next(cx)));
                match next {
                    Ok(Some(Ok(r))) => Some(T::decode(&Row::pg(&r))),
                    Ok(None) => None,
                    Ok(Some(Err(e))) => Some(Err(from_pg(e))),
                    Err(e) => Some(Err(e)),
                }
            }
            Cursor::Done => None,
        };
        if !matches!(item, Some(Ok(_))) {
            // Finished or failed: release the statement now.
            self.cursor = Cursor::Done;
            if let (Some(Err(e)), Some(slot)) = (&item, self.failed.as_deref_mut()) {
                mark_failed(slot, e);
            }
        }
        item
    }
}
