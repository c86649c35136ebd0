"""Shared fixtures: the repository root and helpers to run things the way users do."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULE_SOURCES = sorted(ROOT.glob("modules/*/*_dev.py"))


def run(args, cwd=ROOT, check=True, timeout=600, **kwargs):
    """Run a command, capturing text output; on failure show what it printed."""
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def python(*args, **kwargs):
    return run([sys.executable, *args], **kwargs)


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def notebooks():
    """The module notebooks, generated from the sources (they are not committed).

    Only the notebooks: the package is left alone so that test_export can still catch a
    committed package that is out of date."""
    from tito.notebooks import py_to_ipynb

    return [py_to_ipynb(source)[0] for source in MODULE_SOURCES]
