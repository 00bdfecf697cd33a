#!/usr/bin/env bash
# The accuracy proofs, in release: every f32 input (2^32) of every function
# that takes one f32, in every accuracy tier, on every SIMD path this CPU
# runs; 10^7 random and targeted f64 inputs per function against 192-bit
# arithmetic; all 65,536 inputs of f16 and bf16. About 25 minutes on two
# cores. Each test prints its measured maxima (--nocapture).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --release --locked -p sigmoid -- --ignored --nocapture
