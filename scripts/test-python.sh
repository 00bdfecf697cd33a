#!/usr/bin/env bash
# Builds the Python package `sigmoid` (crates/sigmoid-py) as a wheel, installs
# it into a virtualenv under target/ and runs its pytest suite.
#
#   scripts/test-python.sh            # whole suite
#   scripts/test-python.sh -k dask    # extra arguments go to pytest
#
# The virtualenv (target/venv, or $SIGMOID_VENV) is created on first use and
# reused; its packages come from crates/sigmoid-py/requirements-test.txt and
# are reinstalled only when that file changes. $PYTHON picks the interpreter
# that creates it (default python3; 3.9 or newer, 3.11 is what CI uses).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
crate="$root/crates/sigmoid-py"
venv="${SIGMOID_VENV:-$root/target/venv}"
requirements="$crate/requirements-test.txt"
wheels="$root/target/wheels/sigmoid-py"

if [ ! -x "$venv/bin/python" ]; then
    echo "test-python: creating the virtualenv $venv" >&2
    "${PYTHON:-python3}" -m venv "$venv"
fi

stamp="$venv/.sigmoid-requirements"
if ! cmp -s "$requirements" "$stamp"; then
    echo "test-python: installing the test requirements" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$stamp"
fi

echo "test-python: building the wheel" >&2
rm -rf "$wheels"
"$venv/bin/maturin" build --release --quiet -m "$crate/Cargo.toml" -o "$wheels" \
    --interpreter "$venv/bin/python"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    --force-reinstall "$wheels"/sigmoid-*.whl

cd "$crate"
exec "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
