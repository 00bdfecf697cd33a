//! The Default and Fast f32 tiers on every f32 input, every instruction-set
//! path this CPU has: each tier's ULP bound, monotonicity where the tier
//! promises it, range, NaN/finite rules, special values, and tail == body (an
//! element's result does not depend on where it lies in a slice). How many
//! results differ from the AVX2 path's is reported, not asserted: only the
//! exact tier promises bit-identical results across paths. (The default tier
//! performs the same IEEE operations on every path and has measured no
//! difference; the fast tier's σ and σ′ run their own algorithm on AVX-512.)
//!
//! Errors are measured against the exact tier (≤ 0.5 ULP but for a handful of
//! near-ties, i.e. within 0.5 + 2^-16 ULP, checked in `exhaustive_f32.rs`):
//! where a result has the exact tier's bits its error is at most that; every
//! other result is measured against the crate's f64 function (relative error
//! below 2^-50, 2^-27 of an f32 ULP).
//!
//! `cargo test` checks every 4099th bit pattern on every path; the full 2^32
//! run (on the best path; every path with `SIGMOID_PROOF_ALL_PATHS=1`, or those
//! named in `SIGMOID_PROOF_PATHS`) and a 1/61 stride on the other paths are
//! `#[ignore]`d and run in release by `scripts/prove.sh` (and so by `.ci/run`):
//! `cargo test --release -p sigmoid --test exhaustive_tiers -- --ignored --nocapture`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use sigmoid::{Accuracy, Function, Isa, Kernels};

/// One function under test, with each tier's promises.
struct Case {
    function: Function,
    reference: fn(f64) -> f64,
    /// Maximum error in ULPs: (Default, Fast).
    bound: (f64, f64),
    /// Order with x: +1 non-decreasing, −1 non-increasing in |x| (σ'), 0 none.
    direction: i8,
    /// Monotone in the Default tier (checked over all inputs, in order).
    default_monotone: bool,
    range: (f32, f32),
}

const CASES: [Case; 5] = [
    Case {
        function: Function::Sigmoid,
        reference: sigmoid::sigmoid::<f64>,
        bound: (1.0, 4.0),
        direction: 1,
        default_monotone: true,
        range: (0.0, 1.0),
    },
    Case {
        function: Function::SigmoidDerivative,
        reference: sigmoid::sigmoid_derivative::<f64>,
        bound: (1.0, 4.0),
        direction: -1,
        default_monotone: false,
        range: (0.0, 0.25),
    },
    Case {
        function: Function::LogSigmoid,
        reference: sigmoid::log_sigmoid::<f64>,
        bound: (1.0, 4.0),
        direction: 1,
        default_monotone: false,
        range: (f32::NEG_INFINITY, 0.0),
    },
    Case {
        function: Function::Softplus,
        reference: sigmoid::softplus::<f64>,
        bound: (1.0, 4.0),
        direction: 1,
        default_monotone: false,
        range: (0.0, f32::INFINITY),
    },
    Case {
        function: Function::Tanh,
        reference: sigmoid::tanh::<f64>,
        bound: (1.0, 4.0),
        direction: 1,
        default_monotone: true,
        range: (-1.0, 1.0),
    },
];

const TIERS: [Accuracy; 2] = [Accuracy::Default, Accuracy::Fast];

/// The spacing of f32 just below |r| (2^-149 in the subnormal range): errors
/// are never under-reported at a power of two.
fn f32_ulp_below(r: f64) -> f64 {
    let a = r.abs();
    if a < f64::from(f32::MIN_POSITIVE) {
        return 2f64.powi(-149);
    }
    let bits = a.to_bits();
    let exponent = (bits >> 52) as i64 - 1023;
    let spacing = f64::from_bits(((exponent - 23 + 1023) as u64) << 52);
    if bits & ((1u64 << 52) - 1) == 0 {
        spacing / 2.0
    } else {
        spacing
    }
}

/// What one (function, tier, path) did over the inputs seen so far.
#[derive(Clone, Debug, Default)]
struct Tally {
    max_ulps: f64,
    worst_x: f32,
    /// Order reversals between consecutive inputs (bit order within a sign).
    reversals: u64,
    first_reversal: Option<f32>,
    /// Largest |x| > 0 where the result is ±1 but the correctly rounded one is not.
    early_one_from: Option<f32>,
    /// Results that differ from the AVX2 path's (other paths) bit for bit.
    differs_from_avx2: u64,
    /// Results that differ when computed at another position in the slice.
    position_dependent: u64,
    violations: Vec<String>,
    /// (chunk, first, last) non-NaN results of each chunk.
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
        self.reversals += other.reversals;
        self.first_reversal = self.first_reversal.or(other.first_reversal);
        self.early_one_from = match (self.early_one_from, other.early_one_from) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.differs_from_avx2 += other.differs_from_avx2;
        self.position_dependent += other.position_dependent;
        for v in other.violations {
            self.violation(v);
        }
        self.ends.extend(other.ends);
    }
}

fn check_chunk(
    case: &Case,
    chunk: u64,
    input: &[f32],
    output: &[f32],
    exact: &[f32],
    tally: &mut Tally,
) {
    let name = case.function.name();
    let mut previous: Option<f32> = None;
    let mut first = None;
    // Bits increase with x for positive inputs and with −x for negative ones.
    let descending = match case.direction {
        -1 => true,
        _ => input[0].is_sign_negative(),
    };
    for ((&x, &y), &e) in input.iter().zip(output).zip(exact) {
        if x.is_nan() {
            if !y.is_nan() {
                tally.violation(format!("{name}({x}) = {y}, expected NaN"));
            }
            continue;
        }
        if y.is_nan() {
            tally.violation(format!("{name}({x:e}) = NaN"));
            continue;
        }
        if x.is_finite() && y.is_infinite() {
            tally.violation(format!("{name}({x:e}) = {y} from a finite input"));
        }
        if y.to_bits() != e.to_bits() {
            let r = (case.reference)(f64::from(x));
            if r.is_infinite() || y.is_infinite() {
                if f64::from(y) != r {
                    tally.violation(format!("{name}({x:e}) = {y:e}, expected {r:e}"));
                }
            } else {
                let ulps = (f64::from(y) - r).abs() / f32_ulp_below(r);
                if ulps > tally.max_ulps {
                    tally.max_ulps = ulps;
                    tally.worst_x = x;
                }
                if y.abs() == 1.0 && (r as f32).abs() < 1.0 {
                    let a = x.abs();
                    tally.early_one_from = Some(tally.early_one_from.map_or(a, |b| b.min(a)));
                }
            }
        }
        if !(y >= case.range.0 && y <= case.range.1) {
            tally.violation(format!("{name}({x:e}) = {y:e} outside {:?}", case.range));
        }
        if let Some(p) = previous {
            let ordered = if descending { y <= p } else { y >= p };
            if case.direction != 0 && !ordered {
                tally.reversals += 1;
                tally.first_reversal.get_or_insert(x);
            }
        }
        previous = Some(y);
        first.get_or_insert(y);
    }
    if let (Some(first), Some(last)) = (first, previous) {
        tally.ends.push((chunk, first, last));
    }
}

/// Counts order reversals across chunk boundaries (chunks are in bit order).
fn check_chunk_ends(case: &Case, tally: &mut Tally) {
    let mut ends = std::mem::take(&mut tally.ends);
    ends.sort_by_key(|e| e.0);
    for pair in ends.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let negative = a.0 >= 1 << 15;
        if negative != (b.0 >= 1 << 15) || case.direction == 0 {
            continue;
        }
        let descending = case.direction == -1 || negative;
        let ordered = if descending { b.1 <= a.2 } else { b.1 >= a.2 };
        if !ordered {
            tally.reversals += 1;
        }
    }
}

/// Every function, both tiers, on `paths`, over the bit patterns `0, stride, 2·stride, …`.
fn run(stride: u64, paths: &[Isa]) {
    let combos: Vec<(Accuracy, Isa)> = TIERS
        .iter()
        .flat_map(|&tier| paths.iter().map(move |&isa| (tier, isa)))
        .collect();
    let kernels: Vec<Kernels> = combos
        .iter()
        .map(|&(tier, isa)| Kernels::with_isa(isa, tier).expect("an available path"))
        .collect();
    let exact = Kernels::new(Accuracy::Exact);
    let started = Instant::now();
    let tallies = Mutex::new(vec![vec![Tally::default(); combos.len()]; CASES.len()]);
    let next_chunk = AtomicU64::new(0);
    const CHUNKS: u64 = 1 << 16;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                let mut local = vec![vec![Tally::default(); combos.len()]; CASES.len()];
                let mut input = Vec::with_capacity(1 << 16);
                let mut reference = Vec::new();
                let mut outputs: Vec<Vec<f32>> = vec![Vec::new(); combos.len()];
                let mut shifted = Vec::new();
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
                    let n = input.len();
                    reference.resize(n, 0.0);
                    shifted.resize(n, 0.0);
                    for (c, case) in CASES.iter().enumerate() {
                        exact.apply(case.function, &input, &mut reference);
                        for (k, kernel) in kernels.iter().enumerate() {
                            outputs[k].resize(n, 0.0);
                            kernel.apply(case.function, &input, &mut outputs[k]);
                            check_chunk(
                                case,
                                chunk,
                                &input,
                                &outputs[k],
                                &reference,
                                &mut local[c][k],
                            );
                            // Tail == body: the same inputs one element later in
                            // a slice (other alignment, other ragged tail).
                            let skip = 1 + (chunk as usize % 7).min(n - 1);
                            kernel.apply(case.function, &input[skip..], &mut shifted[skip..]);
                            local[c][k].position_dependent += outputs[k][skip..]
                                .iter()
                                .zip(&shifted[skip..])
                                .filter(|(a, b)| a.to_bits() != b.to_bits())
                                .count()
                                as u64;
                        }
                        for (k, &(tier, isa)) in combos.iter().enumerate() {
                            if isa == Isa::Avx2 {
                                continue;
                            }
                            if let Some(a) = combos.iter().position(|&c| c == (tier, Isa::Avx2)) {
                                local[c][k].differs_from_avx2 += outputs[a]
                                    .iter()
                                    .zip(&outputs[k])
                                    .filter(|(x, y)| x.to_bits() != y.to_bits())
                                    .count()
                                    as u64;
                            }
                        }
                    }
                }
                let mut all = tallies.lock().expect("no panics while locked");
                for (c, row) in local.into_iter().enumerate() {
                    for (k, tally) in row.into_iter().enumerate() {
                        all[c][k].merge(tally);
                    }
                }
            });
        }
    });
    let mut tallies = tallies.into_inner().expect("no panics while locked");
    println!(
        "{} f32 inputs (stride {stride}), {} tier×path combinations, {:.1} s",
        (1u64 << 32).div_ceil(stride),
        combos.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "{:<20} {:<8} {:<9} {:>9} {:>16} {:>10} {:>16} {:>7} {:>9}",
        "function",
        "tier",
        "path",
        "max ULP",
        "at x",
        "reversals",
        "±1 from |x| =",
        "≠ avx2",
        "position"
    );
    let mut failures = Vec::new();
    for (c, case) in CASES.iter().enumerate() {
        for (k, &(tier, isa)) in combos.iter().enumerate() {
            let tally = &mut tallies[c][k];
            check_chunk_ends(case, tally);
            let name = case.function.name();
            println!(
                "{:<20} {:<8} {:<9} {:>9.4} {:>16e} {:>10} {:>16} {:>7} {:>9}",
                name,
                tier.name(),
                isa.name(),
                tally.max_ulps,
                tally.worst_x,
                tally.reversals,
                tally
                    .early_one_from
                    .map_or("-".to_owned(), |x| format!("{x:e}")),
                if isa == Isa::Avx2 {
                    "-".to_owned()
                } else {
                    tally.differs_from_avx2.to_string()
                },
                tally.position_dependent
            );
            let bound = if tier == Accuracy::Default {
                case.bound.0
            } else {
                case.bound.1
            };
            let at = format!("{name} {} on {}", tier.name(), isa.name());
            if tally.max_ulps > bound {
                failures.push(format!(
                    "{at}: {:.4} ULP at x = {:e} (bound {bound})",
                    tally.max_ulps, tally.worst_x
                ));
            }
            if tier == Accuracy::Default && case.default_monotone && tally.reversals > 0 {
                failures.push(format!(
                    "{at}: {} order reversals, first at x = {:?}",
                    tally.reversals, tally.first_reversal
                ));
            }
            if tier == Accuracy::Default && tally.early_one_from.is_some() {
                failures.push(format!(
                    "{at}: ±1 early from |x| = {:?}",
                    tally.early_one_from
                ));
            }
            if tally.position_dependent > 0 {
                failures.push(format!(
                    "{at}: {} results depend on the position in the slice",
                    tally.position_dependent
                ));
            }
            for v in &tally.violations {
                failures.push(format!("{at}: {v}"));
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
fn every_4099th_f32_input() {
    run(4099, &Isa::available());
}

/// The proof: every input on the best path this CPU runs (the one the crate
/// uses), on every path with `SIGMOID_PROOF_ALL_PATHS=1`, or on the paths
/// named in `SIGMOID_PROOF_PATHS` (say `avx2,avx512`; those this CPU lacks
/// are skipped). The portable path computes its fused multiply-adds through
/// libm's `fmaf` on CPUs without FMA, about 20 times slower: all 2^32 inputs
/// there would take most of CI's hour, so by default it gets every 61st
/// input ([`every_61st_f32_input_on_the_other_paths`]).
#[test]
#[ignore = "all 2^32 inputs: run in release (scripts/prove.sh)"]
fn every_f32_input() {
    run(1, &proof_paths());
}

/// The paths [`every_f32_input`] proves (see there).
fn proof_paths() -> Vec<Isa> {
    if std::env::var_os("SIGMOID_PROOF_ALL_PATHS").is_some() {
        return Isa::available();
    }
    match std::env::var("SIGMOID_PROOF_PATHS") {
        Ok(names) => names
            .split(',')
            .map(|name| {
                name.parse::<Isa>()
                    .unwrap_or_else(|e| panic!("SIGMOID_PROOF_PATHS: {e}"))
            })
            .filter(|isa| isa.is_available())
            .collect(),
        Err(_) => vec![Isa::best()],
    }
}

#[test]
#[ignore = "a 1/61 stride of all inputs: run in release (scripts/prove.sh)"]
fn every_61st_f32_input_on_the_other_paths() {
    let proven = proof_paths();
    let others: Vec<Isa> = Isa::available()
        .into_iter()
        .filter(|isa| !proven.contains(isa))
        .collect();
    if !others.is_empty() {
        run(61, &others);
    }
}

/// The special values of each contract, bit for bit, on every tier and path.
#[test]
fn special_values_on_every_tier_and_path() {
    let inf = f32::INFINITY;
    let ln2 = core::f32::consts::LN_2;
    let cases: [(Function, f32, f32); 20] = [
        (Function::Sigmoid, 0.0, 0.5),
        (Function::Sigmoid, -0.0, 0.5),
        (Function::Sigmoid, inf, 1.0),
        (Function::Sigmoid, -inf, 0.0),
        (Function::SigmoidDerivative, 0.0, 0.25),
        (Function::SigmoidDerivative, -0.0, 0.25),
        (Function::SigmoidDerivative, inf, 0.0),
        (Function::SigmoidDerivative, -inf, 0.0),
        (Function::Softplus, 0.0, ln2),
        (Function::Softplus, -0.0, ln2),
        (Function::Softplus, inf, inf),
        (Function::Softplus, -inf, 0.0),
        (Function::LogSigmoid, 0.0, -ln2),
        (Function::LogSigmoid, -0.0, -ln2),
        (Function::LogSigmoid, inf, -0.0),
        (Function::LogSigmoid, -inf, -inf),
        (Function::Tanh, 0.0, 0.0),
        (Function::Tanh, -0.0, -0.0),
        (Function::Tanh, inf, 1.0),
        (Function::Tanh, -inf, -1.0),
    ];
    for tier in TIERS {
        for isa in Isa::available() {
            let kernels = Kernels::with_isa(isa, tier).expect("an available path");
            for (function, x, want) in cases {
                let mut y = [0.0_f32];
                kernels.apply(function, &[x], &mut y);
                assert_eq!(
                    y[0].to_bits(),
                    want.to_bits(),
                    "{function}({x}) = {:e} on {} {}, want {want:e}",
                    y[0],
                    tier.name(),
                    isa.name()
                );
                kernels.apply(function, &[f32::NAN], &mut y);
                assert!(
                    y[0].is_nan(),
                    "{function}(NaN) on {} {}",
                    tier.name(),
                    isa.name()
                );
            }
        }
    }
}

/// The default tier does not saturate early and does not flush: σ(x) < 1 up to
/// 17.3287 (the last f32 whose correctly rounded σ is below 1) and σ(x) > 0
/// down to −103.97; the fast tier keeps gradual underflow too.
#[test]
fn full_range_of_sigmoid() {
    let last_below_one = f32::from_bits(0x418a_a0ab); // 17.328451
    for isa in Isa::available() {
        for tier in TIERS {
            let kernels = Kernels::with_isa(isa, tier).expect("an available path");
            let input = [last_below_one, -103.97, -100.0, -88.0, 17.3288, -103.98];
            let mut y = [0.0_f32; 6];
            kernels.apply(Function::Sigmoid, &input, &mut y);
            let at = format!("{} {}: {y:?}", tier.name(), isa.name());
            if tier == Accuracy::Default {
                assert!(y[0] < 1.0, "{at}");
            }
            assert!(y[1..4].iter().all(|&v| v > 0.0), "{at}");
            assert!(y[1] < f32::MIN_POSITIVE, "σ(-103.97) is subnormal: {at}");
            assert_eq!(y[4], 1.0, "{at}");
            assert_eq!(y[5], 0.0, "{at}");
        }
    }
}
