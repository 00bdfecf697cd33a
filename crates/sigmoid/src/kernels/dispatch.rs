//! Choosing the path: the CPU's features are read once per process, and the
//! path the crate root's functions use is chosen once, at first use, from
//! them and `SIGMOID_ISA`.

use std::sync::OnceLock;

use super::Isa;

/// The paths this CPU runs, portable first; detected once.
pub(super) fn available() -> &'static [Isa] {
    static AVAILABLE: OnceLock<Vec<Isa>> = OnceLock::new();
    AVAILABLE.get_or_init(|| Isa::ALL.into_iter().filter(|&isa| detect(isa)).collect())
}

/// The path every function without an explicit path uses.
pub(crate) fn active() -> Isa {
    static ACTIVE: OnceLock<Isa> = OnceLock::new();
    *ACTIVE.get_or_init(|| {
        let requested = std::env::var("SIGMOID_ISA").ok();
        let (isa, warning) = choose(requested.as_deref());
        if let Some(warning) = warning {
            eprintln!("{warning}");
        }
        isa
    })
}

/// The path for a `SIGMOID_ISA` value, and the warning to print if it cannot
/// be honoured. An unset or empty variable picks the best path silently.
pub(super) fn choose(requested: Option<&str>) -> (Isa, Option<String>) {
    let best = Isa::best();
    let Some(name) = requested.map(str::trim).filter(|name| !name.is_empty()) else {
        return (best, None);
    };
    match name.parse::<Isa>() {
        Ok(isa) if isa.is_available() => (isa, None),
        Ok(isa) => (
            best,
            Some(format!(
                "sigmoid: warning: SIGMOID_ISA={name}, but this CPU cannot run the {isa} path; using {best}"
            )),
        ),
        Err(_) => (
            best,
            Some(format!(
                "sigmoid: warning: SIGMOID_ISA={name} is not one of portable, avx2, avx512; using {best}"
            )),
        ),
    }
}

/// Whether this CPU runs `isa`.
///
/// The AVX-512 path also calls the AVX2+FMA path's f64 scalar loop (with
/// FMA enabled) and F16C conversions; every CPU with AVX-512F has AVX2, FMA
/// and F16C, but the check names them all so that no instruction runs
/// unchecked even on an emulator that reports a partial set.
fn detect(isa: Isa) -> bool {
    match isa {
        Isa::Portable => true,
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => {
            is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512dq")
                && detect(Isa::Avx2)
        }
        #[cfg(not(target_arch = "x86_64"))]
        Isa::Avx2 | Isa::Avx512 => false,
    }
}
