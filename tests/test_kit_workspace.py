"""A kit is a student's workspace: `pip install -e .` makes its tinytorch the student's own package,
`tito export` builds it from their notebook, `tito test` runs a module's graded tests, and `tito add`
brings in the next module without touching their code — which the next module then runs on."""
import nbformat
import pytest

from conftest import ROOT, bare_env, graded_cells, run, student_workspace
from tito.commands import release

STUDENT_RELU = "return Tensor(np.maximum(x.data, 0))  # my own ReLU"


@pytest.fixture(scope="module")
def kits(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    return {name: release.release(ROOT / "modules" / name, course)[1].with_suffix(".zip")
            for name in ("02_activations", "03_layers")}


def write_solutions(workspace, module, sample="reference", edit=None):
    """The student's notebook, completed (from the sample hand-in), optionally with one edit."""
    notebook = next((workspace / module).glob("*.ipynb"))
    nb = nbformat.read(ROOT / "submissions" / module / f"{sample}.ipynb", 4)
    if edit:
        for cell in nb.cells:
            cell.source = cell.source.replace(*edit)
    nbformat.write(nb, notebook)
    return notebook


def test_export_builds_the_students_own_package_importable_from_anywhere(kits, tmp_path):
    workspace, bin_dir = student_workspace(kits["02_activations"], tmp_path)
    write_solutions(workspace, "02_activations", edit=("return Tensor(np.maximum(x.data, 0))", STUDENT_RELU))
    notebook_before = next((workspace / "02_activations").glob("*.ipynb")).read_bytes()
    result = run([str(bin_dir / "tito"), "export"], cwd=workspace / "02_activations", env=bare_env(bin_dir))
    assert "wrote tinytorch/core/activations.py" in result.stdout, result.stdout
    assert STUDENT_RELU in (workspace / "tinytorch" / "core" / "activations.py").read_text()
    assert next((workspace / "02_activations").glob("*.ipynb")).read_bytes() == notebook_before, "notebook untouched"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    check = ("import inspect, tinytorch.core.activations as a; from tinytorch.core.tensor import Tensor; "
             "print(a.__file__); print(a.ReLU()(Tensor([-1.0, 2.0])).data); print(inspect.getsource(a.ReLU.forward))")
    shown = run([str(bin_dir / "python"), "-c", check], cwd=elsewhere, env=bare_env(bin_dir)).stdout
    assert str(workspace / "tinytorch" / "core" / "activations.py") in shown and "[0. 2.]" in shown
    assert "# my own ReLU" in shown

    # a hand edit of the package is kept as a .bak copy, never silently lost
    package = workspace / "tinytorch" / "core" / "activations.py"
    package.write_text(package.read_text() + "\n# edited by hand\n")
    result = run([str(bin_dir / "tito"), "export"], cwd=workspace, env=bare_env(bin_dir))
    assert "edited by hand since the last export" in result.stdout
    backups = list(package.parent.glob("activations.py.bak-*"))
    assert backups and "# edited by hand" in backups[0].read_text()


def test_tito_test_reports_each_graded_cell(kits, tmp_path):
    workspace, bin_dir = student_workspace(kits["02_activations"], tmp_path)
    write_solutions(workspace, "02_activations", sample="near_miss_relu_where")
    result = run([str(bin_dir / "tito"), "test", "02"], cwd=workspace, env=bare_env(bin_dir), check=False)
    assert result.returncode == 1, result.stdout
    assert "✅ test-relu\n" in result.stdout and "✗ test-relu-edge-cases" in result.stdout
    total = graded_cells("02")
    assert f"{total - 1} of {total} graded tests pass" in result.stdout, result.stdout
    assert result.stderr == "", result.stderr


def test_the_next_module_keeps_the_students_code_and_runs_on_it(kits, tmp_path):
    workspace, bin_dir = student_workspace(kits["02_activations"], tmp_path)
    env = bare_env(bin_dir)
    # unfinished module 02, exported: module 03 says what to do
    run([str(bin_dir / "tito"), "export"], cwd=workspace, env=env)
    result = run([str(bin_dir / "tito"), "add", str(kits["03_layers"])], cwd=workspace, env=env)
    assert "added 03_layers/layers_dev.ipynb" in result.stdout and "kept your tinytorch/core/activations.py" in result.stdout
    write_solutions(workspace, "03_layers")
    failed = run([str(bin_dir / "tito"), "test", "03"], cwd=workspace, env=env, check=False)
    assert failed.returncode == 1 and "finish module 02" in failed.stdout, failed.stdout
    # module 02 finished (with the student's own ReLU) and exported: module 03 runs on it
    write_solutions(workspace, "02_activations", edit=("return Tensor(np.maximum(x.data, 0))", STUDENT_RELU))
    run([str(bin_dir / "tito"), "export"], cwd=workspace, env=env)
    assert STUDENT_RELU in (workspace / "tinytorch" / "core" / "activations.py").read_text()
    passed = run([str(bin_dir / "tito"), "test", "03"], cwd=workspace, env=env)
    assert f"{graded_cells('03')} of {graded_cells('03')} graded tests pass" in passed.stdout, passed.stdout
