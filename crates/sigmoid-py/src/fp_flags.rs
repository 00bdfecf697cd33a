//! Keeps the kernels' floating-point exception flags away from NumPy.
//!
//! After a ufunc call NumPy reads the thread's floating-point status flags
//! and turns them into `RuntimeWarning`s ("invalid value encountered in
//! expit"). The SIMD kernels may set the invalid flag on a NaN input while
//! returning the documented NaN, and every special value of the family is
//! defined, so such flags say nothing to the user: scipy's ufuncs raise no
//! warning there either. [`preserve`] runs a kernel and restores the flags to
//! what they were before it, so flags set by NumPy itself (an overflowing
//! cast of the input, say) still reach the user.

/// Runs `f`, then resets the exception flags to their state before it.
#[inline]
pub fn preserve<R>(f: impl FnOnce() -> R) -> R {
    let saved = imp::flags();
    let result = f();
    imp::restore(saved);
    result
}

#[cfg(target_arch = "x86_64")]
mod imp {
    /// MXCSR bits 0–5: invalid, denormal, divide-by-zero, overflow, underflow, precision.
    const FLAGS: u32 = 0x3f;

    fn read() -> u32 {
        let mut csr = 0_u32;
        // SAFETY: stores the 4-byte MXCSR register into a local.
        unsafe {
            core::arch::asm!("stmxcsr [{}]", in(reg) &raw mut csr, options(nostack, preserves_flags))
        };
        csr
    }

    pub fn flags() -> u32 {
        read() & FLAGS
    }

    pub fn restore(saved: u32) {
        let csr = (read() & !FLAGS) | saved;
        // SAFETY: loads MXCSR with only its sticky exception flags changed
        // (rounding mode and masks as they are), which cannot fault.
        unsafe {
            core::arch::asm!("ldmxcsr [{}]", in(reg) &raw const csr, options(nostack, preserves_flags))
        };
    }
}

#[cfg(target_arch = "aarch64")]
mod imp {
    /// FPSR cumulative flags: IOC, DZC, OFC, UFC, IXC (bits 0–4) and IDC (bit 7).
    const FLAGS: u64 = 0x9f;

    fn read() -> u64 {
        let fpsr: u64;
        // SAFETY: reads the floating-point status register.
        unsafe { core::arch::asm!("mrs {}, fpsr", out(reg) fpsr, options(nomem, nostack)) };
        fpsr
    }

    pub fn flags() -> u64 {
        read() & FLAGS
    }

    pub fn restore(saved: u64) {
        let fpsr = (read() & !FLAGS) | saved;
        // SAFETY: writes back the status register with only its cumulative flags changed.
        unsafe { core::arch::asm!("msr fpsr, {}", in(reg) fpsr, options(nomem, nostack)) };
    }
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
mod imp {
    // Elsewhere the flags are left as the kernels set them (possible spurious
    // "invalid value" warnings for NaN input, never wrong results).
    pub fn flags() {}
    pub fn restore(_: ()) {}
}
