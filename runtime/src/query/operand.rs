//! Operands: what may stand on the right of a comparison ([`AsExprOf`]), what may
//! be stored in a column ([`AssignableTo`]), plain values ([`ValueOf`], [`ToValue`]),
//! primary-key values ([`PrimaryKey`]), and the impl macros the generator uses.
//!
//! The traits are implemented per SQL type and per column, never as blanket impls
//! over all expressions: with a blanket impl rustc reports the blanket impl's failed
//! where-clause instead of the trait's plain-words message.

use super::ast::Node;
use super::sql_types::{
    Array, BigInt, Bool, Bytes, Const, Date, Decimal, Double, Int, Json, Nullable, Oid, Real,
    SmallInt, SqlType, Text, Time, TimeTz, Timestamp, Uuid,
};
use crate::Value;

/// A value (or expression) usable where an expression of SQL type `ST` is
/// expected: the right-hand side of comparisons. Values bind as parameters;
/// columns and expressions of the same base type are allowed.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value of SQL type `{ST}`",
    label = "expected a value or column of SQL type `{ST}`",
    note = "comparisons need both sides of the same SQL type; enum columns only accept their own enum"
)]
pub trait AsExprOf<ST> {
    /// Tables this operand refers to (a type-level list).
    type Src;
    /// Expression kind ([`Const`] for values).
    type Kind;
    /// The erased node.
    fn into_node(self) -> Node;
}

/// A value (or expression) that can be *stored* in a column of SQL type `ST`
/// (updates, upserts). Stricter than `AsExprOf`: NULL only fits nullable columns.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in a column of SQL type `{ST}`",
    label = "wrong type, or NULL for a NOT NULL column",
    note = "NULL (`None`, `Null`) can only be stored in columns declared optional (`Nullable<_>`)"
)]
pub trait AssignableTo<ST> {
    /// Tables the value refers to.
    type Src;
    /// The erased node.
    fn into_node(self) -> Node;
}

/// The SQL `NULL` literal, assignable to nullable columns only.
#[derive(Debug, Clone, Copy)]
pub struct Null;
impl<B: SqlType> AssignableTo<Nullable<B>> for Null {
    type Src = super::Nil;
    fn into_node(self) -> Node {
        Node::Bind(Value::Null)
    }
}

/// A plain Rust value (not an expression) of SQL type `ST`: patterns of `like`,
/// items of `in_list`, bounds of `between`. Also gives `Option<T>` →
/// `Nullable<ST>` assignments with one generic impl (the generator could not
/// write that impl for an enum: orphan rule).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value of SQL type `{ST}`",
    label = "expected a Rust value of SQL type `{ST}`",
    note = "`like` patterns are text; `in_list` items and `between` bounds have the column's type"
)]
pub trait ValueOf<ST>: ToValue {}
impl<T: ValueOf<B>, B: SqlType> AssignableTo<Nullable<B>> for Option<T> {
    type Src = super::Nil;
    fn into_node(self) -> Node {
        Node::Bind(match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        })
    }
}

/// Rust values that convert to a bound [`Value`].
pub trait ToValue {
    /// The dynamic value.
    fn to_value(self) -> Value;
}

/// A primary-key value for a table whose key has SQL type `PK` (a tuple for
/// composite keys).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a primary key value for this table (the key has SQL type `{PK}`)",
    label = "wrong key type or number of key columns",
    note = "pass one value per primary-key column, as a tuple for composite keys"
)]
pub trait PrimaryKey<PK> {
    /// Appends one value per key column.
    fn push_key_values(self, out: &mut Vec<Value>);
    /// The key's values, one per key column.
    fn key_values(self) -> Vec<Value>
    where
        Self: Sized,
    {
        let mut v = Vec::with_capacity(2);
        self.push_key_values(&mut v);
        v
    }
}
impl<A: PrimaryKey<SA>, B: PrimaryKey<SB>, SA, SB> PrimaryKey<(SA, SB)> for (A, B) {
    fn push_key_values(self, out: &mut Vec<Value>) {
        self.0.push_key_values(out);
        self.1.push_key_values(out);
    }
}
impl<A, B, C, SA, SB, SC> PrimaryKey<(SA, SB, SC)> for (A, B, C)
where
    A: PrimaryKey<SA>,
    B: PrimaryKey<SB>,
    C: PrimaryKey<SC>,
{
    fn push_key_values(self, out: &mut Vec<Value>) {
        self.0.push_key_values(out);
        self.1.push_key_values(out);
        self.2.push_key_values(out);
    }
}

/// Implements the value traits ([`AsExprOf`], [`AssignableTo`] to `$st` and
/// `Nullable<$st>`, [`ValueOf`]) for a Rust type `$t` of SQL type `$st`. The
/// generator invokes it once per schema enum (`impl_value_type!(Role => Role)`),
/// or emits its expansion.
#[macro_export]
macro_rules! impl_value_type {
    ($t:ty => $st:ty) => {
        impl $crate::query::AsExprOf<$st> for $t {
            type Src = $crate::query::Nil;
            type Kind = $crate::query::Const;
            fn into_node(self) -> $crate::query::Node {
                $crate::query::Node::Bind($crate::query::ToValue::to_value(self))
            }
        }
        impl $crate::query::AssignableTo<$st> for $t {
            type Src = $crate::query::Nil;
            fn into_node(self) -> $crate::query::Node {
                $crate::query::Node::Bind($crate::query::ToValue::to_value(self))
            }
        }
        impl $crate::query::AssignableTo<$crate::query::Nullable<$st>> for $t {
            type Src = $crate::query::Nil;
            fn into_node(self) -> $crate::query::Node {
                $crate::query::Node::Bind($crate::query::ToValue::to_value(self))
            }
        }
        impl $crate::query::ValueOf<$st> for $t {}
    };
}

/// Implements, for SQL type `$st`, the impls that make built expressions
/// (`Expr<$st | Nullable<$st>, ..>`) usable as operands and assignments,
/// [`NullTest`](super::sql_types::NullTest) for NOT NULL columns of it, and single-column queries of it usable
/// as `in_query` subqueries. The generator invokes it (or emits its expansion)
/// once per schema enum.
#[macro_export]
macro_rules! impl_sql_type {
    ($st:ty) => {
        impl<Src, K> $crate::query::AsExprOf<$st> for $crate::query::Expr<$st, Src, K> {
            type Src = Src;
            type Kind = K;
            fn into_node(self) -> $crate::query::Node {
                $crate::query::Expression::into_node(self)
            }
        }
        impl<Src, K> $crate::query::AsExprOf<$st>
            for $crate::query::Expr<$crate::query::Nullable<$st>, Src, K>
        {
            type Src = Src;
            type Kind = K;
            fn into_node(self) -> $crate::query::Node {
                $crate::query::Expression::into_node(self)
            }
        }
        impl<Src, K> $crate::query::AssignableTo<$st> for $crate::query::Expr<$st, Src, K> {
            type Src = Src;
            fn into_node(self) -> $crate::query::Node {
                $crate::query::Expression::into_node(self)
            }
        }
        impl $crate::query::Nullity for $st {
            type N = $crate::query::NotNull;
        }
        impl<Src> $crate::query::NullTest<Src> for $st {
            type Src = $crate::query::Cons<$crate::query::Joined<Src>, $crate::query::Nil>;
        }
        impl<S, Row, G> $crate::query::Subquery<$st>
            for $crate::query::Query<S, $crate::query::Selected<Row, $st>, G>
        {
            fn into_state(self) -> $crate::query::QueryState {
                self.into_state()
            }
        }
        impl<S, Row, G> $crate::query::Subquery<$st>
            for $crate::query::Query<
                S,
                $crate::query::Selected<Row, $crate::query::Nullable<$st>>,
                G,
            >
        {
            fn into_state(self) -> $crate::query::QueryState {
                self.into_state()
            }
        }
    };
}

/// Everything a schema enum needs besides its definition, [`DbEnum`](crate::DbEnum)
/// and [`impl_db_enum!`](crate::impl_db_enum): the enum is its own SQL type
/// ([`SqlType`]), a value ([`ToValue`], bound as its label), decodes
/// ([`Decode`](super::Decode), [`Scalar`](super::Scalar)), and gets
/// [`impl_value_type!`] and [`impl_sql_type!`].
#[macro_export]
macro_rules! impl_query_enum {
    ($t:ty) => {
        impl $crate::query::SqlType for $t {
            type Base = $t;
            type Rust = $t;
        }
        impl $crate::query::ToValue for $t {
            fn to_value(self) -> $crate::Value {
                $crate::Value::Text(::std::string::ToString::to_string(
                    $crate::DbEnum::as_db_str(&self),
                ))
            }
        }
        impl $crate::query::Decode for $t {
            const WIDTH: usize = 1;
            #[inline]
            fn decode(row: &$crate::Row<'_>) -> $crate::Result<Self> {
                row.get(0)
            }
        }
        impl $crate::query::Scalar for $t {}
        $crate::impl_value_type!($t => $t);
        $crate::impl_sql_type!($t);
    };
}

/// Emits one column handle: a zero-sized struct implementing [`Column`](super::Column),
/// plus its operand/assignment impls (a handful of impls per column, none per
/// column × table). `nullable` marks optional columns:
///
/// ```text
/// ormgen::column!(email: table, "email", ormgen::query::Text);
/// ormgen::column!(name: table, "name", nullable ormgen::query::Text);
/// ```
#[macro_export]
macro_rules! column {
    ($(#[$m:meta])* $name:ident: $table:ty, $sql:expr, nullable $st:ty) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;
        impl $crate::query::Column for $name {
            type Table = $table;
            type SqlType = $crate::query::Nullable<$st>;
            const NAME: &'static str = $sql;
        }
        impl $crate::query::AsExprOf<$st> for $name {
            type Src = $crate::query::Cons<$table, $crate::query::Nil>;
            type Kind = $crate::query::Plain;
            fn into_node(self) -> $crate::query::Node {
                $crate::query::Expression::into_node(self)
            }
        }
        impl $crate::query::AssignableTo<$crate::query::Nullable<$st>> for $name {
            type Src = $crate::query::Cons<$table, $crate::query::Nil>;
            fn into_node(self) -> $crate::query::Node {
                $crate::query::Expression::into_node(self)
            }
        }
    };
    ($(#[$m:meta])* $name:ident: $table:ty, $sql:expr, $st:ty) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name;
        impl $crate::query::Column for $name {
            type Table = $table;
            type SqlType = $st;
            const NAME: &'static str = $sql;
        }
        impl $crate::query::AsExprOf<$st> for $name {
            type Src = $crate::query::Cons<$table, $crate::query::Nil>;
            type Kind = $crate::query::Plain;
            fn into_node(self) -> $crate::query::Node {
                $crate::query::Expression::into_node(self)
            }
        }
        impl $crate::query::AssignableTo<$st> for $name {
            type Src = $crate::query::Cons<$table, $crate::query::Nil>;
            fn into_node(self) -> $crate::query::Node {
                $crate::query::Expression::into_node(self)
            }
        }
        impl $crate::query::AssignableTo<$crate::query::Nullable<$st>> for $name {
            type Src = $crate::query::Cons<$table, $crate::query::Nil>;
            fn into_node(self) -> $crate::query::Node {
                $crate::query::Expression::into_node(self)
            }
        }
    };
}

// Storing built expressions into nullable columns: generic (an enum's generator
// output could not name `Nullable<Enum>` as the trait parameter).
impl<B: SqlType, Src, K> AssignableTo<Nullable<B>> for super::Expr<B, Src, K> {
    type Src = Src;
    fn into_node(self) -> Node {
        super::Expression::into_node(self)
    }
}
impl<B: SqlType, Src, K> AssignableTo<Nullable<B>> for super::Expr<Nullable<B>, Src, K> {
    type Src = Src;
    fn into_node(self) -> Node {
        super::Expression::into_node(self)
    }
}

crate::impl_sql_type!(SmallInt);
crate::impl_sql_type!(Int);
crate::impl_sql_type!(Real);
crate::impl_sql_type!(BigInt);
crate::impl_sql_type!(Double);
crate::impl_sql_type!(Decimal);
crate::impl_sql_type!(Text);
crate::impl_sql_type!(Bool);
crate::impl_sql_type!(Timestamp);
crate::impl_sql_type!(Date);
crate::impl_sql_type!(Time);
crate::impl_sql_type!(TimeTz);
crate::impl_sql_type!(Oid);
crate::impl_sql_type!(Json);
crate::impl_sql_type!(Bytes);
crate::impl_sql_type!(Uuid);

macro_rules! to_value {
    ($($t:ty => $v:ident),* $(,)?) => {$(
        impl ToValue for $t {
            #[inline]
            fn to_value(self) -> Value {
                Value::$v(self)
            }
        }
    )*};
}
to_value!(
    i32 => I32,
    i64 => I64,
    f64 => F64,
    bool => Bool,
    String => Text,
    crate::BigDecimal => Decimal,
    chrono::DateTime<chrono::Utc> => DateTime,
    serde_json::Value => Json,
    Vec<u8> => Bytes,
    uuid::Uuid => Uuid,
    chrono::NaiveDate => Date,
    chrono::NaiveTime => Time,
    crate::TimeTz => TimeTz,
);
impl ToValue for u32 {
    #[inline]
    fn to_value(self) -> Value {
        Value::I64(i64::from(self))
    }
}
impl ToValue for i16 {
    #[inline]
    fn to_value(self) -> Value {
        Value::I32(i32::from(self))
    }
}
impl ToValue for f32 {
    #[inline]
    fn to_value(self) -> Value {
        Value::F64(f64::from(self))
    }
}
impl ToValue for &str {
    fn to_value(self) -> Value {
        Value::Text(self.to_owned())
    }
}
impl ToValue for &String {
    fn to_value(self) -> Value {
        Value::Text(self.clone())
    }
}
impl ToValue for &[u8] {
    fn to_value(self) -> Value {
        Value::Bytes(self.to_vec())
    }
}

crate::impl_value_type!(i16 => SmallInt);
crate::impl_value_type!(i32 => Int);
crate::impl_value_type!(f32 => Real);
crate::impl_value_type!(i64 => BigInt);
crate::impl_value_type!(f64 => Double);
crate::impl_value_type!(bool => Bool);
crate::impl_value_type!(String => Text);
crate::impl_value_type!(&str => Text);
crate::impl_value_type!(&String => Text);
crate::impl_value_type!(crate::BigDecimal => Decimal);
crate::impl_value_type!(chrono::DateTime<chrono::Utc> => Timestamp);
crate::impl_value_type!(chrono::NaiveDate => Date);
crate::impl_value_type!(chrono::NaiveTime => Time);
crate::impl_value_type!(crate::TimeTz => TimeTz);
crate::impl_value_type!(u32 => Oid);
crate::impl_value_type!(serde_json::Value => Json);
crate::impl_value_type!(Vec<u8> => Bytes);
crate::impl_value_type!(&[u8] => Bytes);
crate::impl_value_type!(uuid::Uuid => Uuid);

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(self) -> Value {
        self.map_or(Value::Null, ToValue::to_value)
    }
}

// Scalar lists: a `Vec` of values of the element type is a value of the list
// type (compared with `eq`/`ne`, stored by inserts and updates).
impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(self) -> Value {
        Value::Array(self.into_iter().map(ToValue::to_value).collect())
    }
}
impl<T: ValueOf<B>, B: SqlType> AsExprOf<Array<B>> for Vec<T> {
    type Src = super::Nil;
    type Kind = Const;
    fn into_node(self) -> Node {
        Node::Bind(self.to_value())
    }
}
impl<T: ValueOf<B>, B: SqlType> AssignableTo<Array<B>> for Vec<T> {
    type Src = super::Nil;
    fn into_node(self) -> Node {
        Node::Bind(self.to_value())
    }
}
impl<T: ValueOf<B>, B: SqlType> ValueOf<Array<B>> for Vec<T> {}

// i32 literals also widen to BigInt (so `count(x).gt(5)` needs no suffix).
impl AsExprOf<BigInt> for i32 {
    type Src = super::Nil;
    type Kind = Const;
    fn into_node(self) -> Node {
        Node::Bind(Value::I64(i64::from(self)))
    }
}

macro_rules! primary_key {
    ($($t:ty => $st:ty),* $(,)?) => {$(
        impl PrimaryKey<$st> for $t {
            #[inline]
            fn push_key_values(self, out: &mut Vec<Value>) {
                out.push(self.to_value());
            }
        }
    )*};
}
primary_key!(
    i16 => SmallInt,
    i32 => Int,
    i64 => BigInt,
    String => Text,
    &str => Text,
    &String => Text,
    uuid::Uuid => Uuid,
    crate::BigDecimal => Decimal,
    chrono::DateTime<chrono::Utc> => Timestamp,
    chrono::NaiveDate => Date,
    chrono::NaiveTime => Time,
    crate::TimeTz => TimeTz,
    u32 => Oid,
    bool => Bool,
);
