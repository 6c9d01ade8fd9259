//! The formatter's round trip: a schema that formats formats again to the
//! same text (idempotence), and formatting changes neither whether the
//! schema is valid nor, when it is, its checked IR (spans aside).
#![no_main]

use libfuzzer_sys::fuzz_target;
use ormgen_schema::format::format_schema;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(once) = format_schema(source) else {
        return;
    };
    let twice = format_schema(&once)
        .unwrap_or_else(|d| panic!("the formatted text does not parse: {d:?}\n{once}"));
    assert_eq!(once, twice, "formatting is not idempotent");
    let before = ormgen_schema::parse_and_validate("before.prisma", source);
    let after = ormgen_schema::parse_and_validate("after.prisma", &once);
    match (before, after) {
        (Ok((a, _)), Ok((b, _))) => assert!(
            a.without_spans() == b.without_spans(),
            "formatting changed the IR\n--- formatted:\n{once}"
        ),
        (Err(_), Err(_)) => {}
        (a, b) => panic!(
            "formatting changed validity ({} before, {} after)\n--- formatted:\n{once}",
            a.is_ok(),
            b.is_ok()
        ),
    }
});
