//! Structurally typed expressions. While being built an expression's type
//! carries only three facts: its SQL type, the tables it mentions (`Src`, a
//! type-level list) and its kind (plain / aggregate). The tree itself is
//! already a dynamic `Node`: erasure at `.filter(e)` is just taking it.

use super::ast::{JoinClause, Node, OrderNode, PgCast, QueryState, link};
use super::catalog::{Path, TableRef};
use super::operand::{AsExprOf, AssignableTo, ValueOf};
use super::scope::{AllInRelationFilter, AllInSelectScope, Append, Cat, Cons, Nil, SelectScope};
use super::sql_types::{
    Agg, ArrayType, BigInt, Bool, BoolType, Combine, Const, Double, NullTest, Nullable, Nullness,
    Numeric, Plain, SqlType, Text, TextType,
};
use super::table::{Column, Relation, Table};
use std::marker::PhantomData;

/// A SQL expression: its type carries the SQL type, the tables mentioned and
/// the kind (plain / aggregate); its value is the erased [`Node`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a SQL expression",
    label = "expected a column, an aggregate or a condition built from them"
)]
pub trait Expression {
    /// The expression's SQL type.
    type SqlType: SqlType;
    /// Tables this expression mentions (type-level list of table types).
    type Src;
    /// `Const`, `Plain`, `Agg` or `Mixed`.
    type Kind;
    /// The erased node.
    fn into_node(self) -> Node;
}

/// Every generated column is an expression: one blanket impl, no per-column code.
impl<C: Column> Expression for C {
    type SqlType = C::SqlType;
    type Src = Cons<C::Table, Nil>;
    type Kind = Plain;
    fn into_node(self) -> Node {
        Node::Col(<C::Table as Table>::INFO.qualifier(), C::NAME)
    }
}

/// A built expression: phantom facts + the erased node.
pub struct Expr<ST, Src = Nil, K = Plain> {
    node: Node,
    _p: PhantomData<fn() -> (ST, Src, K)>,
}
impl<ST, Src, K> Expr<ST, Src, K> {
    /// Wraps a node; the caller vouches for the phantom facts.
    pub fn from_node(node: Node) -> Self {
        Expr {
            node,
            _p: PhantomData,
        }
    }
    /// The node.
    pub fn node(&self) -> &Node {
        &self.node
    }
}
impl<ST: SqlType, Src, K> Expression for Expr<ST, Src, K> {
    type SqlType = ST;
    type Src = Src;
    type Kind = K;
    fn into_node(self) -> Node {
        self.node
    }
}

/// The base SQL type of an expression (without `Nullable`).
pub type BaseOf<E> = <<E as Expression>::SqlType as SqlType>::Base;
type Bin<L, R> = Expr<
    Bool,
    Cat<<L as Expression>::Src, <R as AsExprOf<BaseOf<L>>>::Src>,
    <<L as Expression>::Kind as Combine<<R as AsExprOf<BaseOf<L>>>::Kind>>::Out,
>;
type Logic<L, R> = Expr<
    Bool,
    Cat<<L as Expression>::Src, <R as Expression>::Src>,
    <<L as Expression>::Kind as Combine<<R as Expression>::Kind>>::Out,
>;
/// An expression with the sources and kind of `E` and SQL type `ST`.
pub type Same<E, ST = Bool> = Expr<ST, <E as Expression>::Src, <E as Expression>::Kind>;

macro_rules! cmp_methods {
    ($($(#[$m:meta])* $name:ident => $op:literal;)*) => {$(
        $(#[$m])*
        fn $name<V>(self, v: V) -> Bin<Self, V>
        where
            V: AsExprOf<BaseOf<Self>>,
            Self::Src: Append<V::Src>,
            Self::Kind: Combine<V::Kind>,
        {
            Expr::from_node(Node::cmp($op, self.into_node(), v.into_node()))
        }
    )*};
}

/// Operators on every expression (blanket impl). `is_null` etc. are SQL names.
#[allow(clippy::wrong_self_convention)]
pub trait ExprExt: Expression + Sized {
    cmp_methods! {
        /// `=`
        eq => "=";
        /// `<>`
        ne => "<>";
        /// `<`
        lt => "<";
        /// `<=`
        le => "<=";
        /// `>`
        gt => ">";
        /// `>=`
        ge => ">=";
    }

    /// `LIKE` (text only).
    fn like<P: ValueOf<Text>>(self, pat: P) -> Same<Self>
    where
        BaseOf<Self>: TextType,
    {
        Expr::from_node(Node::Like {
            e: Box::new(self.into_node()),
            pat: Box::new(Node::Bind(pat.to_value())),
            ci: false,
            negated: false,
        })
    }
    /// `NOT LIKE` (text only).
    fn not_like<P: ValueOf<Text>>(self, pat: P) -> Same<Self>
    where
        BaseOf<Self>: TextType,
    {
        Expr::from_node(Node::Like {
            e: Box::new(self.into_node()),
            pat: Box::new(Node::Bind(pat.to_value())),
            ci: false,
            negated: true,
        })
    }
    /// Case-insensitive `LIKE`: `ILIKE` on PostgreSQL; on SQLite emulated as
    /// `LOWER(e) LIKE LOWER(p)` (ASCII case folding only, as SQLite's `LOWER`).
    fn ilike<P: ValueOf<Text>>(self, pat: P) -> Same<Self>
    where
        BaseOf<Self>: TextType,
    {
        Expr::from_node(Node::Like {
            e: Box::new(self.into_node()),
            pat: Box::new(Node::Bind(pat.to_value())),
            ci: true,
            negated: false,
        })
    }

    /// `e IN (v1, v2, ..)` (values only); an empty list renders as `1 = 0`.
    fn in_list<I, V>(self, values: I) -> Same<Self>
    where
        I: IntoIterator<Item = V>,
        V: ValueOf<BaseOf<Self>>,
    {
        let items = values
            .into_iter()
            .map(|v| Node::Bind(v.to_value()))
            .collect();
        Expr::from_node(Node::InList(Box::new(self.into_node()), items))
    }
    /// `e BETWEEN lo AND hi` (values only)
    fn between<A, B>(self, lo: A, hi: B) -> Same<Self>
    where
        A: ValueOf<BaseOf<Self>>,
        B: ValueOf<BaseOf<Self>>,
    {
        Expr::from_node(Node::Between(
            Box::new(self.into_node()),
            Box::new(Node::Bind(lo.to_value())),
            Box::new(Node::Bind(hi.to_value())),
        ))
    }
    /// `e IN (SELECT ...)`: the subquery must select one column of the same base type.
    fn in_query<Q: Subquery<BaseOf<Self>>>(self, q: Q) -> Same<Self> {
        Expr::from_node(Node::InQuery(
            Box::new(self.into_node()),
            Box::new(q.into_state()),
        ))
    }
    /// `e IS NULL`: for columns declared optional, or (checked by `filter`)
    /// columns of a left-joined table.
    fn is_null(self) -> Expr<Bool, <Self::SqlType as NullTest<Self::Src>>::Src, Self::Kind>
    where
        Self::SqlType: NullTest<Self::Src>,
    {
        Expr::from_node(Node::IsNull(Box::new(self.into_node()), false))
    }
    /// `e IS NOT NULL` (same rules as `is_null`).
    fn is_not_null(self) -> Expr<Bool, <Self::SqlType as NullTest<Self::Src>>::Src, Self::Kind>
    where
        Self::SqlType: NullTest<Self::Src>,
    {
        Expr::from_node(Node::IsNull(Box::new(self.into_node()), true))
    }

    /// `(a AND b)`
    fn and<R: Expression>(self, r: R) -> Logic<Self, R>
    where
        Self::SqlType: BoolType,
        R::SqlType: BoolType,
        Self::Src: Append<R::Src>,
        Self::Kind: Combine<R::Kind>,
    {
        Expr::from_node(Node::And(
            Box::new(self.into_node()),
            Box::new(r.into_node()),
        ))
    }
    /// `(a OR b)`
    fn or<R: Expression>(self, r: R) -> Logic<Self, R>
    where
        Self::SqlType: BoolType,
        R::SqlType: BoolType,
        Self::Src: Append<R::Src>,
        Self::Kind: Combine<R::Kind>,
    {
        Expr::from_node(Node::Or(
            Box::new(self.into_node()),
            Box::new(r.into_node()),
        ))
    }
    /// `NOT (a)`
    fn not(self) -> Same<Self>
    where
        Self::SqlType: BoolType,
    {
        Expr::from_node(Node::Not(Box::new(self.into_node())))
    }

    /// `ORDER BY e ASC`
    fn asc(self) -> Ordering<Self::Src, Self::Kind> {
        Ordering::new(self.into_node(), false)
    }
    /// `ORDER BY e DESC`
    fn desc(self) -> Ordering<Self::Src, Self::Kind> {
        Ordering::new(self.into_node(), true)
    }
}
impl<E: Expression> ExprExt for E {}

/// The element SQL type of a list expression.
type ElemOf<E> = <BaseOf<E> as ArrayType>::Elem;

/// Operators on scalar-list (PostgreSQL array) expressions, after Prisma's
/// `has`, `hasEvery`, `hasSome` and `isEmpty` (blanket impl; import it).
/// A list column compares as a whole with `eq` / `ne` and a `Vec` value.
#[allow(clippy::wrong_self_convention)]
pub trait ArrayExprExt: Expression + Sized {
    /// `$v = ANY(list)`: the list contains `v`.
    fn has<V>(self, v: V) -> Same<Self>
    where
        BaseOf<Self>: ArrayType,
        V: ValueOf<ElemOf<Self>>,
    {
        Expr::from_node(Node::cmp(
            "=",
            Node::Bind(v.to_value()),
            Node::Func {
                name: "ANY",
                distinct: false,
                args: vec![self.into_node()],
            },
        ))
    }
    /// `list @> $values`: the list contains every one of `values`.
    fn has_every<I, V>(self, values: I) -> Same<Self>
    where
        BaseOf<Self>: ArrayType,
        I: IntoIterator<Item = V>,
        V: ValueOf<ElemOf<Self>>,
    {
        array_op("@>", self.into_node(), values)
    }
    /// `list && $values`: the list contains at least one of `values`.
    fn has_some<I, V>(self, values: I) -> Same<Self>
    where
        BaseOf<Self>: ArrayType,
        I: IntoIterator<Item = V>,
        V: ValueOf<ElemOf<Self>>,
    {
        array_op("&&", self.into_node(), values)
    }
    /// `COALESCE(cardinality(list), 0) = 0`: the list is empty (a NULL list
    /// counts as empty, as it reads as an empty `Vec`).
    fn is_empty(self) -> Same<Self>
    where
        BaseOf<Self>: ArrayType,
    {
        let len = Node::Func {
            name: "cardinality",
            distinct: false,
            args: vec![self.into_node()],
        };
        Expr::from_node(Node::cmp(
            "=",
            Node::Func {
                name: "COALESCE",
                distinct: false,
                args: vec![len, Node::Bind(crate::Value::I32(0))],
            },
            Node::Bind(crate::Value::I32(0)),
        ))
    }
}
impl<E: Expression> ArrayExprExt for E {}

fn array_op<Src, K, I, V>(op: &'static str, list: Node, values: I) -> Expr<Bool, Src, K>
where
    I: IntoIterator<Item = V>,
    V: super::ToValue,
{
    let items = values.into_iter().map(super::ToValue::to_value).collect();
    Expr::from_node(Node::cmp(op, list, Node::Bind(crate::Value::Array(items))))
}

/// Methods only columns have.
pub trait ColumnExt: Column {
    /// `SET column = v` in an update (see `Update::set`).
    fn to<V: AssignableTo<Self::SqlType>>(self, v: V) -> Assign<Self::Table, V::Src> {
        Assign {
            column: Self::NAME,
            value: v.into_node(),
            _p: PhantomData,
        }
    }
}
impl<C: Column> ColumnExt for C {}

/// One `SET col = value` of an update, for table `T`, whose value mentions `Src`.
pub struct Assign<T, Src> {
    pub(crate) column: &'static str,
    pub(crate) value: Node,
    _p: PhantomData<fn() -> (T, Src)>,
}

// ------------------------------------------------------------------ ordering

/// An ORDER BY term mentioning tables `Src`, of expression kind `K` (an
/// aggregate term needs a grouped or aggregate-only query, which the terminals
/// check through the query's grouping state).
pub struct Ordering<Src, K = Plain> {
    pub(crate) node: OrderNode,
    _p: PhantomData<fn() -> (Src, K)>,
}
impl<Src, K> Ordering<Src, K> {
    fn new(expr: Node, desc: bool) -> Self {
        Ordering {
            node: OrderNode {
                expr,
                desc,
                nulls_first: None,
            },
            _p: PhantomData,
        }
    }
    /// `NULLS FIRST`
    pub fn nulls_first(mut self) -> Self {
        self.node.nulls_first = Some(true);
        self
    }
    /// `NULLS LAST`
    pub fn nulls_last(mut self) -> Self {
        self.node.nulls_first = Some(false);
        self
    }
}

// ---------------------------------------------------------------- aggregates

fn func<ST, Src>(name: &'static str, distinct: bool, e: Node) -> Expr<ST, Src, Agg> {
    Expr::from_node(Node::Func {
        name,
        distinct,
        args: vec![e],
    })
}
/// `COUNT(e)` → i64
pub fn count<E: Expression>(e: E) -> Expr<BigInt, E::Src, Agg> {
    func("COUNT", false, e.into_node())
}
/// `COUNT(*)` → i64
pub fn count_star() -> Expr<BigInt, Nil, Agg> {
    Expr::from_node(Node::CountStar)
}
/// `COUNT(DISTINCT e)` → i64
pub fn count_distinct<E: Expression>(e: E) -> Expr<BigInt, E::Src, Agg> {
    func("COUNT", true, e.into_node())
}
/// `SUM(e)`: Int/BigInt → `Option<i64>`, Double → `Option<f64>`.
pub fn sum<E: Expression>(e: E) -> Expr<Nullable<<BaseOf<E> as Numeric>::Sum>, E::Src, Agg>
where
    BaseOf<E>: Numeric,
{
    let node = Node::Func {
        name: "SUM",
        distinct: false,
        args: vec![e.into_node()],
    };
    Expr::from_node(match <BaseOf<E> as Numeric>::SUM_CAST {
        Some(c) => Node::PgCast(Box::new(node), c),
        None => node,
    })
}
/// `AVG(e)` → `Option<f64>` (cast to `DOUBLE PRECISION` on PostgreSQL, where the
/// average of integers or decimals is `numeric`).
pub fn avg<E: Expression>(e: E) -> Expr<Nullable<Double>, E::Src, Agg>
where
    BaseOf<E>: Numeric,
{
    let node = Node::Func {
        name: "AVG",
        distinct: false,
        args: vec![e.into_node()],
    };
    Expr::from_node(Node::PgCast(Box::new(node), PgCast::Double))
}
/// `MIN(e)` → `Option<T>`
pub fn min<E: Expression>(e: E) -> Expr<Nullable<BaseOf<E>>, E::Src, Agg> {
    func("MIN", false, e.into_node())
}
/// `MAX(e)` → `Option<T>`
pub fn max<E: Expression>(e: E) -> Expr<Nullable<BaseOf<E>>, E::Src, Agg> {
    func("MAX", false, e.into_node())
}

// --------------------------------------------------------- relation filters

/// Prisma-style relation filters on every generated relation handle.
pub trait RelationExt: Relation {
    /// `EXISTS (related row where pred)`
    fn some<E, I>(self, pred: E) -> Expr<Bool, Cons<Self::From, Nil>, Plain>
    where
        E: Expression,
        E::SqlType: BoolType,
        E::Src: AllInRelationFilter<Self::To, I>,
    {
        Expr::from_node(relation_exists::<Self>(Some(pred.into_node()), false))
    }
    /// `NOT EXISTS (related row where pred is not true)`
    fn every<E, I>(self, pred: E) -> Expr<Bool, Cons<Self::From, Nil>, Plain>
    where
        E: Expression,
        E::SqlType: BoolType,
        E::Src: AllInRelationFilter<Self::To, I>,
    {
        Expr::from_node(relation_exists::<Self>(
            Some(Node::IsNotTrue(Box::new(pred.into_node()))),
            true,
        ))
    }
    /// `NOT EXISTS (related row where pred)`
    fn none<E, I>(self, pred: E) -> Expr<Bool, Cons<Self::From, Nil>, Plain>
    where
        E: Expression,
        E::SqlType: BoolType,
        E::Src: AllInRelationFilter<Self::To, I>,
    {
        Expr::from_node(relation_exists::<Self>(Some(pred.into_node()), true))
    }
    /// `EXISTS (any related row)`
    fn exists(self) -> Expr<Bool, Cons<Self::From, Nil>, Plain> {
        Expr::from_node(relation_exists::<Self>(None, false))
    }
}
impl<R: Relation> RelationExt for R {}

// ------------------------------------------------------------ subqueries

/// A query usable as `x IN (subquery)`.
#[diagnostic::on_unimplemented(
    message = "`in_query` needs a subquery selecting exactly one column of SQL type `{ST}`",
    label = "this query does not select a single `{ST}` column",
    note = "use `.select(some_column)` on the subquery, with a column of the same type"
)]
pub trait Subquery<ST> {
    /// The erased subquery.
    fn into_state(self) -> QueryState;
}

// ------------------------------------------------------------- selections

/// A projection evaluated in scope `S`: a column, an expression or aggregate,
/// or a tuple of them. `Row` is the Rust row type (left-joined columns become
/// `Option`), `Kind` feeds the group-by check, `SqlType` types subqueries.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected in this query",
    label = "a selected column's table is not in the query, an item is not a column or expression, or a `projection!` field's type differs from the type its column reads as here",
    note = "select a column, an aggregate, or a tuple of up to 8 of them, from tables the query selects from or joins"
)]
pub trait Selectable<S, I> {
    /// The Rust row type.
    type Row: super::Decode;
    /// Expression kind (feeds the group-by check).
    type Kind;
    /// SQL type(s) of the selection.
    type SqlType;
    /// Appends the select-list nodes.
    fn push_nodes(self, out: &mut Vec<Node>);
}
/// Columns: the row type follows the nullability of the column's table in scope.
impl<C, S, I> Selectable<S, I> for C
where
    C: Column,
    S: SelectScope<C::Table, I>,
    <<<S as SelectScope<C::Table, I>>::Null as Nullness>::Apply<C::SqlType> as SqlType>::Rust:
        super::Decode,
{
    type Row =
        <<<S as SelectScope<C::Table, I>>::Null as Nullness>::Apply<C::SqlType> as SqlType>::Rust;
    type Kind = Plain;
    type SqlType = C::SqlType;
    fn push_nodes(self, out: &mut Vec<Node>) {
        out.push(Expression::into_node(self));
    }
}
/// Built expressions and aggregates: the row type is their SQL type's Rust type.
impl<ST, Src, K, S, I> Selectable<S, I> for Expr<ST, Src, K>
where
    ST: SqlType,
    ST::Rust: super::Decode,
    Src: AllInSelectScope<S, I>,
{
    type Row = ST::Rust;
    type Kind = K;
    type SqlType = ST;
    fn push_nodes(self, out: &mut Vec<Node>) {
        out.push(self.node);
    }
}
/// Folds a type-level list of kinds with `Combine`.
pub trait FoldKind {
    /// The folded kind.
    type Out;
}
impl FoldKind for Nil {
    type Out = Const;
}
impl<K: Combine<T::Out>, T: FoldKind> FoldKind for Cons<K, T> {
    type Out = K::Out;
}

macro_rules! select_tuple {
    ($($T:ident $I:ident $i:tt),+) => {
        impl<S, $($T, $I),+> Selectable<S, ($($I,)+)> for ($($T,)+)
        where
            $($T: Selectable<S, $I>,)+
            select_tuple!(@list $($T $I)+): FoldKind,
        {
            type Row = ($($T::Row,)+);
            type Kind = <select_tuple!(@list $($T $I)+) as FoldKind>::Out;
            type SqlType = ($($T::SqlType,)+);
            fn push_nodes(self, out: &mut Vec<Node>) {
                $( self.$i.push_nodes(out); )+
            }
        }
    };
    (@list) => { Nil };
    (@list $A:ident $IA:ident $($rest:ident)*) => { Cons<<$A as Selectable<S, $IA>>::Kind, select_tuple!(@list $($rest)*)> };
}
select_tuple!(A IA 0);
select_tuple!(A IA 0, B IB 1);
select_tuple!(A IA 0, B IB 1, C IC 2);
select_tuple!(A IA 0, B IB 1, C IC 2, D ID 3);
select_tuple!(A IA 0, B IB 1, C IC 2, D ID 3, E IE 4);
select_tuple!(A IA 0, B IB 1, C IC 2, D ID 3, E IE 4, F IF 5);
select_tuple!(A IA 0, B IB 1, C IC 2, D ID 3, E IE 4, F IF 5, G IG 6);
select_tuple!(A IA 0, B IB 1, C IC 2, D ID 3, E IE 4, F IF 5, G IG 6, H IH 7);

/// The EXISTS subquery behind `some` / `every` / `none` / `exists`.
pub(crate) fn relation_exists<R: Relation>(pred: Option<Node>, negated: bool) -> Node {
    let from = <R::From as Table>::INFO.qualifier();
    let to = &<R::To as Table>::INFO;
    let far = to.qualifier();
    let mut sub = QueryState::new(to);
    sub.select = Some(vec![Node::One]);
    match R::PATH {
        Path::Direct(pairs) => sub.filters.push(link(pairs, from, far)),
        Path::Through {
            table,
            from: fp,
            to: tp,
        } => {
            sub.from = TableRef::plain(table);
            sub.joins.push(JoinClause {
                left: false,
                table: to.table_ref(),
                on: link(tp, table, far),
            });
            sub.filters.push(link(fp, from, table));
        }
    }
    if let Some(p) = pred {
        sub.filters.push(p);
    }
    Node::Exists {
        negated,
        sub: Box::new(sub),
    }
}
