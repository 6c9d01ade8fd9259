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

/// Text SQL types: `like`, `ilike` and the text functions apply.
#[diagnostic::on_unimplemented(
    message = "expected a text expression, found one of SQL type `{Self}`",
    label = "`like`, `ilike`, `concat`, `lower`, `upper`, `trim`, `length`, `substring` and `replace` apply to text",
    note = "compare non-text columns with `eq`, `between` or `in_list`; `cast::<Text, _>(..)` turns a number into text"
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

// ------------------------------------------------- nullability of SQL types

/// Whether a SQL type admits NULL: [`NotNull`] for a base type, [`MaybeNull`]
/// for `Nullable<_>`. Drives the result types of the expression language
/// (`a + b` is nullable when either side is; `coalesce(a, b)` only when both
/// are).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a SQL type the expression language knows",
    label = "expected a column, a value or an expression of a schema type"
)]
pub trait Nullity: SqlType {
    /// [`NotNull`] or [`MaybeNull`].
    type N: Nullness;
}
impl<B: SqlType> Nullity for Nullable<B> {
    type N = MaybeNull;
}
impl<B: SqlType> Nullity for Array<B> {
    type N = NotNull;
}

/// NULL when either side may be NULL (operators, most functions).
pub trait EitherNull<M> {
    /// The combined nullability.
    type Out: Nullness;
}
impl EitherNull<NotNull> for NotNull {
    type Out = NotNull;
}
impl EitherNull<MaybeNull> for NotNull {
    type Out = MaybeNull;
}
impl<M> EitherNull<M> for MaybeNull {
    type Out = MaybeNull;
}

/// NULL only when both sides may be NULL (`COALESCE`, `CASE` with `ELSE`).
pub trait BothNull<M> {
    /// The combined nullability.
    type Out: Nullness;
}
impl<M> BothNull<M> for NotNull {
    type Out = NotNull;
}
impl BothNull<NotNull> for MaybeNull {
    type Out = NotNull;
}
impl BothNull<MaybeNull> for MaybeNull {
    type Out = MaybeNull;
}

/// Two SQL types are the same (without `Nullable`): the branches of `CASE`,
/// the arguments of `coalesce`, a declared function's parameters.
#[diagnostic::on_unimplemented(
    message = "expected an expression of SQL type `{T}`, found one of SQL type `{Self}`",
    label = "the SQL types differ",
    note = "`case_when` branches and `coalesce`/`nullif` arguments share one SQL type; convert one side with `cast::<T>(..)`"
)]
pub trait SameType<T> {}
impl<T> SameType<T> for T {}

// ------------------------------------------------------ expression "kinds"

/// Expression kind: bound values only.
pub struct Const;
/// Expression kind: mentions columns, no aggregate.
pub struct Plain;
/// Expression kind: an aggregate.
pub struct Agg;
/// Expression kind: aggregates mixed with plain columns.
pub struct Mixed;
/// Expression kind: a window function (`.over(..)`): selectable and
/// orderable, not allowed in `filter`, `group_by` or `having`.
pub struct Win;

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
    Win + Const = Win; Win + Plain = Win; Win + Win = Win; Win + Agg = Agg; Win + Mixed = Mixed;
    Const + Win = Win; Plain + Win = Win; Agg + Win = Agg; Mixed + Win = Mixed;
}

/// Kinds allowed in `filter` (SQL WHERE), window partitions and the
/// arguments of window functions.
#[diagnostic::on_unimplemented(
    message = "aggregate and window functions cannot be used in `filter` (SQL WHERE) or inside a window",
    label = "this expression contains an aggregate such as `count` or `sum`, or a window function (`.over(..)`)",
    note = "conditions on aggregates go in `.having(..)` after `.group_by(..)`; to filter on a window function, select it in a subquery and filter the outer query"
)]
pub trait NotAggregate {}
impl NotAggregate for Const {}
impl NotAggregate for Plain {}

/// Kinds allowed in `group_by` and `having`: anything but a window function.
#[diagnostic::on_unimplemented(
    message = "window functions cannot be used in `group_by` or `having`",
    label = "this expression contains a window function (`.over(..)`)",
    note = "window functions are computed after grouping: select them, or order by them"
)]
pub trait NotWindow {}
impl NotWindow for Const {}
impl NotWindow for Plain {}
impl NotWindow for Agg {}
impl NotWindow for Mixed {}
