//! The Rust type of a scalar column, chosen from its PSL type and its `@db.*`
//! native type, and the native types the runtime cannot hold exactly (check-time
//! diagnostics that say what to use instead).
//!
//! The mapping (kept in one table in the runtime's `value` module docs):
//!
//! | PSL + native type | Rust |
//! |-------------------|------|
//! | `Int @db.SmallInt` | `i16` |
//! | `Int @db.Oid` | `u32` |
//! | `Float @db.Real` | `f32` |
//! | `DateTime @db.Date` | `chrono::NaiveDate` |
//! | `DateTime @db.Time(p)` | `chrono::NaiveTime` |
//! | `DateTime @db.Timetz(p)` | `ormgen::TimeTz` |
//! | `String @db.Uuid` | `uuid::Uuid` |
//! | `Decimal @db.Money` | rejected: use `@db.Decimal(19, 2)` |
//! | anything else | the PSL type's own Rust type |

use crate::diagnostics::{Diagnostic, Span};
use crate::ir::{DefaultValue, NativeType, PslType, RustScalar};

/// The Rust type of a column of PSL type `psl` with native type `native`.
pub(crate) fn rust_scalar(psl: &PslType, native: Option<&NativeType>) -> RustScalar {
    let native = native.map(|n| n.name.as_str());
    match (psl, native) {
        (PslType::String, Some("Uuid")) => RustScalar::Uuid,
        (PslType::String, _) => RustScalar::String,
        (PslType::Boolean, _) => RustScalar::Bool,
        (PslType::Int, Some("SmallInt")) => RustScalar::I16,
        (PslType::Int, Some("Oid")) => RustScalar::U32,
        (PslType::Int, _) => RustScalar::I32,
        (PslType::BigInt, _) => RustScalar::I64,
        (PslType::Float, Some("Real")) => RustScalar::F32,
        (PslType::Float, _) => RustScalar::F64,
        (PslType::Decimal, _) => RustScalar::Decimal,
        (PslType::DateTime, Some("Date")) => RustScalar::Date,
        (PslType::DateTime, Some("Time")) => RustScalar::Time,
        (PslType::DateTime, Some("Timetz")) => RustScalar::TimeTz,
        (PslType::DateTime, _) => RustScalar::DateTime,
        (PslType::Json, _) => RustScalar::Json,
        (PslType::Bytes, _) => RustScalar::Bytes,
        (PslType::Enum(e), _) => RustScalar::Enum(*e),
        (PslType::Unsupported(_), _) => RustScalar::Unsupported,
    }
}

/// A native type that passes PostgreSQL but that no Rust type round-trips
/// exactly: `@db.Money` (its scale depends on the server's `lc_monetary`).
pub(crate) fn unusable_native_type(n: &NativeType, datasource: &str) -> Option<Diagnostic> {
    match n.name.as_str() {
        "Money" => Some(
            Diagnostic::error(
                n.span,
                format!("native type `@{datasource}.Money` is not supported"),
            )
            .with_label("cannot be read and written exactly")
            .with_help(format!(
                "PostgreSQL's `money` has as many fraction digits as the server's `lc_monetary` locale says; use `@{datasource}.Decimal(19, 2)` for amounts"
            )),
        ),
        _ => None,
    }
}

/// `@updatedAt` stores the current timestamp: only on columns that hold one.
pub(crate) fn updated_at_misfit(
    span: Span,
    rust: RustScalar,
    native: Option<&NativeType>,
) -> Option<Diagnostic> {
    if !matches!(
        rust,
        RustScalar::Date | RustScalar::Time | RustScalar::TimeTz
    ) {
        return None;
    }
    let name = native.map_or("", |n| n.name.as_str());
    Some(
        Diagnostic::error(
            span,
            format!("`@updatedAt` is not allowed on a `@db.{name}` column"),
        )
        .with_label("not a timestamp column")
        .with_help("`@updatedAt` stores the current timestamp: use `@db.Timestamp(p)`, `@db.Timestamptz(p)` or no native type"),
    )
}

/// An integer default outside the Rust type of its column (`i16` for
/// `@db.SmallInt`, `u32` for `@db.Oid`): PostgreSQL would reject it too.
pub(crate) fn default_out_of_range(
    span: Span,
    rust: RustScalar,
    default: Option<&DefaultValue>,
) -> Option<Diagnostic> {
    let items = match default? {
        DefaultValue::List(items) => items.as_slice(),
        one => std::slice::from_ref(one),
    };
    let (native, range, fits): (&str, &str, fn(i64) -> bool) = match rust {
        RustScalar::I16 => ("SmallInt", "-32768 to 32767", |i| i16::try_from(i).is_ok()),
        RustScalar::U32 => ("Oid", "0 to 4294967295", |i| u32::try_from(i).is_ok()),
        _ => return None,
    };
    let bad = items.iter().find_map(|d| match d {
        DefaultValue::Int(i) if !fits(*i) => Some(*i),
        _ => None,
    })?;
    Some(
        Diagnostic::error(
            span,
            format!("default value `{bad}` is out of range for `@db.{native}`"),
        )
        .with_label("out of range")
        .with_help(format!("`@db.{native}` holds {range}")),
    )
}
