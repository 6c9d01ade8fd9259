//! Writes: inserts of generated "new" structs ([`Insertable`], [`insert`],
//! [`insert_many`]), upserts ([`Upsert`]), updates with a typed changeset
//! ([`Update`]) and deletes ([`Delete`]).
//!
//! Fixed-shape statements come from the generator as per-dialect constants
//! (`Insertable::INSERT`, `Table::GET`, `Table::DELETE`); statements whose shape
//! depends on the call (batches, changesets, filters, upserts) are rendered here
//! with every value bound. All of them run through the session's
//! prepared-statement cache (identical text, identical statement).

use std::marker::PhantomData;
#[cfg(feature = "rusqlite")]
use std::sync::atomic::{AtomicUsize, Ordering};

use super::ast::Node;
use super::catalog::DialectSql;
use super::exec::{fetch_all, fetch_all_as, fetch_first, fetch_one_as};
use super::expr::{Assign, Expression};
use super::fingerprint::fingerprint_insert;
use super::operand::PrimaryKey;
use super::render::{Statement, Writer, render_node};
use super::scope::{AllInFilterScope, Root};
use super::sql_types::{BoolType, NotAggregate};
use super::table::{Column, Table, generated_for};
use crate::{Dialect, Error, Keyed, Native, Result, Session, ToParam, Value};

/// Largest number of bound parameters in one statement: 65,535 on PostgreSQL (the
/// protocol's 16-bit count); 32,766 on SQLite (`SQLITE_MAX_VARIABLE_NUMBER` of the
/// SQLite that rusqlite bundles, 3.32 and later).
pub fn max_params(d: Dialect) -> usize {
    match d {
        Dialect::Postgres => 65_535,
        Dialect::Sqlite => 32_766,
    }
}

/// The parameter limit of the session's connection: 65,535 on PostgreSQL; on
/// SQLite the linked library's `SQLITE_LIMIT_VARIABLE_NUMBER` (32,766 unless
/// libsqlite3-sys was built with another `SQLITE_MAX_VARIABLE_NUMBER`), read once.
pub fn session_max_params(s: &mut Session) -> usize {
    match s.dialect() {
        Dialect::Postgres => max_params(Dialect::Postgres),
        // No SQLite connection exists without a SQLite feature.
        #[cfg(not(feature = "rusqlite"))]
        Dialect::Sqlite => max_params(Dialect::Sqlite),
        #[cfg(feature = "rusqlite")]
        Dialect::Sqlite => {
            static SQLITE: AtomicUsize = AtomicUsize::new(0);
            let cached = SQLITE.load(Ordering::Relaxed);
            if cached != 0 {
                return cached;
            }
            let limit = s
                .connection()
                .ok()
                .and_then(|mut c| {
                    c.sqlite().map(|db| {
                        // SAFETY: the handle is valid while `db` is borrowed;
                        // `sqlite3_limit` with a negative value only reads the limit.
                        unsafe {
                            rusqlite::ffi::sqlite3_limit(
                                db.handle(),
                                rusqlite::ffi::SQLITE_LIMIT_VARIABLE_NUMBER,
                                -1,
                            )
                        }
                    })
                })
                .and_then(|n| usize::try_from(n).ok())
                .filter(|n| *n > 0)
                .unwrap_or(max_params(Dialect::Sqlite));
            SQLITE.store(limit, Ordering::Relaxed);
            limit
        }
    }
}

/// Implemented by the generated `NewUser`-style structs: every required column is
/// a field, so a missing one is a compile error.
///
/// Columns the *database* fills (`autoincrement()`) are not in [`COLUMNS`](Self::COLUMNS)
/// and have no field. Every other default is filled by [`fill_defaults`](Self::fill_defaults)
/// before the insert (`uuid()`, `cuid()`, `now()`, `@updatedAt`, literal defaults),
/// so the statement's shape never varies and `INSERT` is a constant.
pub trait Insertable: Sized {
    /// The table inserted into.
    type Table: Table;
    /// The insert's column list, in order (one parameter each).
    const COLUMNS: &'static [&'static str];
    /// `INSERT INTO t (COLUMNS) VALUES (..) RETURNING <all columns of the model>`.
    const INSERT: DialectSql;
    /// Fills defaulted fields left unset (`None`) with their runtime default.
    fn fill_defaults(&mut self) {}
    /// Whether the column `COLUMNS[i]` is left to its schema default: its field
    /// has a default (`uuid()`, `cuid()`, `now()`, `@updatedAt`, a literal) and
    /// is still `None`, so [`fill_defaults`](Self::fill_defaults) would fill it.
    /// Asked before `fill_defaults`; an upsert's update part leaves such
    /// columns alone.
    fn is_defaulted(&self, _i: usize) -> bool {
        false
    }
    /// Pushes one parameter per entry of `COLUMNS`, in order.
    fn params<'a>(&'a self, out: &mut Vec<&'a dyn ToParam>);

    /// Whether the model has write hooks (see [`Record::HOOKS`](super::Record::HOOKS)).
    const HOOKS: bool = false;
    /// Forwards to [`Hooks::before_insert`](super::Hooks::before_insert).
    fn before_insert(&mut self, _s: &mut Session) -> Result<()> {
        Ok(())
    }
    /// Forwards to [`Hooks::after_insert`](super::Hooks::after_insert).
    fn after_insert(_row: &ModelOf<Self>, _s: &mut Session) -> Result<()> {
        Ok(())
    }
}

/// The model of an insertable's table.
pub type ModelOf<N> = <<N as Insertable>::Table as Table>::Model;

/// Inserts one row and returns it as stored (`RETURNING`). A model with
/// [`Hooks`](super::Hooks) runs `before_insert` and `after_insert` around
/// the statement, all in a savepoint (an `Err` leaves nothing written).
pub fn insert<N: Insertable>(s: &mut Session, mut new: N) -> Result<ModelOf<N>> {
    if N::HOOKS {
        return s.with_write_hooks(|s| {
            new.before_insert(s)?;
            let row = insert_row(s, new)?;
            N::after_insert(&row, s)?;
            Ok(row)
        });
    }
    insert_row(s, new)
}

/// [`insert`] without hooks.
fn insert_row<N: Insertable>(s: &mut Session, mut new: N) -> Result<ModelOf<N>> {
    new.fill_defaults();
    let mut p: Vec<&dyn ToParam> = Vec::with_capacity(N::COLUMNS.len());
    new.params(&mut p);
    let sql = N::INSERT.get(s.dialect())?;
    fetch_one_as(s, Keyed::constant(sql), &p[..])
}

pub(crate) fn returning(w: &mut Writer<'_>, columns: &[&'static str]) {
    w.push(" RETURNING ");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.ident(c);
    }
}

fn insert_head(w: &mut Writer<'_>, table: &'static str, columns: &[&'static str]) {
    w.push("INSERT INTO ");
    w.ident(table);
    w.push(" (");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            w.push(", ");
        }
        w.ident(c);
    }
    w.push(") VALUES ");
}

fn values_rows(w: &mut Writer<'_>, rows: usize, width: usize) {
    let mut n = 0;
    for r in 0..rows {
        w.push(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                w.push(", ");
            }
            n += 1;
            w.placeholder(n);
        }
        w.push(")");
    }
}

/// Inserts many rows and returns them as stored, in input order. A model with
/// [`Hooks`](super::Hooks) runs `before_insert` on every row, then the
/// statements, then `after_insert` on every stored row, all in a savepoint.
///
/// Rows are sent as multi-row `INSERT .. VALUES (..), (..) RETURNING ..`
/// statements, each with at most [`session_max_params`] parameters (a batch of 10,000
/// four-column rows is two statements on SQLite, one on PostgreSQL). Batches of the
/// same size share one SQL text, so they reuse one prepared statement.
pub fn insert_many<N: Insertable>(
    s: &mut Session,
    rows: impl IntoIterator<Item = N>,
) -> Result<Vec<ModelOf<N>>> {
    let mut rows: Vec<N> = rows.into_iter().collect();
    if N::HOOKS && !rows.is_empty() {
        return s.with_write_hooks(|s| {
            for r in &mut rows {
                r.before_insert(s)?;
            }
            let out = insert_rows(s, rows)?;
            for r in &out {
                N::after_insert(r, s)?;
            }
            Ok(out)
        });
    }
    insert_rows(s, rows)
}

/// [`insert_many`] without hooks.
fn insert_rows<N: Insertable>(s: &mut Session, mut rows: Vec<N>) -> Result<Vec<ModelOf<N>>> {
    if N::COLUMNS.is_empty() {
        // One statement per row: atomic together (see `in_batches`).
        if rows.len() < 2 {
            return rows.into_iter().map(|n| insert_row(s, n)).collect();
        }
        return s.atomic(|s| rows.into_iter().map(|n| insert_row(s, n)).collect());
    }
    let mut out = Vec::with_capacity(rows.len());
    in_batches(s, &mut rows, true, |s, sql, p| {
        out.extend(fetch_all_as::<ModelOf<N>, _>(s, sql, p)?);
        Ok(())
    })?;
    Ok(out)
}

/// Inserts many rows without reading them back (no `RETURNING`), in the
/// batches [`insert_many`] uses; returns the number of rows inserted. For bulk
/// loads where the stored rows are not needed. A model with
/// [`Hooks`](super::Hooks) is inserted as by [`insert_many`] (its
/// `after_insert` hook reads the stored rows).
pub fn insert_all<N: Insertable>(
    s: &mut Session,
    rows: impl IntoIterator<Item = N>,
) -> Result<u64> {
    if N::HOOKS {
        // `after_insert` needs each stored row: read them back.
        return insert_many(s, rows).map(|rows| rows.len() as u64);
    }
    let mut rows: Vec<N> = rows.into_iter().collect();
    if N::COLUMNS.is_empty() {
        // One statement per row: atomic together (see `in_batches`).
        let n = rows.len() as u64;
        if n < 2 {
            for r in rows {
                insert(s, r)?;
            }
            return Ok(n);
        }
        return s.atomic(|s| {
            let mut n = 0;
            for r in rows {
                insert(s, r)?;
                n += 1;
            }
            Ok(n)
        });
    }
    let mut n = 0;
    in_batches(s, &mut rows, false, |s, sql, p| {
        n += s.execute(sql, p)?;
        Ok(())
    })?;
    Ok(n)
}

/// Fills defaults, then runs `each` once per batch of rows with the batch's
/// multi-row `INSERT` (with `RETURNING` all columns when asked) and parameters.
///
/// Several batches are atomic together: in the session's transaction (an
/// error fails it) or, in autocommit mode, in a transaction of their own
/// ([`Session::atomic`]); a single batch is one statement and needs neither.
fn in_batches<N: Insertable>(
    s: &mut Session,
    rows: &mut [N],
    with_returning: bool,
    mut each: impl FnMut(&mut Session, Keyed<'_>, &[&dyn ToParam]) -> Result<()>,
) -> Result<()> {
    for r in rows.iter_mut() {
        r.fill_defaults();
    }
    let width = N::COLUMNS.len();
    let per_batch = (session_max_params(s) / width).max(1);
    if rows.len() > per_batch {
        s.atomic(|s| batches(s, rows, per_batch, with_returning, &mut each))
    } else {
        batches(s, rows, per_batch, with_returning, &mut each)
    }
}

fn batches<N: Insertable>(
    s: &mut Session,
    rows: &[N],
    per_batch: usize,
    with_returning: bool,
    each: &mut impl FnMut(&mut Session, Keyed<'_>, &[&dyn ToParam]) -> Result<()>,
) -> Result<()> {
    let d = s.dialect();
    let width = N::COLUMNS.len();
    let info = <N::Table as Table>::INFO;
    for chunk in rows.chunks(per_batch) {
        // The text depends on the table and columns (which the generated
        // single-row INSERT constant stands for), the row count and RETURNING:
        // rendered once per connection, then found by that key.
        let key = fingerprint_insert(N::INSERT.get(d)?, chunk.len(), with_returning);
        let sql = s.rendered_sql(key, || {
            let mut w = Writer::new(d);
            insert_head(&mut w, info.name, N::COLUMNS);
            values_rows(&mut w, chunk.len(), width);
            if with_returning {
                returning(&mut w, info.columns);
            }
            w.sql
        })?;
        let mut p: Vec<&dyn ToParam> = Vec::with_capacity(chunk.len() * width);
        for r in chunk {
            r.params(&mut p);
        }
        each(s, Keyed::rendered(key, &sql), &p[..])?;
    }
    Ok(())
}

// ------------------------------------------------------------------ columns

/// A column of table `T` was expected.
#[diagnostic::on_unimplemented(
    message = "a column of `{Self}` was given where a column of `{T}` is expected",
    label = "this column belongs to another table",
    note = "use the columns of the table being written"
)]
pub trait SameTableAs<T> {}
impl<T> SameTableAs<T> for T {}

/// One column or a tuple of columns of table `T` (conflict targets, upsert
/// update lists).
pub trait ColumnList<T> {
    /// Appends the column names.
    fn push_names(out: &mut Vec<&'static str>);
}
impl<T, C> ColumnList<T> for C
where
    C: Column,
    C::Table: SameTableAs<T>,
{
    fn push_names(out: &mut Vec<&'static str>) {
        out.push(C::NAME);
    }
}
macro_rules! column_list_tuple {
    ($($C:ident),+) => {
        impl<T, $($C: ColumnList<T>),+> ColumnList<T> for ($($C,)+) {
            fn push_names(out: &mut Vec<&'static str>) {
                $( $C::push_names(out); )+
            }
        }
    };
}
column_list_tuple!(A);
column_list_tuple!(A, B);
column_list_tuple!(A, B, C);
column_list_tuple!(A, B, C, D);

/// `@updatedAt`: the current time as a bound value.
pub(crate) fn now_value() -> Value {
    Value::DateTime(super::defaults::now())
}

// ------------------------------------------------------------------ upsert

enum OnConflict {
    Nothing,
    /// Columns set from `EXCLUDED`, or all inserted columns but the target.
    Excluded(Option<Vec<&'static str>>),
}

/// `INSERT .. ON CONFLICT (target) DO UPDATE SET .. | DO NOTHING RETURNING ..` on
/// any unique key, on both backends:
///
/// ```text
/// User::upsert(new).on_conflict(user::email).do_update_all().execute(&mut s)?;
/// User::upsert(new).on_conflict(user::email).do_nothing().execute(&mut s)?; // None if it existed
/// ```
///
/// The update part changes only what the caller meant (as Prisma's `upsert`
/// update and SQLAlchemy's `excluded` do): it never sets the conflict target
/// or the primary key (an existing row keeps its id, and so its children),
/// and [`do_update_all`](Self::do_update_all) skips every column the caller
/// left to its schema default (`uuid()`, `cuid()`, `now()`, literal
/// defaults; `autoincrement()` columns are never inserted at all), so a
/// stored value is never overwritten by a default. `DO UPDATE` also sets the
/// table's `@updatedAt` column to the current time. When nothing is left to
/// set, the conflict column is set to its stored value, so `execute` still
/// returns the existing row.
pub struct Upsert<N: Insertable> {
    new: N,
    target: Vec<&'static str>,
    action: OnConflict,
    sets: Vec<(&'static str, Node)>,
    /// The columns `new` leaves to their schema default (read before
    /// `fill_defaults`).
    defaulted: Vec<&'static str>,
}

impl<N: Insertable> Upsert<N> {
    /// An upsert of `new`; choose the conflict target and the action next
    /// (without them it is `ON CONFLICT DO NOTHING` on any constraint).
    pub fn new(new: N) -> Self {
        let defaulted = N::COLUMNS
            .iter()
            .enumerate()
            .filter(|(i, _)| new.is_defaulted(*i))
            .map(|(_, c)| *c)
            .collect();
        Upsert {
            new,
            target: Vec::new(),
            action: OnConflict::Nothing,
            sets: Vec::new(),
            defaulted,
        }
    }
    /// The unique key (a column or a tuple of columns) whose conflict triggers the
    /// action.
    pub fn on_conflict<C: ColumnList<N::Table>>(mut self, _cols: C) -> Self {
        self.target.clear();
        C::push_names(&mut self.target);
        self
    }
    /// `DO NOTHING`: the row is left as it was and `execute` returns `None`.
    pub fn do_nothing(mut self) -> Self {
        self.action = OnConflict::Nothing;
        self.sets.clear();
        self
    }
    /// `DO UPDATE SET c = EXCLUDED.c` for every inserted column except the
    /// conflict target, the primary key and the columns left to their schema
    /// default (their field was `None`).
    pub fn do_update_all(mut self) -> Self {
        self.action = OnConflict::Excluded(None);
        self
    }
    /// `DO UPDATE SET c = EXCLUDED.c` for the given columns (the conflict
    /// target and the primary key are skipped: the update never changes them).
    pub fn do_update<C: ColumnList<N::Table>>(mut self, _cols: C) -> Self {
        let mut v = Vec::new();
        C::push_names(&mut v);
        self.action = OnConflict::Excluded(Some(v));
        self
    }
    /// An explicit `DO UPDATE SET col = value` (built with `column.to(value)`;
    /// the value may use the existing row's columns).
    pub fn set<Tb, Src, I>(mut self, a: Assign<Tb, Src>) -> Self
    where
        Tb: SameTableAs<N::Table>,
        Src: AllInFilterScope<Root<N::Table>, I>,
    {
        if let OnConflict::Nothing = self.action {
            self.action = OnConflict::Excluded(Some(Vec::new()));
        }
        self.sets.push((a.column, a.value));
        self
    }

    /// Renders the statement (SQL and the values of explicit assignments; the
    /// inserted values come first, as `N::COLUMNS.len()` parameters).
    pub fn to_sql(&self, d: Dialect) -> Result<Statement> {
        let info = <N::Table as Table>::INFO;
        // The assignments outlive the writer, which borrows their values.
        let mut sets: Vec<(&str, Node)>;
        let mut w = Writer::new(d);
        insert_head(&mut w, info.name, N::COLUMNS);
        values_rows(&mut w, 1, N::COLUMNS.len());
        w.base = N::COLUMNS.len();
        w.push(" ON CONFLICT");
        if !self.target.is_empty() {
            w.push(" (");
            for (i, c) in self.target.iter().enumerate() {
                if i > 0 {
                    w.push(", ");
                }
                w.ident(c);
            }
            w.push(")");
        }
        match &self.action {
            OnConflict::Nothing => w.push(" DO NOTHING"),
            OnConflict::Excluded(cols) => {
                if self.target.is_empty() {
                    return Err(Error::Unsupported(
                        "an upsert that updates needs a conflict target (`on_conflict`)".into(),
                    ));
                }
                // Never the conflict target nor the primary key; for "all",
                // never a column the caller left to its default either.
                let keeps = |c: &str| !self.target.iter().chain(info.primary_key).any(|k| *k == c);
                sets = match cols {
                    Some(cols) => cols
                        .iter()
                        .filter(|c| keeps(c))
                        .map(|c| (*c, Node::Excluded(c)))
                        .collect(),
                    None => N::COLUMNS
                        .iter()
                        .filter(|c| keeps(c) && !self.defaulted.contains(c))
                        .map(|c| (*c, Node::Excluded(c)))
                        .collect(),
                };
                sets.extend(self.sets.iter().cloned());
                if let Some(u) = <N::Table as Table>::UPDATED_AT {
                    if let Some(i) = sets.iter().position(|(c, _)| *c == u) {
                        if matches!(sets[i].1, Node::Excluded(_)) {
                            sets[i].1 = Node::Bind(now_value());
                        }
                    } else {
                        sets.push((u, Node::Bind(now_value())));
                    }
                }
                if sets.is_empty() {
                    // Nothing to change: setting the conflict column to its
                    // stored value (not `EXCLUDED`'s, which may differ under a
                    // case-insensitive collation) still returns the row.
                    let c = self.target[0];
                    sets.push((c, Node::Col(info.name, c)));
                }
                w.push(" DO UPDATE SET ");
                for (i, (c, v)) in sets.iter().enumerate() {
                    if i > 0 {
                        w.push(", ");
                    }
                    w.ident(c);
                    w.push(" = ");
                    render_node(v, &mut w);
                }
            }
        }
        returning(&mut w, info.columns);
        Ok(w.finish())
    }

    /// Runs the upsert; returns the inserted or updated row (`None` when `DO
    /// NOTHING` skipped it).
    pub fn execute(mut self, s: &mut Session) -> Result<Option<ModelOf<N>>> {
        generated_for::<N::Table>(s.dialect())?;
        self.new.fill_defaults();
        let st = self.to_sql(s.dialect())?;
        let mut p: Vec<&dyn ToParam> = Vec::with_capacity(N::COLUMNS.len() + st.params.len());
        self.new.params(&mut p);
        p.extend(st.params.iter().map(|v| v as &dyn ToParam));
        fetch_first(s, &st.sql, &p[..])
    }
}

// ------------------------------------------------------------------ update

fn pk_filter<T: Table>(values: Vec<Value>) -> Vec<Node> {
    T::INFO
        .primary_key
        .iter()
        .zip(values)
        .map(|(c, v)| Node::cmp("=", Node::Col(T::INFO.name, c), Node::Bind(v)))
        .collect()
}

fn where_clause<'a>(w: &mut Writer<'a>, filters: &'a [Node]) {
    for (i, f) in filters.iter().enumerate() {
        w.push(if i == 0 { " WHERE " } else { " AND " });
        render_node(f, w);
    }
}

/// `UPDATE t SET .. WHERE ..`: a changeset of typed assignments, by primary key or
/// by filter (both: ANDed; neither: every row).
///
/// Only the columns given with [`set`](Self::set) are written, plus the table's
/// `@updatedAt` column (the current time) unless it is set explicitly.
pub struct Update<T> {
    sets: Vec<(&'static str, Node)>,
    filters: Vec<Node>,
    _p: PhantomData<fn() -> T>,
}

impl<T: Table> Update<T> {
    /// An empty changeset.
    pub fn new() -> Self {
        Update {
            sets: Vec::new(),
            filters: Vec::new(),
            _p: PhantomData,
        }
    }
    /// Restricts to one row by primary key (composite keys as tuples).
    pub fn by_key<K: PrimaryKey<T::PrimaryKey>>(mut self, key: K) -> Self {
        self.filters.extend(pk_filter::<T>(key.key_values()));
        self
    }
    /// `SET col = value`, built with `column.to(value)`.
    pub fn set<Tb, Src, I>(mut self, a: Assign<Tb, Src>) -> Self
    where
        Tb: SameTable<T>,
        Src: AllInFilterScope<Root<T>, I>,
    {
        self.sets.push((a.column, a.value));
        self
    }
    /// `WHERE cond` (several calls are ANDed).
    pub fn filter<E, I>(mut self, cond: E) -> Self
    where
        E: Expression,
        E::SqlType: BoolType,
        E::Kind: NotAggregate,
        E::Src: AllInFilterScope<Root<T>, I>,
    {
        self.filters.push(cond.into_node());
        self
    }
    /// Whether nothing would be set.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }
    fn render(&self, d: Dialect, returning_cols: bool) -> Statement {
        let mut w = Writer::new(d);
        w.push("UPDATE ");
        w.ident(T::INFO.name);
        w.push(" SET ");
        for (i, (c, v)) in self.sets.iter().enumerate() {
            if i > 0 {
                w.push(", ");
            }
            w.ident(c);
            w.push(" = ");
            render_node(v, &mut w);
        }
        if let Some(u) = T::UPDATED_AT
            && !self.sets.iter().any(|(c, _)| *c == u)
        {
            w.push(", ");
            w.ident(u);
            w.push(" = ");
            w.bind(now_value());
        }
        where_clause(&mut w, &self.filters);
        if returning_cols {
            returning(&mut w, T::INFO.columns);
        }
        w.finish()
    }
    /// The statement (`@updatedAt` set to the current time).
    pub fn to_sql(&self, d: Dialect) -> Statement {
        self.render(d, false)
    }
    /// Runs it; returns the number of rows updated. An update that sets nothing
    /// runs no statement and returns 0.
    pub fn execute(self, s: &mut Session) -> Result<u64> {
        generated_for::<T>(s.dialect())?;
        if self.sets.is_empty() {
            return Ok(0);
        }
        let st = self.render(s.dialect(), false);
        s.execute(Native(&st.sql), &st.params)
    }
    /// Runs it with `RETURNING`; returns the updated rows. An update that sets
    /// nothing runs no statement and returns no rows.
    pub fn execute_returning(self, s: &mut Session) -> Result<Vec<T::Model>> {
        generated_for::<T>(s.dialect())?;
        if self.sets.is_empty() {
            return Ok(Vec::new());
        }
        let st = self.render(s.dialect(), true);
        fetch_all(s, &st.sql, &st.params)
    }
}
impl<T: Table> Default for Update<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// An assignment for a column of `Self` in an update of `T`.
#[diagnostic::on_unimplemented(
    message = "cannot set a column of `{Self}` in an update of `{T}`",
    label = "this assignment is for another table",
    note = "use the columns of the table being updated"
)]
pub trait SameTable<T> {}
impl<T> SameTable<T> for T {}

// ------------------------------------------------------------------ delete

/// `DELETE FROM t WHERE ..`, by primary key (the generated `Table::DELETE`
/// constant) or by filter (both: ANDed; neither: every row).
pub struct Delete<T> {
    key: Option<Vec<Value>>,
    filters: Vec<Node>,
    _p: PhantomData<fn() -> T>,
}
impl<T: Table> Delete<T> {
    /// A delete of every row, until restricted.
    pub fn new() -> Self {
        Delete {
            key: None,
            filters: Vec::new(),
            _p: PhantomData,
        }
    }
    /// Restricts to one row by primary key (composite keys as tuples).
    pub fn by_key<K: PrimaryKey<T::PrimaryKey>>(mut self, key: K) -> Self {
        let values = key.key_values();
        if self.key.is_some() || !self.filters.is_empty() {
            self.filters.extend(pk_filter::<T>(values));
        } else {
            self.key = Some(values);
        }
        self
    }
    /// `WHERE cond` (several calls are ANDed).
    pub fn filter<E, I>(mut self, cond: E) -> Self
    where
        E: Expression,
        E::SqlType: BoolType,
        E::Kind: NotAggregate,
        E::Src: AllInFilterScope<Root<T>, I>,
    {
        self.filters.push(cond.into_node());
        self
    }
    fn render(&self, d: Dialect, returning_cols: bool) -> Statement {
        if let (Some(key), true, false, Ok(sql)) = (
            &self.key,
            self.filters.is_empty(),
            returning_cols,
            T::DELETE.get(d),
        ) {
            return Statement {
                sql: sql.to_owned(),
                params: key.clone(),
            };
        }
        let mut filters = Vec::new();
        if let Some(key) = &self.key {
            filters.extend(pk_filter::<T>(key.clone()));
        }
        filters.extend(self.filters.iter().cloned());
        let mut w = Writer::new(d);
        w.push("DELETE FROM ");
        w.ident(T::INFO.name);
        where_clause(&mut w, &filters);
        if returning_cols {
            returning(&mut w, T::INFO.columns);
        }
        w.finish()
    }
    /// The statement.
    pub fn to_sql(&self, d: Dialect) -> Statement {
        self.render(d, false)
    }
    /// Runs it; returns the number of rows deleted.
    pub fn execute(self, s: &mut Session) -> Result<u64> {
        let d = s.dialect();
        if let (Some(key), true) = (&self.key, self.filters.is_empty()) {
            return s.execute(Native(T::DELETE.get(d)?), key);
        }
        generated_for::<T>(d)?;
        let st = self.render(d, false);
        s.execute(Native(&st.sql), &st.params)
    }
    /// Runs it with `RETURNING`; returns the deleted rows.
    pub fn execute_returning(self, s: &mut Session) -> Result<Vec<T::Model>> {
        generated_for::<T>(s.dialect())?;
        let st = self.render(s.dialect(), true);
        fetch_all(s, &st.sql, &st.params)
    }
}
impl<T: Table> Default for Delete<T> {
    fn default() -> Self {
        Self::new()
    }
}
