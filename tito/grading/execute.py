"""The execute step of autograding, for kernels that may be hostile.

`GradingExecute` is nbgrader's Execute preprocessor (so the rest of nbgrader's autograde chain, the
gradebook and the feedback work as usual) with four changes:

- **Output cap.** A cell's output beyond `output_limit` bytes is dropped and replaced by one note,
  so a cell printing 100 MB costs the grader nothing and the job goes on.
- **Recovery.** When the kernel dies (a crash, os._exit, the memory killer) or stops answering (a
  cell that ignores interrupts), that cell gets an error output, the kernel is restarted, the cells
  before it are replayed, and grading goes on with the next cell — at most `max_restarts` times.
- **Trusted checks.** After the last cell, while the kernel still holds the student's definitions,
  the module's checks run (tito/grading/checks.py). A graded cell whose check fails gets an error
  output that names the input and the expected value, so nbgrader scores it 0 and the feedback
  says why.
- **No kernel choice from the notebook.** The kernel manager is handed in by the grader (the
  sandbox's); the notebook's kernelspec is never used to pick one.
"""
import json
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat.notebooknode import NotebookNode
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.preprocessors import Execute
from traitlets import Any, Integer

from tito.grading import checks as trusted

KERNEL_DIED = "KernelDied"
KERNEL_HUNG = "KernelHung"
CHECK_FAILED = "TrustedCheckFailed"


def error_output(ename, evalue):
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class GradingExecute(Execute):
    output_limit = Integer(1_000_000, help="bytes of output kept per cell").tag(config=True)
    max_restarts = Integer(3, help="kernel restarts (with replay) per notebook").tag(config=True)
    probe_timeout = Integer(3, help="seconds a trusted check's question may take (right code takes ms)").tag(config=True)
    checks = Any(None, help="a tito.grading.checks.Checks object, or None")
    after_cell = Any(None, help="called after every cell (the sandbox's kill_strays)")
    reference_files = Any(None, help="{path: bytes} of the reference package the checks compare with")
    seed = Integer(0, help="the grading run's seed: inputs of the trusted checks derive from it")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.check_outcomes = {}
        self.timings = {}
        self.restarts = 0

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
        return None

    # -- running the notebook

    def preprocess(self, nb, resources, km=None):
        from nbclient import NotebookClient

        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self._output_used = {}
        self.ran = []                                     # cells executed to completion, for replay
        started = time.perf_counter()
        with self.setup_kernel():
            self.timings["kernel_start"] = time.perf_counter() - started
            info = self.wait_for_reply(self.kc.kernel_info())
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            started = time.perf_counter()
            self._budget = self.max_restarts
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type != "code" or self.skip_cells_with_tag in cell.metadata.get("tags", []):
                    continue
                try:
                    self.preprocess_cell(cell, resources, index)
                    self.ran.append(index)
                    self._after_cell(cell)
                except (DeadKernelError, CellTimeoutError) as problem:
                    died = isinstance(problem, DeadKernelError) or not self._km_call("is_alive")
                    cell.outputs.append(error_output(
                        KERNEL_DIED if died else KERNEL_HUNG,
                        "the kernel died (a crash, os._exit, or the memory limit) while running this cell" if died
                        else "this cell ran past the time limit and ignored the interrupt"))
                    if not self._recover():
                        self._give_up(index)
                        break
            self.timings["cells"] = time.perf_counter() - started
            started = time.perf_counter()
            if self.checks is not None:
                self._budget = self.max_restarts          # the checks get restarts of their own
                self._run_checks()
            self.timings["checks"] = time.perf_counter() - started
        self.set_widgets_metadata()
        return self.nb, self.resources

    def _get_timeout(self, cell):
        """A trusted check's question has its own, shorter limit."""
        if cell is not None and "tito_timeout" in cell.get("metadata", {}):
            return cell.metadata["tito_timeout"]
        return super()._get_timeout(cell)

    def _after_cell(self, cell):
        """Processes the cell left running are killed (a cell may not leave work behind)."""
        if self.after_cell is not None and self.after_cell():
            cell.outputs.append(NotebookNode(output_type="stream", name="stdout",
                                             text="[the grader stopped processes this cell left running]\n"))

    def _recover(self):
        """A fresh kernel that has run again the cells that completed before (their outputs stay
        those of the first run). False when out of restarts or when the replay itself fails."""
        if self._budget <= 0:
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
        if timeout is not None:
            cell.metadata["execution"] = {}
            cell.metadata["tito_timeout"] = timeout
        graded, self.nb = self.nb, new_notebook(cells=[cell])
        try:
            self._output_used[0] = 0
            self.execute_cell(cell, 0, store_history=False)
        finally:
            self.nb = graded
        return cell

    def _give_up(self, failed_index):
        for cell in self.nb.cells[failed_index + 1:]:
            if cell.cell_type == "code" and self.skip_cells_with_tag not in cell.metadata.get("tags", []):
                cell.outputs = [error_output(KERNEL_DIED, "not run: the kernel kept dying in earlier cells")]

    # -- trusted checks

    def _probe(self, token, batch):
        """Questions to the student's kernel, answered in one round trip; a kernel that dies
        answering is restarted (its cells replayed) for the next questions, within the budget."""
        def failed(error, message):
            return [{"ok": False, "error": error, "message": message}] * len(batch)

        if not self._kernel_ready:
            return failed("KernelDied", "the kernel kept dying; the check could not run")
        try:
            cell = self._run_aside(trusted.probe_code(token, batch), timeout=self.probe_timeout)
        except (DeadKernelError, CellTimeoutError):
            self._kernel_ready = self._recover() and self._define_driver()
            return failed("KernelDied", "the kernel died or hung during the check")
        stdout = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
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
