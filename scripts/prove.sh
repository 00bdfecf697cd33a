#!/usr/bin/env bash
# The accuracy proofs, in release: every f32 input (2^32) of every function
# that takes one f32: the exact tier on every SIMD path this CPU runs, the
# default and fast tiers on the best one (every path with
# SIGMOID_PROOF_ALL_PATHS=1, or those named in SIGMOID_PROOF_PATHS=avx2,avx512;
# otherwise every 61st input on the others);
# 10^7 random and targeted f64 inputs per function and path against 192-bit
# arithmetic (SIGMOID_F64_SAMPLES=N for another count); all 65,536 inputs of
# f16 and bf16. Each test prints its measured maxima (--nocapture).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --release --locked -p sigmoid -- --ignored --nocapture
