"""Property tests are deterministic in CI and remember their finds locally (profiles in tests/conftest.py)."""

import os
import subprocess
import sys

CODE = "import tests.conftest; from hypothesis import settings as s; print(s().derandomize, s().database is not None)"


# derandomized? remembering finds?
def profile_under(**variables) -> list[str]:
    env = {key: value for key, value in os.environ.items() if key != "CI"} | variables
    return subprocess.run(
        [sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True
    ).stdout.split()


def test_ci_runs_derandomized_without_an_example_database():
    assert profile_under(CI="true") == ["True", "False"]


def test_elsewhere_hypothesis_explores_and_remembers_its_finds():
    assert profile_under() == ["False", "True"]
    assert profile_under(CI="") == ["False", "True"]


def test_the_ci_script_sets_ci():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()

    assert "export CI=true" in script
