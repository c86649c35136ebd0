"""The one writer: stores grading results in the gradebook and the course folder.

Jobs never touch the course; this module never runs student code. For each result, in one step:
the raw hand-in under COURSE/submitted/, the autograded notebook and the feedback page where
nbgrader keeps them (so formgrader, `nbgrader generate_feedback` and `nbgrader export` work as
usual), the scores through nbgrader's gradebook API (any SQLAlchemy URL: sqlite or a PostgreSQL
server), and tito's own record of the run in COURSE/grading/NN_name/<student>.json (why a
submission was not graded, the reasons for lost points, timings, the sandbox layers, the bytes'
sha256 and a digest of what grading depended on — which let a rerun skip what it already graded
with the same checks).
"""
import hashlib
import json
import os
import random
import shutil
import time
from dataclasses import asdict, replace
from pathlib import Path

from tito.grading.job import GRADER, HAND_IN

RECORD_VERSION = 2                    # 2: `inputs` (what the grade depended on), `failed` (an attempt that failed)
ATTEMPTS = 8                          # a store that collides with another writer is tried again this often


def record_path(course, assignment, student):
    return Path(course) / "grading" / assignment / f"{student}.json"


def previous(course, assignment, student):
    """tito's record of the last grading of this student's hand-in, or None."""
    try:
        return json.loads(record_path(course, assignment, student).read_text())
    except (OSError, json.JSONDecodeError):
        return None


def grading_inputs(module_dir, course, settings):
    """A digest of everything a grade depends on besides the hand-in: the released notebook (cells,
    points), the kit the kernel sees, the trusted checks, the reference package they compare with, the
    demonstration cells the grader skips, and the grading settings (limits, timeouts, kernel). A rerun
    regrades when it changed — a fixed check must not leave stale grades behind."""
    from tito.grading import prepare

    digest = hashlib.sha256()

    def add(name, data):
        digest.update(f"{name}\0{hashlib.sha256(data).hexdigest()}\n".encode())

    release = Path(course) / "release" / module_dir.name
    for path in sorted(p for p in release.rglob("*") if p.is_file()):
        add(f"release/{path.relative_to(release).as_posix()}", path.read_bytes())
    for name, data in sorted(prepare.kit_files(course, module_dir).items()):
        add(f"kit/{name}", data)
    checks = prepare.check_file(module_dir)
    add("checks", checks.read_bytes() if checks else b"")
    for name, data in sorted(prepare.reference_files().items()):
        add(f"reference/{name}", data)
    add("skip", json.dumps(prepare.demo_cells(module_dir)).encode())
    # require_sandbox decides whether grading may run, not how it scores
    limits = {k: v for k, v in asdict(settings).items() if k != "require_sandbox"}
    add("settings", json.dumps(limits, sort_keys=True).encode())
    return digest.hexdigest()


def already_graded(course, assignment, student, sha256, inputs):
    """Whether these exact bytes were graded before from the same grading inputs (see grading_inputs),
    and no attempt failed since (a rerun after an outage tries again)."""
    last = previous(course, assignment, student)
    return bool(last and last.get("graded") and not last.get("failed") and last.get("sha256") == sha256
                and last.get("inputs") == inputs)


def not_stored(result, error):
    """What to report when the writer could not store a result: not in the gradebook, and why."""
    what = f"graded {result.score:g}/{result.max_score:g}" if result.graded else result.problem
    why = f"{type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
    return replace(result, graded=False, fault=GRADER, problem=f"{what}, but not stored ({why})")


def _write(path, data):
    """Write bytes so that a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _collisions():
    """What a concurrent writer of the same student (another grader, same server) makes a store raise:
    a duplicate key (nbgrader's own add/remove methods re-raise it as InvalidEntry), a lock or deadlock
    (OperationalError), a session left unusable by either, rows deleted under us."""
    from nbgrader.api import InvalidEntry
    from sqlalchemy.exc import IntegrityError, InvalidRequestError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    return InvalidEntry, IntegrityError, OperationalError, InvalidRequestError, StaleDataError


class Writer:
    """The one writer of a grading batch: one gradebook connection for all its results."""

    def __init__(self, course, db_url):
        self.course, self.db_url, self.gradebook = Path(course), db_url, None

    def __enter__(self):
        from nbgrader.api import Gradebook

        from tito.grading.job import quiet_gradebook

        self._quiet = quiet_gradebook()
        self._quiet.__enter__()
        self.gradebook = Gradebook(self.db_url)
        return self

    def __exit__(self, *exc):
        self.gradebook.close()
        self._quiet.__exit__(*exc)
        return False

    def store(self, result, submission, inputs=""):
        """Record one GradingResult (and the hand-in's bytes); `inputs` is grading_inputs() of the batch.

        A graded result replaces everything earlier, and so does a hand-in that cannot be graded (not a
        notebook: the student's doing). A failure of the grader (fault GRADER: a lost worker, a broken
        kernel environment, a sandbox error) replaces nothing — a --force regrade during an outage must
        not erase the class's grades: the earlier grade, its notebooks and its feedback stay, and only
        the attempt is recorded (under `failed` in the standing grade's record, which thus keeps
        agreeing with the gradebook). Returns the attempt's record; raises if it cannot store."""
        earlier = previous(self.course, result.assignment, result.student)
        replaces = result.graded or result.fault == HAND_IN
        collisions = _collisions()
        for attempt in range(ATTEMPTS):
            try:
                self._store_once(result, submission, replaces)
                break
            except collisions:
                self._rollback()
                if attempt == ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))    # jittered: two writers do not meet again
            except BaseException:
                self._rollback()
                raise
        summary = {"version": RECORD_VERSION, "student": result.student, "assignment": result.assignment,
                   "graded": result.graded, "problem": result.problem, "fault": "" if result.graded else result.fault,
                   "sha256": result.sha256, "inputs": inputs, "seed": result.seed,
                   "score": result.score, "max_score": result.max_score, "seconds": result.seconds,
                   "restarts": result.restarts, "layers": result.layers, "recorded": time.time(),
                   "peak_memory": result.peak_memory, "oom_kills": result.oom_kills,
                   "cells": {g: asdict(c) for g, c in result.cells.items()}}
        saved = summary
        if not replaces and earlier and earlier.get("graded"):
            saved = dict(earlier, failed=summary)       # the grade that stands, and the attempt that failed
        _write(record_path(self.course, result.assignment, result.student), json.dumps(saved, indent=1).encode())
        return summary

    def _rollback(self):
        try:
            self.gradebook.db.rollback()
        except Exception:       # noqa: BLE001 — a lost connection: the next attempt reconnects, or raises
            pass

    def _store_once(self, result, submission, replaces):
        """One try at storing: the gradebook rows in one transaction, the course's files written while it
        holds the student's row (and before its commit: rows and files of one writer go together)."""
        course, student, assignment = self.course, result.student, result.assignment
        submitted = course / "submitted" / student / assignment / f"{result.notebook}.ipynb"
        if not replaces:
            # the grader failed: whatever stands stays. The raw hand-in is kept only if nothing was graded
            # (submitted/ must stay the notebook that autograded/ and the gradebook were made from)
            if not (course / "autograded" / student / assignment).exists():
                _write(submitted, submission)
            return
        self._lock_student(student)
        self._replace_submission(result)        # first: a result the gradebook refuses changes no file
        for folder in ("autograded", "feedback"):
            shutil.rmtree(course / folder / student / assignment, ignore_errors=True)
        _write(submitted, submission)
        if result.graded:
            _write(course / "autograded" / student / assignment / f"{result.notebook}.ipynb", result.autograded)
            _write(course / "feedback" / student / assignment / f"{result.notebook}.html", result.feedback)
        self.gradebook.db.commit()

    def _lock_student(self, student):
        """Make the student if new and lock their row until commit: two writers of the same student take
        turns (on PostgreSQL; SQLite has one writer at a time anyway). A student made at the same moment
        by the other writer is a duplicate key, and the store is tried again."""
        from nbgrader.api import Student
        from sqlalchemy import select

        db = self.gradebook.db
        if db.get(Student, student) is None:
            db.add(Student(id=student))
            db.flush()
        db.execute(select(Student.id).where(Student.id == student).with_for_update())

    def _replace_submission(self, result):
        """The student's submission replaced by this result's, in the open transaction: what nbgrader's
        remove_submission and add_submission do, except that those commit each on their own — a failure
        between them would leave the student with no grade at all."""
        from nbgrader.api import Comment, Grade, MissingEntry, SubmittedAssignment, SubmittedNotebook

        gb, db = self.gradebook, self.gradebook.db
        try:
            old = gb.find_submission(result.assignment, result.student)
        except MissingEntry:
            old = None
        if old is not None:
            for notebook in old.notebooks:
                for row in (*notebook.grades, *notebook.comments):
                    db.delete(row)
                db.delete(notebook)
            db.delete(old)
            db.flush()                          # the old rows go before the new ones take their keys
        if not result.graded:
            return
        submission = SubmittedAssignment(assignment=gb.find_assignment(result.assignment),
                                         student=gb.find_student(result.student))
        for notebook in submission.assignment.notebooks:        # the assignment's structure, as add_submission
            nb = SubmittedNotebook(notebook=notebook, assignment=submission)
            for cell in notebook.grade_cells:
                Grade(cell_id=cell.id, notebook=nb)
            for cell in notebook.solution_cells:
                Comment(cell_id=cell.id, notebook=nb)
            for cell in notebook.task_cells:
                Comment(cell_id=cell.id, notebook=nb)
                Grade(cell_id=cell.id, notebook=nb)
        db.add(submission)
        db.flush()
        for grade_id, cell in result.cells.items():
            grade = gb.find_grade(grade_id, result.notebook, result.assignment, result.student)
            grade.auto_score = cell.score
            grade.needs_manual_grade = cell.needs_manual
        for grade_id, text in result.comments.items():
            comment = gb.find_comment(grade_id, result.notebook, result.assignment, result.student)
            comment.auto_comment = text
