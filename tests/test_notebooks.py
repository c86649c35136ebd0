"""Each module notebook, executed top to bottom in a real Jupyter kernel, passes."""
import nbformat
import pytest
from nbclient import NotebookClient

from conftest import MODULE_SOURCES, ROOT


def execute(path, cwd):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def outputs(nb, stream):
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []) if o.get("name") == stream)


@pytest.mark.parametrize("source", MODULE_SOURCES, ids=lambda p: p.parent.name)
def test_module_notebook_runs_in_a_kernel(source, notebooks):
    nb = execute(source.with_suffix(".ipynb"), cwd=source.parent)   # raises CellExecutionError on failure
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    for cell in graded:
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert "✅" in text, f"graded cell {cell.metadata.nbgrader.grade_id} did not report success: {text!r}"
    assert outputs(nb, "stderr") == "", "a cell wrote to stderr (nbgrader would score it 0)"


def test_activations_notebook_shows_the_figure_and_the_profiler_table(notebooks):
    nb = execute(ROOT / "modules/02_activations/activations_dev.ipynb", cwd=ROOT / "modules/02_activations")
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert images, "the plot cell should display the activation/derivative figure"
    assert "× copy" in outputs(nb, "stdout")
