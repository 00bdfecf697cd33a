//! Choosing the path: once, at first use, from the CPU and `SIGMOID_ISA`.

use std::sync::OnceLock;

use super::Isa;

static ACTIVE: OnceLock<Isa> = OnceLock::new();

/// The path every slice function uses.
pub(super) fn active() -> Isa {
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
    match Isa::from_name(name) {
        Some(isa) if isa.is_available() => (isa, None),
        Some(isa) => (
            best,
            Some(format!(
                "sigmoid: warning: SIGMOID_ISA={name}, but this CPU cannot run the {isa} path; using {best}"
            )),
        ),
        None => (
            best,
            Some(format!(
                "sigmoid: warning: SIGMOID_ISA={name} is not one of portable, avx2, avx512; using {best}"
            )),
        ),
    }
}

/// Whether this CPU runs `isa` (feature detection is cached by std).
pub(super) fn is_available(isa: Isa) -> bool {
    match isa {
        Isa::Portable => true,
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"),
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512dq"),
        #[cfg(not(target_arch = "x86_64"))]
        Isa::Avx2 | Isa::Avx512 => false,
    }
}
