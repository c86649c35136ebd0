"""tito grade MODULE [SUBMISSIONS]: autograde every submission with nbgrader, then print a score table.

SUBMISSIONS is a folder of <student>.ipynb files (default: submissions/NN_name/). Each is copied to
COURSE/submitted/<student>/NN_name/ and autograded on its own, so one broken submission never
stops the batch: a notebook that is not valid JSON, a kernel that dies, or a cell that loops
forever is reported for that student and grading goes on.
"""
import contextlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from tito import nbgrader_course
from tito.notebooks import read_notebook
from tito.paths import ROOT, find_module

HELP = "autograde submissions with nbgrader and print a per-student, per-cell score table"


@dataclass
class Outcome:
    student: str
    graded: bool
    seconds: float
    problem: str = ""
    notes: list = field(default_factory=list)


def add_arguments(parser):
    parser.add_argument("module", help="module number or name, e.g. 02")
    parser.add_argument("submissions", nargs="?", type=Path,
                        help="folder of <student>.ipynb files (default: submissions/NN_name)")
    nbgrader_course.add_course_arguments(parser)


def progress(done, total, label, stream=sys.stderr):
    width = 24
    filled = width * done // total
    end = "\n" if done == total or not stream.isatty() else "\r"
    stream.write(f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label:<28}{end}")
    stream.flush()


def unreadable(path):
    """Why nbgrader cannot open this file as a notebook, or '' if it can."""
    try:
        read_notebook(path)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as error:
        return f"malformed notebook (not valid JSON: {str(error).splitlines()[0][:80]})"
    except Exception as error:  # noqa: BLE001 — any reason a notebook cannot be read is reported, not raised
        return f"unreadable notebook ({type(error).__name__}: {str(error)[:80]})"
    return ""


def cell_problems(autograded_notebook):
    """For each graded cell that failed: 'grade_id: ErrorName: first line of the message'."""
    if not autograded_notebook.exists():
        return []
    notes = []
    for cell in read_notebook(autograded_notebook).cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        errors = [o.get("ename") for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if "CellTimeoutError" in errors:
            notes.append(f"{meta['grade_id']}: timed out (the cell ran longer than the course's per-cell limit "
                         f"and was interrupted)")
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                message = (output.get("evalue") or "").strip().splitlines()
                notes.append(f"{meta['grade_id']}: {output.get('ename')}: {message[0][:110] if message else ''}")
            elif output.get("name") == "stderr":
                notes.append(f"{meta['grade_id']}: wrote to stderr (nbgrader scores that 0): "
                             f"{output.get('text', '').strip().splitlines()[0][:90]}")
    return notes


def forget_previous_grade(course, module_dir, student, db=None):
    """A regrade starts clean: an earlier grade must not survive a submission that can't be graded."""
    for folder in ("autograded", "feedback"):
        shutil.rmtree(Path(course) / folder / student / module_dir.name, ignore_errors=True)
    from nbgrader.api import MissingEntry

    with nbgrader_course.gradebook(course, db) as gb:
        try:
            gb.remove_submission(module_dir.name, student)
        except MissingEntry:
            pass


def grade_one(api, course, module_dir, path, db=None):
    student = path.stem
    notebook = nbgrader_course.notebook_name(module_dir)
    forget_previous_grade(course, module_dir, student, db)
    target = Path(course) / "submitted" / student / module_dir.name / f"{notebook}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)   # other files there (e.g. nbgrader's timestamp.txt) stay
    shutil.copyfile(path, target)
    start = time.perf_counter()
    problem = unreadable(target)
    if problem:
        return Outcome(student, False, time.perf_counter() - start, problem)
    result = api.autograde(module_dir.name, student, force=True)
    seconds = time.perf_counter() - start
    autograded = Path(course) / "autograded" / student / module_dir.name / f"{notebook}.ipynb"
    if not result.get("success"):
        reason = (result.get("error") or result.get("log") or "").strip().splitlines()
        return Outcome(student, False, seconds, f"nbgrader could not grade it: {reason[-1][:120] if reason else '?'}",
                       cell_problems(autograded))
    return Outcome(student, True, seconds, notes=cell_problems(autograded))


def scores(course, module_dir, outcomes, db=None):
    """{student: {grade_id: (score, max, needs_manual)}} from the gradebook, graded students only."""
    table = {}
    with nbgrader_course.gradebook(course, db) as gb:
        notebook = nbgrader_course.notebook_name(module_dir)
        for outcome in outcomes:
            if not outcome.graded:
                continue
            submission = gb.find_submission_notebook(notebook, module_dir.name, outcome.student)
            table[outcome.student] = {g.name: (g.score, g.max_score, g.needs_manual_grade) for g in submission.grades}
    return table


def format_table(module_dir, outcomes, table):
    cells = list(dict.fromkeys(name for row in table.values() for name in row))   # notebook order
    short = [c.removeprefix("test-") for c in cells]
    width = max([len(o.student) for o in outcomes] + [7])
    lines = [f"{module_dir.name}: scores per graded cell (* = flagged for manual grading)",
             f"{'student':<{width}} " + " ".join(f"{s[:14]:>14}" for s in short) + f" {'total':>9} {'secs':>5}"]
    for o in outcomes:
        if not o.graded:
            lines.append(f"{o.student:<{width}} NOT GRADED — {o.problem}")
            continue
        row = table[o.student]
        values = []
        for c in cells:
            score, maximum, manual = row.get(c, (0, 0, False))
            values.append(f"{score:g}/{maximum:g}{'*' if manual else ' '}")
        total = sum(v[0] or 0 for v in row.values())
        possible = sum(v[1] for v in row.values())
        lines.append(f"{o.student:<{width}} " + " ".join(f"{v:>14}" for v in values)
                     + f" {f'{total:g}/{possible:g}':>9} {o.seconds:5.1f}")
    for o in outcomes:
        for cell, (_, _, manual) in table.get(o.student, {}).items():
            if manual:
                o.notes.append(f"{cell}: flagged for manual grading by nbgrader (the graded cell is missing "
                               f"from the submission — deleted?)")
    notes = [f"  {o.student}: {n}" for o in outcomes for n in o.notes]
    if notes:
        lines += ["", "why points were lost:"] + notes
    return "\n".join(lines)


def grade(module_dir, course, folder, db=None):
    files = sorted(Path(folder).glob("*.ipynb"))
    if not files:
        raise SystemExit(f"tito: no <student>.ipynb files in {folder}")
    api = nbgrader_course.api(course, db)
    if not (Path(course) / "release" / module_dir.name).exists():
        raise SystemExit(f"tito: {module_dir.name} has not been released into {course}: run `tito release` first")
    outcomes = []
    with grading_kernels_use(nbgrader_course.grading_package(course, module_dir)):
        for i, path in enumerate(files):
            progress(i, len(files), f"grading {path.stem}")
            outcomes.append(grade_one(api, course, module_dir, path, db))
    progress(len(files), len(files), "done")
    return outcomes, scores(course, module_dir, outcomes, db)


@contextlib.contextmanager
def grading_kernels_use(package_home):
    """Kernels started meanwhile inherit TINYTORCH_HOME, which the notebooks' setup cell obeys."""
    before = os.environ.get("TINYTORCH_HOME")
    os.environ["TINYTORCH_HOME"] = str(package_home)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TINYTORCH_HOME", None)
        else:
            os.environ["TINYTORCH_HOME"] = before


def run(args):
    module_dir = find_module(args.module)
    folder = args.submissions or ROOT / "submissions" / module_dir.name
    outcomes, table = grade(module_dir, args.course, folder, args.db)
    print(format_table(module_dir, outcomes, table))
    seconds = [o.seconds for o in outcomes if o.graded]
    if seconds:
        print(f"\nautograde: {sum(seconds) / len(seconds):.1f} s per submission ({len(seconds)} graded)")
