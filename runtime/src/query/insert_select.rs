//! `INSERT INTO t (c1, c2, ..) SELECT ..`: rows written from a query, in the
//! database, without reading them into the application. The columns are
//! checked against the query's selection at compile time: one selected
//! expression per column, each storable in its column (a non-null value in
//! a nullable column is fine, NULL in a required one is not).

use std::marker::PhantomData;

use super::builder::{Query, Selected};
use super::render::push_ident;
use super::sql_types::{Nullable, SqlType};
use super::table::{Column, Table};
use crate::{Native, Result, Session};

/// A value of SQL type `Self` can be stored in a column of SQL type `Col`:
/// the same type, or a non-null value into a nullable column.
#[diagnostic::on_unimplemented(
    message = "a selected expression of SQL type `{Self}` cannot be stored in a column of SQL type `{Col}`",
    label = "the selection does not fit the columns",
    note = "select one expression per column, in the columns' order, each of the column's type (`cast`, `coalesce` align them)"
)]
pub trait StoresInto<Col> {}
impl<T> StoresInto<T> for T {}
impl<B: SqlType> StoresInto<Nullable<B>> for B {}

/// The target columns of an insert-select: one column of table `T` or a
/// tuple of up to 6, whose SQL types accept the selection's `ST`.
#[diagnostic::on_unimplemented(
    message = "these columns cannot take a selection of SQL type(s) `{ST}`",
    label = "one column per selected expression, of the target table, in order",
    note = "an insert-select's columns, or a CTE's declared columns, each take one selected expression of their SQL type: e.g. `insert_select((tag::name,), User::query().select(user::email))`"
)]
pub trait InsertColumns<T, ST> {
    /// Appends the column names.
    fn push_names(out: &mut Vec<&'static str>);
}
impl<T: Table, C: Column<Table = T>, ST: StoresInto<C::SqlType>> InsertColumns<T, ST> for C {
    fn push_names(out: &mut Vec<&'static str>) {
        out.push(C::NAME);
    }
}
macro_rules! insert_columns {
    ($($C:ident $S:ident),+) => {
        impl<T: Table, $($C: Column<Table = T>, $S: StoresInto<$C::SqlType>),+>
            InsertColumns<T, ($($S,)+)> for ($($C,)+)
        {
            fn push_names(out: &mut Vec<&'static str>) {
                $( out.push($C::NAME); )+
            }
        }
    };
}
// `(col,)` with a single selected expression (whose SQL type is not a tuple).
impl<T: Table, A: Column<Table = T>, SA: StoresInto<A::SqlType>> InsertColumns<T, SA> for (A,) {
    fn push_names(out: &mut Vec<&'static str>) {
        out.push(A::NAME);
    }
}
insert_columns!(A SA, B SB);
insert_columns!(A SA, B SB, C SC);
insert_columns!(A SA, B SB, C SC, D SD);
insert_columns!(A SA, B SB, C SC, D SD, E SE);
insert_columns!(A SA, B SB, C SC, D SD, E SE, F SF);

/// A pending `INSERT INTO t (..) SELECT ..`; run it with
/// [`execute`](InsertSelect::execute).
#[must_use = "an insert-select runs only with `.execute(&mut s)`"]
pub struct InsertSelect<T> {
    columns: Vec<&'static str>,
    query: super::QueryState,
    _t: PhantomData<fn() -> T>,
}

/// `INSERT INTO <columns' table> (columns) <query>`: the query must select
/// one expression per column, each storable in it. Columns the statement
/// leaves out take their database defaults (`autoincrement()` keys, SQL
/// defaults); defaults that ormgen fills in Rust (`uuid()`, `cuid()`,
/// `@updatedAt`) are not filled here: select them.
pub fn insert_select<T, Cols, S, Row, ST, G>(
    _columns: Cols,
    query: Query<S, Selected<Row, ST>, G>,
) -> InsertSelect<T>
where
    T: Table,
    Cols: InsertColumns<T, ST>,
{
    let mut columns = Vec::new();
    Cols::push_names(&mut columns);
    InsertSelect {
        columns,
        query: query.into_state(),
        _t: PhantomData,
    }
}

impl<T: Table> InsertSelect<T> {
    /// The statement for a dialect.
    pub fn to_sql(&self, d: crate::Dialect) -> super::Statement {
        let mut sql = String::from("INSERT INTO ");
        push_ident(&mut sql, T::INFO.name);
        sql.push_str(" (");
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            push_ident(&mut sql, c);
        }
        sql.push_str(") ");
        let select = self.query.to_statement(d);
        sql.push_str(&select.sql);
        super::Statement {
            sql,
            params: select.params,
        }
    }
    /// Runs the statement in the session's transaction; the number of rows
    /// inserted.
    pub fn execute(self, s: &mut Session) -> Result<u64> {
        if let Some(e) = self.query.error {
            return Err(crate::Error::Unsupported(e.to_owned()));
        }
        let st = self.to_sql(s.dialect());
        s.execute(Native(&st.sql), &st.params)
    }
}
