"""Each module notebook, executed top to bottom in a real Jupyter kernel, passes."""
import pytest

from conftest import MODULE_SOURCES, run_notebook


def outputs(nb, stream):
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []) if o.get("name") == stream)


@pytest.mark.parametrize("source", MODULE_SOURCES, ids=lambda p: p.parent.name)
def test_module_notebook_runs_in_a_kernel(source, notebooks):
    nb = run_notebook(notebooks[source], cwd=source.parent)   # raises CellExecutionError on failure
    if source.parent.name == "02_activations":
        images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        assert images, "the plot cell should display the activation/derivative figure"
        assert "× copy" in outputs(nb, "stdout"), "the profiler table is shown"
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    for cell in graded:
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert "✅" in text, f"graded cell {cell.metadata.nbgrader.grade_id} did not report success: {text!r}"
    assert outputs(nb, "stderr") == "", "a cell wrote to stderr (nbgrader would score it 0)"
