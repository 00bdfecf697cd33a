#!/usr/bin/env bash
# The whole fast test suite, Rust and Python: the README's test command.
# Rust: unit, property, CLI and doc tests of every crate, with strided
# versions of the exhaustive proofs (`scripts/prove.sh` runs them whole).
# Python: builds the `sigmoid` package into a virtualenv under target/ and
# runs its pytest suite (scripts/test-python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# Python first: it also makes the virtualenv (numpy, safetensors) in which
# the Rust suite checks the README's numpy snippet against `sigmoid predict`.
bash scripts/test-python.sh
SIGMOID_PYTHON="$PWD/target/venv/bin/python" cargo test --workspace --locked
