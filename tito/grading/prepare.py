"""What grading jobs need, read once from the course folder by the coordinating process.

Jobs carry bytes, not paths, so that they can run in another process or on another machine:
the released assignment as a small gradebook of its own (cells, checksums, points — no student
data), the files of the module's kit that the kernel may see, the module's trusted checks and the
reference package they compare with (which stay outside the sandbox).
"""
import hashlib
import os
import tempfile
from pathlib import Path

from tito.grading.job import GradingJob, Settings, job_seed
from tito.nbgrader_course import prepare_gradebook
from tito.paths import PACKAGE, ROOT, dev_source


def assignment_gradebook(db_url, assignment):
    """An sqlite gradebook holding only `assignment` as released (copied with nbgrader's API)."""
    from nbgrader.api import Gradebook

    with tempfile.TemporaryDirectory(prefix="tito-gradebook-") as folder:
        target = Path(folder) / "assignment.db"
        with Gradebook(db_url) as source, Gradebook(prepare_gradebook(f"sqlite:///{target}")) as copy:
            released = source.find_assignment(assignment)
            copy.update_or_create_assignment(assignment, duedate=released.duedate)
            for notebook in released.notebooks:
                copy.update_or_create_notebook(notebook.name, assignment, kernelspec=notebook.kernelspec)
                for c in notebook.grade_cells:
                    copy.update_or_create_grade_cell(c.name, notebook.name, assignment, max_score=c.max_score,
                                                     cell_type=c.cell_type)
                for c in notebook.solution_cells:
                    copy.update_or_create_solution_cell(c.name, notebook.name, assignment)
                for c in notebook.task_cells:
                    copy.update_or_create_task_cell(c.name, notebook.name, assignment, max_score=c.max_score,
                                                    cell_type=c.cell_type)
                for c in notebook.source_cells:
                    copy.update_or_create_source_cell(c.name, notebook.name, assignment, cell_type=c.cell_type,
                                                      locked=c.locked, source=c.source, checksum=c.checksum)
        return target.read_bytes()


def tree(folder, relative_to, suffixes=(".py",)):
    """{path relative to `relative_to`: bytes} of the files under folder (no caches)."""
    return {p.relative_to(relative_to).as_posix(): p.read_bytes() for p in sorted(Path(folder).rglob("*"))
            if p.is_file() and p.suffix in suffixes and "__pycache__" not in p.parts}


def kit_files(course, module_dir):
    """What the student's kernel may see: the kit's package (earlier modules only) and test helpers."""
    kit = Path(course) / "kits" / module_dir.name
    if not (kit / "tinytorch" / "__init__.py").is_file():
        raise SystemExit(f"tito: {module_dir.name} has no student kit in {course}: run `tito release` first")
    files = tree(kit / "tinytorch", kit)
    files["tinytest.py"] = (kit / "tinytest.py").read_bytes()
    return files


def reference_files():
    """The instructor's package, every module's solution included (it never enters a sandbox)."""
    return tree(PACKAGE, ROOT)


def check_file(module_dir):
    """The module's trusted checks (modules/NN_name/name_checks.py), or None if it has none."""
    path = dev_source(module_dir).with_name(dev_source(module_dir).stem.replace("_dev", "_checks") + ".py")
    return path if path.is_file() else None


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def demo_cells(module_dir):
    """grade_ids of the module's locked demonstration cells (tagged "demo" in its source): the grader
    skips them — they measure and plot, and grade nothing."""
    from tito.notebooks import read_source

    return tuple(c.metadata["nbgrader"]["grade_id"] for c in read_source(dev_source(module_dir)).cells
                 if "demo" in c.metadata.get("tags", []) and c.metadata.get("nbgrader", {}).get("locked"))


def new_run_seed():
    return int.from_bytes(os.urandom(8), "big")


def jobs_for(module_dir, course, db_url, submissions, settings=Settings(), run_seed=None):
    """One GradingJob per (student, notebook bytes) in `submissions`."""
    run_seed = new_run_seed() if run_seed is None else run_seed
    gradebook = assignment_gradebook(db_url, module_dir.name)
    kit = kit_files(course, module_dir)
    checks = check_file(module_dir)
    common = dict(assignment=module_dir.name, notebook=dev_source(module_dir).stem, gradebook=gradebook, kit=kit,
                  checks=checks.read_text() if checks else "", reference=reference_files() if checks else {},
                  skip=demo_cells(module_dir), settings=settings)
    return [GradingJob(student=student, submission=data, seed=job_seed(run_seed, student), **common)
            for student, data in submissions.items()]
