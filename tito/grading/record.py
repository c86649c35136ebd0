"""The one writer: stores grading results in the gradebook and the course folder.

Jobs never touch the course; this module never runs student code. For each result, in one step:
the raw hand-in under COURSE/submitted/, the autograded notebook and the feedback page where
nbgrader keeps them (so formgrader, `nbgrader generate_feedback` and `nbgrader export` work as
usual), the scores through nbgrader's gradebook API (any SQLAlchemy URL: sqlite or a PostgreSQL
server), and tito's own record of the run in COURSE/grading/NN_name/<student>.json (why a
submission was not graded, the reasons for lost points, timings, the sandbox layers, the bytes'
sha256 — which lets a rerun skip what it already graded).
"""
import json
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path

RECORD_VERSION = 1


def record_path(course, assignment, student):
    return Path(course) / "grading" / assignment / f"{student}.json"


def previous(course, assignment, student):
    """tito's record of the last grading of this student's hand-in, or None."""
    try:
        return json.loads(record_path(course, assignment, student).read_text())
    except (OSError, json.JSONDecodeError):
        return None


def already_graded(course, assignment, student, sha256):
    """Whether these exact bytes were graded before (and graded, not failed)."""
    last = previous(course, assignment, student)
    return bool(last and last.get("graded") and last.get("sha256") == sha256)


def _write(path, data):
    """Write bytes so that a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


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

    def store(self, result, submission):
        """Record one GradingResult (and the hand-in's bytes). A regrade replaces everything
        earlier, also when the new hand-in could not be graded."""
        course, where = self.course, (result.student, result.assignment)
        for folder in ("autograded", "feedback"):
            shutil.rmtree(course / folder / where[0] / where[1], ignore_errors=True)
        _write(course / "submitted" / where[0] / where[1] / f"{result.notebook}.ipynb", submission)
        if result.graded:
            _write(course / "autograded" / where[0] / where[1] / f"{result.notebook}.ipynb", result.autograded)
            _write(course / "feedback" / where[0] / where[1] / f"{result.notebook}.html", result.feedback)
        for attempt in range(5):            # a concurrent writer (another grader, same server) may collide
            try:
                self._grades(result)
                break
            except Exception as error:      # noqa: BLE001 — IntegrityError/OperationalError of the racing writer
                self.gradebook.db.rollback()
                if attempt == 4 or type(error).__name__ not in ("IntegrityError", "OperationalError", "InvalidRequestError"):
                    raise
                time.sleep(0.2 * (attempt + 1))
        summary = {"version": RECORD_VERSION, "student": result.student, "assignment": result.assignment,
                   "graded": result.graded, "problem": result.problem, "sha256": result.sha256, "seed": result.seed,
                   "score": result.score, "max_score": result.max_score, "seconds": result.seconds,
                   "restarts": result.restarts, "layers": result.layers, "recorded": time.time(),
                   "cells": {g: asdict(c) for g, c in result.cells.items()}}
        _write(record_path(course, result.assignment, result.student), json.dumps(summary, indent=1).encode())
        return summary

    def _grades(self, result):
        from nbgrader.api import MissingEntry

        gb = self.gradebook
        try:
            gb.remove_submission(result.assignment, result.student)
        except MissingEntry:
            pass
        if result.graded:
            gb.update_or_create_student(result.student)
            gb.add_submission(result.assignment, result.student)
            for grade_id, cell in result.cells.items():
                grade = gb.find_grade(grade_id, result.notebook, result.assignment, result.student)
                grade.auto_score = cell.score
                grade.needs_manual_grade = cell.needs_manual
            for grade_id, text in result.comments.items():
                comment = gb.find_comment(grade_id, result.notebook, result.assignment, result.student)
                comment.auto_comment = text
            gb.db.commit()
