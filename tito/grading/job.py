"""One submission = one grading job: bytes in, a result out.

`grade(job)` runs nbgrader's own autograde preprocessors on the submission — sanitize (restore the
locked cells from the gradebook), execute (in a sandboxed kernel, with the trusted checks), score —
against a private copy of the released assignment's gradebook, in a scratch folder of its own,
and renders the feedback page. It reads nothing but the job and writes nothing but its scratch
folder: no os.environ, no os.chdir, no course folder. So it runs the same in this process, in a
Dask worker, or on another machine. `tito/grading/record.py` is the one writer of the real
gradebook and course folders.
"""
import contextlib
import hashlib
import os
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

# what the job gets from the coordinating process, all plain data (picklable, small)


@dataclass(frozen=True)
class Settings:
    cell_timeout: int = 30                 # seconds per cell (nbgrader's Execute.timeout)
    output_limit: int = 1_000_000          # bytes of output kept per cell
    max_restarts: int = 3                  # kernel restarts (with replay) per notebook
    memory: int = 2 * 2**30                # the sandbox's limits (see tito/grading/sandbox.py)
    job_memory: int = 2**30                # all of a job's processes together (a memory cgroup)
    processes: int = 64
    file_size: int = 64 * 2**20
    disk: int = 256 * 2**20
    cpu_seconds: int = 300
    wall_seconds: int = 600
    require_sandbox: bool = True           # refuse to grade unless every sandbox layer is on
    kernel_env: str = ""                   # the kernel's Python environment ("" = the default place)


@dataclass(frozen=True)
class GradingJob:
    student: str
    assignment: str                        # e.g. "02_activations"
    notebook: str                          # e.g. "activations_dev"
    submission: bytes                      # the notebook the student handed in
    gradebook: bytes                       # sqlite file holding the released assignment (cells, checksums, points)
    kit: dict                              # {path: bytes}: what the kernel sees beside the notebook's folder
    checks: str = ""                       # the module's check file (Python source), "" for none
    reference: dict = field(default_factory=dict)   # {path: bytes}: the reference package, never in the sandbox
    seed: int = 0                          # the grading run's seed for the trusted checks' inputs
    skip: tuple = ()                       # grade_ids of locked demonstration cells the grader does not run
    settings: Settings = Settings()

    @property
    def sha256(self):
        return hashlib.sha256(self.submission).hexdigest()


@dataclass
class CellGrade:
    grade_id: str
    score: float
    max_score: float
    needs_manual: bool
    messages: list = field(default_factory=list)   # why points were lost (errors, stderr, checks)


HAND_IN, GRADER = "hand-in", "grader"    # whose fault it is that a submission was not graded


@dataclass
class GradingResult:
    student: str
    assignment: str
    notebook: str
    sha256: str
    graded: bool
    problem: str = ""                      # why it could not be graded (graded=False)
    # whose fault that was: HAND_IN (the bytes are no notebook: an earlier grade goes) or GRADER (a lost
    # worker, a broken kernel environment, a sandbox error: an earlier grade stands; the default when unsure)
    fault: str = GRADER
    cells: dict = field(default_factory=dict)      # grade_id -> CellGrade, in notebook order
    comments: dict = field(default_factory=dict)   # grade_id -> nbgrader's auto comment ("No response.")
    autograded: bytes = b""                # the executed notebook, as nbgrader stores it
    feedback: bytes = b""                  # the feedback page (HTML)
    log: str = ""
    seconds: dict = field(default_factory=dict)    # kernel_start, cells, checks, total
    layers: dict = field(default_factory=dict)     # the sandbox layers that protected this job
    peak_memory: int = 0                   # bytes the job's processes held at most at once (0: not measured)
    oom_kills: int = 0                     # processes of the job its memory limit ended
    restarts: int = 0
    seed: int = 0

    @property
    def score(self):
        return sum(c.score for c in self.cells.values())

    @property
    def max_score(self):
        return sum(c.max_score for c in self.cells.values())


def unreadable(data):
    """Why these bytes are not a notebook nbgrader can grade, or ''."""
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except UnicodeDecodeError:
        return "unreadable notebook (not UTF-8 text)"
    except nbformat.reader.NotJSONError as error:
        return f"malformed notebook (not valid JSON: {str(error).splitlines()[0][:80]})"
    except Exception as error:  # noqa: BLE001 — any reason a notebook cannot be read is reported, not raised
        return f"unreadable notebook ({type(error).__name__}: {str(error).splitlines()[0][:80]})"
    return ""


def grade(job, log=None):
    """Grade one submission; never raises for anything the submission does."""
    started = time.perf_counter()
    result = GradingResult(job.student, job.assignment, job.notebook, job.sha256, False, seed=job.seed)
    problem = unreadable(job.submission)
    if problem:
        result.problem, result.fault = problem, HAND_IN
        return result
    logs = []
    try:
        with tempfile.TemporaryDirectory(prefix="tito-job-", dir=scratch_root()) as scratch, quiet_gradebook():
            _grade_in(job, Path(scratch), result, logs)
    except Exception as error:      # noqa: BLE001 — an infrastructure failure is a result, not a crash
        result.graded, result.fault = False, GRADER
        result.problem = f"not graded: {type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''}"
        logs.append(traceback.format_exc())
    result.log = "\n".join(logs)
    result.seconds["total"] = time.perf_counter() - started
    return result


def settings_limits(settings):
    """The sandbox's limits from the course's grading settings."""
    from tito.grading.sandbox import Limits

    return Limits(memory=settings.memory, job_memory=settings.job_memory, processes=settings.processes,
                  file_size=settings.file_size, disk=settings.disk, cpu_seconds=settings.cpu_seconds, wall_seconds=settings.wall_seconds)


@contextlib.contextmanager
def quiet_gradebook():
    """nbgrader's gradebook code trips SQLAlchemy warnings about its own session handling: they say
    nothing about the course and would bury the score table, so they are silenced around it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*not in session.*")
        yield


def scratch_root():
    """Where a job's scratch folder goes: memory (/dev/shm) where there is one — its private
    gradebook commits once per graded cell, and on a disk each commit waits for an fsync."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def _config(settings):
    from traitlets.config import Config

    cfg = Config()
    cfg.Execute.timeout = settings.cell_timeout
    cfg.GradingExecute.probe_timeout = min(settings.cell_timeout, 3)
    cfg.Execute.interrupt_on_timeout = True
    cfg.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
    cfg.OverwriteCells.add_missing_cells = True    # a deleted test cell is put back and run, not scored 0
    return cfg


def _chains():
    """nbgrader's own sanitize and autograde preprocessor lists, with Execute taken out (we run ours)
    and OverwriteCells replaced by the version that survives duplicated cells."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import Execute

    from nbgrader.preprocessors import OverwriteCells as NbgraderOverwriteCells

    from tito.grading.overwrite import OverwriteCells

    traits = Autograde.class_traits()
    sanitize = [OverwriteCells if p is NbgraderOverwriteCells else p for p in traits["sanitize_preprocessors"].default()]
    autograde = traits["autograde_preprocessors"].default()
    return sanitize, [p for p in autograde if p is not Execute]


def _grade_in(job, scratch, result, logs):
    from nbgrader.api import Gradebook

    from tito.grading import checks as trusted
    from tito.grading.execute import GradingExecute
    from tito.grading.feedback import feedback_page
    from tito.grading.sandbox import Sandbox, ensure_kernel_env

    settings = job.settings
    db = scratch / "gradebook.db"
    db.write_bytes(job.gradebook)
    db_url = f"sqlite:///{db}"
    with Gradebook(db_url) as gb:
        gb.update_or_create_student(job.student)
        gb.add_submission(job.assignment, job.student)
    resources = {"unique_key": job.notebook, "output_files_dir": f"{job.notebook}_files",
                 "metadata": {"path": str(scratch)},
                 "nbgrader": {"student": job.student, "assignment": job.assignment, "notebook": job.notebook,
                              "db_url": db_url}}
    nb = nbformat.reads(job.submission.decode("utf-8"), as_version=4)
    cfg = _config(settings)
    started = time.perf_counter()
    sanitize, after_execute = _chains()
    for preprocessor in sanitize:               # called, not .preprocess(): disabled ones are skipped as in nbgrader
        nb, resources = preprocessor(config=cfg)(nb, resources)
    choose_cells_to_run(nb, job.skip)
    result.seconds["sanitize"] = time.perf_counter() - started

    limits = settings_limits(settings)
    kernel_python = ensure_kernel_env(settings.kernel_env) if settings.kernel_env else ensure_kernel_env()
    checks = trusted.load_checks(job.checks, f"{job.assignment} checks") if job.checks else None
    with Sandbox(job.kit, job.assignment, kernel_python, limits, base_dir=str(scratch / "sandbox")) as box:
        result.layers = dict(box.layers)
        if settings.require_sandbox and not box.layers.get("mode", "").startswith("full"):
            raise RuntimeError(f"the full sandbox is required but this machine gives: {box.layers['mode']}")
        executor = GradingExecute(config=cfg, checks=checks, reference_files=job.reference, seed=job.seed,
                                  output_limit=settings.output_limit, max_restarts=settings.max_restarts,
                                  after_cell=box.kill_strays)
        nb, resources = executor.preprocess(nb, resources, km=box.kernel_manager_class()())
        result.seconds.update(executor.timings)
        result.restarts = executor.restarts
        if box.expired:
            logs.append(f"the job ran past its wall-clock limit ({settings.wall_seconds} s) and was killed")
    result.peak_memory, result.oom_kills = box.peak_memory, box.oom_kills      # read as the sandbox closed
    started = time.perf_counter()
    for preprocessor in after_execute:
        nb, resources = preprocessor(config=cfg)(nb, resources)

    result.autograded = nbformat.writes(nb).encode()
    with Gradebook(db_url) as gb:
        submission = gb.find_submission_notebook(job.notebook, job.assignment, job.student)
        for g in submission.grades:
            result.cells[g.name] = CellGrade(g.name, float(g.score or 0), float(g.max_score), bool(g.needs_manual_grade))
        result.comments = {c.name: c.auto_comment for c in submission.comments if c.auto_comment}
    order = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    result.cells = dict(sorted(result.cells.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in result.cells:
            result.cells[grade_id].messages = lost_points(cell)
    result.seconds["score"] = time.perf_counter() - started
    started = time.perf_counter()
    result.feedback = feedback_page(nb, resources)
    result.seconds["feedback"] = time.perf_counter() - started
    result.graded = True


SKIP_TAG = "skip-execution"          # nbclient does not run cells with this tag


def choose_cells_to_run(nb, skip):
    """The grader, not the notebook, decides which cells run: a skip tag a student added is removed
    (it would leave a graded cell without output, i.e. full points), and the locked demonstration
    cells in `skip` (measurements and plots, restored from the release) are not run."""
    for cell in nb.cells:
        tags = [t for t in cell.metadata.get("tags", []) if t != SKIP_TAG]
        if cell.metadata.get("nbgrader", {}).get("grade_id") in skip:
            tags.append(SKIP_TAG)
        if tags or "tags" in cell.metadata:
            cell.metadata["tags"] = tags


def lost_points(cell, timeout=None):
    """Why a graded cell lost its points, one line per reason (what nbgrader counts against it)."""
    reasons = []
    outputs = cell.get("outputs", [])
    timed_out = any(o.get("ename") == "CellTimeoutError" for o in outputs)
    for output in outputs:
        if output.get("output_type") == "error":
            if timed_out and output.get("ename") in ("KeyboardInterrupt", "CellTimeoutError"):
                if output.get("ename") == "CellTimeoutError":
                    reasons.append("timed out: the cell ran longer than the per-cell limit and was interrupted")
                continue
            first = (output.get("evalue") or "").strip().splitlines()
            reasons.append(f"{output.get('ename')}: {first[0][:300] if first else ''}")
        elif output.get("name") == "stderr":
            text = output.get("text", "").strip().splitlines()
            reasons.append(f"wrote to stderr (nbgrader scores that 0): {text[0][:200] if text else ''}")
    return reasons


def job_seed(run_seed, student):
    """A student's seed within a grading run: fresh per run, reproducible from the run's seed."""
    return int(hashlib.sha256(f"{run_seed}:{student}".encode()).hexdigest()[:15], 16)

