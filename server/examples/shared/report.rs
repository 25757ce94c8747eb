//! What the benchmarks' examples print: a timing's median and percentiles. Each example
//! includes this file and uses the part it needs.
#![allow(dead_code)]

fn at(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

/// One line: `name n=… p50=… ms p99=… ms`.
pub fn report(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{name:<16} n={:<5} p50={:>7.2} ms  p99={:>7.2} ms",
        ms.len(),
        at(&ms, 0.5),
        at(&ms, 0.99)
    );
}

/// One line: `p50=… p90=… p99=… p99.9=… max=…` in milliseconds.
pub fn percentiles(mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "p50={:.2} p90={:.2} p99={:.2} p99.9={:.2} max={:.2}",
        at(&ms, 0.5),
        at(&ms, 0.9),
        at(&ms, 0.99),
        at(&ms, 0.999),
        ms[ms.len() - 1]
    );
}
