//! Arithmetic: `+ - * / %` and unary minus on numeric expressions, text
//! concatenation, and the untargeted operand ([`Operand`]) that the
//! expression language's functions take.
//!
//! Result types follow SQL: `Int + BigInt` is `BigInt`, `Decimal * Int` is
//! `Decimal`, integer division stays integer; a result is `Nullable` when
//! either side is. Numeric columns get the `std::ops` operators from
//! `column_operators!` (emitted by the generator), built expressions from the
//! impls here,
//! so `post::views + 1`, `(post::views * 2) / user::age` and
//! `-(account::balance)` all type-check the same way.

use super::ast::{CastTo, Node};
use super::expr::Expr;
use super::operand::ToValue;
use super::scope::{Append, Cat, Nil};
use super::sql_types::{
    BigInt, Bool, Bytes, Combine, Const, Date, Decimal, Double, EitherNull, Int, Json, Nullity,
    Nullness, Numeric, Plain, Real, SmallInt, SqlType, Text, TextType, Time, Timestamp, Uuid,
};
use super::table::{Column, Table};

/// Anything that can stand in an expression of the expression language: a
/// column, a built expression, or a plain Rust value (bound as a parameter,
/// with its SQL type stated to PostgreSQL so that `int_column + 5_000_000_000i64`
/// is computed as `BIGINT`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a SQL expression or value",
    label = "expected a column, an expression built from columns, or a Rust value such as `1`, `2.5` or `\"text\"`"
)]
pub trait Operand {
    /// The SQL type (with its nullability).
    type SqlType: Nullity;
    /// Tables mentioned (a type-level list).
    type Src;
    /// `Const`, `Plain`, `Agg` or `Mixed`.
    type Kind;
    /// The erased node.
    fn into_operand(self) -> Node;
}

/// The SQL type of an operand without `Nullable`.
pub type OpBase<E> = <<E as Operand>::SqlType as SqlType>::Base;
/// The nullability ([`NotNull`](super::NotNull) / [`MaybeNull`](super::MaybeNull)) of an operand.
pub type OpNull<E> = <<E as Operand>::SqlType as Nullity>::N;
/// `ST` made nullable when operand `E` is.
pub type KeepNull<E, ST> = <OpNull<E> as Nullness>::Apply<ST>;
/// An expression of SQL type `ST` (nullable when `E` is) with `E`'s sources and kind.
pub type Keep<E, ST> = Expr<KeepNull<E, ST>, <E as Operand>::Src, <E as Operand>::Kind>;
/// An expression of SQL type `ST`, nullable when `L` or `R` is, mentioning both sides' tables.
pub type Both<L, R, ST> = Expr<
    <<OpNull<L> as EitherNull<OpNull<R>>>::Out as Nullness>::Apply<ST>,
    Cat<<L as Operand>::Src, <R as Operand>::Src>,
    <<L as Operand>::Kind as Combine<<R as Operand>::Kind>>::Out,
>;

impl<ST: Nullity, Src, K> Operand for Expr<ST, Src, K> {
    type SqlType = ST;
    type Src = Src;
    type Kind = K;
    fn into_operand(self) -> Node {
        super::Expression::into_node(self)
    }
}
impl<C: Column> Operand for C
where
    C::SqlType: Nullity,
{
    type SqlType = C::SqlType;
    type Src = super::Cons<C::Table, Nil>;
    type Kind = Plain;
    fn into_operand(self) -> Node {
        Node::Col(<C::Table as Table>::INFO.qualifier(), C::NAME)
    }
}

macro_rules! casts {
    ($($name:ident = $pg:literal;)*) => {$(
        pub(crate) static $name: CastTo = CastTo { postgres: $pg, sqlite: None };
    )*};
}
casts! {
    SMALLINT = "SMALLINT"; INTEGER = "INTEGER"; BIGINT = "BIGINT"; REAL = "REAL";
    DOUBLE = "DOUBLE PRECISION"; NUMERIC = "NUMERIC"; TEXT = "TEXT"; BOOLEAN = "BOOLEAN";
    DATE = "DATE"; TIME = "TIME"; UUID = "UUID"; JSONB = "JSONB"; BYTEA = "BYTEA";
}

/// A bound value, with its type stated on PostgreSQL (`CAST($1 AS BIGINT)`),
/// which otherwise infers a parameter's type from the other side.
fn typed(v: crate::Value, cast: Option<&'static CastTo>) -> Node {
    let bind = Node::Bind(v);
    match cast {
        Some(c) => Node::Cast(Box::new(bind), c),
        None => bind,
    }
}

macro_rules! value_operands {
    ($($t:ty => $st:ty, $cast:expr;)*) => {$(
        impl Operand for $t {
            type SqlType = $st;
            type Src = Nil;
            type Kind = Const;
            fn into_operand(self) -> Node {
                typed(self.to_value(), $cast)
            }
        }
    )*};
}
value_operands! {
    i16 => SmallInt, Some(&SMALLINT);
    i32 => Int, Some(&INTEGER);
    i64 => BigInt, Some(&BIGINT);
    f32 => Real, Some(&REAL);
    f64 => Double, Some(&DOUBLE);
    crate::BigDecimal => Decimal, Some(&NUMERIC);
    String => Text, Some(&TEXT);
    &str => Text, Some(&TEXT);
    &String => Text, Some(&TEXT);
    bool => Bool, Some(&BOOLEAN);
    // Timestamps bind as the column type the schema chose (with or without
    // time zone), so PostgreSQL infers them from the other side.
    chrono::DateTime<chrono::Utc> => Timestamp, None;
    chrono::NaiveDate => Date, Some(&DATE);
    chrono::NaiveTime => Time, Some(&TIME);
    uuid::Uuid => Uuid, Some(&UUID);
    serde_json::Value => Json, Some(&JSONB);
    Vec<u8> => Bytes, Some(&BYTEA);
}

/// A Rust value as an expression (`val(1) + post::views`, a constant branch of
/// `case_when`, a selected constant).
pub fn val<V: Operand<Src = Nil, Kind = Const>>(v: V) -> Expr<V::SqlType, Nil, Const> {
    Expr::from_node(v.into_operand())
}

// ----------------------------------------------------------- result types

/// The SQL type of `Self <op> R` for the arithmetic operators.
#[diagnostic::on_unimplemented(
    message = "arithmetic between SQL types `{Self}` and `{R}` is not defined",
    label = "both sides of `+ - * / %` must be numeric",
    note = "SmallInt, Int and BigInt mix (the wider wins), Double mixes with them and with Real, Decimal with the integers; convert anything else with `cast::<T>(..)`, and join text with `concat`"
)]
pub trait ArithWith<R> {
    /// The result's SQL type.
    type Out: SqlType;
}
macro_rules! arith_with {
    ($($l:ident: $($r:ident => $o:ident),*;)*) => {$($(
        impl ArithWith<$r> for $l { type Out = $o; }
    )*)*};
}
arith_with! {
    SmallInt: SmallInt => SmallInt, Int => Int, BigInt => BigInt, Double => Double, Decimal => Decimal;
    Int: SmallInt => Int, Int => Int, BigInt => BigInt, Double => Double, Decimal => Decimal;
    BigInt: SmallInt => BigInt, Int => BigInt, BigInt => BigInt, Double => Double, Decimal => Decimal;
    Double: SmallInt => Double, Int => Double, BigInt => Double, Double => Double, Real => Double;
    Real: Real => Real, Double => Double;
    Decimal: SmallInt => Decimal, Int => Decimal, BigInt => Decimal, Decimal => Decimal;
}

/// `self <op> r` for the arithmetic operators (what `std::ops::Add` etc.
/// delegate to; implemented for every pair of operands whose types mix).
pub trait Arith<R>: Sized {
    /// The result expression.
    type Out;
    /// `(self op r)`.
    fn arith(self, op: &'static str, r: R) -> Self::Out;
}
impl<L, R> Arith<R> for L
where
    L: Operand,
    R: Operand,
    OpBase<L>: ArithWith<OpBase<R>>,
    OpNull<L>: EitherNull<OpNull<R>>,
    L::Src: Append<R::Src>,
    L::Kind: Combine<R::Kind>,
{
    type Out = Both<L, R, <OpBase<L> as ArithWith<OpBase<R>>>::Out>;
    fn arith(self, op: &'static str, r: R) -> Self::Out {
        Expr::from_node(Node::Arith(
            op,
            Box::new((self.into_operand(), r.into_operand())),
        ))
    }
}

/// `-self` on a numeric operand.
pub trait Negate: Sized {
    /// The result expression.
    type Out;
    /// `(- self)`.
    fn negate(self) -> Self::Out;
}
impl<E: Operand> Negate for E
where
    OpBase<E>: Numeric,
{
    type Out = Expr<E::SqlType, E::Src, E::Kind>;
    fn negate(self) -> Self::Out {
        Expr::from_node(Node::Neg(Box::new(self.into_operand())))
    }
}

/// `(a || b)`: text concatenation (NULL when either side is, as in SQL).
pub fn concat<A, B>(a: A, b: B) -> Both<A, B, Text>
where
    A: Operand,
    B: Operand,
    OpBase<A>: TextType,
    OpBase<B>: TextType,
    OpNull<A>: EitherNull<OpNull<B>>,
    A::Src: Append<B::Src>,
    A::Kind: Combine<B::Kind>,
{
    Expr::from_node(Node::Arith(
        "||",
        Box::new((a.into_operand(), b.into_operand())),
    ))
}

/// The `std::ops` operators for one type (a generated column, or [`Expr`]):
/// each delegates to [`Arith`] / [`Negate`], so the type rules live in one place.
#[doc(hidden)]
#[macro_export]
macro_rules! column_operators {
    ($name:ident) => {
        $crate::column_operators!(@bin $name, Add add "+", Sub sub "-", Mul mul "*", Div div "/", Rem rem "%");
        // `for<'a>` keeps the bound from being checked where the impl is
        // written (a text column has no unary minus; using it is the error).
        impl ::core::ops::Neg for $name
        where
            for<'a> $name: $crate::query::Negate,
        {
            type Output = <$name as $crate::query::Negate>::Out;
            fn neg(self) -> Self::Output {
                $crate::query::Negate::negate(self)
            }
        }
    };
    (@bin $name:ident, $($tr:ident $f:ident $op:literal),*) => {$(
        impl<R> ::core::ops::$tr<R> for $name
        where
            $name: $crate::query::Arith<R>,
        {
            type Output = <$name as $crate::query::Arith<R>>::Out;
            fn $f(self, r: R) -> Self::Output {
                $crate::query::Arith::arith(self, $op, r)
            }
        }
    )*};
}

macro_rules! expr_operators {
    ($($tr:ident $f:ident $op:literal),*) => {$(
        impl<ST, Src, K, R> ::core::ops::$tr<R> for Expr<ST, Src, K>
        where
            Expr<ST, Src, K>: Arith<R>,
        {
            type Output = <Expr<ST, Src, K> as Arith<R>>::Out;
            fn $f(self, r: R) -> Self::Output {
                Arith::arith(self, $op, r)
            }
        }
    )*};
}
expr_operators!(Add add "+", Sub sub "-", Mul mul "*", Div div "/", Rem rem "%");
impl<ST, Src, K> ::core::ops::Neg for Expr<ST, Src, K>
where
    Expr<ST, Src, K>: Negate,
{
    type Output = <Expr<ST, Src, K> as Negate>::Out;
    fn neg(self) -> Self::Output {
        self.negate()
    }
}
