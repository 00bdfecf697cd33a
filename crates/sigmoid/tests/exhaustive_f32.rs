//! Every f32 input, every function that takes one f32, every SIMD path: the
//! exact tier ([`Accuracy::Exact`]) and the scalar functions.
//!
//! Each result is compared with the crate's f64 function (itself checked
//! against 192-bit arithmetic in `accuracy_f64.rs`; its relative error is
//! below 2^-50, i.e. 2^-27 of an f32 ULP), and the contracts (range,
//! monotonicity, finiteness, special values) are checked on the way.
//!
//! `cargo test` (debug) checks every 8191st bit pattern; the full 2^32 run is
//! `#[ignore]`d and run in release by `.ci/run`:
//! `cargo test --release -p sigmoid --test exhaustive_f32 -- --ignored --nocapture`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use sigmoid::{Accuracy, Function as Unary, Isa, Kernels};

/// The exact tier's kernel on a forced path (the Default and Fast tiers are
/// proved in `exhaustive_tiers.rs`).
fn unary_f32_with(isa: Isa, op: Unary, input: &[f32], output: &mut [f32]) {
    Kernels::with_isa(isa, Accuracy::Exact)
        .expect("an available path")
        .apply(op, input, output)
}

/// One function under test.
struct Function {
    name: &'static str,
    op: Unary,
    reference: fn(f64) -> f64,
    /// Maximum error allowed, in ULPs (fractional, against the f64 reference).
    bound: f64,
    /// Non-decreasing in x (checked over all inputs, in order).
    monotone: bool,
    /// Closed range the result must lie in.
    range: (f32, f32),
}

const FUNCTIONS: [Function; 7] = [
    Function {
        name: "sigmoid",
        op: Unary::Sigmoid,
        reference: sigmoid::sigmoid::<f64>,
        bound: 1.0,
        monotone: true,
        range: (0.0, 1.0),
    },
    Function {
        name: "sigmoid_derivative",
        op: Unary::SigmoidDerivative,
        reference: sigmoid::sigmoid_derivative::<f64>,
        bound: 1.0,
        monotone: false,
        range: (0.0, 0.25),
    },
    Function {
        name: "log_sigmoid",
        op: Unary::LogSigmoid,
        reference: sigmoid::log_sigmoid::<f64>,
        bound: 1.0,
        monotone: true,
        range: (f32::NEG_INFINITY, 0.0),
    },
    Function {
        name: "softplus",
        op: Unary::Softplus,
        reference: sigmoid::softplus::<f64>,
        bound: 1.0,
        monotone: true,
        range: (0.0, f32::INFINITY),
    },
    Function {
        name: "logit",
        op: Unary::Logit,
        reference: sigmoid::logit::<f64>,
        bound: 1.0,
        monotone: true,
        range: (f32::NEG_INFINITY, f32::INFINITY),
    },
    Function {
        name: "tanh",
        op: Unary::Tanh,
        reference: sigmoid::tanh::<f64>,
        bound: 1.0,
        monotone: true,
        range: (-1.0, 1.0),
    },
    Function {
        name: "relu",
        op: Unary::Relu,
        reference: sigmoid::relu::<f64>,
        bound: 0.0,
        monotone: true,
        range: (0.0, f32::INFINITY),
    },
];

/// A way to compute the f32 functions: the scalar API or one slice-kernel path.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Path {
    Scalar,
    Kernel(Isa),
}

impl Path {
    fn name(self) -> &'static str {
        match self {
            Path::Scalar => "scalar",
            Path::Kernel(isa) => isa.name(),
        }
    }

    fn all() -> Vec<Path> {
        let mut paths = vec![Path::Scalar];
        paths.extend(Isa::available().into_iter().map(Path::Kernel));
        paths
    }

    fn compute(self, function: &Function, input: &[f32], output: &mut [f32]) {
        match self {
            Path::Kernel(isa) => unary_f32_with(isa, function.op, input, output),
            Path::Scalar => {
                let f: fn(f32) -> f32 = match function.op {
                    Unary::Sigmoid => sigmoid::sigmoid,
                    Unary::SigmoidDerivative => sigmoid::sigmoid_derivative,
                    Unary::LogSigmoid => sigmoid::log_sigmoid,
                    Unary::Softplus => sigmoid::softplus,
                    Unary::Logit => sigmoid::logit,
                    Unary::Tanh => sigmoid::tanh,
                    Unary::Relu => sigmoid::relu,
                    other => unreachable!("{other} needs a row in this table"),
                };
                for (y, &x) in output.iter_mut().zip(input) {
                    *y = f(x);
                }
            }
        }
    }
}

/// What one (function, path) pair did over the inputs seen so far.
#[derive(Clone, Debug, Default)]
struct Tally {
    max_ulps: f64,
    worst_x: f32,
    /// Results that differ from the f64 reference rounded to f32 (near-ties).
    misrounded: u64,
    /// On the AVX-512 path: results whose bits differ from the AVX2 path's.
    differs_from_avx2: u64,
    violations: Vec<String>,
    /// (first, last) non-NaN-input results of each chunk, for monotonicity across chunks.
    ends: Vec<(u64, f32, f32)>,
}

impl Tally {
    fn violation(&mut self, message: String) {
        if self.violations.len() < 20 {
            self.violations.push(message);
        }
    }

    fn merge(&mut self, other: Tally) {
        if other.max_ulps > self.max_ulps {
            self.max_ulps = other.max_ulps;
            self.worst_x = other.worst_x;
        }
        self.misrounded += other.misrounded;
        self.differs_from_avx2 += other.differs_from_avx2;
        for v in other.violations {
            self.violation(v);
        }
        self.ends.extend(other.ends);
    }
}

/// The spacing of f32 just below |r| (2^-149 in the subnormal range): errors
/// are never under-reported at a power of two.
fn f32_ulp_below(r: f64) -> f64 {
    let a = r.abs();
    if a < f64::from(f32::MIN_POSITIVE) {
        return 2f64.powi(-149);
    }
    let as_f32 = a as f32;
    // Round down to the f32 binade that contains a.
    let binade = if f64::from(as_f32) > a {
        f32::from_bits(as_f32.to_bits() - 1)
    } else {
        as_f32
    };
    let exponent = ((binade.to_bits() >> 23) & 0xff) as i32 - 127;
    let spacing = 2f64.powi(exponent - 23);
    if f64::from(binade) == 2f64.powi(exponent) && f64::from(binade) == a {
        spacing / 2.0
    } else {
        spacing
    }
}

fn check_chunk(
    function: &Function,
    chunk: u64,
    input: &[f32],
    output: &[f32],
    reference: &[f64],
    tally: &mut Tally,
) {
    let mut previous: Option<f32> = None;
    let mut first = None;
    let negative_chunk = input.first().is_some_and(|x| x.is_sign_negative());
    for ((&x, &y), &r) in input.iter().zip(output).zip(reference) {
        if x.is_nan() {
            if !y.is_nan() {
                tally.violation(format!("{}({x}) = {y}, expected NaN", function.name));
            }
            continue;
        }
        if r.is_nan() {
            if !y.is_nan() {
                tally.violation(format!("{}({x:e}) = {y:e}, expected NaN", function.name));
            }
            continue;
        }
        if y.is_nan() {
            tally.violation(format!("{}({x:e}) = NaN, expected {r:e}", function.name));
            continue;
        }
        if r.is_infinite() || y.is_infinite() {
            if f64::from(y) != r {
                tally.violation(format!("{}({x:e}) = {y:e}, expected {r:e}", function.name));
            }
        } else {
            let ulps = (f64::from(y) - r).abs() / f32_ulp_below(r);
            if ulps > tally.max_ulps {
                tally.max_ulps = ulps;
                tally.worst_x = x;
            }
            if y != r as f32 {
                tally.misrounded += 1;
            }
        }
        if x.is_finite() && y.is_infinite() && function.op != Unary::Logit {
            tally.violation(format!(
                "{}({x:e}) = {y} from a finite input",
                function.name
            ));
        }
        if !(y >= function.range.0 && y <= function.range.1) {
            tally.violation(format!(
                "{}({x:e}) = {y:e} outside {:?}",
                function.name, function.range
            ));
        }
        if function.monotone {
            if let Some(p) = previous {
                // Bits increase with x for positive inputs and decrease for negative ones.
                let ordered = if negative_chunk { y <= p } else { y >= p };
                if !ordered {
                    tally.violation(format!(
                        "{} not monotone at x = {x:e}: {p:e} then {y:e}",
                        function.name
                    ));
                }
            }
            previous = Some(y);
            first.get_or_insert(y);
        }
    }
    if let (Some(first), Some(last)) = (first, previous) {
        tally.ends.push((chunk, first, last));
    }
}

/// Checks monotonicity across chunk boundaries (chunks are in bit order).
fn check_chunk_ends(function: &Function, tally: &mut Tally) {
    let mut ends = std::mem::take(&mut tally.ends);
    ends.sort_by_key(|e| e.0);
    for pair in ends.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let same_sign = (a.0 < 1 << 15) == (b.0 < 1 << 15);
        if !same_sign {
            continue;
        }
        let negative = a.0 >= 1 << 15;
        let ordered = if negative { b.1 <= a.2 } else { b.1 >= a.2 };
        if !ordered {
            tally.violation(format!(
                "{} not monotone between chunks {} and {}",
                function.name, a.0, b.0
            ));
        }
    }
}

/// Runs every function on every path over the bit patterns `0, stride, 2·stride, ...`.
fn run(stride: u64) {
    let paths = Path::all();
    // AVX2 and AVX-512 are documented to return the same bits: compared on every input.
    let position = |isa| paths.iter().position(|&p| p == Path::Kernel(isa));
    let avx_pair = position(Isa::Avx2).zip(position(Isa::Avx512));
    let started = Instant::now();
    let tallies: Mutex<Vec<Vec<Tally>>> =
        Mutex::new(vec![vec![Tally::default(); paths.len()]; FUNCTIONS.len()]);
    let next_chunk = AtomicU64::new(0);
    const CHUNKS: u64 = 1 << 16;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut local = vec![vec![Tally::default(); paths.len()]; FUNCTIONS.len()];
                let mut input = Vec::with_capacity(1 << 16);
                let mut reference = Vec::with_capacity(1 << 16);
                let mut outputs: Vec<Vec<f32>> = vec![Vec::with_capacity(1 << 16); paths.len()];
                loop {
                    let chunk = next_chunk.fetch_add(1, Ordering::Relaxed);
                    if chunk >= CHUNKS {
                        break;
                    }
                    let begin = chunk << 16;
                    let first = begin.div_ceil(stride) * stride;
                    input.clear();
                    input.extend(
                        (first..begin + (1 << 16))
                            .step_by(stride as usize)
                            .map(|bits| f32::from_bits(bits as u32)),
                    );
                    if input.is_empty() {
                        continue;
                    }
                    for output in &mut outputs {
                        output.resize(input.len(), 0.0);
                    }
                    for (f, function) in FUNCTIONS.iter().enumerate() {
                        reference.clear();
                        reference.extend(input.iter().map(|&x| (function.reference)(f64::from(x))));
                        for (p, path) in paths.iter().enumerate() {
                            path.compute(function, &input, &mut outputs[p]);
                            check_chunk(
                                function,
                                chunk,
                                &input,
                                &outputs[p],
                                &reference,
                                &mut local[f][p],
                            );
                        }
                        if let Some((a, b)) = avx_pair {
                            local[f][b].differs_from_avx2 += outputs[a]
                                .iter()
                                .zip(&outputs[b])
                                .filter(|(x, y)| x.to_bits() != y.to_bits())
                                .count()
                                as u64;
                        }
                    }
                }
                let mut all = tallies.lock().expect("no panics while locked");
                for (f, row) in local.into_iter().enumerate() {
                    for (p, tally) in row.into_iter().enumerate() {
                        all[f][p].merge(tally);
                    }
                }
            });
        }
    });
    let mut tallies = tallies.into_inner().expect("no panics while locked");
    let inputs = (1u64 << 32).div_ceil(stride);
    println!(
        "{inputs} f32 inputs (stride {stride}), {} paths, {:.1} s",
        paths.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<20} {:<9} {:>10} {:>16} {:>12} {:>10}",
        "function", "path", "max ULP", "at x", "misrounded", "≠ avx2"
    );
    let mut failures = Vec::new();
    for (f, function) in FUNCTIONS.iter().enumerate() {
        for (p, path) in paths.iter().enumerate() {
            let tally = &mut tallies[f][p];
            check_chunk_ends(function, tally);
            let compared = *path == Path::Kernel(Isa::Avx512) && avx_pair.is_some();
            println!(
                "{:<20} {:<9} {:>10.4} {:>16e} {:>12} {:>10}",
                function.name,
                path.name(),
                tally.max_ulps,
                tally.worst_x,
                tally.misrounded,
                if compared {
                    tally.differs_from_avx2.to_string()
                } else {
                    "-".to_owned()
                }
            );
            if tally.differs_from_avx2 > 0 {
                failures.push(format!(
                    "{}: AVX-512 and AVX2 differ on {} inputs",
                    function.name, tally.differs_from_avx2
                ));
            }
            if tally.max_ulps > function.bound {
                failures.push(format!(
                    "{} on {}: {:.4} ULP at x = {:e} (bound {})",
                    function.name,
                    path.name(),
                    tally.max_ulps,
                    tally.worst_x,
                    function.bound
                ));
            }
            for v in &tally.violations {
                failures.push(format!("{} on {}: {v}", function.name, path.name()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_8191st_f32_input() {
    run(8191);
}

#[test]
#[ignore = "all 2^32 inputs: run in release (.ci/run)"]
fn every_f32_input() {
    run(1);
}

/// The special values of the contract, bit-exact, on every path.
#[test]
fn special_values_on_every_path() {
    let input = [0.0_f32, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN];
    for path in Path::all() {
        let mut out = [0.0_f32; 5];
        path.compute(&FUNCTIONS[0], &input, &mut out);
        assert_eq!(out[0], 0.5, "{path:?}");
        assert_eq!(out[1], 0.5, "{path:?}");
        assert_eq!(out[2], 1.0, "{path:?}");
        assert_eq!(out[3].to_bits(), 0, "σ(-inf) must be +0 on {path:?}");
        assert!(out[4].is_nan(), "{path:?}");
    }
}

/// No early saturation: σ(x) < 1 up to 17.3287 and > 0 down to -103.97 on every path.
#[test]
fn full_range_on_every_path() {
    let input = [16.7_f32, 17.0, 17.32, -88.0, -100.0, -103.9, 17.34, -104.0];
    for path in Path::all() {
        let mut out = [0.0_f32; 8];
        path.compute(&FUNCTIONS[0], &input, &mut out);
        assert!(out[..3].iter().all(|&y| y < 1.0), "{path:?}: {out:?}");
        assert!(out[3..6].iter().all(|&y| y > 0.0), "{path:?}: {out:?}");
        assert_eq!(out[6], 1.0, "{path:?}");
        assert_eq!(out[7], 0.0, "{path:?}");
        assert!(out[5] < f32::MIN_POSITIVE, "σ(-103.9) is subnormal");
    }
}
