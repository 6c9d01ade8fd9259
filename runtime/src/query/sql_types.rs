//! SQL type markers, capability markers (numeric, text, boolean), nullability in a
//! query's scope, and expression kinds (plain / aggregate).

use std::marker::PhantomData;

/// A SQL type marker. `Base` strips [`Nullable`]; `Rust` is what a column of this
/// type decodes to.
pub trait SqlType: 'static {
    /// The type without `Nullable`.
    type Base: SqlType;
    /// The Rust type a value of this SQL type decodes to.
    type Rust;
}

macro_rules! sql_types {
    ($($(#[$m:meta])* $name:ident => $rust:ty;)*) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl SqlType for $name { type Base = $name; type Rust = $rust; }
    )*};
}
sql_types! {
    /// `SMALLINT` (`i16`; `@db.SmallInt`)
    SmallInt => i16;
    /// `INTEGER` (`i32`)
    Int => i32;
    /// `BIGINT` (`i64`); also the result of `COUNT`
    BigInt => i64;
    /// `DOUBLE PRECISION` (`f64`; SQLite REAL)
    Double => f64;
    /// `REAL` (`f32`; `@db.Real`)
    Real => f32;
    /// `DECIMAL` / `NUMERIC` ([`BigDecimal`](crate::BigDecimal))
    Decimal => crate::BigDecimal;
    /// `TEXT`
    Text => String;
    /// `BOOLEAN`
    Bool => bool;
    /// `TIMESTAMP` (`chrono::DateTime<Utc>`)
    Timestamp => chrono::DateTime<chrono::Utc>;
    /// `DATE` (`chrono::NaiveDate`; `@db.Date`)
    Date => chrono::NaiveDate;
    /// `TIME` (`chrono::NaiveTime`; `@db.Time`)
    Time => chrono::NaiveTime;
    /// `TIMETZ` ([`TimeTz`](crate::TimeTz); `@db.Timetz`)
    TimeTz => crate::TimeTz;
    /// `OID` (`u32`; `@db.Oid`)
    Oid => u32;
    /// `JSONB` (`serde_json::Value`)
    Json => serde_json::Value;
    /// `BYTEA` / `BLOB` (`Vec<u8>`)
    Bytes => Vec<u8>;
    /// `UUID` (`uuid::Uuid`; TEXT on SQLite)
    Uuid => uuid::Uuid;
}

/// A column that may hold NULL.
#[derive(Debug, Clone, Copy)]
pub struct Nullable<B>(PhantomData<B>);
impl<B: SqlType> SqlType for Nullable<B> {
    type Base = B::Base;
    type Rust = Option<B::Rust>;
}

/// A PostgreSQL array of `B` (a Prisma scalar list such as `String[]` →
/// `Array<Text>`, decoded as `Vec<String>`).
#[derive(Debug, Clone, Copy)]
pub struct Array<B>(PhantomData<B>);
impl<B: SqlType> SqlType for Array<B> {
    type Base = Array<B>;
    type Rust = Vec<B::Rust>;
}

/// Array SQL types: `has`, `has_every`, `has_some` and `is_empty` apply.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list (array) SQL type",
    label = "`has`, `has_every`, `has_some` and `is_empty` apply to scalar-list columns such as `String[]`",
    note = "compare single values with `eq`, or test membership with `in_list`"
)]
pub trait ArrayType: SqlType {
    /// The element's SQL type.
    type Elem: SqlType;
}
impl<B: SqlType> ArrayType for Array<B> {
    type Elem = B;
}

/// Numeric SQL types: `sum` and `avg` apply.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a numeric SQL type, so it cannot be summed or averaged",
    label = "`sum`/`avg` need a column of SQL type SmallInt, Int, BigInt, Real, Double or Decimal",
    note = "use `count`, `min` or `max` for non-numeric columns"
)]
pub trait Numeric: SqlType {
    /// SQL type of `SUM(x)` (before the aggregate's own `Nullable`).
    type Sum: SqlType;
    /// Cast applied to `SUM(x)` on PostgreSQL so that it decodes as `Sum`.
    const SUM_CAST: Option<super::PgCast>;
}
impl Numeric for SmallInt {
    type Sum = BigInt;
    const SUM_CAST: Option<super::PgCast> = None;
}
impl Numeric for Real {
    type Sum = Double;
    // SUM(real) is real on PostgreSQL; widen so it decodes as f64 exactly.
    const SUM_CAST: Option<super::PgCast> = Some(super::PgCast::Double);
}
impl Numeric for Int {
    type Sum = BigInt;
    const SUM_CAST: Option<super::PgCast> = None;
}
impl Numeric for BigInt {
    type Sum = BigInt;
    // SUM(bigint) is numeric on PostgreSQL.
    const SUM_CAST: Option<super::PgCast> = Some(super::PgCast::BigInt);
}
impl Numeric for Double {
    type Sum = Double;
    const SUM_CAST: Option<super::PgCast> = None;
}
impl Numeric for Decimal {
    type Sum = Decimal;
    const SUM_CAST: Option<super::PgCast> = None;
}

/// Text SQL types: `like` and `ilike` apply.
#[diagnostic::on_unimplemented(
    message = "`like`/`ilike` only apply to text columns, but this expression has SQL type `{Self}`",
    label = "not a text column",
    note = "compare non-text columns with `eq`, `between` or `in_list`"
)]
pub trait TextType {}
impl TextType for Text {}

/// Sources of `e IS [NOT] NULL` when `e` mentions `Src`: unchanged for nullable
/// types; for NOT NULL types the tables must be left-joined, which `filter` checks
/// ([`Joined`](super::Joined)). Implemented per SQL type (see
/// [`impl_sql_type!`](crate::impl_sql_type)).
pub trait NullTest<Src> {
    /// The sources the resulting condition requires.
    type Src;
}
impl<B, Src> NullTest<Src> for Nullable<B> {
    type Src = Src;
}

/// Boolean SQL types: conditions.
#[diagnostic::on_unimplemented(
    message = "expected a boolean condition, found an expression of SQL type `{Self}`",
    label = "`filter`, `having`, `and`, `or` and `not` need a boolean expression",
    note = "build a condition with a comparison such as `.eq(..)` or `.gt(..)`"
)]
pub trait BoolType: SqlType {}
impl BoolType for Bool {}
impl BoolType for Nullable<Bool> {}

// ------------------------------------------------------- nullability in scope

/// Nullability of a table in a query's scope: inner-joined ([`NotNull`]) or
/// left-joined ([`MaybeNull`]).
pub trait Nullness: 'static {
    /// SQL type a column of SQL type `ST` has when read through this scope entry.
    type Apply<ST: SqlType>: SqlType;
    /// Rust type a whole model `M` has in a row.
    type Wrap<M>;
}
/// Scope entry of the queried table or an inner-joined table.
pub struct NotNull;
/// Scope entry of a left-joined table.
pub struct MaybeNull;
impl Nullness for NotNull {
    type Apply<ST: SqlType> = ST;
    type Wrap<M> = M;
}
impl Nullness for MaybeNull {
    type Apply<ST: SqlType> = Nullable<ST::Base>;
    type Wrap<M> = Option<M>;
}

// ------------------------------------------------------ expression "kinds"

/// Expression kind: bound values only.
pub struct Const;
/// Expression kind: mentions columns, no aggregate.
pub struct Plain;
/// Expression kind: an aggregate.
pub struct Agg;
/// Expression kind: aggregates mixed with plain columns.
pub struct Mixed;

/// Combining two expression kinds.
pub trait Combine<K> {
    /// The combined kind.
    type Out;
}
macro_rules! combine {
    ($($a:ident + $b:ident = $o:ident;)*) => {$( impl Combine<$b> for $a { type Out = $o; } )*};
}
combine! {
    Const + Const = Const; Const + Plain = Plain; Const + Agg = Agg; Const + Mixed = Mixed;
    Plain + Const = Plain; Plain + Plain = Plain; Plain + Agg = Mixed; Plain + Mixed = Mixed;
    Agg + Const = Agg; Agg + Plain = Mixed; Agg + Agg = Agg; Agg + Mixed = Mixed;
    Mixed + Const = Mixed; Mixed + Plain = Mixed; Mixed + Agg = Mixed; Mixed + Mixed = Mixed;
}

/// Kinds allowed in `filter` (SQL WHERE).
#[diagnostic::on_unimplemented(
    message = "aggregate functions cannot be used in `filter` (SQL WHERE)",
    label = "this condition contains an aggregate such as `count` or `sum`",
    note = "conditions on aggregates go in `.having(..)` after `.group_by(..)`"
)]
pub trait NotAggregate {}
impl NotAggregate for Const {}
impl NotAggregate for Plain {}
