//! Criterion benchmarks of the slice kernels, for development: the cases of
//! `sigmoid bench` (copy, ReLU, the naive formula, σ, tanh, the backward pass,
//! log σ) at an in-cache and a DRAM-sized length, σ on every available path,
//! f64, and the parallel variant.
//!
//! `cargo bench -p sigmoid --bench kernels -- sigmoid/16K` runs one group.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sigmoid::{Accuracy, Function, Isa, Kernels};

const SIZES: [(usize, &str); 2] = [(16 << 10, "16K"), (4 << 20, "4M")];

fn inputs(n: usize) -> Vec<f32> {
    (0..n)
        .map(|i| ((i as u64 * 2_654_435_761) % 40_000) as f32 * 1e-3 - 20.0)
        .collect()
}

fn f32_cases(c: &mut Criterion) {
    for (n, label) in SIZES {
        let x = inputs(n);
        let mut y = vec![0.0_f32; n];
        sigmoid::sigmoid_slice(&x, &mut y);
        let dy: Vec<f32> = x.iter().map(|v| v * 0.05).collect();
        let mut out = vec![0.0_f32; n];
        let mut group = c.benchmark_group(format!("f32/{label}"));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function("copy", |b| b.iter(|| out.copy_from_slice(black_box(&x))));
        group.bench_function("relu", |b| {
            b.iter(|| sigmoid::relu_slice(black_box(&x), &mut out))
        });
        group.bench_function("naive", |b| {
            b.iter(|| {
                for (o, &v) in out.iter_mut().zip(black_box(&x)) {
                    *o = 1.0 / (1.0 + (-v).exp());
                }
            })
        });
        group.bench_function("sigmoid", |b| {
            b.iter(|| sigmoid::sigmoid_slice(black_box(&x), &mut out))
        });
        group.bench_function("tanh", |b| {
            b.iter(|| sigmoid::tanh_slice(black_box(&x), &mut out))
        });
        group.bench_function("backward", |b| {
            b.iter(|| sigmoid::sigmoid_backward_slice(black_box(&y), &dy, &mut out))
        });
        group.bench_function("log_sigmoid", |b| {
            b.iter(|| sigmoid::log_sigmoid_slice(black_box(&x), &mut out))
        });
        group.bench_function("par_sigmoid", |b| {
            b.iter(|| sigmoid::par_sigmoid_slice(black_box(&x), &mut out))
        });
        group.finish();
    }
}

fn sigmoid_per_path(c: &mut Criterion) {
    let n = 16 << 10;
    let x = inputs(n);
    let mut out = vec![0.0_f32; n];
    let mut group = c.benchmark_group("sigmoid_path/16K");
    group.throughput(Throughput::Elements(n as u64));
    for isa in Isa::available() {
        for accuracy in Accuracy::ALL {
            let kernels = Kernels::with_isa(isa, accuracy).expect("an available path");
            for op in [
                Function::Sigmoid,
                Function::SigmoidDerivative,
                Function::Softplus,
            ] {
                let id = BenchmarkId::new(format!("{op}/{accuracy}"), isa.name());
                group.bench_function(id, |b| {
                    b.iter(|| kernels.apply(op, black_box(&x), &mut out))
                });
            }
        }
    }
    group.finish();
}

fn f64_cases(c: &mut Criterion) {
    let n = 16 << 10;
    let x: Vec<f64> = inputs(n).into_iter().map(f64::from).collect();
    let mut out = vec![0.0_f64; n];
    let mut group = c.benchmark_group("f64/16K");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("relu", |b| {
        b.iter(|| sigmoid::relu_slice(black_box(&x), &mut out))
    });
    group.bench_function("sigmoid", |b| {
        b.iter(|| sigmoid::sigmoid_slice(black_box(&x), &mut out))
    });
    group.bench_function("log_sigmoid", |b| {
        b.iter(|| sigmoid::log_sigmoid_slice(black_box(&x), &mut out))
    });
    group.finish();
}

/// f16 and bf16 slices (widened to f32 in registers, in blocks) against the
/// obvious loop that converts each element to f32 and back around the f32 σ.
fn half_cases(c: &mut Criterion) {
    use half::{bf16, f16};
    let n = 16 * 1024;
    let x16: Vec<f16> = inputs(n).into_iter().map(f16::from_f32).collect();
    let xb: Vec<bf16> = inputs(n).into_iter().map(bf16::from_f32).collect();
    let mut out16 = vec![f16::ZERO; n];
    let mut outb = vec![bf16::ZERO; n];
    let mut group = c.benchmark_group("half/16K");
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("f16_sigmoid_slice", |b| {
        b.iter(|| sigmoid::sigmoid_slice(black_box(&x16), &mut out16))
    });
    group.bench_function("f16_elementwise_via_f32", |b| {
        b.iter(|| {
            for (y, &x) in out16.iter_mut().zip(black_box(&x16)) {
                *y = f16::from_f32(sigmoid::sigmoid(x.to_f32()));
            }
        })
    });
    group.bench_function("bf16_sigmoid_slice", |b| {
        b.iter(|| sigmoid::sigmoid_slice(black_box(&xb), &mut outb))
    });
    group.bench_function("bf16_elementwise_via_f32", |b| {
        b.iter(|| {
            for (y, &x) in outb.iter_mut().zip(black_box(&xb)) {
                *y = bf16::from_f32(sigmoid::sigmoid(x.to_f32()));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, f32_cases, sigmoid_per_path, f64_cases, half_cases);
criterion_main!(benches);
