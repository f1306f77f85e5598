"""The import contract of pyproject.toml holds on this tree and catches an upward import the moment one is written."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
APPS = ["jobboard", "postings", "employers", "applicants", "alerts", "demo"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.slow_subprocess


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=tree, capture_output=True, text=True, check=False)


@pytest.fixture
def tree(tmp_path) -> Path:
    """A copy of the apps and the contract, to add a bad import to without touching the real tree."""
    for app in APPS:
        shutil.copytree(BASE_DIR / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(BASE_DIR / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_apps_keep_their_layers(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("module", "source", "complaint"),
    [
        ("postings/upward.py", "import alerts.models\n", "postings is not allowed to import alerts"),
        (
            "postings/upward.py",
            "def later():\n    from applicants import services\n",
            "postings is not allowed to import applicants",
        ),
        ("employers/models_extra.py", "from postings.models import Posting\n", "is not allowed to import postings"),
        ("jobboard/mail_extra.py", "import postings\n", "is not allowed to import postings"),
    ],
)
def test_an_upward_import_breaks_the_contract(tree, module, source, complaint):
    (tree / module).write_text(source)
    if module == "employers/models_extra.py":
        # A module of the organisation layer: its models module imports the new one.
        (tree / "employers/models.py").write_text(
            (tree / "employers/models.py").read_text() + "\nfrom . import models_extra\n"
        )
    if module == "jobboard/mail_extra.py":
        (tree / "jobboard/mail.py").write_text((tree / "jobboard/mail.py").read_text() + "\nfrom . import mail_extra\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert complaint in result.stdout
