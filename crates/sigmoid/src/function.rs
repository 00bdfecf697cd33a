//! [`Function`]: the elementwise functions, listed once.
//!
//! [`with_functions!`] is the one list of the elementwise functions of one
//! argument. Everything that names them all (the [`Function`] enum, the
//! slice, in-place and parallel forms of every accuracy tier, the `ndarray`
//! methods) is generated from it, so adding a function is one line here plus
//! its algorithms in the kernel table (`kernels/mod.rs`).

/// Calls `$callback!` with the list of elementwise functions. Each row is
/// `(Variant, name, name_slice, name_inplace, par_name, par_name_slice,
/// par_name_inplace)`: the enum variant and the names of its forms (spelled
/// out because `macro_rules!` cannot join identifiers).
macro_rules! with_functions {
    ($callback:ident $(, $args:tt)*) => {
        $callback! {
            $($args,)*
            [
                (Sigmoid, sigmoid, sigmoid_slice, sigmoid_inplace,
                    par_sigmoid, par_sigmoid_slice, par_sigmoid_inplace),
                (SigmoidDerivative, sigmoid_derivative, sigmoid_derivative_slice,
                    sigmoid_derivative_inplace, par_sigmoid_derivative,
                    par_sigmoid_derivative_slice, par_sigmoid_derivative_inplace),
                (LogSigmoid, log_sigmoid, log_sigmoid_slice, log_sigmoid_inplace,
                    par_log_sigmoid, par_log_sigmoid_slice, par_log_sigmoid_inplace),
                (Softplus, softplus, softplus_slice, softplus_inplace,
                    par_softplus, par_softplus_slice, par_softplus_inplace),
                (Logit, logit, logit_slice, logit_inplace,
                    par_logit, par_logit_slice, par_logit_inplace),
                (Relu, relu, relu_slice, relu_inplace,
                    par_relu, par_relu_slice, par_relu_inplace),
                (Tanh, tanh, tanh_slice, tanh_inplace,
                    par_tanh, par_tanh_slice, par_tanh_inplace),
            ]
        }
    };
}
pub(crate) use with_functions;

macro_rules! define_function {
    ([$(($variant:ident, $name:ident, $($_forms:ident),*)),* $(,)?]) => {
        /// An elementwise function of one argument, for the APIs that take the
        /// function as a value ([`Kernels::apply`](crate::Kernels::apply), the
        /// CLI's benchmarks). Each has a free function of the same name, e.g.
        /// [`Function::Sigmoid`] and [`sigmoid`](crate::sigmoid()).
        ///
        /// ```
        /// use sigmoid::Function;
        /// assert_eq!(Function::Sigmoid.name(), "sigmoid");
        /// assert_eq!("log_sigmoid".parse::<Function>(), Ok(Function::LogSigmoid));
        /// assert_eq!(Function::ALL.len(), 7);
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Function {
            $(
                #[doc = concat!("[`", stringify!($name), "`](crate::", stringify!($name), "())")]
                $variant,
            )*
        }

        impl Function {
            /// Every function, in the order of the crate's documentation.
            pub const ALL: &'static [Function] = &[$(Function::$variant),*];

            /// The function's name, as the free function is spelled.
            pub fn name(self) -> &'static str {
                match self {
                    $(Function::$variant => stringify!($name),)*
                }
            }
        }
    };
}

with_functions!(define_function);

impl core::fmt::Display for Function {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

impl core::str::FromStr for Function {
    type Err = crate::Error;

    /// Parses a function's name (as [`Function::name`] spells it).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Function::ALL
            .iter()
            .copied()
            .find(|f| f.name() == name.trim())
            .ok_or_else(|| crate::Error::UnknownName {
                what: "function",
                name: name.to_owned(),
                expected: Function::ALL
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}
