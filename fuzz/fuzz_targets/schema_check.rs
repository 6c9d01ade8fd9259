//! The schema front end on arbitrary text: parsing, validation and the
//! rendering of every diagnostic must never panic, and every diagnostic's
//! span must lie inside the source (the renderer slices by it).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let (_schema, diagnostics) = ormgen_schema::check(source);
    for d in &diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end <= source.len(),
            "span {:?} outside a source of {} bytes",
            d.span,
            source.len()
        );
    }
    if let Err(all) = ormgen_schema::parse_and_validate("fuzz.prisma", source) {
        let _ = all.render(false);
    }
});
