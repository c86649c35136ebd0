"""The one writer and what feeds it, against the real nbgrader gradebook (SQLite here, a real PostgreSQL
server started by test_postgres.py's fixture) and real grading runs: a failure of the grader keeps the
earlier grade, concurrent writers of one student both finish, a failed store changes nothing and ends no
batch, `tito samples` deletes only its own stale samples, a rerun regrades when the checks changed, a
failed Dask start stops its workers, and two graders can set up an empty gradebook at once."""
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from dataclasses import replace

import pytest

from conftest import ROOT
from test_postgres import postgres  # noqa: F401 — the fixture: a real server on 127.0.0.1 for this module
from tito import nbgrader_course
from tito.commands import grade, release, report, samples
from tito.grading import prepare, record, runner
from tito.grading.job import GRADER, HAND_IN, Settings
from tito.grading.job import grade as grade_job
from tito.paths import find_module

ACTIVATIONS = find_module("02")
NOTEBOOK = "activations_dev"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Module 02 released into a course of its own (SQLite gradebook), its samples built from that
    release, and two students (alice, bob) handing in the reference, graded for real (serially)."""
    course = tmp_path_factory.mktemp("course")
    release.release(ACTIVATIONS, course)
    built = tmp_path_factory.mktemp("samples")
    samples.build(ACTIVATIONS, course, out=built)
    hand_ins = tmp_path_factory.mktemp("hand-ins")
    for student in ("alice", "bob"):
        shutil.copy(built / ACTIVATIONS.name / "reference.ipynb", hand_ins / f"{student}.ipynb")
    results, _ = grade.grade(ACTIVATIONS, course, hand_ins, workers=1, progress=False)
    assert all(r.graded and r.score == r.max_score > 0 for r in results), [r.problem for r in results]
    return {"course": course, "db": nbgrader_course.db_url(course), "hand_ins": hand_ins,
            "reference": (built / ACTIVATIONS.name / "reference.ipynb").read_bytes(),
            "malformed": (built / ACTIVATIONS.name / "malformed_json.ipynb").read_bytes(),
            "result": {r.student: r for r in results}}


def inputs_of(course):
    return record.grading_inputs(ACTIVATIONS, course, grade.settings())


def score(db_url, student):
    """The student's total in the gradebook (nbgrader's API), or None without a submission."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        try:
            return gb.find_submission(ACTIVATIONS.name, student).score
        except MissingEntry:
            return None


def course_files(course, student):
    """{path: bytes} of what nbgrader's folders hold for the student's hand-in of module 02."""
    return {p.relative_to(course).as_posix(): p.read_bytes() for folder in ("submitted", "autograded", "feedback")
            for p in sorted((course / folder / student / ACTIVATIONS.name).rglob("*")) if p.is_file()}


# ---- 1. a failure of the grader keeps the earlier grade; a malformed hand-in replaces it ----

def test_a_grader_failure_keeps_the_earlier_grade_and_a_malformed_hand_in_replaces_it(course, tmp_path):
    c, db, full = course["course"], course["db"], course["result"]["alice"].max_score
    before = course_files(c, "alice")
    assert score(db, "alice") == full and f"autograded/alice/{ACTIVATIONS.name}/{NOTEBOOK}.ipynb" in before

    # a real grading failure of the grader: the kernel environment cannot be made (its folder's parent is a file)
    (tmp_path / "not-a-folder").write_text("")
    broken = Settings(kernel_env=str(tmp_path / "not-a-folder" / "env"))
    job = prepare.jobs_for(ACTIVATIONS, c, db, {"alice": course["reference"]}, broken)[0]
    failed = grade_job(job)
    assert not failed.graded and failed.fault == GRADER, failed.problem
    assert runner.infrastructure_failure(job, RuntimeError("KilledWorker")).fault == GRADER
    with record.Writer(c, db) as writer:
        writer.store(failed, course["reference"], inputs_of(c))
    assert score(db, "alice") == full, "a failure of the grader erased the student's grade"
    assert course_files(c, "alice") == before, "a failure of the grader changed the graded notebook or feedback"
    saved = record.previous(c, ACTIVATIONS.name, "alice")          # the grade that stands, the attempt that failed
    assert saved["graded"] and saved["score"] == full
    assert not saved["failed"]["graded"] and saved["failed"]["fault"] == GRADER and saved["failed"]["problem"]
    assert report.module_data(c, None, ACTIVATIONS.name)["students"]["alice"]["total"] == full
    assert not record.already_graded(c, ACTIVATIONS.name, "alice", failed.sha256, inputs_of(c)), \
        "after a failed attempt, the next run must try again"

    # the student's own fault: the new hand-in is not a notebook — it replaces the earlier grade
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "alice.ipynb").write_bytes(course["malformed"])
    results, _ = grade.grade(ACTIVATIONS, c, folder, workers=1, force=True, progress=False)
    assert not results[0].graded and results[0].fault == HAND_IN, results[0].problem
    assert score(db, "alice") is None
    assert course_files(c, "alice") == {f"submitted/alice/{ACTIVATIONS.name}/{NOTEBOOK}.ipynb": course["malformed"]}
    assert record.previous(c, ACTIVATIONS.name, "alice")["fault"] == HAND_IN


# ---- 2. concurrent writers, a store that fails, a batch that goes on ----

def write_all(course, db_url, results, submission, barrier, outcome):
    """One grader's writer: store each result, meeting the other writer before each (to collide)."""
    errors = []
    with record.Writer(course, db_url) as writer:
        for result in results:
            barrier.wait(timeout=120)
            try:
                writer.store(result, submission, "inputs")
            except Exception as error:      # noqa: BLE001 — what the test reports
                errors.append(f"{result.student}: {type(error).__name__}: {error}"[:500])
    outcome.put(errors)


def test_two_writers_of_the_same_students_on_postgres_both_finish_and_one_grade_stands(course, postgres, tmp_path):
    from nbgrader.api import Gradebook

    c = tmp_path / "course"
    release.release(ACTIVATIONS, c, postgres)
    graded = course["result"]["alice"]
    full, first = graded.max_score, next(g for g, cell in graded.cells.items() if cell.score > 0)
    partial = dict(graded.cells, **{first: replace(graded.cells[first], score=0.0)})
    students = [f"s{i}" for i in range(12)]
    mine = [replace(graded, student=s) for s in students]                       # one grader: full marks
    theirs = [replace(graded, student=s, cells=partial) for s in students]      # the other: less
    context = multiprocessing.get_context("spawn")                              # two processes, two connections
    barrier, outcome = context.Barrier(2), context.Queue()
    writers = [context.Process(target=write_all, args=(c, postgres, results, course["reference"], barrier, outcome))
               for results in (mine, theirs)]
    for process in writers:
        process.start()
    errors = [outcome.get(timeout=300) for _ in writers]
    for process in writers:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert errors == [[], []], "a writer raised on a collision with the other"
    with Gradebook(postgres) as gb:
        submissions = [s for s in gb.assignment_submissions(ACTIVATIONS.name)]
        totals = {s.student.id: s.score for s in submissions}
    assert sorted(s.student.id for s in submissions) == sorted(students), "one submission per student"
    lower = full - graded.cells[first].score
    assert set(totals.values()) <= {full, lower}, totals
    for student in students:
        assert record.previous(c, ACTIVATIONS.name, student)["graded"]


def test_a_store_that_fails_changes_nothing(course):
    c, db = course["course"], course["db"]
    graded = replace(course["result"]["bob"], student="carl")
    with record.Writer(c, db) as writer:
        writer.store(graded, course["reference"], "inputs")
        before = course_files(c, "carl")
        # a result the gradebook refuses (a cell the release does not have — released again meanwhile):
        # nbgrader's remove_submission and add_submission would have committed before this is found
        stale = replace(graded, cells=dict(graded.cells, **{"no-such-cell": next(iter(graded.cells.values()))}))
        from nbgrader.api import MissingEntry

        with pytest.raises(MissingEntry):
            writer.store(stale, b"{}", "inputs")
    assert score(db, "carl") == graded.max_score, "a failed store left the student without their grade"
    assert course_files(c, "carl") == before


def test_a_result_that_cannot_be_stored_is_reported_and_the_batch_goes_on(course, tmp_path):
    c = course["course"]
    folder = tmp_path / "in"
    folder.mkdir()
    for student in ("adam", "zoe"):     # not notebooks: "graded" at once, and stored as such
        (folder / f"{student}.ipynb").write_bytes(course["malformed"])
    (c / "submitted").mkdir(exist_ok=True)
    (c / "submitted" / "adam").write_text("a file where adam's folder goes")    # his store fails
    results, _ = grade.grade(ACTIVATIONS, c, folder, workers=1, force=True, progress=False)
    by_student = {r.student: r for r in results}
    assert sorted(by_student) == ["adam", "zoe"]
    assert "not stored" in by_student["adam"].problem and by_student["adam"].fault == GRADER
    assert "not stored" not in by_student["zoe"].problem
    assert (c / "submitted" / "zoe" / ACTIVATIONS.name / f"{NOTEBOOK}.ipynb").read_bytes() == course["malformed"]
    assert "NOT GRADED" in grade.format_table(ACTIVATIONS, results).splitlines()[2]
    (c / "submitted" / "adam").unlink()


# ---- 3. tito samples deletes only the samples it wrote ----

def test_samples_deletes_only_its_own_stale_samples(course, tmp_path):
    folder = tmp_path / ACTIVATIONS.name
    folder.mkdir()
    dropped = folder / "student_x.ipynb"            # a hand-in put in tito grade's default folder
    dropped.write_bytes(course["reference"])
    paths = samples.build(ACTIVATIONS, course["course"], out=tmp_path)
    assert dropped.read_bytes() == course["reference"], "tito samples deleted a hand-in it did not write"
    assert {p.name for p in paths} < {p.name for p in folder.glob("*.ipynb")}

    # an earlier build wrote two samples this one no longer writes; someone since edited one of them
    manifest = json.loads((folder / samples.MANIFEST).read_text())
    for name, text in (("near_miss_renamed.ipynb", "old sample"), ("near_miss_edited.ipynb", "old sample 2")):
        (folder / name).write_text(text)
        manifest[name] = prepare.sha256(text.encode())
    (folder / "near_miss_edited.ipynb").write_text("edited by the instructor")
    (folder / samples.MANIFEST).write_text(json.dumps(manifest))
    samples.build(ACTIVATIONS, course["course"], out=tmp_path)
    assert not (folder / "near_miss_renamed.ipynb").exists(), "a stale sample of an earlier build was kept"
    assert (folder / "near_miss_edited.ipynb").read_text() == "edited by the instructor"
    assert dropped.read_bytes() == course["reference"]
    assert set(json.loads((folder / samples.MANIFEST).read_text())) == {p.name for p in paths}


# ---- 4. a rerun regrades when what grading depends on changed ----

def test_the_grading_inputs_digest_follows_checks_release_and_limits(course, tmp_path):
    c, settings = course["course"], grade.settings()
    digest = record.grading_inputs(ACTIVATIONS, c, settings)
    assert record.grading_inputs(ACTIVATIONS, c, settings) == digest
    assert record.grading_inputs(ACTIVATIONS, c, replace(settings, memory=settings.memory // 2)) != digest
    assert record.grading_inputs(ACTIVATIONS, c, replace(settings, require_sandbox=True)) == digest
    module = tmp_path / "modules" / ACTIVATIONS.name                       # the module, its check fixed
    shutil.copytree(ACTIVATIONS, module, ignore=shutil.ignore_patterns("__pycache__", "*.ipynb"))
    assert record.grading_inputs(module, c, settings) == digest
    checks = prepare.check_file(module)
    checks.write_text(checks.read_text() + "\n# a fixed check\n")
    assert record.grading_inputs(module, c, settings) != digest


def test_a_rerun_regrades_after_the_release_changed(course, tmp_path):
    c, hand_ins = course["course"], course["hand_ins"]
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(hand_ins / "bob.ipynb", folder / "bob.ipynb")
    results, skipped = grade.grade(ACTIVATIONS, c, folder, workers=1, progress=False)
    assert results == [] and skipped == ["bob"], "the same bytes with the same checks are not graded twice"
    released = c / "release" / ACTIVATIONS.name / f"{NOTEBOOK}.ipynb"
    original = released.read_bytes()
    try:
        released.write_bytes(original + b"\n")      # released again (here: the same cells, other bytes)
        results, skipped = grade.grade(ACTIVATIONS, c, folder, workers=1, progress=False)
    finally:
        released.write_bytes(original)
    assert skipped == [] and [r.student for r in results] == ["bob"] and results[0].graded, \
        "a rerun kept a grade made with other grading inputs"


# ---- 5. a Dask start that fails stops its workers ----

BROKEN_WORKER = '''
import json, os, sys, time
from tito.grading import runner

def workers():
    """This process's Dask worker processes (multiprocessing spawns them)."""
    try:
        import psutil
        return sorted(p.pid for p in psutil.Process().children(recursive=True)
                      if "spawn_main" in " ".join(p.cmdline()))
    except ImportError:
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
            except OSError:
                continue
            if int(stat[1]) == os.getpid() and b"spawn_main" in cmdline:
                found.append(int(pid))
        return sorted(found)

dask = runner.Dask(workers=2)
try:
    list(dask.map([]))
    start = "started"
except Exception as error:
    start = type(error).__name__
before = workers()
try:
    dask.close()
    closed = "closed"
except Exception as error:
    closed = type(error).__name__
deadline = time.monotonic() + 10            # stopping workers may take a moment
while workers() and time.monotonic() < deadline:
    time.sleep(0.2)
print(json.dumps({"start": start, "before": before, "closed": closed, "after": workers()}))
'''


def test_a_failed_dask_start_leaves_no_worker_running(tmp_path):
    # the workers' environment is broken: `nbgrader` fails to import there, so the warm-up
    # (client.run(preload)) fails after the LocalCluster and its worker processes are up
    shadow = tmp_path / "shadow" / "nbgrader"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("nbgrader is broken on this worker")\n')
    env = dict(os.environ, PYTHONPATH=f"{tmp_path / 'shadow'}{os.pathsep}{ROOT}")
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(BROKEN_WORKER)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["start"] == "ImportError" and len(report["before"]) == 2, report
    assert report["after"] == [], f"worker processes left running: {report}"
    assert report["closed"] == "closed", "close() raised the start's error (map() reports it)"


# ---- 6. two graders set up an empty gradebook at once ----

def fresh_postgres_database(server_url, name):
    from sqlalchemy import create_engine, text

    engine = create_engine(server_url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
    finally:
        engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def set_up_at_once(db_url, callers=2):
    """`callers` threads preparing and opening the same empty gradebook at the same moment; their errors."""
    from nbgrader.api import Gradebook

    barrier, errors = threading.Barrier(callers), []

    def call():
        try:
            barrier.wait(timeout=60)
            Gradebook(nbgrader_course.prepare_gradebook(db_url)).close()
        except Exception as error:      # noqa: BLE001 — what the test reports
            errors.append(f"{type(error).__name__}: {str(error)[:300]}")

    threads = [threading.Thread(target=call) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def stamped(db_url):
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return (connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all(),
                    connection.execute(text("SELECT id FROM course")).scalars().all())
    finally:
        engine.dispose()


def test_two_graders_set_up_an_empty_postgres_gradebook_at_once(postgres):
    for attempt in range(6):            # the race is a matter of timing: several fresh databases
        db_url = fresh_postgres_database(postgres, f"fresh{attempt}")
        assert set_up_at_once(db_url) == []
        assert stamped(db_url) == ([nbgrader_course.alembic_head()], ["default_course"])


def test_two_graders_set_up_an_empty_sqlite_gradebook_at_once(tmp_path):
    for attempt in range(6):
        db_url = f"sqlite:///{tmp_path / f'fresh{attempt}.db'}"
        assert set_up_at_once(db_url) == []
        assert stamped(db_url) == ([nbgrader_course.alembic_head()], ["default_course"])
