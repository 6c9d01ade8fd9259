//! Running statements on a session: `execute`, the `query*` family, row
//! callbacks, `batch_execute`, with the events around each statement and the
//! transaction begun before it.

use super::*;

/// Whether `sql` starts with a keyword of a statement that only reads.
pub(super) fn is_read(sql: &str) -> bool {
    let text = sql.trim_start().as_bytes();
    let len = text.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let word = &text[..len];
    const READS: [&[u8]; 7] = [
        b"SELECT", b"WITH", b"VALUES", b"SHOW", b"EXPLAIN", b"PRAGMA", b"TABLE",
    ];
    READS.iter().any(|k| word.eq_ignore_ascii_case(k))
}

#[inline(always)]
pub(super) fn observe<T>(
    events: &Events,
    sql: &str,
    params: &[&dyn ToParam],
    count: impl FnOnce(&T) -> u64,
    run: impl FnOnce() -> Result<T>,
) -> Result<T> {
    if !events.observed() {
        return run();
    }
    observe_slow(events, sql, params, count, run)
}

#[inline(never)]
pub(super) fn observe_slow<T>(
    events: &Events,
    sql: &str,
    params: &[&dyn ToParam],
    count: impl FnOnce(&T) -> u64,
    run: impl FnOnce() -> Result<T>,
) -> Result<T> {
    events.emit(&Event::BeforeExecute { sql, params });
    let start = Instant::now();
    let r = run();
    let duration = start.elapsed();
    let (rows, error) = match &r {
        Ok(v) => (Some(count(v)), None),
        Err(e) => (None, Some(e)),
    };
    events.emit(&Event::AfterExecute {
        sql,
        params,
        duration,
        rows,
        error,
    });
    r
}

impl Session {
    /// Runs a statement; returns the number of rows affected.
    ///
    /// `sql` is portable (placeholders `?`, `?N`, `$N` or `:name`, translated and
    /// cached per connection) or [`Native`](crate::Native). `params` is a tuple
    /// (`(a, b)`), [`params!`](macro@crate::params), [`named_params!`](crate::named_params),
    /// `()`, or a slice of [`Value`](crate::Value)s.
    #[inline]
    pub fn execute(&mut self, sql: impl AsSql, params: impl Params) -> Result<u64> {
        self.ready()?;
        self.note(sql.as_sql().text());
        let events = &self.engine.inner.events;
        let conn: &mut Conn = self.conn.get()?;
        let r = match sql.as_sql() {
            SqlRef::Native(s) => params.with_values(None, |v| {
                observe(events, s, v, |n| *n, || exec(&mut conn.raw, s, v))
            }),
            SqlRef::Keyed(k) => params.with_values(None, |v| {
                observe(events, k.sql, v, |n| *n, || conn.raw.execute_keyed(k, v))
            }),
            SqlRef::Portable(s) => conn.translated(s).and_then(|(raw, t)| {
                params.with_values(Some(&t.placeholders), |v| {
                    observe(events, &t.sql, v, |n| *n, || exec(&mut *raw, &t.sql, v))
                })
            }),
        };
        let r = conn.note(r);
        self.settle(r)
    }

    /// Runs a query, calling `f` on each row; returns the number of rows. An error
    /// from `f` stops the query. SQLite rows are read one by one as `f` asks for them;
    /// the `postgres` driver receives the whole result first.
    #[inline]
    pub fn for_each<F>(&mut self, sql: impl AsSql, params: impl Params, mut f: F) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<()>,
    {
        self.try_for_each(sql, params, |r| f(r).map(|()| true))
    }

    /// Runs a query, calling `f` on each row until it returns `Ok(false)`; returns the
    /// number of rows read. The primitive under every query method (and a streaming
    /// API for generated code).
    #[inline]
    pub fn try_for_each<F>(&mut self, sql: impl AsSql, params: impl Params, mut f: F) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<bool>,
    {
        self.rows(sql, params, &mut f)
    }

    /// [`try_for_each`](Self::try_for_each) with the row callback behind a
    /// pointer: the statement path is compiled once per kind of SQL and
    /// parameters, not once per row type and callback — which keeps an
    /// application's per-model code small, so a change to one model
    /// recompiles little (an indirect call per row is the price).
    #[inline]
    pub(super) fn rows(
        &mut self,
        sql: impl AsSql,
        params: impl Params,
        f: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<u64> {
        self.ready()?;
        self.note(sql.as_sql().text());
        let events = &self.engine.inner.events;
        let conn: &mut Conn = self.conn.get()?;
        let r = match sql.as_sql() {
            SqlRef::Native(s) => params.with_values(None, |v| {
                observe(events, s, v, |n| *n, || conn.raw.query(s, v, f))
            }),
            SqlRef::Keyed(k) => params.with_values(None, |v| {
                observe(events, k.sql, v, |n| *n, || conn.raw.query_keyed(k, v, f))
            }),
            SqlRef::Portable(s) => conn.translated(s).and_then(|(raw, t)| {
                params.with_values(Some(&t.placeholders), |v| {
                    observe(events, &t.sql, v, |n| *n, || raw.query(&t.sql, v, f))
                })
            }),
        };
        let r = conn.note(r);
        self.settle(r)
    }

    /// Runs a query and maps every row with `f`.
    ///
    /// ```
    /// # #[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
    /// # fn main() -> ormgen::Result<()> {
    /// # let engine = ormgen::Engine::connect("sqlite::memory:")?;
    /// # let mut s = engine.session()?;
    /// struct P { id: i64, name: String }
    /// let people = s.query_map("select 1 as id, 'Ann' as name", (), |r| {
    ///     Ok(P { id: r.get("id")?, name: r.get(1)? })
    /// })?;
    /// assert_eq!(people[0].name, "Ann");
    /// # Ok(()) }
    /// # #[cfg(not(any(feature = "sqlite", feature = "sqlite-system")))]
    /// # fn main() {}
    /// ```
    #[inline]
    pub fn query_map<T, F>(
        &mut self,
        sql: impl AsSql,
        params: impl Params,
        mut f: F,
    ) -> Result<Vec<T>>
    where
        F: FnMut(&Row<'_>) -> Result<T>,
    {
        let mut out = Vec::new();
        self.for_each(sql, params, |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Runs a query and decodes every row as `T` ([`FromRow`]: generated models,
    /// tuples of column types, a single column type, or [`OwnedRow`]).
    #[inline]
    pub fn query_as<T: FromRow>(&mut self, sql: impl AsSql, params: impl Params) -> Result<Vec<T>> {
        self.query_map(sql, params, T::from_row)
    }

    /// Runs a query and returns its rows, owned, for dynamic access
    /// (`row.get::<i64>("id")`).
    pub fn query(&mut self, sql: impl AsSql, params: impl Params) -> Result<Vec<OwnedRow>> {
        self.query_as(sql, params)
    }

    /// Runs a query that must return exactly one row: [`Error::NotFound`] for none,
    /// [`Error::TooManyRows`] for more.
    #[inline]
    pub fn query_one<T: FromRow>(&mut self, sql: impl AsSql, params: impl Params) -> Result<T> {
        self.query_opt(sql, params)?.ok_or(Error::NotFound)
    }

    /// Runs a query and decodes its first row, if any, without reading further — for
    /// lookups by a unique key, where the database guarantees at most one row.
    #[inline]
    pub fn query_first<T: FromRow>(
        &mut self,
        sql: impl AsSql,
        params: impl Params,
    ) -> Result<Option<T>> {
        let mut out = None;
        self.try_for_each(sql, params, |r| {
            out = Some(T::from_row(r)?);
            Ok(false)
        })?;
        Ok(out)
    }

    /// Runs a query that returns at most one row: `None` for none,
    /// [`Error::TooManyRows`] for more.
    #[inline]
    pub fn query_opt<T: FromRow>(
        &mut self,
        sql: impl AsSql,
        params: impl Params,
    ) -> Result<Option<T>> {
        let mut out = None;
        self.for_each(sql, params, |r| {
            if out.is_some() {
                return Err(Error::TooManyRows);
            }
            out = Some(T::from_row(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The query builder's SQL for fingerprint `key` (see
    /// the query module's `fingerprint`), from the connection's cache of rendered
    /// statements; `render` writes it on a miss.
    #[inline]
    pub(crate) fn rendered_sql(
        &mut self,
        key: u128,
        render: impl FnOnce() -> String,
    ) -> Result<std::sync::Arc<str>> {
        Ok(self.conn.get()?.rendered(key, render))
    }

    /// For the query builder's streaming iterator ([`crate::query`]): begins the
    /// transaction if needed and lends the connection, the engine's listeners
    /// and, inside a transaction, the slot an error of the stream fails it with
    /// (see [`mark_failed`]).
    #[allow(clippy::type_complexity)]
    pub(crate) fn conn_for_stream(
        &mut self,
    ) -> Result<(&mut Conn, &Events, Option<&mut Option<Box<str>>>)> {
        self.ready()?;
        let events = &self.engine.inner.events;
        let failed = if self.active {
            Some(&mut self.failed)
        } else {
            None
        };
        let conn = self.conn.get()?;
        Ok((conn, events, failed))
    }

    /// Runs one or more statements without parameters (DDL, scripts), in the
    /// session's transaction.
    pub fn batch_execute(&mut self, sql: &str) -> Result<()> {
        self.ready()?;
        self.note(sql);
        let events = &self.engine.inner.events;
        let conn = self.conn.get()?;
        let r = observe(
            events,
            sql,
            &[],
            |_| 0,
            || match &mut conn.raw {
                #[cfg(feature = "rusqlite")]
                RawConn::Sqlite(c) => c.batch(sql),
                #[cfg(feature = "postgres")]
                RawConn::Pg(c) => c.batch(sql),
            },
        );
        let r = conn.note(r);
        self.settle(r)
    }
}

#[inline(always)]
pub(super) fn exec(raw: &mut RawConn, sql: &str, params: &[&dyn ToParam]) -> Result<u64> {
    raw.execute(sql, params)
}
