//! What the store baselines print: a timing's median and 99th percentile.

/// One line: `name n=… p50=… ms p99=… ms`.
pub fn report(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(|a, b| a.total_cmp(b));
    let p = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<16} n={:<5} p50={:>7.2} ms  p99={:>7.2} ms",
        ms.len(),
        p(0.5),
        p(0.99)
    );
}
