//! PostgreSQL's binary `NUMERIC` format: a header (digit count, weight, sign, display
//! scale) followed by base-10000 digits, most significant first.

use super::*;

const POS: u16 = 0x0000;
const NEG: u16 = 0x4000;
const NAN: u16 = 0xC000;
const PINF: u16 = 0xD000;
const NINF: u16 = 0xF000;

/// Encodes `d` exactly.
pub fn encode(d: &BigDecimal, out: &mut BytesMut) -> Result<(), PgError> {
    let (int, scale) = d.as_bigint_and_scale();
    let mut digits = int.magnitude().to_str_radix(10);
    let scale = if scale < 0 {
        digits.extend(std::iter::repeat_n('0', usize::try_from(-scale)?));
        0usize
    } else {
        usize::try_from(scale)?
    };
    let (int_part, frac_part) = if digits.len() > scale {
        let (a, b) = digits.split_at(digits.len() - scale);
        (a.to_owned(), b.to_owned())
    } else {
        (String::new(), "0".repeat(scale - digits.len()) + &digits)
    };
    let mut groups: Vec<i16> = Vec::with_capacity(int_part.len() / 4 + frac_part.len() / 4 + 2);
    let lead = (4 - int_part.len() % 4) % 4;
    let padded_int = "0".repeat(lead) + &int_part;
    for chunk in padded_int.as_bytes().chunks(4) {
        groups.push(group(chunk));
    }
    let mut weight = i64::try_from(groups.len())? - 1;
    let trail = (4 - frac_part.len() % 4) % 4;
    let padded_frac = frac_part + &"0".repeat(trail);
    for chunk in padded_frac.as_bytes().chunks(4) {
        groups.push(group(chunk));
    }
    let leading_zeros = groups.iter().take_while(|&&g| g == 0).count();
    groups.drain(..leading_zeros);
    weight -= i64::try_from(leading_zeros)?;
    while groups.last() == Some(&0) {
        groups.pop();
    }
    let sign = if groups.is_empty() {
        weight = 0;
        POS
    } else if int.sign() == Sign::Minus {
        NEG
    } else {
        POS
    };
    let dscale = u16::try_from(scale)
        .ok()
        .filter(|s| *s <= 0x3FFF)
        .ok_or("NUMERIC scale too large")?;
    out.put_i16(i16::try_from(groups.len()).map_err(|_| "NUMERIC value too large")?);
    out.put_i16(i16::try_from(weight).map_err(|_| "NUMERIC value out of range")?);
    out.put_u16(sign);
    out.put_u16(dscale);
    for g in groups {
        out.put_i16(g);
    }
    Ok(())
}

fn group(chunk: &[u8]) -> i16 {
    chunk
        .iter()
        .fold(0i16, |acc, d| acc * 10 + i16::from(d - b'0'))
}

/// Decodes a binary `NUMERIC`; NaN and infinities are errors (a `BigDecimal` cannot
/// hold them).
pub fn decode(raw: &[u8]) -> Result<BigDecimal, String> {
    let rd = |i: usize| -> Result<u16, String> {
        raw.get(i..i + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "truncated NUMERIC".to_owned())
    };
    let ndigits = rd(0)? as i16;
    let weight = i64::from(rd(2)? as i16);
    let sign = rd(4)?;
    let dscale = i64::from(rd(6)?);
    match sign {
        NAN => return Err("NUMERIC NaN (not representable as BigDecimal)".into()),
        PINF => return Err("NUMERIC Infinity (not representable as BigDecimal)".into()),
        NINF => return Err("NUMERIC -Infinity (not representable as BigDecimal)".into()),
        POS | NEG => {}
        other => return Err(format!("NUMERIC with unknown sign {other:#x}")),
    }
    let n = usize::try_from(ndigits).map_err(|_| "NUMERIC with negative digit count".to_owned())?;
    if n == 0 {
        return Ok(BigDecimal::new(BigInt::from(0), dscale));
    }
    let mut text = String::with_capacity(n * 4);
    for i in 0..n {
        let g = rd(8 + 2 * i)?;
        if g > 9999 {
            return Err("NUMERIC digit out of range".into());
        }
        text.push_str(&format!("{g:04}"));
    }
    let mut int = BigInt::parse_bytes(text.as_bytes(), 10).ok_or("NUMERIC digits")?;
    if sign == NEG {
        int = -int;
    }
    let exp = 4 * (weight - (n as i64 - 1));
    Ok(BigDecimal::new(int, -exp).with_scale(dscale))
}
