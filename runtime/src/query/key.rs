//! Relation keys as eager loading reads, hashes, compares and binds them
//! ([`EagerKey`]): the generator names one per relation side as
//! [`Relation::Key`](super::Relation::Key).

use std::hash::{Hash, Hasher};

use crate::{Error, Result, Row, Value};

/// A relation's key as eager loading reads, hashes and binds it: the Rust
/// type of the near-side key column (`i32`, `String`, …), a tuple of them for a
/// composite key, or [`KeyVals`] (dynamic values) for key types without exact
/// equality. The generator emits it as [`Relation::Key`](super::Relation::Key); the far-side columns
/// have the same types (the schema validator requires it).
pub trait EagerKey: Clone + Eq + Hash + 'static {
    /// Reads the key from columns `at` of `row` (one per key column, in path
    /// order); `None` when one of them is NULL (no related rows).
    fn read(row: &Row<'_>, at: &[usize]) -> Result<Option<Self>>;
    /// Appends the key's values, in path order, for binding.
    fn push_values(&self, out: &mut Vec<Value>);
}

macro_rules! scalar_key {
    ($($t:ty),*) => {$(
        impl EagerKey for $t {
            #[inline]
            fn read(row: &Row<'_>, at: &[usize]) -> Result<Option<Self>> {
                match at {
                    [i] => row.get::<Option<$t>>(*i),
                    _ => Err(key_width(at.len(), 1)),
                }
            }
            fn push_values(&self, out: &mut Vec<Value>) {
                out.push(Value::from(self.clone()));
            }
        }
    )*};
}
// The generator's `relation_key_type` (generator/src/codegen/view.rs) emits
// exactly these types; keep the two lists equal.
scalar_key!(
    i32,
    i64,
    bool,
    String,
    Vec<u8>,
    uuid::Uuid,
    chrono::DateTime<chrono::Utc>
);

macro_rules! tuple_key {
    ($n:literal: $($t:ident $i:tt),+) => {
        impl<$($t: EagerKey),+> EagerKey for ($($t,)+) {
            fn read(row: &Row<'_>, at: &[usize]) -> Result<Option<Self>> {
                if at.len() != $n {
                    return Err(key_width(at.len(), $n));
                }
                Ok(Some(($(match $t::read(row, &at[$i..=$i])? {
                    Some(v) => v,
                    None => return Ok(None),
                },)+)))
            }
            fn push_values(&self, out: &mut Vec<Value>) {
                $(self.$i.push_values(out);)+
            }
        }
    };
}
tuple_key!(2: A 0, B 1);
tuple_key!(3: A 0, B 1, C 2);
tuple_key!(4: A 0, B 1, C 2, D 3);

fn key_width(got: usize, want: usize) -> Error {
    Error::Unsupported(format!(
        "a relation key of {want} column(s) read from {got} column(s)"
    ))
}

/// A key's values (the near-side columns of a relation, in path order), hashed
/// and compared as keys: integers by value whatever their width, the rest by
/// their SQL value. One column (the common case) needs no allocation. The
/// [`EagerKey`] of relations whose key types have no exact equality (floats,
/// decimals, enums, JSON).
#[derive(Debug, Clone)]
pub enum KeyVals {
    /// A one-column key.
    Single(Value),
    /// A composite key.
    Composite(Box<[Value]>),
}

impl KeyVals {
    fn values(&self) -> &[Value] {
        match self {
            KeyVals::Single(v) => std::slice::from_ref(v),
            KeyVals::Composite(vs) => vs,
        }
    }
}

fn hash_value<H: Hasher>(v: &Value, h: &mut H) {
    match v {
        Value::I32(i) => h.write_i64(i64::from(*i)),
        Value::I64(i) => h.write_i64(*i),
        Value::Text(t) => h.write(t.as_bytes()),
        Value::Bytes(b) => h.write(b),
        Value::Bool(b) => h.write_u8(u8::from(*b)),
        Value::Uuid(u) => h.write(u.as_bytes()),
        Value::DateTime(t) => h.write_i64(t.timestamp_micros()),
        Value::Date(d) => h.write_i32(chrono::Datelike::num_days_from_ce(d)),
        Value::Time(t) => h.write_u32(chrono::Timelike::num_seconds_from_midnight(t)),
        // Equal floats (0.0 and -0.0 included) hash alike.
        Value::F64(f) => h.write_u64(if *f == 0.0 { 0 } else { f.to_bits() }),
        // Numerically equal decimals (1.0 and 1.00) hash alike.
        Value::Decimal(d) => h.write(d.normalized().to_string().as_bytes()),
        other => h.write(format!("{other:?}").as_bytes()),
    }
}

fn key_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::I32(x), Value::I64(y)) | (Value::I64(y), Value::I32(x)) => i64::from(*x) == *y,
        _ => a == b,
    }
}

impl Hash for KeyVals {
    fn hash<H: Hasher>(&self, h: &mut H) {
        for v in self.values() {
            hash_value(v, h);
        }
    }
}

impl PartialEq for KeyVals {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.values(), other.values());
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| key_eq(x, y))
    }
}
impl Eq for KeyVals {}

impl EagerKey for KeyVals {
    fn read(row: &Row<'_>, at: &[usize]) -> Result<Option<Self>> {
        // One column (the common case) allocates nothing.
        if let [i] = at {
            return Ok(match row.get::<Value>(*i)? {
                Value::Null => None,
                v => Some(KeyVals::Single(v)),
            });
        }
        let mut values = Vec::with_capacity(at.len());
        for &i in at {
            match row.get::<Value>(i)? {
                Value::Null => return Ok(None),
                v => values.push(v),
            }
        }
        Ok(Some(KeyVals::Composite(values.into_boxed_slice())))
    }
    fn push_values(&self, out: &mut Vec<Value>) {
        out.extend_from_slice(self.values());
    }
}

/// A parent's key for one relation; `None` when a key column is NULL (no
/// children).
pub type RelKey<K> = Option<K>;
