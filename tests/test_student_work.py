"""A student's work is never lost by `tito export`, and module 03 tells a student what to do when
module 02 has not been finished and exported."""
import re

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

from conftest import copy_project, python, run_notebook

RELU = "return Tensor(np.maximum(x.data, 0))"


@pytest.fixture
def project(tmp_path):
    project = copy_project(tmp_path)
    python("-m", "tito", "export", "--quiet", cwd=project)
    return project


def faces(project):
    module = project / "modules" / "02_activations"
    return module / "activations_dev.py", module / "activations_dev.ipynb"


def edit_notebook(path, old, new, add_output=False):
    nb = nbformat.read(path, 4)
    for cell in nb.cells:
        if old in cell.source:
            cell.source = cell.source.replace(old, new)
        if add_output and cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a student ran this\n")]
    nbformat.write(nb, path)


def export(project, *args, check=True):
    return python("-m", "tito", "export", *args, cwd=project, check=check)


def test_edit_only_the_notebook_updates_the_py_and_the_package(project):
    py, ipynb = faces(project)
    edit_notebook(ipynb, RELU, "return Tensor(np.maximum(x.data, 0.0))  # student's edit", add_output=True)
    result = export(project)
    assert "activations_dev.ipynb changed: rewrote activations_dev.py" in result.stdout
    assert "# student's edit" in py.read_text()
    assert "# student's edit" in (project / "tinytorch/core/activations.py").read_text()
    assert "a student ran this" in ipynb.read_text(), "the notebook itself is left as the student had it"


def test_edit_only_the_py_updates_the_notebook_and_keeps_outputs(project):
    py, ipynb = faces(project)
    edit_notebook(ipynb, "no-such-text", "", add_output=True)            # the student ran the cells
    py.write_text(py.read_text().replace(RELU, RELU + "  # instructor's edit"))
    result = export(project)
    assert "activations_dev.py changed: rewrote activations_dev.ipynb" in result.stdout
    assert "# instructor's edit" in ipynb.read_text()
    assert "a student ran this" in ipynb.read_text(), "outputs of unchanged cells are kept"


def test_running_cells_is_not_an_edit(project):
    py, ipynb = faces(project)
    edit_notebook(ipynb, "no-such-text", "", add_output=True)
    before = py.read_text()
    result = export(project)
    assert "changed" not in result.stdout, f"running cells was taken for an edit: {result.stdout}"
    assert py.read_text() == before


def test_edit_both_is_refused_and_nothing_is_lost(project):
    py, ipynb = faces(project)
    edit_notebook(ipynb, RELU, RELU + "  # notebook edit")
    py.write_text(py.read_text().replace(RELU, RELU + "  # py edit"))
    package = (project / "tinytorch/core/activations.py").read_text()
    snapshot = py.read_bytes(), ipynb.read_bytes()
    result = export(project, check=False)
    assert result.returncode != 0
    assert "could lose work" in result.stderr and "--keep py" in result.stderr, result.stderr
    assert (py.read_bytes(), ipynb.read_bytes()) == snapshot, "neither side may be touched"
    assert (project / "tinytorch/core/activations.py").read_text() == package, "nor the package"

    result = export(project, "02", "--keep", "py")                      # the way out it names
    assert "# py edit" in ipynb.read_text() and "# notebook edit" not in ipynb.read_text()
    backups = list(ipynb.parent.glob("activations_dev.ipynb.bak-*"))
    assert backups and "# notebook edit" in backups[0].read_text(), "the discarded side is saved"


# ---- module 03 needs module 02 exported ----

def without_solutions(package_text):
    """What a student's export of an untouched module 02 looks like: every solution region a stub."""
    return re.sub(r"( *)### BEGIN SOLUTION\n.*?### END SOLUTION",
                  lambda m: f'{m.group(1)}raise NotImplementedError("YOUR CODE HERE")', package_text, flags=re.S)


@pytest.mark.parametrize("state", ["missing", "unfinished"])
def test_layers_module_says_finish_module_02_first(project, state):
    activations = project / "tinytorch" / "core" / "activations.py"
    if state == "missing":
        activations.unlink()
    else:
        activations.write_text(without_solutions(activations.read_text()))
    notebook = project / "modules" / "03_layers" / "layers_dev.ipynb"
    with pytest.raises(CellExecutionError) as failure:
        run_notebook(notebook, cwd=notebook.parent)
    assert "finish module 02 and export it" in str(failure.value)
    assert failure.value.ename == "RuntimeError"
