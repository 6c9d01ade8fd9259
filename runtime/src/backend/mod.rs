//! Database connections: one type over both drivers, with the per-connection
//! statement cache and placeholder-translation cache.

#[cfg(all(feature = "postgres", feature = "async"))]
pub(crate) mod pg_native;
#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(feature = "rusqlite")]
pub(crate) mod sqlite;

use std::sync::Arc;
use std::time::Instant;

use rustc_hash::FxHashMap;

use crate::Dialect;
use crate::error::{Error, Result};
use crate::params::{Keyed, Translated, translate};
use crate::row::Row;
use crate::value::ToParam;

/// The driver connection. (One per pooled connection, so the variants' size difference
/// costs nothing worth an extra indirection on every statement.)
#[allow(clippy::large_enum_variant)]
pub(crate) enum RawConn {
    #[cfg(feature = "rusqlite")]
    Sqlite(sqlite::SqliteConn),
    #[cfg(feature = "postgres")]
    Pg(postgres::PgConn),
}

/// A pooled connection with its caches.
pub(crate) struct Conn {
    pub(crate) raw: RawConn,
    /// Portable SQL text → index in `translated`, per connection (no locking). A
    /// fast non-cryptographic hash: the keys are the program's own SQL texts.
    translations: FxHashMap<Box<str>, usize>,
    /// The translations, in the order they were first needed.
    translated: Vec<Translated>,
    /// SQL rendered by the query builder, by the fingerprint of its structure (see
    /// the query module's `fingerprint`); at most [`RENDERED_CAPACITY`] entries.
    rendered: FxHashMap<u128, Arc<str>>,
    pub(crate) created: Instant,
    /// Set when the connection was lost; it is then discarded on checkin.
    pub(crate) broken: bool,
    /// Set when the connection works but must not serve another session
    /// (a cancel request for it may still arrive): closed on checkin,
    /// without the suspicion a lost one casts on its idle siblings.
    pub(crate) retired: bool,
}

/// How many rendered statements a connection keeps; when full, the cache starts
/// over (a program has far fewer query shapes than this, except for `IN` lists of
/// many lengths).
pub(crate) const RENDERED_CAPACITY: usize = 1024;

impl Conn {
    pub(crate) fn new(raw: RawConn) -> Self {
        Conn {
            raw,
            translations: FxHashMap::default(),
            translated: Vec::new(),
            rendered: FxHashMap::default(),
            created: Instant::now(),
            broken: false,
            retired: false,
        }
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match self.raw {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            RawConn::Pg(_) => Dialect::Postgres,
        }
    }

    /// The translation of portable `sql` (cached per connection).
    #[inline]
    pub(crate) fn translated(&mut self, sql: &str) -> Result<(&mut RawConn, &Translated)> {
        // One hash lookup on a hit (the index ends the map's borrow).
        let i = match self.translations.get(sql) {
            Some(&i) => i,
            None => self.translate_new(sql)?,
        };
        let t = self
            .translated
            .get(i)
            .ok_or_else(|| Error::Params("translation cache".into()))?;
        Ok((&mut self.raw, t))
    }

    #[cold]
    fn translate_new(&mut self, sql: &str) -> Result<usize> {
        let t = translate(sql, self.dialect())?;
        let i = self.translated.len();
        self.translated.push(t);
        self.translations.insert(sql.into(), i);
        Ok(i)
    }

    /// The SQL text whose fingerprint is `key`, rendered by `render` the first
    /// time.
    #[inline]
    pub(crate) fn rendered(&mut self, key: u128, render: impl FnOnce() -> String) -> Arc<str> {
        if let Some(sql) = self.rendered.get(&key) {
            return sql.clone();
        }
        self.render_new(key, render())
    }

    #[cold]
    fn render_new(&mut self, key: u128, sql: String) -> Arc<str> {
        if self.rendered.len() >= RENDERED_CAPACITY {
            self.rendered.clear();
        }
        let sql: Arc<str> = sql.into();
        self.rendered.insert(key, sql.clone());
        sql
    }

    /// Records a lost connection so the pool discards it.
    #[inline(always)]
    pub(crate) fn note<T>(&mut self, r: Result<T>) -> Result<T> {
        if let Err(Error::ConnectionLost { .. }) = &r {
            self.broken = true;
        }
        r
    }

    pub(crate) fn batch(&mut self, sql: &str) -> Result<()> {
        let r = match &mut self.raw {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(c) => c.batch(sql),
            #[cfg(feature = "postgres")]
            RawConn::Pg(c) => c.batch(sql),
        };
        self.note(r)
    }

    /// Runs a transaction-control statement (`BEGIN ..`, `COMMIT`, `ROLLBACK`):
    /// on SQLite through a statement kept prepared (rather than parsing it on
    /// every transaction), on PostgreSQL as a simple query.
    pub(crate) fn control(&mut self, sql: &'static str) -> Result<()> {
        let r = match &mut self.raw {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(c) => c
                .execute_keyed(crate::query::fingerprint_static(sql), sql, &[])
                .map(drop),
            #[cfg(feature = "postgres")]
            RawConn::Pg(c) => c.batch(sql),
        };
        self.note(r)
    }

    /// Whether the connection still answers.
    #[cfg_attr(not(feature = "postgres"), allow(unused_variables))]
    pub(crate) fn ping(&mut self, timeout: std::time::Duration) -> bool {
        let ok = match &mut self.raw {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(c) => c.batch("SELECT 1").is_ok(),
            #[cfg(feature = "postgres")]
            RawConn::Pg(c) => c.client.is_valid(timeout),
        };
        if !ok {
            self.broken = true;
        }
        ok
    }

    /// Whether the driver already knows the connection is gone.
    pub(crate) fn is_closed(&self) -> bool {
        self.broken
            || match &self.raw {
                #[cfg(feature = "rusqlite")]
                RawConn::Sqlite(_) => false,
                #[cfg(feature = "postgres")]
                RawConn::Pg(c) => c.client.is_closed(),
            }
    }
}

impl RawConn {
    #[inline(always)]
    pub(crate) fn execute(&mut self, sql: &str, params: &[&dyn ToParam]) -> Result<u64> {
        match self {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(c) => c.execute(sql, params),
            #[cfg(feature = "postgres")]
            RawConn::Pg(c) => pg_execute(c, sql, params),
        }
    }

    /// [`execute`](Self::execute) through the statement kept for the key (SQLite;
    /// PostgreSQL caches by text).
    #[inline(always)]
    pub(crate) fn execute_keyed(&mut self, k: Keyed<'_>, params: &[&dyn ToParam]) -> Result<u64> {
        match self {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(c) => c.execute_keyed(k.key, k.sql, params),
            #[cfg(feature = "postgres")]
            RawConn::Pg(c) => pg_execute(c, k.sql, params),
        }
    }

    /// [`query`](Self::query) through the statement kept for the key (SQLite;
    /// PostgreSQL caches by text).
    #[inline(always)]
    pub(crate) fn query_keyed<F>(
        &mut self,
        k: Keyed<'_>,
        params: &[&dyn ToParam],
        f: F,
    ) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<bool>,
    {
        match self {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(c) => c.query_keyed(k.key, k.sql, params, f),
            #[cfg(feature = "postgres")]
            RawConn::Pg(c) => pg_query(c, k.sql, params, f),
        }
    }

    /// Runs a query, calling `f` for each row until it returns `false`; returns the
    /// number of rows read.
    #[inline(always)]
    pub(crate) fn query<F>(&mut self, sql: &str, params: &[&dyn ToParam], f: F) -> Result<u64>
    where
        F: FnMut(&Row<'_>) -> Result<bool>,
    {
        match self {
            #[cfg(feature = "rusqlite")]
            RawConn::Sqlite(c) => c.query(sql, params, f),
            #[cfg(feature = "postgres")]
            RawConn::Pg(c) => pg_query(c, sql, params, f),
        }
    }
}

// The SQLite driver runs in-process, so its statement path is inlined into the
// session's methods; PostgreSQL's is kept out of line (a call is nothing next to a
// round trip), which keeps the SQLite path's code small.

#[cfg(feature = "postgres")]
#[inline(never)]
fn pg_execute(c: &mut postgres::PgConn, sql: &str, params: &[&dyn ToParam]) -> Result<u64> {
    c.execute(sql, params)
}

#[cfg(feature = "postgres")]
#[inline(never)]
fn pg_query<F>(c: &mut postgres::PgConn, sql: &str, params: &[&dyn ToParam], f: F) -> Result<u64>
where
    F: FnMut(&Row<'_>) -> Result<bool>,
{
    c.query(sql, params, f)
}

#[cfg(all(test, feature = "rusqlite"))]
mod tests {
    use crate::Engine;

    #[test]
    fn translation_cache_keeps_texts_apart() {
        let engine = Engine::connect("sqlite::memory:").unwrap();
        let mut s = engine.session().unwrap();
        for round in 0..3i64 {
            let a: i64 = s.query_one("select ? + 1", (round,)).unwrap();
            let b: i64 = s.query_one("select ? + 2", (round,)).unwrap();
            let c: i64 = s
                .query_one("select :x * 10", crate::named_params! { "x" => round })
                .unwrap();
            let d: String = s.query_one("select 'a?b'", ()).unwrap();
            assert_eq!(
                (a, b, c, d.as_str()),
                (round + 1, round + 2, round * 10, "a?b")
            );
        }
        let err = s.query_one::<i64>("select ? + 1", (1, 2)).unwrap_err();
        assert!(matches!(err, crate::Error::Params(_)), "{err:?}");
    }
}
