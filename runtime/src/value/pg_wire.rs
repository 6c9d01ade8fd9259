//! PostgreSQL types that Prisma maps to `String` but whose binary wire format is not
//! text: `BIT`/`VARBIT` (a bit count and packed bits ↔ `"0101"`), `INET`/`CIDR`
//! (family, prefix length, cidr flag, address ↔ `"10.0.0.1"`, `"10.0.0.0/8"`) and
//! `XML` (its text). Used by the `String`/`&str` parameter and column impls, so
//! these columns read and write as their PostgreSQL text form, without SQL casts.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use bytes::{BufMut, BytesMut};
use postgres::types::Type;

use super::PgError;

/// `PGSQL_AF_INET` and `PGSQL_AF_INET6` of PostgreSQL's `inet` wire format.
const AF_INET: u8 = 2;
const AF_INET6: u8 = 3;

/// Whether `ty` is one of the non-text types a string binds to and decodes from.
#[inline]
pub(crate) fn is_wire_string(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::BIT | Type::VARBIT | Type::INET | Type::CIDR | Type::XML
    )
}

/// Writes `s` in the binary format of `ty` (a text type or one of
/// [`is_wire_string`]).
#[inline]
pub(crate) fn encode(s: &str, ty: &Type, out: &mut BytesMut) -> Result<(), PgError> {
    match *ty {
        Type::BIT | Type::VARBIT => encode_bits(s, out),
        Type::INET | Type::CIDR => encode_inet(s, *ty == Type::CIDR, out),
        _ => {
            out.put_slice(s.as_bytes());
            Ok(())
        }
    }
}

/// Reads a value of `ty` as its PostgreSQL text form.
#[inline]
pub(crate) fn decode<'a>(ty: &Type, raw: &'a [u8]) -> Result<Cow<'a, str>, Cow<'static, str>> {
    match *ty {
        Type::BIT | Type::VARBIT => decode_bits(raw).map(Cow::Owned),
        Type::INET | Type::CIDR => decode_inet(raw).map(Cow::Owned),
        _ => std::str::from_utf8(raw)
            .map(Cow::Borrowed)
            .map_err(|_| Cow::Owned(format!("{} that is not UTF-8", ty.name()))),
    }
}

fn encode_bits(s: &str, out: &mut BytesMut) -> Result<(), PgError> {
    let len = i32::try_from(s.len()).map_err(|_| "bit string too long")?;
    out.put_i32(len);
    for chunk in s.as_bytes().chunks(8) {
        let mut byte = 0u8;
        for (i, c) in chunk.iter().enumerate() {
            match c {
                b'0' => {}
                b'1' => byte |= 0x80 >> i,
                _ => {
                    return Err(format!("{s:?} is not a bit string (only 0 and 1 allowed)").into());
                }
            }
        }
        out.put_u8(byte);
    }
    Ok(())
}

fn decode_bits(raw: &[u8]) -> Result<String, Cow<'static, str>> {
    let bad = || Cow::Borrowed("a malformed bit string");
    let (len, bytes) = raw.split_first_chunk::<4>().ok_or_else(bad)?;
    let len = usize::try_from(i32::from_be_bytes(*len)).map_err(|_| bad())?;
    if bytes.len() != len.div_ceil(8) {
        return Err(bad());
    }
    Ok((0..len)
        .map(|i| {
            if bytes[i / 8] & (0x80 >> (i % 8)) == 0 {
                '0'
            } else {
                '1'
            }
        })
        .collect())
}

fn encode_inet(s: &str, cidr: bool, out: &mut BytesMut) -> Result<(), PgError> {
    let bad = || format!("{s:?} is not an IP address or network (e.g. 10.0.0.1, 10.0.0.0/8)");
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b.parse::<u8>().map_err(|_| bad())?)),
        None => (s, None),
    };
    let addr: IpAddr = addr.parse().map_err(|_| bad())?;
    let (family, max, octets): (u8, u8, Vec<u8>) = match addr {
        IpAddr::V4(a) => (AF_INET, 32, a.octets().to_vec()),
        IpAddr::V6(a) => (AF_INET6, 128, a.octets().to_vec()),
    };
    let bits = bits.unwrap_or(max);
    if bits > max {
        return Err(bad().into());
    }
    out.put_u8(family);
    out.put_u8(bits);
    out.put_u8(u8::from(cidr));
    out.put_u8(octets.len() as u8);
    out.put_slice(&octets);
    Ok(())
}

/// PostgreSQL's text form: the address, with `/bits` unless it is a single host
/// of an `inet` (a `cidr` always shows its prefix length).
fn decode_inet(raw: &[u8]) -> Result<String, Cow<'static, str>> {
    let bad = || Cow::Borrowed("a malformed inet value");
    let [family, bits, is_cidr, n, addr @ ..] = raw else {
        return Err(bad());
    };
    if usize::from(*n) != addr.len() {
        return Err(bad());
    }
    let (ip, max) = match (*family, addr.len()) {
        (AF_INET, 4) => (
            IpAddr::V4(Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3])),
            32,
        ),
        (AF_INET6, 16) => {
            let mut a = [0u8; 16];
            a.copy_from_slice(addr);
            (IpAddr::V6(Ipv6Addr::from(a)), 128)
        }
        _ => return Err(bad()),
    };
    Ok(if *bits == max && *is_cidr == 0 {
        ip.to_string()
    } else {
        format!("{ip}/{bits}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(ty: &Type, s: &str) -> String {
        let mut buf = BytesMut::new();
        encode(s, ty, &mut buf).unwrap();
        decode(ty, &buf).unwrap().into_owned()
    }

    #[test]
    fn bits_round_trip() {
        for s in ["", "0", "1", "10101010", "101010101", "0000000000000001"] {
            assert_eq!(round_trip(&Type::VARBIT, s), s);
        }
        let mut buf = BytesMut::new();
        encode("101", &Type::BIT, &mut buf).unwrap();
        assert_eq!(&buf[..], &[0, 0, 0, 3, 0b1010_0000]);
        assert!(encode("102", &Type::BIT, &mut buf).is_err());
    }

    #[test]
    fn inet_round_trip() {
        for s in [
            "10.0.0.1",
            "10.0.0.0/8",
            "::1",
            "2001:db8::1/64",
            "0.0.0.0/0",
        ] {
            assert_eq!(round_trip(&Type::INET, s), s);
        }
        assert_eq!(round_trip(&Type::CIDR, "10.0.0.0/32"), "10.0.0.0/32");
        let mut buf = BytesMut::new();
        encode("10.0.0.1/8", &Type::INET, &mut buf).unwrap();
        assert_eq!(&buf[..], &[2, 8, 0, 4, 10, 0, 0, 1]);
        assert!(encode("10.0.0.1/33", &Type::INET, &mut buf).is_err());
        assert!(encode("nope", &Type::INET, &mut buf).is_err());
    }
}
