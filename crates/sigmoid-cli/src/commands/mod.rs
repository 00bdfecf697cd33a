//! One module per subcommand, each with its clap `Args` and a `run` function.

pub mod bench;
pub mod eval;
pub mod explain;
pub mod plot;
pub mod predict;
pub mod train;
