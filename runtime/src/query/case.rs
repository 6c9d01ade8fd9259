//! `CASE WHEN c THEN v .. [ELSE e] END`, typed: every condition is boolean,
//! every branch has one SQL type, and the result is nullable when a branch
//! is, or when there is no `ELSE` (`.end()`).
//!
//! ```text
//! case_when(user::age.lt(18), "minor").when(user::age.lt(65), "adult").otherwise("senior")
//! ```

use std::marker::PhantomData;

use super::arith::{OpBase, OpNull, Operand};
use super::ast::Node;
use super::expr::Expr;
use super::scope::{Append, Cat};
use super::sql_types::{BoolType, Combine, EitherNull, Nullable, Nullness, SameType, SqlType};

/// A `CASE` being built: branches of SQL type `ST` (nullable branches so far:
/// `N`), mentioning tables `Src`, of kind `K`. Finish it with
/// [`otherwise`](Case::otherwise) or [`end`](Case::end).
#[must_use = "a CASE is an expression only once finished with `.otherwise(..)` or `.end()`"]
pub struct Case<ST, Src, K, N> {
    whens: Vec<(Node, Node)>,
    _p: PhantomData<fn() -> (ST, Src, K, N)>,
}

/// `CASE WHEN cond THEN then ..`: the first branch of a `CASE`.
pub fn case_when<C, V>(
    cond: C,
    then: V,
) -> Case<OpBase<V>, Cat<C::Src, V::Src>, <C::Kind as Combine<V::Kind>>::Out, OpNull<V>>
where
    C: Operand,
    C::SqlType: BoolType,
    V: Operand,
    C::Src: Append<V::Src>,
    C::Kind: Combine<V::Kind>,
{
    Case {
        whens: vec![(cond.into_operand(), then.into_operand())],
        _p: PhantomData,
    }
}

impl<ST: SqlType, Src, K, N: Nullness> Case<ST, Src, K, N> {
    /// `WHEN cond THEN then`: a further branch, of the first branch's SQL type.
    pub fn when<C, V>(
        mut self,
        cond: C,
        then: V,
    ) -> Case<
        ST,
        Cat<Src, Cat<C::Src, V::Src>>,
        <K as Combine<<C::Kind as Combine<V::Kind>>::Out>>::Out,
        <N as EitherNull<OpNull<V>>>::Out,
    >
    where
        C: Operand,
        C::SqlType: BoolType,
        V: Operand,
        OpBase<V>: SameType<ST>,
        C::Src: Append<V::Src>,
        Src: Append<Cat<C::Src, V::Src>>,
        C::Kind: Combine<V::Kind>,
        K: Combine<<C::Kind as Combine<V::Kind>>::Out>,
        N: EitherNull<OpNull<V>>,
    {
        self.whens.push((cond.into_operand(), then.into_operand()));
        Case {
            whens: self.whens,
            _p: PhantomData,
        }
    }

    /// `ELSE e END`: nullable only when a branch or `e` is.
    pub fn otherwise<V>(
        self,
        e: V,
    ) -> Expr<
        <<N as EitherNull<OpNull<V>>>::Out as Nullness>::Apply<ST>,
        Cat<Src, V::Src>,
        <K as Combine<V::Kind>>::Out,
    >
    where
        V: Operand,
        OpBase<V>: SameType<ST>,
        N: EitherNull<OpNull<V>>,
        Src: Append<V::Src>,
        K: Combine<V::Kind>,
    {
        Expr::from_node(Node::Case {
            whens: self.whens,
            otherwise: Some(Box::new(e.into_operand())),
        })
    }

    /// `END` without `ELSE`: NULL when no condition holds, so always nullable.
    pub fn end(self) -> Expr<Nullable<ST>, Src, K> {
        Expr::from_node(Node::Case {
            whens: self.whens,
            otherwise: None,
        })
    }
}
