"""scipy's own scipy/special/tests/test_logit.py, run unchanged against ours.

scipy's wheels ship their tests, so the installed file is used as is (no
copy in this repository); scipy_suite_plugin.py substitutes our ufuncs. It
runs in a separate interpreter because the substitution changes
scipy.special for the whole process, and the other tests use scipy as the
reference.
"""

import os
import pathlib
import re
import subprocess
import sys

import pytest


def test_scipy_test_logit_passes_against_ours():
    pytest.importorskip("scipy.special.tests.test_logit")
    here = pathlib.Path(__file__).parent
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(here), os.environ.get("PYTHONPATH", "")]))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "scipy_suite_plugin", "-q", "-p", "no:cacheprovider",
         "--pyargs", "scipy.special.tests.test_logit", "-rxX"],
        capture_output=True, text=True, env=env, cwd=here, timeout=300,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    summary = output.strip().splitlines()[-1]
    passed = int(re.search(r"(\d+) passed", summary).group(1))
    assert passed >= 9, summary
    assert "1 xfailed" in summary and "failed," not in summary.replace("xfailed", ""), summary
