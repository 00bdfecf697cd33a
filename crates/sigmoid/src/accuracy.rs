//! [`Accuracy`]: the three accuracy tiers of the f32 and f64 kernels.

/// How accurate (and how fast) the slice kernels are.
///
/// | tier | f32 bound | f64 bound | use it for |
/// |---|---|---|---|
/// | [`Exact`](Accuracy::Exact) | ≤ 0.5001 ULP, bit-identical on every path | ≤ 0.75 ULP (double-double) | results that must match across machines |
/// | [`Default`](Accuracy::Default) | ≤ 1 ULP, monotone σ | ≤ 1 ULP | everything else (the crate root's functions) |
/// | [`Fast`](Accuracy::Fast) | ≤ 4 ULP, never NaN for finite input | as Default | throughput first |
///
/// The crate root's functions ([`sigmoid_slice`](crate::sigmoid_slice), …)
/// use [`Accuracy::Default`]; the modules [`exact`](crate::exact) and
/// [`fast`](crate::fast) mirror them for the other tiers, and
/// [`Kernels`](crate::Kernels) takes the tier as a value. Each function's
/// documentation states its measured bound per tier.
///
/// ```
/// use sigmoid::Accuracy;
/// assert_eq!(Accuracy::default(), Accuracy::Default);
/// assert_eq!("fast".parse::<Accuracy>(), Ok(Accuracy::Fast));
/// assert_eq!(Accuracy::Exact.to_string(), "exact");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Accuracy {
    /// Correctly rounded but for a handful of near-ties; bit-identical
    /// results on every instruction-set path.
    Exact,
    /// Within 1 ULP on every input, with every special-value contract of
    /// the exact tier kept.
    #[default]
    Default,
    /// Within 4 ULP on every input; may saturate to 1 early and need not be
    /// monotone (each function documents where).
    Fast,
}

impl Accuracy {
    /// Every tier, most accurate first.
    pub const ALL: [Accuracy; 3] = [Accuracy::Exact, Accuracy::Default, Accuracy::Fast];

    /// The tier's name: `"exact"`, `"default"` or `"fast"`.
    pub fn name(self) -> &'static str {
        match self {
            Accuracy::Exact => "exact",
            Accuracy::Default => "default",
            Accuracy::Fast => "fast",
        }
    }
}

impl core::fmt::Display for Accuracy {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Accuracy {
    type Err = crate::Error;

    /// Parses a tier's name (case-insensitive).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Accuracy::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| crate::Error::UnknownName {
                what: "accuracy",
                name: name.to_owned(),
                expected: "exact, default, fast".to_owned(),
            })
    }
}
