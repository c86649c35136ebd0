"""Shared fixtures: the repository root and helpers to run things the way users do."""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULE_SOURCES = sorted(ROOT.glob("modules/*/*_dev.py"))


def points(module, *lost):
    """A module's total points (nbgrader metadata of its graded cells), minus those of the cells in
    `lost`: expected scores follow the notebooks instead of being written into the tests."""
    from tito.notebooks import read_source
    from tito.paths import dev_source, find_module

    cells = {c.metadata.nbgrader.grade_id: c.metadata.nbgrader.points
             for c in read_source(dev_source(find_module(module))).cells if c.metadata.get("nbgrader", {}).get("grade")}
    assert set(lost) <= set(cells), set(lost) - set(cells)
    return sum(cells.values()) - sum(cells[g] for g in lost)


def graded_cells(module):
    from tito.notebooks import read_source
    from tito.paths import dev_source, find_module

    return sum(1 for c in read_source(dev_source(find_module(module))).cells if c.metadata.get("nbgrader", {}).get("grade"))


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


# ---- one graded course per session: the release of module 02, every sample hand-in, every mutant,
# near miss and correct alternative of the grading tests, graded in one batch on an embedded Dask
# cluster (two workers) in the full sandbox — the shared fixture of test_grading.py and the
# report, runner and browser tests.

def file_digests(*folders):
    import hashlib
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for folder in folders for p in sorted(Path(folder).rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith(".ipynb")}


def job_processes():
    """PIDs running as a sandbox job's uid (none may outlive its job)."""
    from tito.grading.sandbox import UID_RANGE, processes_of
    import os
    uids = set()
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/status") as f:
                uid = int(next(line for line in f if line.startswith("Uid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            continue
        if UID_RANGE[0] <= uid <= UID_RANGE[1]:
            uids.add(uid)
    return [pid for uid in uids for pid in processes_of(uid)]


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    from test_grading import ALTERNATIVES, MUTANTS
    from tito import submissions
    from tito.commands import grade, release, samples
    from tito.notebooks import read_notebook
    from tito.paths import find_module

    module = find_module("02")
    course = tmp_path_factory.mktemp("course")
    released, kit, _ = release.release(module, course)
    folder = tmp_path_factory.mktemp("hand-ins")
    samples.build(module, course, out=folder)
    hand_ins = folder / module.name
    reference = read_notebook(hand_ins / "reference.ipynb")
    for name, (mutate, _, _) in MUTANTS.items():
        submissions.write(mutate(reference), hand_ins / f"mutant_{name}.ipynb")
    for name, mutate in ALTERNATIVES.items():
        submissions.write(mutate(reference), hand_ins / f"alternative_{name}.ipynb")
    protected = (ROOT / "modules", ROOT / "tinytorch", ROOT / "tito", course / "kits", course / "release")
    before = file_digests(*protected)
    copies = set(Path(tempfile.gettempdir()).glob("tito-reference-*"))
    results, skipped = grade.grade(module, course, hand_ins, workers=2, progress=False)
    return {"module": module, "course": course, "release": released, "kit": kit, "hand_ins": hand_ins,
            "results": {r.student: r for r in results}, "skipped": skipped,
            "table": grade.format_table(module, results), "changed": before != file_digests(*protected),
            "left_running": job_processes(),
            "solutions_left_on_disk": sorted(set(Path(tempfile.gettempdir()).glob("tito-reference-*")) - copies)}


# ---- a student's workspace: a kit unzipped and installed as the student would, `pip install -e .`,
# into a fresh venv (its dependencies come from this environment, so no download is needed)

def student_workspace(kit_zip, folder):
    """Unzip a kit into folder/workspace and install it editable into folder/venv; returns
    (workspace, venv bin folder). The venv sees this environment's packages through a .pth file."""
    import site
    import zipfile

    workspace, venv = folder / "workspace", folder / "venv"
    with zipfile.ZipFile(kit_zip) as archive:
        archive.extractall(workspace)
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    purelib = next((venv / "lib").glob("python3*/site-packages"))
    (purelib / "course-environment.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet", "--no-deps",
         "--no-build-isolation", "-e", str(workspace)])
    return workspace, venv / "bin"


def bare_env(venv_bin):
    """An environment for the student's commands: their venv first on PATH, no PYTHONPATH."""
    import os
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv_bin}:{env.get('PATH', '')}", VIRTUAL_ENV=str(venv_bin.parent))
    return env
