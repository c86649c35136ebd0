"""Importing is quiet and light; the dev files run their tests only when run; the wheel ships the package."""
import sys
import zipfile

import pytest

from conftest import MODULE_SOURCES, ROOT, python, run

PROBE = """
import sys, time
t0 = time.perf_counter(); import numpy; t1 = time.perf_counter()
import tinytorch.core.activations
from tinytorch.core.activations import ReLU, Sigmoid, Tanh, Softmax, ActivationProfiler
heavy = sorted(m for m in ("matplotlib", "scipy", "torch", "pytest", "nbformat") if m in sys.modules)
sys.stderr.write(f"HEAVY={heavy}\\n")
"""


def test_importing_the_package_prints_nothing_and_loads_nothing_heavy(tmp_path):
    result = python("-c", PROBE, cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert result.stdout == ""
    assert "HEAVY=[]" in result.stderr, result.stderr


@pytest.mark.parametrize("source", MODULE_SOURCES, ids=lambda p: p.parent.name)
def test_importing_a_dev_file_runs_no_tests(source, tmp_path):
    code = (f"import importlib.util as u; s = u.spec_from_file_location('dev', {str(source)!r}); "
            f"m = u.module_from_spec(s); s.loader.exec_module(m)")
    result = python("-c", code, cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert result.stdout == "" and result.stderr == ""


@pytest.mark.parametrize("source", MODULE_SOURCES, ids=lambda p: p.parent.name)
def test_dev_file_runs_as_a_script_and_passes(source, tmp_path):
    # from another folder and without tinytorch on the path: the setup cell must find it
    result = python(str(source), cwd=tmp_path, env={"MPLBACKEND": "Agg", "PATH": ""})
    assert result.stderr == ""
    graded = source.read_text().count('"grade": true')
    assert result.stdout.count("✅") >= graded, result.stdout


def test_plain_pip_install_ships_the_core_package(tmp_path):
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)])
    wheel = next(tmp_path.glob("tinytorch-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for module in ("tensor", "activations"):
        assert f"tinytorch/core/{module}.py" in names, names
    assert not [n for n in names if n.startswith(("tito/", "tests/", "modules/"))]
    target = tmp_path / "site"
    run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)])
    check = "from tinytorch.core.activations import ReLU; from tinytorch.core.tensor import Tensor; print(ReLU()(Tensor([-1.0, 2.0])).data)"
    assert python("-c", check, cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": ""}).stdout.strip() == "[0. 2.]"
