//! The portable path: plain Rust over arrays of 8 lanes, which the compiler
//! vectorises for whatever the build target offers (SSE2 on baseline x86-64,
//! NEON on aarch64). `mul_add` is unfused here: without the `fma` target
//! feature `f64::mul_add` is a libm call, far slower than a multiply and an add.

#![allow(
    clippy::needless_range_loop,
    reason = "lane-wise over several arrays at once"
)]

use super::exact_f32::{EXPONENT_MASK, EXPONENT_SHIFT, TWO_POW_J_OVER_16};
use super::f64s::F64s;
use super::{Kernel, Op, f32_table, f64_table, scalar_map, scalar_map2};
use crate::Accuracy;

const LANES: usize = 8;

/// Eight f64 lanes.
#[derive(Clone, Copy)]
struct P8([f64; LANES]);

impl P8 {
    #[inline(always)]
    fn map(self, f: impl Fn(f64) -> f64) -> Self {
        P8(self.0.map(f))
    }

    #[inline(always)]
    fn zip(self, other: Self, f: impl Fn(f64, f64) -> f64) -> Self {
        let mut out = [0.0; LANES];
        for i in 0..LANES {
            out[i] = f(self.0[i], other.0[i]);
        }
        P8(out)
    }
}

impl F64s for P8 {
    #[inline(always)]
    fn splat(value: f64) -> Self {
        P8([value; LANES])
    }
    #[inline(always)]
    fn add(self, other: Self) -> Self {
        self.zip(other, |a, b| a + b)
    }
    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        self.zip(other, |a, b| a - b)
    }
    #[inline(always)]
    fn mul(self, other: Self) -> Self {
        self.zip(other, |a, b| a * b)
    }
    #[inline(always)]
    fn div(self, other: Self) -> Self {
        self.zip(other, |a, b| a / b)
    }
    #[inline(always)]
    fn mul_add(self, b: Self, c: Self) -> Self {
        let mut out = [0.0; LANES];
        for i in 0..LANES {
            out[i] = self.0[i] * b.0[i] + c.0[i];
        }
        P8(out)
    }
    #[inline(always)]
    fn neg_mul_sub(self, b: Self, c: Self) -> Self {
        let mut out = [0.0; LANES];
        for i in 0..LANES {
            out[i] = -(self.0[i] * b.0[i]) - c.0[i];
        }
        P8(out)
    }
    #[inline(always)]
    fn neg_abs(self) -> Self {
        self.map(|x| f64::from_bits(x.to_bits() | SIGN))
    }
    #[inline(always)]
    fn abs_min(self, cap: Self) -> Self {
        self.zip(cap, |x, cap| {
            let a = f64::from_bits(x.to_bits() & !SIGN);
            if a > cap { cap } else { a }
        })
    }
    #[inline(always)]
    fn complement_unless_negative(self, x: Self) -> Self {
        self.zip(x, |q, x| if x.to_bits() & SIGN != 0 { q } else { 1.0 - q })
    }
    #[inline(always)]
    fn max_or_nan(self, floor: Self) -> Self {
        self.zip(floor, |x, floor| if x < floor { floor } else { x })
    }
    #[inline(always)]
    fn with_sign_of(self, sign: Self) -> Self {
        self.zip(sign, |x, s| {
            f64::from_bits((x.to_bits() & !SIGN) | (s.to_bits() & SIGN))
        })
    }
    #[inline(always)]
    fn select_by_sign(sign: Self, if_negative: Self, otherwise: Self) -> Self {
        let mut out = [0.0; LANES];
        for i in 0..LANES {
            out[i] = if sign.0[i].to_bits() & SIGN != 0 {
                if_negative.0[i]
            } else {
                otherwise.0[i]
            };
        }
        P8(out)
    }
    #[inline(always)]
    fn select_gt(self, bound: Self, if_greater: Self, otherwise: Self) -> Self {
        let mut out = [0.0; LANES];
        for i in 0..LANES {
            out[i] = if self.0[i] > bound.0[i] {
                if_greater.0[i]
            } else {
                otherwise.0[i]
            };
        }
        P8(out)
    }
    #[inline(always)]
    fn exp2_scale(self) -> Self {
        self.map(|z| {
            let bits = z.to_bits();
            let k = (bits << EXPONENT_SHIFT) & EXPONENT_MASK;
            f64::from_bits(TWO_POW_J_OVER_16[(bits & 15) as usize].wrapping_add(k))
        })
    }
    #[inline(always)]
    fn fma(self, b: Self, c: Self) -> Self {
        let mut out = [0.0; LANES];
        for i in 0..LANES {
            out[i] = self.0[i].mul_add(b.0[i], c.0[i]);
        }
        P8(out)
    }
    #[inline(always)]
    fn fnma(self, b: Self, c: Self) -> Self {
        let mut out = [0.0; LANES];
        for i in 0..LANES {
            out[i] = (-self.0[i]).mul_add(b.0[i], c.0[i]);
        }
        P8(out)
    }
    #[inline(always)]
    fn neg(self) -> Self {
        self.map(|x| -x)
    }
    #[inline(always)]
    fn keep_gt(self, bound: Self, value: Self) -> Self {
        let mut out = [0.0; LANES];
        for i in 0..LANES {
            out[i] = if self.0[i] > bound.0[i] {
                value.0[i]
            } else {
                0.0
            };
        }
        P8(out)
    }
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        self.zip(other, |a, b| if a > b { a } else { b })
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        self.zip(other, |a, b| if a < b { a } else { b })
    }
    #[inline(always)]
    fn select_by_parity(self, even: f64, odd: f64) -> Self {
        self.map(|z| if z.to_bits() & 1 == 0 { even } else { odd })
    }
    #[inline(always)]
    fn pow2_half_n_biased(self) -> Self {
        self.map(|z| {
            let k = (z.to_bits() >> 1) << 52;
            f64::from_bits(k.wrapping_add((1023 + 600) << 52))
        })
    }
}

const SIGN: u64 = 1 << 63;

/// Maps `blocks` blocks of 8 f32 through an algorithm on f64 lanes.
///
/// # Safety
/// `a` valid for reading, `out` for writing `8 · blocks` elements (may be equal).
#[inline(always)]
unsafe fn wide_f32(f: impl Fn(P8) -> P8, a: *const f32, out: *mut f32, blocks: usize) {
    for block in 0..blocks {
        let mut x = [0.0; LANES];
        for (i, lane) in x.iter_mut().enumerate() {
            // SAFETY: within the caller's `8 · blocks` elements.
            *lane = f64::from(unsafe { *a.add(block * LANES + i) });
        }
        let y = f(P8(x));
        for (i, &lane) in y.0.iter().enumerate() {
            // SAFETY: as above; the whole block was read first.
            unsafe { *out.add(block * LANES + i) = lane as f32 };
        }
    }
}

/// Maps `blocks` blocks of 8 f64 through an algorithm on f64 lanes.
///
/// # Safety
/// `a` valid for reading, `out` for writing `8 · blocks` elements (may be equal).
#[inline(always)]
unsafe fn lanes_f64(f: impl Fn(P8) -> P8, a: *const f64, out: *mut f64, blocks: usize) {
    for block in 0..blocks {
        let mut x = [0.0; LANES];
        for (i, lane) in x.iter_mut().enumerate() {
            // SAFETY: within the caller's `8 · blocks` elements.
            *lane = unsafe { *a.add(block * LANES + i) };
        }
        let y = f(P8(x));
        for (i, &lane) in y.0.iter().enumerate() {
            // SAFETY: as above; the whole block was read first.
            unsafe { *out.add(block * LANES + i) = lane };
        }
    }
}

/// The portable f32 kernel. Portable Rust has no non-temporal store, so
/// `STREAM` is ignored here.
pub(crate) struct F32 {
    pub(crate) op: Op,
    pub(crate) accuracy: Accuracy,
}

// SAFETY: plain Rust, runs on every CPU.
unsafe impl Kernel<f32> for F32 {
    const BLOCK: usize = LANES;

    unsafe fn blocks<const STREAM: bool>(
        &self,
        a: *const f32,
        b: *const f32,
        out: *mut f32,
        blocks: usize,
    ) {
        let n = blocks * LANES;
        macro_rules! wide {
            ($f:path) => {
                wide_f32($f, a, out, blocks)
            };
        }
        macro_rules! lanes {
            ($f:path) => {
                super::f32s_portable::blocks($f, a, out, blocks)
            };
        }
        macro_rules! each {
            ($f:path) => {
                scalar_map($f, a, out, n)
            };
        }
        macro_rules! relu {
            () => {
                scalar_map(crate::scalar::f32::relu, a, out, n)
            };
        }
        macro_rules! backward {
            () => {
                scalar_map2(crate::scalar::f32::sigmoid_backward, a, b, out, n)
            };
        }
        // SAFETY: forwarded from the caller.
        unsafe {
            f32_table!(self.op, self.accuracy, wide: wide, lanes: lanes, fast: f32_fast, each: each, relu: relu, backward: backward)
        }
    }
}

/// The portable f64 kernel.
pub(crate) struct F64 {
    pub(crate) op: Op,
    pub(crate) accuracy: Accuracy,
}

// SAFETY: plain Rust, runs on every CPU.
unsafe impl Kernel<f64> for F64 {
    const BLOCK: usize = LANES;

    unsafe fn blocks<const STREAM: bool>(
        &self,
        a: *const f64,
        b: *const f64,
        out: *mut f64,
        blocks: usize,
    ) {
        let n = blocks * LANES;
        macro_rules! many {
            ($f:path) => {
                lanes_f64($f, a, out, blocks)
            };
        }
        macro_rules! each {
            ($f:path) => {
                scalar_map($f, a, out, n)
            };
        }
        macro_rules! relu {
            () => {
                scalar_map(crate::scalar::f64::relu, a, out, n)
            };
        }
        macro_rules! backward {
            () => {
                scalar_map2(crate::scalar::f64::sigmoid_backward, a, b, out, n)
            };
        }
        // SAFETY: forwarded from the caller.
        unsafe {
            f64_table!(self.op, self.accuracy, many: many, default: f64_default, each: each, relu: relu, backward: backward)
        }
    }
}
