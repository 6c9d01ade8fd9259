//! [`IntoNullable`]: what a setter of a nullable column takes — a value, or an
//! `Option` of one (`None` stores NULL).

/// A value for a nullable column: `T` itself (anything `Into<T>`), or an
/// `Option` of such a value, so that generated insert setters take both
/// `NewUser::new(..).name("Ann")` and `.name(maybe_name)`. `M` only tells
/// the two kinds apart ([`Value`] or [`Optional`]); the compiler infers it.
pub trait IntoNullable<T, M> {
    /// The column's value: `Some` to store, `None` for NULL.
    fn into_nullable(self) -> Option<T>;
}

/// Marks [`IntoNullable`] for a plain value.
#[derive(Debug)]
pub enum Value {}

/// Marks [`IntoNullable`] for an `Option`.
#[derive(Debug)]
pub enum Optional {}

impl<T, V: Into<T>> IntoNullable<T, Value> for V {
    #[inline]
    fn into_nullable(self) -> Option<T> {
        Some(self.into())
    }
}

impl<T, V: Into<T>> IntoNullable<T, Optional> for Option<V> {
    #[inline]
    fn into_nullable(self) -> Option<T> {
        self.map(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::IntoNullable;

    fn set<M>(v: impl IntoNullable<Cow<'static, str>, M>) -> Option<Cow<'static, str>> {
        v.into_nullable()
    }

    fn set_int<M>(v: impl IntoNullable<i64, M>) -> Option<i64> {
        v.into_nullable()
    }

    #[test]
    fn values_and_options_both_convert() {
        assert_eq!(set("a").as_deref(), Some("a"));
        assert_eq!(set(String::from("b")).as_deref(), Some("b"));
        assert_eq!(set(Some("c")).as_deref(), Some("c"));
        assert_eq!(set(None::<String>), None);
        let maybe: Option<String> = None;
        assert_eq!(set(maybe), None);
        assert_eq!(set_int(7), Some(7));
        assert_eq!(set_int(Some(8i32)), Some(8));
    }
}
