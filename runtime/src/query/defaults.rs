//! Defaults the runtime fills in: `uuid()`, `cuid()`, `now()` (and `@updatedAt`).
//! Generated `fill_defaults` implementations call these for fields left `None`.

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, SubsecRound, Utc};

/// `now()` / `@updatedAt`: the current UTC time, truncated to milliseconds (the
/// precision of `TIMESTAMP(3)` and of SQLite's stored text), so that the value
/// written and the value read back are equal.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// `uuid()`: a random (version 4) UUID.
pub fn uuid() -> uuid::Uuid {
    uuid::Uuid::new_v4()
}

/// `uuid()` for a `String` field: the hyphenated lowercase form.
pub fn uuid_string() -> String {
    uuid().hyphenated().to_string()
}

const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// Appends the lowest `width` base-36 digits of `n`, zero-padded.
fn base36(mut n: u128, width: usize, out: &mut String) {
    let mut digits = [0u8; 32];
    let width = width.min(digits.len());
    for d in digits[..width].iter_mut() {
        *d = BASE36[(n % 36) as usize];
        n /= 36;
    }
    out.extend(digits[..width].iter().rev().map(|&b| b as char));
}

/// `cuid()`: a collision-resistant id in the style of CUID v1 — 25 characters,
/// `c` + 8 base-36 digits of the millisecond timestamp + 4 of a per-process
/// counter + 4 of a process fingerprint + 8 random ones. Ids made later sort later
/// (to the millisecond), which keeps B-tree inserts local.
pub fn cuid() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let mut out = String::with_capacity(25);
    out.push('c');
    let millis = Utc::now().timestamp_millis().max(0) as u128;
    base36(millis, 8, &mut out);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed) % (36 * 36 * 36 * 36);
    base36(u128::from(count), 4, &mut out);
    base36(u128::from(std::process::id()), 4, &mut out);
    base36(uuid::Uuid::new_v4().as_u128() >> 64, 8, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuids_are_distinct_and_shaped() {
        let ids: std::collections::HashSet<String> = (0..10_000).map(|_| cuid()).collect();
        assert_eq!(ids.len(), 10_000);
        for id in ids.iter().take(10) {
            assert_eq!(id.len(), 25, "{id}");
            assert!(id.starts_with('c'));
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            );
        }
    }

    #[test]
    fn base36_pads_and_truncates() {
        let mut s = String::new();
        base36(35, 3, &mut s);
        assert_eq!(s, "00z");
        s.clear();
        base36(36 * 36 * 36 + 1, 3, &mut s);
        assert_eq!(s, "001");
    }

    #[test]
    fn now_has_millisecond_precision() {
        assert_eq!(now().timestamp_subsec_nanos() % 1_000_000, 0);
        assert_eq!(uuid().get_version_num(), 4);
    }
}
