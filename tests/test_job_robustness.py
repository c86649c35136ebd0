"""Hand-ins crafted against the grading job itself, graded for real: release of module 02, nbgrader's
autograde steps, a real kernel in the sandbox, the trusted checks. No mocks.

Each hand-in is the reference solution plus one thing a student (or a hostile kernel) can do that
once stopped the whole job ("not graded"), bought points back or held a worker too long. All are
graded once, in this process and one after another, by the `jobs` fixture, which also counts the
grader's threads and open files after every job (a kernel client left open leaks both). The hand-ins
add code after the reference's definitions (wrapping them) rather than editing them, and the jobs
carry a check file of their own (CHECKS), so the module's solutions and checks may change freely.
"""
import dataclasses
import os
import threading

import pytest

from tito import submissions
from tito.commands import release
from tito.grading import prepare
from tito.grading.job import Settings, grade
from tito.nbgrader_course import db_url
from tito.notebooks import notebook_text, read_notebook, read_source
from tito.paths import dev_source, find_module

ACTIVATIONS = find_module("02")
WALL = 10            # the wall-clock limit of the `wall_limit` job, seconds
SLEEP = 3            # that job's cells sleep just under its cell timeout
CELL_TIMEOUT = 4
PROBE_TIMEOUT = 3        # a check's question may take min(cell timeout, 3) seconds (tito/grading/job.py)
LONG_CELL_TIMEOUT = 6    # the cell timeout of `timeouts_in_metadata`: well above PROBE_TIMEOUT


# The trusted checks of these jobs: one per graded cell that a hand-in below attacks, written as checks
# are (the answer's .data is read, a plain True is expected), against the real reference package.
CHECKS = """
import numpy as np
from tito.grading.checks import Checks

checks = Checks(reference="tinytorch.core.activations")

@checks.cell("test-relu")
def relu(c):
    c.same("ReLU()(Tensor(x))", x=c.normal(3, 4))

@checks.cell("test-sigmoid-backward")
def sigmoid_backward(c):
    x, g = c.uniform(-6, 6, 3, 4), c.normal(3, 4)
    y, dx = c.run("s = Sigmoid(); y = s(Tensor(x)); (y, s.backward(Tensor(g)))", x=x, g=g)
    c.expect(dx.data, g * y.data * (1 - y.data), "Sigmoid.backward(g)", rtol=1e-9, atol=1e-15, dtype=False)

@checks.cell("test-tanh")
def tanh(c):
    c.same("Tanh()(Tensor(x))", x=c.normal(3, 4))

@checks.cell("test-softmax")
def softmax(c):
    c.same("Softmax()(Tensor(x))", x=c.normal(3, 4))

@checks.cell("test-leaky-relu")
def leaky_relu(c):
    c.same("LeakyReLU()(Tensor(x))", x=c.normal(3, 4))

@checks.cell("test-gelu")
def gelu(c):
    c.expect_run("bool(np.all(np.isfinite(GELU()(Tensor(x)).data)))", True, "GELU of finite inputs", x=c.normal(3, 4))
"""
CHECKED = {"test-relu", "test-sigmoid-backward", "test-tanh", "test-softmax", "test-leaky-relu", "test-gelu"}


def sigmoid_backward_without_return(reference):
    """The review's example: the check then reads `.data` of None (AttributeError)."""
    return submissions.append_code(reference, "sigmoid-class", '''
_sigmoid_backward = Sigmoid.backward

def _backward_without_return(self, grad_output):
    _sigmoid_backward(self, grad_output)          # computed, but the return is forgotten

Sigmoid.backward = _backward_without_return
''')


# The kernel's answers go through json.dumps; a student can replace it. This one keeps every message
# of the kernel itself intact and forges only the checks' answers, differently per activation.
FORGE_ANSWERS = r'''
import base64 as _base64, json as _json, sys as _sys
_real_dumps = _json.dumps

def _forged_dumps(obj, *args, **kwargs):
    caller = _sys._getframe(1)
    batch = caller.f_locals.get("__batch") if caller.f_code.co_name == "__tito_probes" else None
    if batch is None:
        return _real_dumps(obj, *args, **kwargs)
    if "Softmax(" in batch:                      # an error message that is a number
        obj = [{"ok": False, "error": "ValueError", "message": 5} for _ in obj]
    elif "Tanh(" in batch:                       # names of changed inputs that are numbers
        obj = [dict(reply, changed=[1]) for reply in obj]
    elif "LeakyReLU(" in batch:                  # nested deeper than any JSON parser recurses
        return "[" * 100_000 + "]" * 100_000
    elif "np.isfinite(" in batch:                # an array where the check expects True
        array = {"dtype": "|b1", "shape": [2], "b64": _base64.b64encode(b"\x01\x01").decode()}
        obj = [dict(reply, value=array) for reply in obj]
    elif "s.backward(Tensor(g)))" in batch:      # Sigmoid's (y, dx) with dx = None
        obj = [dict(reply, value={"seq": [reply["value"]["seq"][0], {"py": None}]}) for reply in obj]
    return _real_dumps(obj, *args, **kwargs)

_json.dumps = _forged_dumps
'''


def forged_answers(reference):
    return submissions.append_code(reference, "relu-class", FORGE_ANSWERS)


def timeouts_in_metadata(reference):
    """Cells that set their own limit the way tito's probe cells once did: none, a string, zero. And a
    ReLU that hangs when a check calls it: the check's own, shorter limit must still hold."""
    nb = submissions.append_code(reference, "relu-class", f'''
import sys, time
_relu_forward = ReLU.forward

def _forward_hanging_in_checks(self, x):
    frame = sys._getframe()
    while frame is not None and frame.f_code.co_name != "__tito_probes":
        frame = frame.f_back
    if frame is not None:
        time.sleep(60)
    return _relu_forward(self, x)

ReLU.forward = _forward_hanging_in_checks
time.sleep({5 * LONG_CELL_TIMEOUT})
''')
    for grade_id, timeout in (("relu-class", None), ("sigmoid-class", "x"), ("tanh-class", 0)):
        submissions.cell(nb, grade_id).metadata["tito_timeout"] = timeout
    return nb


def display_updated_by_the_checks(reference):
    """A display made in a cell and updated from ReLU.forward, which the checks call too."""
    return submissions.append_code(reference, "relu-class", '''
from IPython.display import display, update_display
display("ReLU is ready", display_id="relu-status")
_relu_forward = ReLU.forward

def _forward_and_tell(self, x):
    update_display("ReLU was called", display_id="relu-status")
    return _relu_forward(self, x)

ReLU.forward = _forward_and_tell
''')


def warnings_with_and_without_a_big_print(reference):
    """A NumPy RuntimeWarning (on stderr) the first time ReLU runs, i.e. in test-relu; in test-tanh the
    same kind of warning after 2 MB of stdout. (Later calls, the checks', are quiet.)"""
    nb = submissions.append_code(reference, "relu-class", '''
_relu_forward = ReLU.forward

def _forward_warning_once(self, x):
    if not hasattr(ReLU, "_warned"):
        ReLU._warned = True
        with np.errstate(over="warn"):
            np.exp(np.float64(1000.0))            # RuntimeWarning: overflow encountered in exp
    return _relu_forward(self, x)

ReLU.forward = _forward_warning_once
''')
    return submissions.append_code(nb, "tanh-class", '''
_tanh_forward = Tanh.forward

def _forward_printing_then_warning_once(self, x):
    if not hasattr(Tanh, "_warned"):
        Tanh._warned = True
        print("x" * 2_000_000, flush=True)        # past the 1 MB output cap
        with np.errstate(divide="warn"):
            np.log(np.float64(0.0))               # RuntimeWarning: divide by zero encountered in log
    return _tanh_forward(self, x)

Tanh.forward = _forward_printing_then_warning_once
''')


def sleeps_and_a_crash(reference):
    """A crash in the first solution cell, then cells sleeping just under the cell limit: each restart
    replays the sleeps done so far, and each new kernel once had a wall-clock budget of its own."""
    nb = submissions.append_code(reference, "relu-class", "import os\nos._exit(1)")
    for grade_id in ("sigmoid-class", "tanh-class", "softmax-class", "leaky-relu-class", "silu-class", "gelu-class"):
        nb = submissions.append_code(nb, grade_id, f"import time\ntime.sleep({SLEEP})")
    return nb


HAND_INS = {
    "sigmoid_backward_without_return": (sigmoid_backward_without_return, {}),
    "forged_answers": (forged_answers, {}),
    "timeouts_in_metadata": (timeouts_in_metadata, {"cell_timeout": LONG_CELL_TIMEOUT}),
    "display_updated_by_the_checks": (display_updated_by_the_checks, {}),
    "warnings_with_and_without_a_big_print": (warnings_with_and_without_a_big_print, {}),
    "wall_limit": (sleeps_and_a_crash, {"cell_timeout": CELL_TIMEOUT, "wall_seconds": WALL}),
}


def heartbeat_threads():
    return [t for t in threading.enumerate() if type(t).__name__ == "HBChannel"]


def threads():
    """The grader's threads, but for the sandboxes' watchdog timers (cancelled, they end on their own)."""
    return [t for t in threading.enumerate() if not isinstance(t, threading.Timer)]


def open_files():
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(scope="module")
def jobs(tmp_path_factory):
    """{name: GradingResult} of HAND_INS, graded in this process one after another, and the grader's
    threads and open files before the batch and after each job."""
    course = tmp_path_factory.mktemp("course")
    release.release(ACTIVATIONS, course)
    released = read_notebook(course / "release" / ACTIVATIONS.name / f"{dev_source(ACTIVATIONS).stem}.ipynb")
    reference = submissions.with_solutions(released, read_source(dev_source(ACTIVATIONS)))
    hand_ins = {name: notebook_text(make(reference)).encode() for name, (make, _) in HAND_INS.items()}
    prepared = prepare.jobs_for(ACTIVATIONS, course, db_url(course, None), hand_ins, Settings(), run_seed=1)
    prepared = [dataclasses.replace(job, checks=CHECKS) for job in prepared]
    counts, files = [len(threads())], [open_files()]
    earlier = set(heartbeat_threads())                     # other tests' kernel clients are theirs
    results = {}
    for job in prepared:
        job = dataclasses.replace(job, settings=Settings(**HAND_INS[job.student][1]))
        results[job.student] = grade(job)
        counts.append(len(threads()))
        files.append(open_files())
    return {"results": results, "threads": counts, "files": files,
            "heartbeats": [t for t in heartbeat_threads() if t not in earlier]}


def graded(jobs, name):
    result = jobs["results"][name]
    assert result.graded, f"{name}: {result.problem}\n{result.log[-3000:]}"
    return result


def lost(result):
    return {g for g, c in result.cells.items() if c.score < c.max_score}


def messages(result, grade_id):
    return "\n".join(result.cells[grade_id].messages)


def autograded_cell(result, grade_id):
    import nbformat
    return submissions.cell(nbformat.reads(result.autograded.decode(), as_version=4), grade_id)


def errors(result, grade_id):
    """The error outputs of a cell of the autograded notebook, in full."""
    return "\n".join(f"{o.ename}: {o.evalue}" for o in autograded_cell(result, grade_id).outputs
                     if o.output_type == "error")


# 1. an exception in a trusted check costs that cell, not the job

def test_a_check_that_cannot_use_the_answer_fails_its_cell_and_the_job_is_graded(jobs):
    result = graded(jobs, "sigmoid_backward_without_return")    # AttributeError in the check: once not graded
    assert "test-sigmoid-backward" in lost(result)
    assert not lost(result) & (CHECKED - {"test-sigmoid-backward"})


def test_forged_answers_of_any_shape_fail_their_cells_with_a_message_and_the_rest_keeps_its_points(jobs):
    result = graded(jobs, "forged_answers")
    forged = CHECKED - {"test-relu"}
    assert lost(result) == forged
    for grade_id in forged:
        assert "TrustedCheckFailed" in messages(result, grade_id), grade_id
    assert "the check could not use your answer: AttributeError" in errors(result, "test-sigmoid-backward")
    assert "could not be read" in errors(result, "test-tanh")                   # changed: [1]
    assert "raised ValueError" in errors(result, "test-softmax")                # message: 5
    assert "not readable" in errors(result, "test-leaky-relu")                  # RecursionError in json.loads
    assert "got an array of shape (2,)" in errors(result, "test-gelu")


# 2. only tito's own probe cells have a time limit of their own

def test_a_time_limit_in_cell_metadata_is_ignored_and_the_checks_keep_theirs(jobs):
    result = graded(jobs, "timeouts_in_metadata")          # "x" once raised TypeError: not graded
    assert result.seconds["cells"] < 2 * LONG_CELL_TIMEOUT     # None once let relu-class sleep 5 × the limit
    assert any(o.get("ename") == "CellTimeoutError" for o in autograded_cell(result, "relu-class").outputs)
    assert lost(result) == {"test-relu"}                   # 0 once interrupted tanh-class at once
    assert "gave no answer" in errors(result, "test-relu")
    assert result.seconds["checks"] < PROBE_TIMEOUT + 1.5      # cut at its own limit, not the cell timeout


# 3. a display_id update from code the checks call

def test_a_display_updated_from_checked_code_does_not_stop_the_job(jobs):
    result = graded(jobs, "display_updated_by_the_checks")
    assert result.score == result.max_score
    shown = [o for o in autograded_cell(result, "relu-class").outputs if o.get("output_type") == "display_data"]
    assert [o["data"]["text/plain"] for o in shown] == ["'ReLU was called'"]    # by the notebook's own test


# 4. nothing of a job's kernel client stays in the grader

def test_no_thread_or_open_file_outlives_its_job(jobs):
    counts, files = jobs["threads"], jobs["files"]
    assert not jobs["heartbeats"]
    assert counts == [counts[0]] * len(counts), counts
    assert files[-1] - files[1] <= 2, files                # the first job may open caches for good


# 5. a flood of stdout does not hide what nbgrader scores 0

def test_stderr_after_a_big_print_still_scores_the_cell_zero(jobs):
    result = graded(jobs, "warnings_with_and_without_a_big_print")
    # test-relu shows what a warning alone costs; test-tanh must cost the same after 2 MB of stdout
    assert lost(result) == {"test-relu", "test-tanh"}
    assert "wrote to stderr" in messages(result, "test-relu") and "overflow" in messages(result, "test-relu")
    assert "wrote to stderr" in messages(result, "test-tanh") and "divide by zero" in messages(result, "test-tanh")
    outputs = autograded_cell(result, "test-tanh").outputs
    assert "output cut" in "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
    assert sum(len(o.get("text", "")) for o in outputs) < 10_000


# 6. the wall-clock limit is the job's, whatever restarts happen

def test_the_wall_clock_limit_holds_for_the_whole_job(jobs):
    result = graded(jobs, "wall_limit")
    assert result.seconds["total"] < WALL + 4, result.seconds
    assert result.restarts >= 1                            # the crash was recovered from before the limit
    assert lost(result) >= CHECKED
    for grade_id in CHECKED - {"test-relu"}:               # (ReLU died with the crash)
        # either not run, or run but its check never asked (the checks come after the last cell)
        assert "time limit for the whole notebook" in messages(result, grade_id), grade_id
