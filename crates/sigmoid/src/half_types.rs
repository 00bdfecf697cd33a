//! `half::f16` and `half::bf16`: every function, correctly rounded.
//!
//! Scalars evaluate the f64 function and round once to 16 bits. Slices run in
//! blocks: widen to f32 (F16C on x86 where the CPU has it, through `half`'s
//! slice conversions), run the f32 SIMD kernel, and narrow back. Narrowing an
//! f32 result that is already rounded could round twice; that only matters
//! when the f32 result lies exactly halfway between two 16-bit values, so
//! those (rare) elements are recomputed from the f64 function. The result is
//! bit-identical to the scalar function, hence correctly rounded: the
//! exhaustive test checks all 65,536 inputs of each type.
//!
//! `half`'s own `f16::from_f64` narrows through f32 when F16C is available
//! (rounding twice) and its software path drops the low 32 bits, so neither
//! rounds correctly. Here f64 values are narrowed to f32 with round-to-odd,
//! which keeps enough information for the final round-to-nearest-even step to
//! be correct (Boldo and Melquiond, "Emulation of FMA and correctly rounded
//! sums: proved algorithms using rounding to odd", IEEE TC 57(4), 2008).

use half::slice::HalfFloatSliceExt;
use half::{bf16, f16};

use crate::function::with_functions;
use crate::kernels::Plan;
use crate::{Accuracy, Float, Function};

/// Elements per block: small enough to stay in L1 with its f32 copies.
const BLOCK: usize = 1024;

/// A 16-bit float type, as this module needs it.
trait Half: Float {
    /// Every f32 midpoint between two values of Self has these bits under
    /// this mask (a necessary, not sufficient, condition).
    const CANDIDATE_MASK: u32;
    const CANDIDATE_BITS: u32;
    /// Correctly rounded from f64 (never through f32).
    fn round_from_f64(value: f64) -> Self;
    /// Whether an f32 value lies exactly halfway between two values of Self.
    fn is_midpoint(value: f32) -> bool;
    fn widen(src: &[Self], dst: &mut [f32]);
    fn narrow(src: &[f32], dst: &mut [Self]);
}

impl Half for f16 {
    // 11 bits in the normal range plus the halving bit; more for subnormals.
    const CANDIDATE_MASK: u32 = 0xfff;
    const CANDIDATE_BITS: u32 = 0;
    #[inline]
    fn round_from_f64(value: f64) -> Self {
        f16::from_f32(f64_to_f32_round_to_odd(value))
    }

    #[inline]
    fn is_midpoint(value: f32) -> bool {
        // Every f16 midpoint has at least 12 trailing zero bits in f32 (11 in
        // the normal range plus the halving bit; more for subnormals), so this
        // cheap test rules out almost every value before the exact one.
        if value.to_bits() & 0xfff != 0 || !value.is_finite() {
            return false;
        }
        let nearest = f16::from_f32(value);
        let near = nearest.to_f32();
        if near == value {
            return false;
        }
        let other_bits = if (near < value) == (nearest.to_bits() & 0x8000 == 0) {
            nearest.to_bits() + 1
        } else {
            nearest.to_bits() - 1
        };
        let other = f16::from_bits(other_bits).to_f32();
        // Both neighbours are exact in f32, and so is their midpoint.
        (near + other) / 2.0 == value
    }

    fn widen(src: &[Self], dst: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if f16c::available() {
            // SAFETY: the CPU has F16C and AVX (checked above).
            unsafe { f16c::widen(src.reinterpret_cast(), dst) };
            return;
        }
        src.convert_to_f32_slice(dst);
    }

    fn narrow(src: &[f32], dst: &mut [Self]) {
        #[cfg(target_arch = "x86_64")]
        if f16c::available() {
            // SAFETY: the CPU has F16C and AVX (checked above).
            unsafe { f16c::narrow(src, dst.reinterpret_cast_mut()) };
            return;
        }
        dst.convert_from_f32_slice(src);
    }
}

/// f16 ⇄ f32 eight lanes at a time with the F16C instructions (IEEE
/// round-to-nearest-even when narrowing, as `half` does).
#[cfg(target_arch = "x86_64")]
mod f16c {
    use core::arch::x86_64::*;
    use std::sync::OnceLock;

    pub(super) fn available() -> bool {
        static AVAILABLE: OnceLock<bool> = OnceLock::new();
        *AVAILABLE
            .get_or_init(|| is_x86_feature_detected!("f16c") && is_x86_feature_detected!("avx"))
    }

    /// # Safety
    /// The CPU must have F16C and AVX; `dst` at least as long as `src`.
    #[target_feature(enable = "avx,f16c")]
    pub(super) unsafe fn widen(src: &[u16], dst: &mut [f32]) {
        let n = src.len().min(dst.len());
        let mut i = 0;
        while i + 8 <= n {
            // SAFETY: i + 8 <= n for both slices; unaligned loads and stores.
            unsafe {
                let h = _mm_loadu_si128(src.as_ptr().add(i).cast());
                _mm256_storeu_ps(dst.as_mut_ptr().add(i), _mm256_cvtph_ps(h));
            }
            i += 8;
        }
        for j in i..n {
            dst[j] = half::f16::from_bits(src[j]).to_f32();
        }
    }

    /// # Safety
    /// The CPU must have F16C and AVX; `dst` at least as long as `src`.
    #[target_feature(enable = "avx,f16c")]
    pub(super) unsafe fn narrow(src: &[f32], dst: &mut [u16]) {
        let n = src.len().min(dst.len());
        let mut i = 0;
        while i + 8 <= n {
            // SAFETY: i + 8 <= n for both slices; unaligned loads and stores.
            unsafe {
                let v = _mm256_loadu_ps(src.as_ptr().add(i));
                let h = _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(v);
                _mm_storeu_si128(dst.as_mut_ptr().add(i).cast(), h);
            }
            i += 8;
        }
        for j in i..n {
            dst[j] = half::f16::from_f32(src[j]).to_bits();
        }
    }
}

impl Half for bf16 {
    const CANDIDATE_MASK: u32 = 0xffff;
    const CANDIDATE_BITS: u32 = 0x8000;
    #[inline]
    fn round_from_f64(value: f64) -> Self {
        bf16::from_f32(f64_to_f32_round_to_odd(value))
    }

    #[inline]
    fn is_midpoint(value: f32) -> bool {
        // bf16 keeps the top 16 bits of an f32: a midpoint has exactly the
        // half-ULP bit set below them.
        value.is_finite() && value.to_bits() & 0xffff == 0x8000
    }

    fn widen(src: &[Self], dst: &mut [f32]) {
        src.convert_to_f32_slice(dst);
    }

    fn narrow(src: &[f32], dst: &mut [Self]) {
        dst.convert_from_f32_slice(src);
    }
}

/// f64 to f32, rounding toward zero and then setting the last bit if anything
/// was lost. f32 has 13 (f16) or 16 (bf16) more bits than the final format,
/// so a second rounding to nearest from here is correct.
#[inline]
fn f64_to_f32_round_to_odd(value: f64) -> f32 {
    let nearest = value as f32;
    if f64::from(nearest) == value || value.is_nan() {
        return nearest;
    }
    let toward_zero = if f64::from(nearest).abs() > value.abs() {
        // nearest is never 0 here, so stepping its magnitude down is safe.
        f32::from_bits(nearest.to_bits() - 1)
    } else {
        nearest
    };
    f32::from_bits(toward_zero.to_bits() | 1)
}

/// An f32 block aligned like the SIMD kernels' vectors, so the kernel
/// wrapper never needs its (slower) unaligned-head path.
#[repr(C, align(64))]
struct AlignedBlock([f32; BLOCK]);

/// How many f32 ULPs from a 16-bit midpoint an f32 result of the tier may
/// lie while the exact value lies on the other side of it: the tier's f32
/// error bound, rounded up (0 for the exact tier, whose only risk is a
/// result exactly on the midpoint).
fn midpoint_window(accuracy: Accuracy) -> u32 {
    match accuracy {
        Accuracy::Exact => 0,
        Accuracy::Default => 1,
        Accuracy::Fast => 4,
    }
}

/// `output[i] = op(input[i])` in blocks through the f32 kernel of the plan's
/// tier, fixing up the elements whose rounding to 16 bits the f32 error
/// could change: those are recomputed from the f64 function, so the result
/// is correctly rounded in every tier.
fn unary_blocks<T: Half>(plan: Plan, op: Function, input: &[T], output: &mut [T]) {
    debug_assert_eq!(input.len(), output.len());
    let exact = crate::kernels::scalar_f64(op);
    let window = midpoint_window(plan.accuracy);
    // Blocks are far smaller than the streaming threshold.
    let plan = Plan {
        stream: false,
        ..plan
    };
    let mut wide_in = AlignedBlock([0.0; BLOCK]);
    let mut wide_out = AlignedBlock([0.0; BLOCK]);
    let (wide_in, wide_out) = (&mut wide_in.0, &mut wide_out.0);
    for (src, dst) in input.chunks(BLOCK).zip(output.chunks_mut(BLOCK)) {
        let n = src.len();
        T::widen(src, &mut wide_in[..n]);
        <f32 as Float>::unary_slice(plan, op, &wide_in[..n], &mut wide_out[..n]);
        T::narrow(&wide_out[..n], dst);
        // A branch-free pass (it vectorises) finds the rare blocks that may
        // hold a result near a midpoint; only those are examined one by one.
        let near = |v: f32| {
            (v.to_bits() & T::CANDIDATE_MASK)
                .wrapping_sub(T::CANDIDATE_BITS)
                .wrapping_add(window)
                & T::CANDIDATE_MASK
                <= 2 * window
        };
        let candidates = wide_out[..n].iter().fold(false, |any, &v| any | near(v));
        if candidates {
            for i in 0..n {
                let v = wide_out[i];
                let recompute = if window == 0 {
                    T::is_midpoint(v)
                } else {
                    near(v)
                };
                if recompute {
                    dst[i] = T::round_from_f64(exact(f64::from(wide_in[i])));
                }
            }
        }
    }
}

fn unary_inplace_blocks<T: Half>(plan: Plan, op: Function, data: &mut [T]) {
    let mut copy = [T::ZERO; BLOCK];
    for block in data.chunks_mut(BLOCK) {
        let n = block.len();
        copy[..n].copy_from_slice(block);
        unary_blocks(plan, op, &copy[..n], block);
    }
}

fn backward_blocks<T: Half>(y: &[T], dy: &[T], dx: &mut [T]) {
    for ((dx, &y), &dy) in dx.iter_mut().zip(y).zip(dy) {
        *dx = T::sigmoid_backward_scalar(y, dy);
    }
}

macro_rules! impl_half_float {
    ($t:ty, $dtype:literal, [$(($variant:ident, $name:ident, $($_forms:ident),*)),* $(,)?]) => {
        impl crate::float::sealed::Sealed for $t {}

        impl Float for $t {
            const ZERO: Self = <$t>::ZERO;
            const ONE: Self = <$t>::ONE;
            const DTYPE: &'static str = $dtype;
            #[inline]
            fn from_f64(value: f64) -> Self {
                <$t as Half>::round_from_f64(value)
            }
            #[inline]
            fn to_f64(self) -> f64 {
                <$t>::to_f64(self)
            }
            #[inline]
            fn scalar(f: Function, x: Self) -> Self {
                let x = x.to_f64();
                <Self as Half>::round_from_f64(match f {
                    $(Function::$variant => crate::scalar::f64::$name(x),)*
                })
            }
            #[inline]
            fn sigmoid_backward_scalar(y: Self, dy: Self) -> Self {
                // Exact in f64: y·(1-y)·dy of 16-bit values needs fewer than 53 bits.
                let y = y.to_f64();
                <Self as Half>::round_from_f64(dy.to_f64() * (y * (1.0 - y)))
            }
            #[inline]
            fn bce_with_logits_scalar(z: Self, y: Self) -> Self {
                <Self as Half>::round_from_f64(crate::scalar::f64::bce_with_logits(
                    z.to_f64(),
                    y.to_f64(),
                ))
            }
            fn unary_slice(plan: Plan, f: Function, input: &[Self], output: &mut [Self]) {
                unary_blocks(plan, f, input, output)
            }
            fn unary_inplace(plan: Plan, f: Function, data: &mut [Self]) {
                unary_inplace_blocks(plan, f, data)
            }
            fn backward_slice(_plan: Plan, y: &[Self], dy: &[Self], dx: &mut [Self]) {
                backward_blocks(y, dy, dx)
            }
        }
    };
}

with_functions!(impl_half_float, f16, "float16");
with_functions!(impl_half_float, bf16, "bfloat16");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midpoints_are_recognised() {
        let one = f16::ONE.to_f32();
        let next = f16::from_bits(f16::ONE.to_bits() + 1).to_f32();
        assert!(<f16 as Half>::is_midpoint((one + next) / 2.0));
        assert!(!<f16 as Half>::is_midpoint(one));
        let tiny = f16::from_bits(1).to_f32();
        assert!(<f16 as Half>::is_midpoint(tiny / 2.0));
        assert!(<f16 as Half>::is_midpoint(tiny * 1.5));
        assert!(<bf16 as Half>::is_midpoint(f32::from_bits(0x3f80_8000)));
        assert!(!<bf16 as Half>::is_midpoint(f32::from_bits(0x3f80_8001)));
    }

    #[test]
    fn from_f64_rounds_once() {
        // 1 + 2^-11 + 2^-40 rounds up in one step; through f32 it would
        // first become the midpoint 1 + 2^-11 and then round to even (1.0).
        let x = 1.0 + 2f64.powi(-11) + 2f64.powi(-40);
        assert_eq!(<f16 as Float>::from_f64(x), f16::from_bits(0x3c01));
        assert_eq!(<f16 as Float>::from_f64(-x), f16::from_bits(0xbc01));
        let y = 1.0 + 2f64.powi(-8) + 2f64.powi(-45);
        assert_eq!(<bf16 as Float>::from_f64(y), bf16::from_bits(0x3f81));
        assert_eq!(<f16 as Float>::from_f64(1e10), f16::INFINITY);
        assert_eq!(<f16 as Float>::from_f64(65519.0), f16::MAX);
        assert_eq!(<f16 as Float>::from_f64(65520.0), f16::INFINITY);
        assert_eq!(
            <f16 as Float>::from_f64(2f64.powi(-25) * (1.0 + 1e-12)),
            f16::from_bits(1)
        );
        assert_eq!(<f16 as Float>::from_f64(2f64.powi(-25)), f16::ZERO);
        assert!(<f16 as Float>::from_f64(f64::NAN).is_nan());
    }
}
