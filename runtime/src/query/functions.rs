//! SQL functions of the expression language: text (`lower`, `upper`, `trim`,
//! `length`, `substring`, `replace`), NULL handling (`coalesce`, `nullif`),
//! numbers (`abs`, `round`, `ceil`, `floor`), time (`current_timestamp`,
//! `current_date`, `extract`, `date_trunc`), `cast`, and
//! [`sql_function!`](crate::sql_function) for declaring one's own.
//!
//! Every function is typed: its argument types are checked, and its result
//! is nullable exactly when SQL can return NULL (a function of a nullable
//! argument; `coalesce` only when every argument is nullable). Where the two
//! dialects spell a function differently the node carries both spellings
//! ([`DialectFunc`]).

use super::arith::{Both, Keep, OpBase, OpNull, Operand};
use super::ast::{CastTo, DialectFunc, Node, Piece};
use super::expr::Expr;
use super::operand::ValueOf;
use super::scope::{Append, Cat, Nil};
use super::sql_types::{
    BigInt, BothNull, Combine, Const, Date, Decimal, Double, EitherNull, Int, Nullable, Nullness,
    Numeric, Real, SameType, SmallInt, SqlType, Text, TextType, Timestamp,
};

fn call(name: &'static str, args: Vec<Node>) -> Node {
    Node::Func {
        name,
        distinct: false,
        args,
    }
}

// ------------------------------------------------------------------- text

/// `LOWER(e)`
pub fn lower<E: Operand>(e: E) -> Keep<E, Text>
where
    OpBase<E>: TextType,
{
    Expr::from_node(call("LOWER", vec![e.into_operand()]))
}
/// `UPPER(e)`
pub fn upper<E: Operand>(e: E) -> Keep<E, Text>
where
    OpBase<E>: TextType,
{
    Expr::from_node(call("UPPER", vec![e.into_operand()]))
}
/// `TRIM(e)`: spaces removed at both ends.
pub fn trim<E: Operand>(e: E) -> Keep<E, Text>
where
    OpBase<E>: TextType,
{
    Expr::from_node(call("TRIM", vec![e.into_operand()]))
}
/// `LENGTH(e)`: the number of characters (not bytes) on both dialects.
pub fn length<E: Operand>(e: E) -> Keep<E, Int>
where
    OpBase<E>: TextType,
{
    Expr::from_node(call("LENGTH", vec![e.into_operand()]))
}
/// `SUBSTR(e, start, len)`: `len` characters from the 1-based position `start`.
pub fn substring<E: Operand>(e: E, start: i32, len: i32) -> Keep<E, Text>
where
    OpBase<E>: TextType,
{
    Expr::from_node(call(
        "SUBSTR",
        vec![
            e.into_operand(),
            Node::Bind(start.into()),
            Node::Bind(len.into()),
        ],
    ))
}
/// `REPLACE(e, from, to)`: every occurrence of `from` replaced by `to`.
pub fn replace<E, F, T>(e: E, from: F, to: T) -> Keep<E, Text>
where
    E: Operand,
    OpBase<E>: TextType,
    F: ValueOf<Text>,
    T: ValueOf<Text>,
{
    Expr::from_node(call(
        "REPLACE",
        vec![
            e.into_operand(),
            Node::Bind(from.to_value()),
            Node::Bind(to.to_value()),
        ],
    ))
}

// ------------------------------------------------------------------- NULL

/// `COALESCE(a, b)`: `a` unless it is NULL, then `b`. Both of one SQL type;
/// the result is nullable only when both are (`coalesce(nickname, email)` is
/// `Text` when `email` is required).
pub fn coalesce<A, B>(
    a: A,
    b: B,
) -> Expr<
    <<OpNull<A> as BothNull<OpNull<B>>>::Out as Nullness>::Apply<OpBase<A>>,
    Cat<A::Src, B::Src>,
    <A::Kind as Combine<B::Kind>>::Out,
>
where
    A: Operand,
    B: Operand,
    OpBase<B>: SameType<OpBase<A>>,
    OpNull<A>: BothNull<OpNull<B>>,
    A::Src: Append<B::Src>,
    A::Kind: Combine<B::Kind>,
{
    Expr::from_node(call("COALESCE", vec![a.into_operand(), b.into_operand()]))
}
/// `NULLIF(a, b)`: NULL when `a = b`, else `a` (always nullable).
pub fn nullif<A, B>(
    a: A,
    b: B,
) -> Expr<Nullable<OpBase<A>>, Cat<A::Src, B::Src>, <A::Kind as Combine<B::Kind>>::Out>
where
    A: Operand,
    B: Operand,
    OpBase<B>: SameType<OpBase<A>>,
    A::Src: Append<B::Src>,
    A::Kind: Combine<B::Kind>,
{
    Expr::from_node(call("NULLIF", vec![a.into_operand(), b.into_operand()]))
}

// ---------------------------------------------------------------- numbers

/// `ABS(e)`
pub fn abs<E: Operand>(e: E) -> Keep<E, OpBase<E>>
where
    OpBase<E>: Numeric,
{
    Expr::from_node(call("ABS", vec![e.into_operand()]))
}

/// Types with a fractional part: `round`, `ceil` and `floor` apply.
#[diagnostic::on_unimplemented(
    message = "`round`, `ceil` and `floor` apply to Double and Decimal expressions, not `{Self}`",
    label = "not a Double or Decimal expression",
    note = "integers are whole already; for Real, `cast::<Double>(..)` first"
)]
pub trait Fractional: SqlType {}
impl Fractional for Double {}
impl Fractional for Decimal {}

/// `ROUND(e)`: to the nearest whole number. Halves: PostgreSQL rounds a
/// `Double` half to even and a `Decimal` half away from zero; SQLite rounds
/// both away from zero.
pub fn round<E: Operand>(e: E) -> Keep<E, OpBase<E>>
where
    OpBase<E>: Fractional,
{
    Expr::from_node(call("ROUND", vec![e.into_operand()]))
}

static CEIL: DialectFunc = DialectFunc {
    postgres: &[Piece::Sql("CEIL("), Piece::Arg(0), Piece::Sql(")")],
    // SQLite without its optional math functions: the integer part, plus one
    // when something was cut off above it.
    sqlite: &[
        Piece::Sql("CAST((CAST("),
        Piece::Arg(0),
        Piece::Sql(" AS INTEGER) + ("),
        Piece::Arg(0),
        Piece::Sql(" > CAST("),
        Piece::Arg(0),
        Piece::Sql(" AS INTEGER))) AS REAL)"),
    ],
};
static FLOOR: DialectFunc = DialectFunc {
    postgres: &[Piece::Sql("FLOOR("), Piece::Arg(0), Piece::Sql(")")],
    sqlite: &[
        Piece::Sql("CAST((CAST("),
        Piece::Arg(0),
        Piece::Sql(" AS INTEGER) - ("),
        Piece::Arg(0),
        Piece::Sql(" < CAST("),
        Piece::Arg(0),
        Piece::Sql(" AS INTEGER))) AS REAL)"),
    ],
};
/// `CEIL(e)`: the smallest whole number not below `e`.
pub fn ceil<E: Operand>(e: E) -> Keep<E, OpBase<E>>
where
    OpBase<E>: Fractional,
{
    Expr::from_node(Node::DialectFunc(&CEIL, vec![e.into_operand()]))
}
/// `FLOOR(e)`: the largest whole number not above `e`.
pub fn floor<E: Operand>(e: E) -> Keep<E, OpBase<E>>
where
    OpBase<E>: Fractional,
{
    Expr::from_node(Node::DialectFunc(&FLOOR, vec![e.into_operand()]))
}

// ------------------------------------------------------------------- time

/// `CURRENT_TIMESTAMP`: the transaction's start on PostgreSQL, the
/// statement's on SQLite.
pub fn current_timestamp() -> Expr<Timestamp, Nil, Const> {
    Expr::from_node(Node::Keyword("CURRENT_TIMESTAMP"))
}
/// `CURRENT_DATE` (UTC on SQLite, the session's time zone on PostgreSQL).
pub fn current_date() -> Expr<Date, Nil, Const> {
    Expr::from_node(Node::Keyword("CURRENT_DATE"))
}

/// Types `extract` and `date_trunc` read: timestamps and dates.
#[diagnostic::on_unimplemented(
    message = "`extract` and `date_trunc` apply to DateTime and Date expressions, not `{Self}`",
    label = "not a date or timestamp"
)]
pub trait Temporal: SqlType {}
impl Temporal for Timestamp {}
impl Temporal for Date {}

/// A `&'static DialectFunc` of one argument: `open arg close` per dialect.
macro_rules! one_arg {
    ($pg_open:expr, $pg_close:expr; $lite_open:expr, $lite_close:expr) => {{
        static F: DialectFunc = DialectFunc {
            postgres: &[Piece::Sql($pg_open), Piece::Arg(0), Piece::Sql($pg_close)],
            sqlite: &[
                Piece::Sql($lite_open),
                Piece::Arg(0),
                Piece::Sql($lite_close),
            ],
        };
        &F
    }};
}

/// An enum of date parts or units, each with its one-argument template.
macro_rules! template_enum {
    ($(#[$em:meta])* $enum:ident; $($(#[$m:meta])* $name:ident => $a:expr, $b:expr, $c:expr, $d:expr;)*) => {
        $(#[$em])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $enum { $($(#[$m])* $name,)* }
        impl $enum {
            fn template(self) -> &'static DialectFunc {
                match self {$( $enum::$name => one_arg!($a, $b; $c, $d), )*}
            }
        }
    };
}

macro_rules! fields {
    ($($(#[$m:meta])* $name:ident: $pg:literal, $lite:literal;)*) => {
        template_enum! {
            /// A part of a date or timestamp, for [`extract`].
            Field;
            $($(#[$m])* $name => concat!("CAST(EXTRACT(", $pg, " FROM "), ") AS INTEGER)",
                concat!("CAST(strftime('", $lite, "', "), ") AS INTEGER)";)*
        }
    };
}
fields! {
    /// The year.
    Year: "YEAR", "%Y";
    /// The month, 1–12.
    Month: "MONTH", "%m";
    /// The day of the month, 1–31.
    Day: "DAY", "%d";
    /// The hour, 0–23.
    Hour: "HOUR", "%H";
    /// The minute, 0–59.
    Minute: "MINUTE", "%M";
    /// The whole seconds, 0–59.
    Second: "SECOND", "%S";
    /// The day of the week, 0 (Sunday) – 6.
    DayOfWeek: "DOW", "%w";
    /// The day of the year, 1–366.
    DayOfYear: "DOY", "%j";
}

/// `EXTRACT(field FROM e)` as an integer (`strftime` on SQLite).
pub fn extract<E: Operand>(field: Field, e: E) -> Keep<E, Int>
where
    OpBase<E>: Temporal,
{
    Expr::from_node(Node::DialectFunc(field.template(), vec![e.into_operand()]))
}

macro_rules! units {
    ($($(#[$m:meta])* $name:ident: $pg:literal, $lite:literal;)*) => {
        template_enum! {
            /// A unit a timestamp is truncated to, for [`date_trunc`].
            Unit;
            $($(#[$m])* $name => concat!("date_trunc('", $pg, "', "), ")",
                concat!("strftime('", $lite, "', "), ")";)*
        }
    };
}
units! {
    /// The start of the year.
    Year: "year", "%Y-01-01 00:00:00.000";
    /// The start of the month.
    Month: "month", "%Y-%m-01 00:00:00.000";
    /// Midnight.
    Day: "day", "%Y-%m-%d 00:00:00.000";
    /// The start of the hour.
    Hour: "hour", "%Y-%m-%d %H:00:00.000";
    /// The start of the minute.
    Minute: "minute", "%Y-%m-%d %H:%M:00.000";
}

/// `date_trunc(unit, e)`: a timestamp cut down to the start of its year,
/// month, day, hour or minute (`strftime` on SQLite, whose stored format it
/// keeps).
pub fn date_trunc<E: Operand>(unit: Unit, e: E) -> Keep<E, Timestamp>
where
    OpBase<E>: SameType<Timestamp>,
{
    Expr::from_node(Node::DialectFunc(unit.template(), vec![e.into_operand()]))
}

// ------------------------------------------------------------------- cast

/// SQL types a value can be cast to with [`cast`], with each dialect's name.
#[diagnostic::on_unimplemented(
    message = "`cast` cannot convert to SQL type `{Self}`",
    label = "not a cast target",
    note = "cast targets: SmallInt, Int, BigInt, Real, Double, Decimal, Text"
)]
pub trait CastTarget: SqlType {
    /// The type's name per dialect.
    const TO: &'static CastTo;
    /// An integer type (a fractional source is rounded first on SQLite,
    /// whose `CAST` truncates where PostgreSQL's rounds).
    const INTEGER: bool = false;
}
/// SQL types [`cast`] converts from.
#[diagnostic::on_unimplemented(
    message = "`cast` cannot convert from SQL type `{Self}`",
    label = "not a cast source",
    note = "cast sources: SmallInt, Int, BigInt, Real, Double, Decimal, Text"
)]
pub trait CastSource: SqlType {
    /// A type with a fractional part.
    const FRACTIONAL: bool = false;
}
macro_rules! cast_types {
    ($($t:ident: $pg:literal, $lite:literal, int $int:literal, frac $frac:literal;)*) => {$(
        impl CastTarget for $t {
            const TO: &'static CastTo = &CastTo { postgres: $pg, sqlite: Some($lite) };
            const INTEGER: bool = $int;
        }
        impl CastSource for $t {
            const FRACTIONAL: bool = $frac;
        }
    )*};
}
cast_types! {
    SmallInt: "SMALLINT", "INTEGER", int true, frac false;
    Int: "INTEGER", "INTEGER", int true, frac false;
    BigInt: "BIGINT", "INTEGER", int true, frac false;
    Real: "REAL", "REAL", int false, frac true;
    Double: "DOUBLE PRECISION", "REAL", int false, frac true;
    Decimal: "NUMERIC", "NUMERIC", int false, frac true;
    Text: "TEXT", "TEXT", int false, frac false;
}

static SQLITE_ROUND: DialectFunc = DialectFunc {
    postgres: &[Piece::Arg(0)],
    sqlite: &[Piece::Sql("ROUND("), Piece::Arg(0), Piece::Sql(")")],
};

/// `CAST(e AS T)`: `cast::<BigInt, _>(user::age)`, `cast::<Text, _>(post::views)`.
/// A fractional value cast to an integer type is rounded on both dialects
/// (SQLite's own `CAST` would truncate). A text that is not a number is an
/// error on PostgreSQL and 0 on SQLite: check it before casting.
pub fn cast<T: CastTarget, E: Operand>(e: E) -> Keep<E, T>
where
    OpBase<E>: CastSource,
{
    let mut node = e.into_operand();
    if T::INTEGER && <OpBase<E> as CastSource>::FRACTIONAL {
        node = Node::DialectFunc(&SQLITE_ROUND, vec![node]);
    }
    Expr::from_node(Node::Cast(Box::new(node), T::TO))
}

// ------------------------------------------------- user-declared functions

/// The result of a declared function of one argument (nullable when the
/// argument is, as SQL functions return NULL on NULL input).
pub type Call1<A, R> = Keep<A, R>;
/// The result of a declared function of two arguments.
pub type Call2<A, B, R> = Both<A, B, R>;

/// Calls a declared function of one argument (used by [`sql_function!`](crate::sql_function)).
#[doc(hidden)]
pub fn call1<P, R: SqlType, A>(name: &'static str, a: A) -> Keep<A, R>
where
    A: Operand,
    OpBase<A>: SameType<P>,
{
    Expr::from_node(call(name, vec![a.into_operand()]))
}
/// Calls a declared function of two arguments (used by [`sql_function!`](crate::sql_function)).
#[doc(hidden)]
pub fn call2<P, Q, R: SqlType, A, B>(name: &'static str, a: A, b: B) -> Both<A, B, R>
where
    A: Operand,
    B: Operand,
    OpBase<A>: SameType<P>,
    OpBase<B>: SameType<Q>,
    OpNull<A>: EitherNull<OpNull<B>>,
    A::Src: Append<B::Src>,
    A::Kind: Combine<B::Kind>,
{
    Expr::from_node(call(name, vec![a.into_operand(), b.into_operand()]))
}
/// Declares a SQL function the database provides (an extension's, or one of
/// the application's own) as a typed Rust function, as Diesel's
/// `define_sql_function!` does. One or two parameters, each given a SQL type;
/// the result is nullable when an argument is (declare a `Nullable` result
/// for a function that can return NULL on its own).
///
/// ```
/// use ormgen::query::{Double, Text};
/// ormgen::sql_function! {
///     /// `similarity(a, b)` from PostgreSQL's `pg_trgm`.
///     fn similarity(a: Text, b: Text) -> Double;
/// }
/// ```
///
/// The function's name is the Rust name, written into the SQL as it is (it
/// is part of the program, never of the data).
#[macro_export]
macro_rules! sql_function {
    ($(#[$m:meta])* $vis:vis fn $name:ident($a:ident: $ta:ty) -> $ret:ty;) => {
        $(#[$m])*
        #[allow(non_snake_case)]
        $vis fn $name<A>($a: A) -> $crate::query::Call1<A, $ret>
        where
            A: $crate::query::Operand,
            $crate::query::OpBase<A>: $crate::query::SameType<$ta>,
        {
            $crate::query::call1::<$ta, $ret, A>(stringify!($name), $a)
        }
    };
    ($(#[$m:meta])* $vis:vis fn $name:ident($a:ident: $ta:ty, $b:ident: $tb:ty) -> $ret:ty;) => {
        $(#[$m])*
        #[allow(non_snake_case)]
        $vis fn $name<A, B>($a: A, $b: B) -> $crate::query::Call2<A, B, $ret>
        where
            A: $crate::query::Operand,
            B: $crate::query::Operand,
            $crate::query::OpBase<A>: $crate::query::SameType<$ta>,
            $crate::query::OpBase<B>: $crate::query::SameType<$tb>,
            $crate::query::OpNull<A>: $crate::query::EitherNull<$crate::query::OpNull<B>>,
            <A as $crate::query::Operand>::Src: $crate::query::Append<<B as $crate::query::Operand>::Src>,
            <A as $crate::query::Operand>::Kind: $crate::query::Combine<<B as $crate::query::Operand>::Kind>,
        {
            $crate::query::call2::<$ta, $tb, $ret, A, B>(stringify!($name), $a, $b)
        }
    };
}
