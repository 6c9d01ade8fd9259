//! Placeholder translation: the portable raw-SQL syntax (`?`, `?N`, `$N`, `:name`) to
//! each dialect's own (`$N` for PostgreSQL, `?N` for SQLite), and the [`Params`] trait
//! that supplies the values.
//!
//! The scanner skips string literals (`'…'`, `E'…'` with backslash escapes),
//! dollar-quoted strings (`$tag$…$tag$`), quoted identifiers (`"…"`, `` `…` ``), line and
//! (nested) block comments, and PostgreSQL `::` casts. A `?` directly followed by `|` or
//! `&` is still a placeholder: use `jsonb_exists*` functions for those operators.

use crate::Dialect;
use crate::error::{Error, Result};
use crate::value::{ToParam, Value};

/// How a statement's placeholders are numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholders {
    /// Positional (`?`, `?N`, `$N`): this many parameters are expected.
    Positional(usize),
    /// Named (`:name`): one parameter per distinct name, in order of first appearance.
    Named(Vec<Box<str>>),
}

/// A statement translated to one dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translated {
    /// The SQL text in the dialect's placeholder syntax.
    pub sql: Box<str>,
    /// Its placeholders.
    pub placeholders: Placeholders,
}

/// Translates `sql` from the portable placeholder syntax to `dialect`'s.
///
/// ```
/// use ormgen::{Dialect, params::{translate, Placeholders}};
/// let t = translate("select * from t where a = :a and b = :b or a = :a", Dialect::Postgres).unwrap();
/// assert_eq!(&*t.sql, "select * from t where a = $1 and b = $2 or a = $1");
/// assert_eq!(t.placeholders, Placeholders::Named(vec!["a".into(), "b".into()]));
/// ```
pub fn translate(sql: &str, dialect: Dialect) -> Result<Translated> {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 8);
    let mut names: Vec<Box<str>> = Vec::new();
    let mut positional_max = 0usize;
    let mut copied = 0usize; // bytes of `sql` already copied to `out`
    let mut i = 0usize;
    // `next`: the byte after the placeholder in `sql`; `after_ident`: whether the
    // placeholder's last byte is an identifier byte (`?1`, `:a`; not `?`). A placeholder
    // never runs into the identifier, keyword or `E'…'` string that follows it (`?and`,
    // `?E'…'`), and a `$` after a bare `?` keeps starting a dollar quote or placeholder.
    let emit = |out: &mut String, n: usize, next: Option<&u8>, after_ident: bool| {
        match dialect {
            Dialect::Postgres => {
                // PostgreSQL identifiers may contain `$`: `a$1` is one identifier,
                // so a placeholder right after an identifier gets a space.
                if out
                    .bytes()
                    .last()
                    .is_some_and(|c| is_ident_byte(c) || c == b'$')
                {
                    out.push(' ');
                }
                out.push('$');
            }
            Dialect::Sqlite => out.push('?'),
        }
        out.push_str(itoa(n).as_str());
        if next.is_some_and(|&c| is_ident_byte(c) || (c == b'$' && !after_ident)) {
            out.push(' ');
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' => {
                // `E'…'` escapes backslashes, unless that `E` ended a
                // placeholder's name (`:E'…'`) or an identifier (`SOME'…'`);
                // right after a placeholder (`$1E'…'`) it starts a string.
                let escapes = i > copied
                    && (b[i - 1] == b'E' || b[i - 1] == b'e')
                    && (i - 1 == copied || !is_ident(b, i - 1));
                i = skip_quoted(b, i, b'\'', escapes);
            }
            b'"' | b'`' => i = skip_quoted(b, i, c, false),
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b':' if b.get(i + 1) == Some(&b':') => i += 2,
            b':' if b
                .get(i + 1)
                .is_some_and(|&n| n == b'_' || n.is_ascii_alphabetic())
                && !(i > 0 && is_ident_byte(b[i - 1])) =>
            {
                let start = i + 1;
                let mut end = start;
                while end < b.len() && is_ident_byte(b[end]) {
                    end += 1;
                }
                if positional_max > 0 {
                    return Err(mixed());
                }
                let name = &sql[start..end];
                let idx = match names.iter().position(|n| &**n == name) {
                    Some(p) => p + 1,
                    None => {
                        names.push(name.into());
                        names.len()
                    }
                };
                out.push_str(&sql[copied..i]);
                emit(&mut out, idx, b.get(end), true);
                copied = end;
                i = end;
            }
            b'$' if b.get(i + 1).is_some_and(u8::is_ascii_digit)
                && !(i > 0 && is_ident_byte(b[i - 1])) =>
            {
                let (n, end) = digits(b, i + 1);
                check_number(n)?;
                if !names.is_empty() {
                    return Err(mixed());
                }
                positional_max = positional_max.max(n);
                out.push_str(&sql[copied..i]);
                emit(&mut out, n, b.get(end), is_ident_byte(b[end - 1]));
                copied = end;
                i = end;
            }
            b'$' if !(i > 0 && is_ident_byte(b[i - 1])) => {
                // Dollar quote: $$ or $tag$.
                let mut j = i + 1;
                while j < b.len() && is_ident_byte(b[j]) {
                    j += 1;
                }
                if j < b.len() && b[j] == b'$' {
                    let tag = &b[i..=j];
                    let mut k = j + 1;
                    loop {
                        if k + tag.len() > b.len() {
                            k = b.len();
                            break;
                        }
                        if &b[k..k + tag.len()] == tag {
                            k += tag.len();
                            break;
                        }
                        k += 1;
                    }
                    i = k;
                } else {
                    i += 1;
                }
            }
            b'?' => {
                if !names.is_empty() {
                    return Err(mixed());
                }
                let (n, end) = if b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    digits(b, i + 1)
                } else {
                    (positional_max + 1, i + 1)
                };
                check_number(n)?;
                positional_max = positional_max.max(n);
                out.push_str(&sql[copied..i]);
                emit(&mut out, n, b.get(end), is_ident_byte(b[end - 1]));
                copied = end;
                i = end;
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[copied..]);
    let placeholders = if names.is_empty() {
        Placeholders::Positional(positional_max)
    } else {
        Placeholders::Named(names)
    };
    Ok(Translated {
        sql: out.into_boxed_str(),
        placeholders,
    })
}

fn mixed() -> Error {
    Error::Params("a statement cannot mix named (:name) and positional (?, $N) placeholders".into())
}

/// The highest placeholder number: PostgreSQL's protocol carries at most 65,535
/// parameters (SQLite's default limit, 32,766, is lower and reported by SQLite).
const MAX_PLACEHOLDER: usize = 65_535;

fn check_number(n: usize) -> Result<()> {
    if (1..=MAX_PLACEHOLDER).contains(&n) {
        Ok(())
    } else {
        Err(Error::Params(format!(
            "placeholder number {n} is out of range: placeholders are numbered 1 to {MAX_PLACEHOLDER}"
        )))
    }
}

fn itoa(n: usize) -> String {
    n.to_string()
}

fn digits(b: &[u8], start: usize) -> (usize, usize) {
    let mut end = start;
    let mut n = 0usize;
    while end < b.len() && b[end].is_ascii_digit() {
        n = n
            .saturating_mul(10)
            .saturating_add(usize::from(b[end] - b'0'));
        end += 1;
    }
    (n, end)
}

fn is_ident_byte(c: u8) -> bool {
    c == b'_' || c.is_ascii_alphanumeric() || c >= 0x80
}

/// Whether the byte at `i` continues an identifier that started before it (so the `E`
/// in `SOME'…'` is not an escape-string prefix).
fn is_ident(b: &[u8], i: usize) -> bool {
    i > 0 && is_ident_byte(b[i - 1])
}

/// Skips a quoted run starting at `start` (the opening quote); a doubled quote is an
/// escaped quote. Returns the index after the closing quote.
fn skip_quoted(b: &[u8], start: usize, quote: u8, backslash_escapes: bool) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        if backslash_escapes && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == quote {
            if b.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

/// Values for a statement's placeholders.
///
/// Implemented for tuples of [`ToParam`] values (`(id,)`, `(a, b)`; zero allocation),
/// `()`, slices and arrays of `&dyn ToParam` (see [`params!`](macro@crate::params)),
/// `&[Value]`/`Vec<Value>`, and named lists `&[(&str, &dyn ToParam)]` (see
/// [`named_params!`](crate::named_params)).
pub trait Params {
    /// Calls `f` with the values in placeholder order for `placeholders`.
    fn with_values<R>(
        &self,
        placeholders: Option<&Placeholders>,
        f: impl FnOnce(&[&dyn ToParam]) -> Result<R>,
    ) -> Result<R>;
}

/// Checks positional values against a translation's placeholders (`None` for
/// [`Native`](crate::Native) SQL, which the driver checks).
#[inline(always)]
fn check_positional(placeholders: Option<&Placeholders>, given: usize) -> Result<()> {
    match placeholders {
        None => Ok(()),
        Some(p) => check_translated(p, given),
    }
}

#[inline]
fn check_translated(placeholders: &Placeholders, given: usize) -> Result<()> {
    match placeholders {
        Placeholders::Positional(n) if *n == given => Ok(()),
        p => Err(positional_mismatch(p, given)),
    }
}

#[cold]
#[inline(never)]
fn positional_mismatch(placeholders: &Placeholders, given: usize) -> Error {
    match placeholders {
        Placeholders::Named(_) => Error::Params(
            "the statement uses named placeholders (:name) but positional values were given".into(),
        ),
        Placeholders::Positional(n) => Error::Params(format!(
            "the statement has {n} placeholder(s) but {given} value(s) were given"
        )),
    }
}

impl Params for () {
    #[inline]
    fn with_values<R>(
        &self,
        p: Option<&Placeholders>,
        f: impl FnOnce(&[&dyn ToParam]) -> Result<R>,
    ) -> Result<R> {
        check_positional(p, 0)?;
        f(&[])
    }
}

impl Params for [&dyn ToParam] {
    #[inline]
    fn with_values<R>(
        &self,
        p: Option<&Placeholders>,
        f: impl FnOnce(&[&dyn ToParam]) -> Result<R>,
    ) -> Result<R> {
        check_positional(p, self.len())?;
        f(self)
    }
}

impl<const N: usize> Params for [&dyn ToParam; N] {
    #[inline]
    fn with_values<R>(
        &self,
        p: Option<&Placeholders>,
        f: impl FnOnce(&[&dyn ToParam]) -> Result<R>,
    ) -> Result<R> {
        check_positional(p, N)?;
        f(self)
    }
}

impl<P: Params + ?Sized> Params for &P {
    #[inline]
    fn with_values<R>(
        &self,
        p: Option<&Placeholders>,
        f: impl FnOnce(&[&dyn ToParam]) -> Result<R>,
    ) -> Result<R> {
        (**self).with_values(p, f)
    }
}

/// Calls `f` with `items` as `&dyn ToParam`s, on the stack for up to 16 of them.
#[inline]
fn with_refs<T: ToParam, R>(
    items: &[T],
    f: impl FnOnce(&[&dyn ToParam]) -> Result<R>,
) -> Result<R> {
    with_mapped(items, |v| v as &dyn ToParam, f)
}

/// How many mapped items [`with_mapped`] keeps on the stack.
const STACK_ITEMS: usize = 16;

/// Calls `f` with `map` applied to each of `items`: on the stack for up to
/// [`STACK_ITEMS`] of them (only the slots used are written), in a vector
/// beyond.
#[inline]
pub(crate) fn with_mapped<'a, T, U: Copy, R>(
    items: &'a [T],
    map: impl Fn(&'a T) -> U,
    f: impl FnOnce(&[U]) -> R,
) -> R {
    if items.len() > STACK_ITEMS {
        let all: Vec<U> = items.iter().map(map).collect();
        return f(&all);
    }
    let mut slots = [const { std::mem::MaybeUninit::<U>::uninit() }; STACK_ITEMS];
    for (slot, item) in slots.iter_mut().zip(items) {
        slot.write(map(item));
    }
    // SAFETY: the loop wrote the first `items.len()` slots (at most
    // `STACK_ITEMS`, checked above), and `MaybeUninit<U>` has `U`'s layout.
    // `U: Copy`, so nothing needs dropping.
    let used = unsafe { std::slice::from_raw_parts(slots.as_ptr().cast::<U>(), items.len()) };
    f(used)
}

/// Slices of owned values and of the query builder's parameters.
macro_rules! params_for_slice {
    ($($t:ty),*) => {$(
        impl Params for [$t] {
            #[inline]
            fn with_values<R>(
                &self,
                p: Option<&Placeholders>,
                f: impl FnOnce(&[&dyn ToParam]) -> Result<R>,
            ) -> Result<R> {
                check_positional(p, self.len())?;
                with_refs(self, f)
            }
        }
    )*};
}
params_for_slice!(Value, crate::query::Param<'_>);

impl Params for Vec<Value> {
    fn with_values<R>(
        &self,
        p: Option<&Placeholders>,
        f: impl FnOnce(&[&dyn ToParam]) -> Result<R>,
    ) -> Result<R> {
        self.as_slice().with_values(p, f)
    }
}

fn with_named<'v, R>(
    list: impl Iterator<Item = (&'v str, &'v dyn ToParam)> + Clone,
    p: Option<&Placeholders>,
    f: impl FnOnce(&[&dyn ToParam]) -> Result<R>,
) -> Result<R> {
    match p {
        Some(Placeholders::Named(names)) => {
            let mut ordered: Vec<&dyn ToParam> = Vec::with_capacity(names.len());
            for name in names {
                let v = list
                    .clone()
                    .find(|(n, _)| n.strip_prefix(':').unwrap_or(n) == &**name)
                    .map(|(_, v)| v)
                    .ok_or_else(|| Error::Params(format!("no value given for :{name}")))?;
                ordered.push(v);
            }
            f(&ordered)
        }
        Some(Placeholders::Positional(0)) if list.clone().next().is_none() => f(&[]),
        _ => Err(Error::Params(
            "named values were given but the statement has no named placeholders (:name)".into(),
        )),
    }
}

impl Params for [(&str, &dyn ToParam)] {
    fn with_values<R>(
        &self,
        p: Option<&Placeholders>,
        f: impl FnOnce(&[&dyn ToParam]) -> Result<R>,
    ) -> Result<R> {
        with_named(self.iter().map(|(n, v)| (*n, *v)), p, f)
    }
}

impl<const N: usize> Params for [(&str, &dyn ToParam); N] {
    fn with_values<R>(
        &self,
        p: Option<&Placeholders>,
        f: impl FnOnce(&[&dyn ToParam]) -> Result<R>,
    ) -> Result<R> {
        self.as_slice().with_values(p, f)
    }
}

macro_rules! tuple_params {
    ($($n:tt $t:ident),+) => {
        impl<$($t: ToParam),+> Params for ($($t,)+) {
            #[inline]
            fn with_values<R>(&self, p: Option<&Placeholders>, f: impl FnOnce(&[&dyn ToParam]) -> Result<R>) -> Result<R> {
                let values: &[&dyn ToParam] = &[$(&self.$n),+];
                check_positional(p, values.len())?;
                f(values)
            }
        }
    };
}
tuple_params!(0 A);
tuple_params!(0 A, 1 B);
tuple_params!(0 A, 1 B, 2 C);
tuple_params!(0 A, 1 B, 2 C, 3 D);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K);
tuple_params!(0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L);

/// Positional parameters of any [`ToParam`] types: `params![id, "name", None::<i32>]`
/// gives a `[&dyn ToParam; N]` (no allocation).
#[macro_export]
macro_rules! params {
    () => { [] as [&dyn $crate::ToParam; 0] };
    ($($v:expr),+ $(,)?) => { [$(&$v as &dyn $crate::ToParam),+] };
}

/// Named parameters: `named_params! { "id" => 5, "name" => "x" }` for SQL using `:id`
/// and `:name`. A leading `:` in the key is accepted.
#[macro_export]
macro_rules! named_params {
    ($($k:expr => $v:expr),* $(,)?) => { [$(($k, &$v as &dyn $crate::ToParam)),*] };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pg(sql: &str) -> String {
        translate(sql, Dialect::Postgres)
            .map(|t| t.sql.into_string())
            .unwrap_or_else(|e| e.to_string())
    }
    fn lite(sql: &str) -> String {
        translate(sql, Dialect::Sqlite)
            .map(|t| t.sql.into_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn positional_question_marks() {
        assert_eq!(pg("select ? , ?"), "select $1 , $2");
        assert_eq!(lite("select ?, ?"), "select ?1, ?2");
        let t = translate("a = ? and b = ?", Dialect::Sqlite).unwrap();
        assert_eq!(t.placeholders, Placeholders::Positional(2));
    }

    #[test]
    fn numbered_placeholders_pass_through_or_translate() {
        assert_eq!(pg("select $1, $2, $1"), "select $1, $2, $1");
        assert_eq!(lite("select $1, $2, $1"), "select ?1, ?2, ?1");
        assert_eq!(pg("select ?2, ?1"), "select $2, $1");
        let t = translate("select $3", Dialect::Postgres).unwrap();
        assert_eq!(t.placeholders, Placeholders::Positional(3));
    }

    #[test]
    fn named_repeated_and_ordered() {
        let t = translate("x = :b or y = :a or z = :b", Dialect::Sqlite).unwrap();
        assert_eq!(&*t.sql, "x = ?1 or y = ?2 or z = ?1");
        assert_eq!(
            t.placeholders,
            Placeholders::Named(vec!["b".into(), "a".into()])
        );
    }

    #[test]
    fn literals_identifiers_and_comments_are_skipped() {
        assert_eq!(
            pg("select '?', ':x', 'it''s ?' , ?"),
            "select '?', ':x', 'it''s ?' , $1"
        );
        assert_eq!(
            pg(r#"select "we?ird:col" from t where a = :a"#),
            r#"select "we?ird:col" from t where a = $1"#
        );
        assert_eq!(
            pg("select 1 -- what? :no\n, :yes"),
            "select 1 -- what? :no\n, $1"
        );
        assert_eq!(
            pg("select /* ? /* nested :x */ ? */ :a"),
            "select /* ? /* nested :x */ ? */ $1"
        );
        assert_eq!(pg(r"select E'\' ?', ?"), r"select E'\' ?', $1");
        assert_eq!(
            pg("select $$ ? :x $$, $tag$ ? $tag$, ?"),
            "select $$ ? :x $$, $tag$ ? $tag$, $1"
        );
        assert_eq!(
            lite("select `a?b` from t where c = :c"),
            "select `a?b` from t where c = ?1"
        );
    }

    #[test]
    fn casts_are_not_placeholders() {
        assert_eq!(
            pg("select :v::text, '1'::int, x::numeric(10,2)"),
            "select $1::text, '1'::int, x::numeric(10,2)"
        );
        let t = translate("select a::int from t", Dialect::Postgres).unwrap();
        assert_eq!(t.placeholders, Placeholders::Positional(0));
    }

    /// Found by fuzzing (fuzz/fuzz_targets/placeholders.rs): `$1` right after an
    /// identifier character would lex as part of the identifier on PostgreSQL.
    #[test]
    fn a_placeholder_after_an_identifier_stays_a_placeholder() {
        assert_eq!(pg("select 7i? from t"), "select 7i $1 from t");
        assert_eq!(pg("select a$b? from t"), "select a$b $1 from t");
        assert_eq!(pg("where a=:a and b=:b"), "where a=$1 and b=$2");
        assert_eq!(lite("select 7i? from t"), "select 7i?1 from t");
        // `:E` is a placeholder, so the quote after it starts a plain string.
        assert_eq!(pg(r"select :E'\' :b"), r"select $1'\' $2");
        // ... and one followed by `E'…'` or a keyword stays apart from it.
        assert_eq!(pg(r"select ?E'\' ?'"), r"select $1 E'\' ?'");
        assert_eq!(lite("where a = ?and b"), "where a = ?1 and b");
        assert_eq!(pg("select ?$$x$$"), "select $1 $$x$$");
        assert_eq!(pg(r"select $1E'\'?'"), r"select $1 E'\'?'");
        let again = translate("select 7i $1 from t", Dialect::Postgres).unwrap();
        assert_eq!(again.placeholders, Placeholders::Positional(1));
    }

    /// Found by fuzzing: `?` after `$18446744073709551615` overflowed.
    #[test]
    fn placeholder_numbers_out_of_range_are_errors() {
        for sql in [
            "select $0",
            "select ?0",
            "select $65536",
            "select $99999999999999999999 = ?",
        ] {
            let err = translate(sql, Dialect::Postgres).unwrap_err();
            assert!(matches!(err, Error::Params(_)), "{sql}: {err}");
        }
        assert_eq!(pg("select ?65535"), "select $65535");
    }

    #[test]
    fn mixing_is_an_error() {
        assert!(translate("select :a, ?", Dialect::Postgres).is_err());
        assert!(translate("select ?, :a", Dialect::Postgres).is_err());
    }

    #[test]
    fn named_values_are_ordered_by_placeholder() {
        let t = translate("select :b, :a", Dialect::Postgres).unwrap();
        let seen = named_params! { "a" => 1i32, ":b" => 2i32 }
            .with_values(Some(&t.placeholders), |v| Ok(v.len()))
            .unwrap();
        assert_eq!(seen, 2);
        let missing =
            named_params! { "a" => 1i32 }.with_values(Some(&t.placeholders), |v| Ok(v.len()));
        assert!(matches!(missing, Err(Error::Params(_))));
        let wrong = (1i32,).with_values(Some(&t.placeholders), |v| Ok(v.len()));
        assert!(matches!(wrong, Err(Error::Params(_))));
    }
}

/// SQL text as given to a session: portable (translated per dialect, cached) or
/// [`Native`] (sent as is).
#[derive(Debug, Clone, Copy)]
pub enum SqlRef<'a> {
    /// Portable placeholders (`?`, `?N`, `$N`, `:name`), translated to the dialect.
    Portable(&'a str),
    /// Already in the dialect's syntax (`$N` on PostgreSQL, `?`/`?N` on SQLite).
    Native(&'a str),
    /// The runtime's own SQL in the dialect's syntax, with its statement-cache
    /// key (see [`Keyed`]).
    Keyed(Keyed<'a>),
}

impl SqlRef<'_> {
    /// The SQL text (untranslated for portable SQL).
    pub fn text(&self) -> &str {
        match self {
            SqlRef::Portable(s) | SqlRef::Native(s) => s,
            SqlRef::Keyed(k) => k.sql,
        }
    }
}

/// SQL the runtime renders or the generator emits, in the dialect's syntax, with
/// the key its prepared statement is cached under (the fingerprint of a built
/// query's structure or of a multi-row INSERT's shape, or the address of a
/// generated constant). Only the runtime makes
/// these, so a key always stands for one text.
#[derive(Debug, Clone, Copy)]
pub struct Keyed<'a> {
    #[cfg_attr(not(feature = "rusqlite"), allow(dead_code))] // PostgreSQL caches by text
    pub(crate) key: u128,
    pub(crate) sql: &'a str,
}

impl<'a> Keyed<'a> {
    /// SQL rendered by the query builder from a structure whose fingerprint is
    /// `key`.
    pub(crate) fn rendered(key: u128, sql: &'a str) -> Self {
        Keyed { key, sql }
    }
    /// The text.
    pub fn sql(&self) -> &'a str {
        self.sql
    }
}

impl Keyed<'static> {
    /// A generated constant (a `'static` text is keyed by its address and length).
    pub(crate) fn constant(sql: &'static str) -> Self {
        Keyed {
            key: crate::query::fingerprint_static(sql),
            sql,
        }
    }
}

impl AsSql for Keyed<'_> {
    #[inline]
    fn as_sql(&self) -> SqlRef<'_> {
        SqlRef::Keyed(*self)
    }
}

/// Anything usable as statement text: `&str`/`String` (portable) or [`Native`].
pub trait AsSql {
    /// The text and how to treat it.
    fn as_sql(&self) -> SqlRef<'_>;
}

impl AsSql for str {
    #[inline]
    fn as_sql(&self) -> SqlRef<'_> {
        SqlRef::Portable(self)
    }
}

impl AsSql for String {
    #[inline]
    fn as_sql(&self) -> SqlRef<'_> {
        SqlRef::Portable(self)
    }
}

impl<S: AsSql + ?Sized> AsSql for &S {
    #[inline]
    fn as_sql(&self) -> SqlRef<'_> {
        (**self).as_sql()
    }
}

/// SQL already written in the session's dialect placeholder syntax — `$1, $2` for
/// PostgreSQL, `?1, ?2` (or `?`) for SQLite — sent without translation. This is the
/// path for generated code, which emits one string constant per dialect; values are
/// positional only.
///
/// ```
/// # #[cfg(any(feature = "sqlite", feature = "sqlite-system"))]
/// # fn main() -> ormgen::Result<()> {
/// use ormgen::{Dialect, Native};
/// const GET_PG: &str = "select $1::int8 + 1";
/// const GET_SQLITE: &str = "select ?1 + 1";
/// let engine = ormgen::Engine::connect("sqlite::memory:")?;
/// let mut s = engine.session()?;
/// let sql = match s.dialect() { Dialect::Postgres => GET_PG, Dialect::Sqlite => GET_SQLITE };
/// assert_eq!(s.query_one::<i64>(Native(sql), (41i64,))?, 42);
/// # Ok(()) }
/// # #[cfg(not(any(feature = "sqlite", feature = "sqlite-system")))]
/// # fn main() {}
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Native<'a>(pub &'a str);

impl AsSql for Native<'_> {
    #[inline]
    fn as_sql(&self) -> SqlRef<'_> {
        SqlRef::Native(self.0)
    }
}
