"""Shared fixtures: the repository root and helpers to run things the way users do."""
import shutil
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


def run_notebook(notebook, cwd, allow_errors=False, timeout=120):
    """Execute a notebook (a path, or a notebook already read) top to bottom in a real Jupyter kernel
    started in `cwd`; returns the executed notebook. Without allow_errors a failing cell raises
    CellExecutionError."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4) if isinstance(notebook, (str, Path)) else notebook
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def python(*args, **kwargs):
    return run([sys.executable, *args], **kwargs)


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def notebooks(tmp_path_factory):
    """{source: notebook} — each module's notebook generated from its .py into a temporary folder,
    so tests never touch the notebooks in modules/ (a student's edits there are theirs)."""
    from tito.notebooks import py_to_ipynb

    folder = tmp_path_factory.mktemp("notebooks")
    return {source: py_to_ipynb(source, folder / source.with_suffix(".ipynb").name)[0] for source in MODULE_SOURCES}


def copy_project(target):
    """The parts of the repository the course tools need, without generated notebooks or sync records."""
    for name in ("modules", "tito", "tinytorch"):
        shutil.copytree(ROOT / name, target / name,
                        ignore=shutil.ignore_patterns("*.ipynb", "__pycache__", ".tito-sync.json", "*.bak-*"))
    shutil.copy(ROOT / "settings.ini", target)
    return target
