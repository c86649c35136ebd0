"""The execute step of autograding, for kernels that may be hostile.

`GradingExecute` is nbgrader's Execute preprocessor (so the rest of nbgrader's autograde chain, the
gradebook and the feedback work as usual) with these changes:

- **Output cap.** A cell's output beyond `output_limit` bytes is dropped and replaced by one note,
  so a cell printing 100 MB costs the grader nothing and the job goes on — except what nbgrader
  scores 0 (an error, a write to stderr): the first of each is kept, its text shortened.
- **Recovery.** When the kernel dies (a crash, os._exit, the memory killer) or stops answering (a
  cell that ignores interrupts), that cell gets an error output, the kernel is restarted, the cells
  before it are replayed, and grading goes on with the next cell — at most `max_restarts` times,
  and never past the job's wall-clock deadline (the sandbox's): then the cells left are not run.
- **Trusted checks.** After the last cell, while the kernel still holds the student's definitions,
  the module's checks run (tito/grading/checks.py). A graded cell whose check fails gets an error
  output that names the input and the expected value, so nbgrader scores it 0 and the feedback
  says why.
- **No kernel choice from the notebook.** The kernel manager is handed in by the grader (the
  sandbox's); the notebook's kernelspec is never used to pick one. Nor a time limit: only the
  cells tito runs aside (the checks' questions) have limits of their own.
- **Nothing left behind.** The kernel client's channels and the manager's sockets are closed at the
  end of every job (nbclient leaves them open for a manager it did not create).
"""
import json
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.preprocessors import Execute
from traitlets import Any, Float, Integer

from tito.grading import checks as trusted

KERNEL_DIED = "KernelDied"
KERNEL_HUNG = "KernelHung"
CHECK_FAILED = "TrustedCheckFailed"
TIME_LIMIT = "NotebookTimeLimit"
TIME_UP = "not run: time limit for the whole notebook reached"
KEPT_DYING = "not run: the kernel kept dying in earlier cells"
SHORT = 2000             # characters kept of an error or stderr output past the output cap


def error_output(ename, evalue):
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def shortened(msg):
    """An error or stderr message with its text cut to SHORT characters (past the output cap)."""
    content = dict(msg.get("content") or {})
    if msg.get("msg_type") == "error":
        traceback = content.get("traceback")
        content["evalue"] = str(content.get("evalue", ""))[:SHORT]
        content["traceback"] = [str(line)[:SHORT] for line in traceback[-3:]] if isinstance(traceback, list) else []
    else:
        content["text"] = str(content.get("text", ""))[:SHORT] + "\n[stderr cut: past the output limit]\n"
    return {**msg, "content": content}


class GradingExecute(Execute):
    output_limit = Integer(1_000_000, help="bytes of output kept per cell").tag(config=True)
    max_restarts = Integer(3, help="kernel restarts (with replay) per notebook").tag(config=True)
    probe_timeout = Integer(3, help="seconds a trusted check's question may take (right code takes ms)").tag(config=True)
    checks = Any(None, help="a tito.grading.checks.Checks object, or None")
    after_cell = Any(None, help="called after every cell (the sandbox's kill_strays)")
    reference_files = Any(None, help="{path: bytes} of the reference package the checks compare with")
    seed = Integer(0, help="the grading run's seed: inputs of the trusted checks derive from it")
    deadline = Float(None, allow_none=True,
                     help="time.monotonic() by which the whole job ends; default: the kernel manager's "
                          "`deadline` (the sandbox's wall-clock limit), if it has one")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.check_outcomes = {}
        self.timings = {}
        self.restarts = 0
        self._aside = None                                # (cell, timeout) while _run_aside runs a cell
        self._deadline = None

    def _km_call(self, method, *args, **kwargs):
        """Call a kernel-manager method, whether the manager is synchronous or asynchronous."""
        async def call():
            return await ensure_async(getattr(self.km, method)(*args, **kwargs))
        return run_sync(call)()

    # -- output cap

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {}), default=str))
        used = self._output_used.get(cell_index, 0)
        self._output_used[cell_index] = used + size
        if used + size <= self.output_limit:
            return super().output(outs, msg, display_id, cell_index)
        if used <= self.output_limit:                     # the first output over the limit: one note
            note = NotebookNode(output_type="stream", name="stdout",
                                text=f"\n[output cut: this cell printed more than {self.output_limit:,} bytes]\n")
            outs.append(note)
        # nbgrader scores a cell with an error or a write to stderr 0: dropping those would let a
        # flood of stdout buy the points back. The first of each is kept, shortened (one is enough).
        content, kind = msg.get("content"), msg.get("msg_type")
        kind = "stderr" if kind == "stream" and isinstance(content, dict) and content.get("name") == "stderr" else kind
        kept = self._kept_past_cap.setdefault(cell_index, set())
        if kind in ("error", "stderr") and kind not in kept:
            kept.add(kind)
            return super().output(outs, shortened(msg), display_id, cell_index)
        return None

    # -- running the notebook

    def preprocess(self, nb, resources, km=None):
        from nbclient import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._output_used = {}
        self._kept_past_cap = {}
        self._deadline = self.deadline if self.deadline is not None else getattr(km, "deadline", None)
        self.ran = []                                     # cells executed to completion, for replay
        started = time.perf_counter()
        try:
            with self.setup_kernel():
                self.timings["kernel_start"] = time.perf_counter() - started
                info = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info["content"]["language_info"]
                started = time.perf_counter()
                self._budget = self.max_restarts
                self._run_cells(resources)
                self.timings["cells"] = time.perf_counter() - started
                started = time.perf_counter()
                if self.checks is not None:
                    self._budget = self.max_restarts      # the checks get restarts of their own (within the deadline)
                    self._run_checks()
                self.timings["checks"] = time.perf_counter() - started
        finally:
            self._close_kernel()
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _runs(self, cell):
        return cell.cell_type == "code" and self.skip_cells_with_tag not in cell.metadata.get("tags", [])

    def _run_cells(self, resources):
        for index, cell in enumerate(self.nb.cells):
            if not self._runs(cell):
                continue
            if self._out_of_time():
                self._give_up(index, TIME_UP)
                return
            try:
                self.preprocess_cell(cell, resources, index)
                self.ran.append(index)
                self._after_cell(cell)
            except (DeadKernelError, CellTimeoutError) as problem:
                died = isinstance(problem, DeadKernelError) or not self._km_call("is_alive")
                if self._out_of_time():                   # the sandbox's watchdog ended the kernel
                    cell.outputs.append(error_output(
                        TIME_LIMIT, "the time limit for the whole notebook was reached while this cell ran"))
                else:
                    cell.outputs.append(error_output(
                        KERNEL_DIED if died else KERNEL_HUNG,
                        "the kernel died (a crash, os._exit, or the memory limit) while running this cell" if died
                        else "this cell ran past the time limit and ignored the interrupt"))
                if not self._recover():
                    self._give_up(index + 1, TIME_UP if self._out_of_time() else KEPT_DYING)
                    return

    def _out_of_time(self):
        return self._deadline is not None and time.monotonic() >= self._deadline

    def _get_timeout(self, cell):
        """A trusted check's question has its own, shorter limit. Only the cell _run_aside is running
        has one: a student's cell may carry any metadata (a limit of None would mean no limit)."""
        if self._aside is not None and cell is self._aside[0]:
            return self._aside[1]
        return super()._get_timeout(cell)

    def _close_kernel(self):
        """nbclient cleans up only a kernel manager it created, and this one is the sandbox's: the
        client's channels (a heartbeat thread that never ends, zmq sockets) and the manager's sockets
        and zmq context would outlive the job, hundreds of jobs in a Dask worker. The sandbox then
        kills whatever is left of the kernel's processes."""
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:          # noqa: BLE001 — closing must not hide what happened before
            self.log.warning("closing the kernel client failed", exc_info=True)
        self.kc = None
        if self.km is None:
            return
        try:
            if self._km_call("is_alive"):
                self._km_call("shutdown_kernel", now=True)
        except Exception:          # noqa: BLE001
            self.log.warning("shutting the kernel down failed", exc_info=True)
        finally:
            try:
                self._km_call("cleanup_resources")
            except Exception:      # noqa: BLE001
                self.log.warning("cleaning up the kernel manager failed", exc_info=True)

    def _after_cell(self, cell):
        """Processes the cell left running are killed (a cell may not leave work behind)."""
        if self.after_cell is not None and self.after_cell():
            cell.outputs.append(NotebookNode(output_type="stream", name="stdout",
                                             text="[the grader stopped processes this cell left running]\n"))

    def _recover(self):
        """A fresh kernel that has run again the cells that completed before (their outputs stay
        those of the first run). False when out of restarts, past the job's deadline, or when the
        replay itself fails."""
        if self._budget <= 0 or self._out_of_time():     # the deadline is the job's, not the kernel's
            return False
        self._budget -= 1
        self.restarts += 1
        self.log.warning("restarting the kernel and replaying %d cells", len(self.ran))
        self.kc.stop_channels()
        self._km_call("restart_kernel", now=True)
        self.kc = None
        self.start_new_kernel_client()
        for index in self.ran:
            try:
                self._run_aside(self.nb.cells[index].source)
            except (DeadKernelError, CellTimeoutError):
                return False
        return True

    def _run_aside(self, source, timeout=None):
        """Execute code without touching the graded notebook (nbclient writes every executed cell
        back into self.nb at its index); returns the cell with its outputs."""
        cell = new_code_cell(source)
        # nbclient's trackers hold the graded notebook's cell indices (a display_id update from code
        # run aside would look up cell 7 of this one-cell notebook): they get fresh ones meanwhile
        saved = self.nb, self._display_id_map, self._output_used, self._kept_past_cap
        self.nb, self._display_id_map, self._output_used, self._kept_past_cap = new_notebook(cells=[cell]), {}, {}, {}
        self._aside = (cell, timeout) if timeout is not None else None
        try:
            self.execute_cell(cell, 0, store_history=False)
        finally:
            self.nb, self._display_id_map, self._output_used, self._kept_past_cap = saved
            self._aside = None
        return cell

    def _give_up(self, first_index, why):
        """The cells from first_index on are not run: an error output says why (nbgrader scores them 0)."""
        for cell in self.nb.cells[first_index:]:
            if self._runs(cell):
                cell.outputs = [error_output(TIME_LIMIT if why == TIME_UP else KERNEL_DIED, why)]

    # -- trusted checks

    def _probe(self, token, batch):
        """Questions to the student's kernel, answered in one round trip; a kernel that dies
        answering is restarted (its cells replayed) for the next questions, within the budget."""
        def failed(error, message):
            if self._out_of_time():
                error, message = TIME_LIMIT, TIME_UP
            return [{"ok": False, "error": error, "message": message}] * len(batch)

        if not self._kernel_ready or self._out_of_time():
            return failed("KernelDied", "the kernel kept dying; the check could not run")
        try:
            cell = self._run_aside(trusted.probe_code(token, batch), timeout=self.probe_timeout)
        except (DeadKernelError, CellTimeoutError):
            self._kernel_ready = self._recover() and self._define_driver()
            return failed("KernelDied", "the kernel died or hung during the check")
        stdout = "".join(o.get("text") for o in cell.outputs
                         if o.get("name") == "stdout" and isinstance(o.get("text"), str))
        try:
            return trusted.read_replies(token, stdout, len(batch))
        except trusted.CheckFailed as failure:
            return failed("NoAnswer", str(failure))

    def _define_driver(self):
        try:
            self._run_aside(trusted.KERNEL_DRIVER)          # defines __tito_probes in the kernel
        except (DeadKernelError, CellTimeoutError):
            return False
        return True

    def _run_checks(self):
        if self._out_of_time():
            self.check_outcomes = {g: trusted.Outcome(g, False, TIME_UP) for g in self.checks.functions}
        else:
            token = trusted.new_token()
            alive = self._km_call("is_alive") or self._recover()
            self._kernel_ready = alive and self._define_driver()
            self.check_outcomes = trusted.run_checks(
                self.checks, lambda batch: self._probe(token, batch), self.reference_files, self.seed)
        for cell in self.nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            outcome = self.check_outcomes.get(grade_id)
            if outcome is None or not cell.metadata.get("nbgrader", {}).get("grade") or cell.cell_type != "code":
                continue
            if any(o.output_type == "error" for o in cell.get("outputs", [])):
                continue                                  # the notebook's own test failed: 0 already
            if not outcome.passed:
                cell.outputs.append(error_output(CHECK_FAILED, outcome.message))
