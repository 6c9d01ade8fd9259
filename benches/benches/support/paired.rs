//! The paired measurement the comparison benches share: two contenders run
//! alternately in chunks (the order flips every round), so drift of the
//! machine hits both alike; the medians and their ratio are reported.

use std::time::Instant;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Runs `a` and `b` alternately, `chunk` operations at a time, for `rounds` rounds
/// (the order flips every round); returns the median ns/op of each.
pub fn paired(rounds: usize, chunk: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64) {
    let (mut ta, mut tb) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..chunk {
            f();
        }
        start.elapsed().as_nanos() as f64 / chunk as f64
    };
    for _ in 0..chunk {
        a();
        b();
    }
    for r in 0..rounds {
        if r % 2 == 0 {
            ta.push(time(&mut a));
            tb.push(time(&mut b));
        } else {
            tb.push(time(&mut b));
            ta.push(time(&mut a));
        }
    }
    (median(&mut ta), median(&mut tb))
}

pub fn report(name: &str, (ormgen, bare): (f64, f64)) {
    println!(
        "{name:<32} bare {:>10.2} µs   ormgen {:>10.2} µs   ratio {:.3}",
        bare / 1e3,
        ormgen / 1e3,
        ormgen / bare
    );
}
