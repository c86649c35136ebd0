"""nbgrader extensions used by the course (configured in tito/nbgrader_course.py)."""
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute

DIED_HERE = "the kernel died (a crash, or os._exit) while running this cell"
NOT_RUN = "not run: the kernel died in an earlier cell"


class ExecuteSurvivingCrash(Execute):
    """nbgrader's Execute, except that a kernel crash does not throw away the whole submission:
    cells that ran before the crash keep their outputs (and so their grades), and every cell
    from the crash on gets an error output, so each graded one among them scores 0."""

    running = 0   # index of the cell being executed: the one to blame when the kernel dies

    def preprocess_cell(self, cell, resources, index):
        self.running = index
        return super().preprocess_cell(cell, resources, index)

    def preprocess(self, nb, resources, *args, **kwargs):
        self.running = 0
        try:
            return super().preprocess(nb, resources, *args, **kwargs)
        except DeadKernelError:
            self.log.warning("Kernel died; grading the cells that ran before the crash")
            for i, cell in enumerate(nb.cells[self.running:]):
                if cell.cell_type != "code":
                    continue
                message = NOT_RUN if i else DIED_HERE
                cell.setdefault("outputs", []).append(NotebookNode(
                    output_type="error", ename="KernelDied", evalue=message, traceback=[f"KernelDied: {message}"]))
            return nb, resources
