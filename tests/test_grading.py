"""The instructor side with the real nbgrader: student copy, kit, autograding of the sample
submissions and of typical student mistakes (mutants), feedback and the grades CSV."""
import csv
import re
import shutil

import nbformat
import pytest

from conftest import ROOT, run_notebook
from tito import submissions
from tito.commands import feedback, grade, release, report, samples
from tito.notebooks import read_notebook, read_source
from tito.paths import dev_source, find_module

ACTIVATIONS = find_module("02")


def reference_with(code_cell, old, new):
    return lambda reference: submissions.replace_code(reference, code_cell, old, new)


# Common student mistakes: each must lose the points of the cell named, with a message that teaches.
MUTANTS = {
    "relu_abs": (reference_with("relu-class", "np.maximum(x.data, 0)", "np.abs(x.data)"), "test-relu", "expected 0"),
    "relu_clips_at_1": (reference_with("relu-class", "np.maximum(x.data, 0)", "np.clip(x.data, 0, 1)"),
                        "test-relu", "expected 2, got 1"),
    "relu_returns_array": (reference_with("relu-class", "return Tensor(np.maximum(x.data, 0))",
                                          "return np.maximum(x.data, 0)"), "test-relu", "must return a Tensor"),
    "relu_mutates_input": (reference_with("relu-class", "return Tensor(np.maximum(x.data, 0))",
                                          "np.maximum(x.data, 0, out=x.data)\n        return x"),
                           "test-relu", "changed its input"),
    "tanh_by_exponentials": (reference_with("tanh-class", "np.tanh(x.data)",
                                            "(np.exp(x.data) - np.exp(-x.data)) / (np.exp(x.data) + np.exp(-x.data))"),
                             "test-tanh", "overflow"),
    "softmax_without_max_shift": (reference_with("softmax-class", "exps = data - np.max(data, axis=self.dim, "
                                                 "keepdims=True, initial=-np.inf)", "exps = data.copy()"),
                                  "test-softmax", "overflow"),
    "softmax_over_columns": (lambda r: reference_with("softmax-class", "exps /= np.sum(exps, axis=self.dim",
                                                      "exps /= np.sum(exps, axis=0")(
        reference_with("softmax-class", "np.max(data, axis=self.dim", "np.max(data, axis=0")(r)),
        "test-softmax", "each row"),
    "softmax_over_whole_batch": (lambda r: reference_with("softmax-class", "exps /= np.sum(exps, axis=self.dim",
                                                          "exps /= np.sum(exps, axis=None")(r),
                                 "test-softmax", "each row"),
    "sigmoid_to_float64": (reference_with("sigmoid-class", "z = np.abs(a, out=np.empty_like(a))",
                                          "a = a.astype(np.float64)\n    z = np.abs(a)"),
                           "test-sigmoid", "keep the dtype"),
    "sigmoid_sign_error": (reference_with("sigmoid-class", "top = np.maximum(z, a >= 0)",
                                          "top = np.maximum(z, a < 0)"), "test-sigmoid", "Sigmoid"),
    "sigmoid_backward_forgets_factor": (reference_with("sigmoid-class", "g * y * (1 - y)", "g * y"),
                                        "test-sigmoid-backward", "Sigmoid.backward"),
    # mistakes an adversarial review found surviving an earlier version of the tests
    "relu_returns_its_input_when_nothing_is_negative": (reference_with(
        "relu-class", "return Tensor(np.maximum(x.data, 0))",
        "return x if (x.data >= 0).all() else Tensor(np.maximum(x.data, 0))"), "test-relu", "returned its input"),
    "sigmoid_squeezes": (reference_with("sigmoid-class", "return Tensor(_sigmoid(x.data))",
                                        "return Tensor(_sigmoid(x.data).squeeze())"), "test-sigmoid", "keep the shape"),
    "sigmoid_backward_in_float64": (reference_with("sigmoid-class", "return Tensor(g * y * (1 - y))",
                                                   "return Tensor(g.astype(np.float64) * y * (1 - y))"),
                                    "test-sigmoid-backward", "keep the dtype"),
    "tanh_via_sigmoid": (reference_with("tanh-class", "np.tanh(x.data)", "2 * _sigmoid(2 * x.data) - 1"),
                         "test-tanh", "near 0"),
    "softmax_max_along_the_last_axis_only": (reference_with("softmax-class", "np.max(data, axis=self.dim",
                                                            "np.max(data, axis=-1"), "test-softmax", "Softmax(dim=0)"),
    "leaky_relu_max_for_every_slope": (reference_with("leaky-relu-class",
                                                      "pick = np.maximum if slope < 1 else np.minimum",
                                                      "pick = np.maximum"), "test-leaky-relu", "slope above 1"),
    "silu_warns_at_minus_inf": (reference_with("silu-class", 'with np.errstate(invalid="ignore"):', "if True:"),
                                "test-silu", "invalid value"),
    "imports_the_reference_package": (lambda r: submissions.replace_solution(
        r, "sigmoid-class", "    from tinytorch.core.activations import _sigmoid as reference\n    return reference(a)\n"),
        "test-sigmoid", "tinytorch.core.activations"),
    "gelu_tanh_cancelling_formula": (reference_with("gelu-class", "out = _sigmoid(v)\n                out *= a",
                                                    "out = 0.5 * a * (1 + np.tanh(v / 2))"),
                                     "test-gelu", "x·σ(2u)"),
}


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """Release module 02 into a fresh course and autograde every sample and every mutant in one batch."""
    course = tmp_path_factory.mktemp("course")
    released, kit, seconds = release.release(ACTIVATIONS, course)
    folder = tmp_path_factory.mktemp("handed_in")
    for path in (ROOT / "submissions" / ACTIVATIONS.name).glob("*.ipynb"):
        shutil.copy(path, folder)
    reference = read_notebook(folder / "reference.ipynb")
    for name, (mutate, _, _) in MUTANTS.items():
        submissions.write(mutate(reference), folder / f"mutant_{name}.ipynb")
    outcomes, table = grade.grade(ACTIVATIONS, course, folder)
    return {"root": course, "release": released, "kit": kit, "outcomes": {o.student: o for o in outcomes},
            "scores": table, "text": grade.format_table(ACTIVATIONS, outcomes, table)}


def points(course, student):
    return {cell: score for cell, (score, _, _) in course["scores"][student].items()}


def maximum(course):
    return {cell: top for cell, (_, top, _) in course["scores"]["reference"].items()}


def autograded(course, student):
    return read_notebook(course["root"] / "autograded" / student / ACTIVATIONS.name / "activations_dev.ipynb")


SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", flags=re.S)


def solution_lines(module_dir):
    """Distinctive lines of a module's reference solutions: not found outside solution regions anywhere."""
    inside = {line.strip() for region in SOLUTION.findall(dev_source(module_dir).read_text())
              for line in region.splitlines() if len(line.strip()) > 12}
    outside = "\n".join(SOLUTION.sub("", p.read_text()) for p in ROOT.glob("modules/*/*_dev.py"))
    return {line for line in inside if line not in outside and not line.startswith("#")}


# ---- the student copy ----

def test_release_contains_no_solution_line(course):
    text = "\n".join(c.source for c in read_notebook(course["release"] / "activations_dev.ipynb").cells)
    leaked = [line for line in solution_lines(ACTIVATIONS) if line in text]
    assert len(solution_lines(ACTIVATIONS)) > 20 and not leaked, leaked


def test_release_keeps_imports_setup_kernelspec_and_locks(course):
    nb = read_notebook(course["release"] / "activations_dev.ipynb")
    assert nb.metadata.kernelspec.name == "python3"
    source_cells = {c.metadata.nbgrader.grade_id: c for c in read_source(dev_source(ACTIVATIONS)).cells
                    if "nbgrader" in c.metadata}
    for grade_id in ("setup", "imports", "activation-base", "test-helpers"):
        assert submissions.cell(nb, grade_id).source == source_cells[grade_id].source, grade_id
    assert "#| default_exp core.activations" in submissions.cell(nb, "imports").source
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("locked"):
            assert c.metadata.get("editable") is False and c.metadata.get("deletable") is False, meta["grade_id"]
    stub = submissions.cell(nb, "sigmoid-class").source
    assert stub.count("raise NotImplementedError") == 2 and "#| export" in stub


def errors(nb):
    return {c.metadata.get("nbgrader", {}).get("grade_id", "?"): o for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.output_type == "error"}


def test_untouched_copy_fails_only_where_work_is_left_with_a_clear_message(course, tmp_path):
    shutil.copytree(course["kit"], tmp_path / "kit")
    module = tmp_path / "kit" / ACTIVATIONS.name
    nb = run_notebook(module / "activations_dev.ipynb", module, allow_errors=True)
    failed = errors(nb)
    graded = {c.metadata.nbgrader.grade_id for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    assert graded <= set(failed), "every graded cell must fail on the untouched copy"
    student_work = graded | {"test-activation-profiler", "test-tensor-integration"}    # ungraded, but needs the student's code
    assert set(failed) <= student_work, f"unexpected failures: {set(failed) - student_work}"
    for grade_id, error in failed.items():
        assert error.ename == "AssertionError" and "not implemented yet" in error.evalue, (grade_id, error.evalue)
    stdout = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "Skipped the plot" in stdout and "Skipped the measurements" in stdout


# ---- the student kit ----

def test_kit_has_no_solution_of_this_or_later_modules_and_runs_on_its_own(course, tmp_path):
    kit = course["kit"]
    files = {p.relative_to(kit).as_posix(): p.read_text() for p in kit.rglob("*") if p.is_file()}
    assert "tinytorch/core/tensor.py" in files, "earlier modules' reference code travels with the kit"
    assert not [f for f in files if f.endswith(("activations.py", "layers.py"))], sorted(files)
    for module_dir in (find_module("02"), find_module("03")):
        leaked = {(f, line) for f, text in files.items() for line in solution_lines(module_dir) if line in text}
        assert not leaked, leaked
    assert (kit.parent / f"{kit.name}.zip").exists()
    # the kit's own tinytorch is used, not the repository's installed one
    shutil.copytree(kit, tmp_path / "kit")
    notebook = tmp_path / "kit" / ACTIVATIONS.name / "activations_dev.ipynb"
    nb = nbformat.read(notebook, 4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("import tinytorch; print('TINYTORCH', tinytorch.__file__)"))
    nbformat.write(nb, notebook)
    ran = run_notebook(notebook, notebook.parent, allow_errors=True)
    printed = "".join(o.get("text", "") for c in ran.cells for o in c.get("outputs", []))
    assert f"TINYTORCH {tmp_path / 'kit' / 'tinytorch' / '__init__.py'}" in printed


# ---- autograding the samples ----

def test_reference_scores_full_points_and_untouched_scores_zero(course):
    assert points(course, "reference") == maximum(course) and sum(maximum(course).values()) == 115
    assert set(points(course, "untouched").values()) == {0}


def test_locked_test_replaced_by_pass_is_restored(course):
    scores = points(course, "test_replaced_by_pass")
    assert scores["test-relu"] == 0 and scores["test-sigmoid"] == 10
    restored = submissions.cell(autograded(course, "test_replaced_by_pass"), "test-relu").source
    assert "def test_unit_relu" in restored


def test_deleted_test_scores_zero_and_is_flagged(course):
    score, _, manual = course["scores"]["test_deleted"]["test-sigmoid"]
    assert score == 0 and manual
    assert "test-sigmoid: flagged for manual grading" in course["text"]


def test_infinite_loop_times_out_and_the_rest_is_graded(course):
    scores = points(course, "infinite_loop")
    assert scores["test-relu"] == 0 and scores["test-gelu"] == 15 and scores["test-softmax"] == 15
    assert "infinite_loop: test-relu: timed out" in course["text"]


def test_kernel_crash_is_graded_as_far_as_it_ran(course):
    scores = points(course, "kernel_crash")
    assert scores["test-relu"] == 10 and scores["test-sigmoid-backward"] == 10
    assert scores["test-tanh"] == 0 and scores["test-softmax"] == 0
    assert "kernel_crash: test-tanh: KernelDied: the kernel died (a crash, or os._exit) while running this cell" in course["text"]


def test_malformed_notebook_is_reported_and_the_batch_goes_on(course):
    outcome = course["outcomes"]["malformed_json"]
    assert not outcome.graded and "malformed notebook" in outcome.problem
    assert "malformed_json" in course["text"] and "NOT GRADED" in course["text"]
    assert course["outcomes"]["untouched"].graded      # graded after it, alphabetically


def test_overflowing_sigmoid_fails_with_a_message_naming_overflow_and_input(course):
    assert points(course, "sigmoid_overflow")["test-sigmoid"] == 0
    message = errors(autograded(course, "sigmoid_overflow"))["test-sigmoid"].evalue
    assert "overflow" in message and "-1000" in message


@pytest.mark.parametrize("mutant", MUTANTS)
def test_common_mistakes_lose_points_in_the_right_cell(course, mutant):
    _, cell, words = MUTANTS[mutant]
    scores = points(course, f"mutant_{mutant}")
    assert scores[cell] == 0, f"{mutant} kept the points of {cell}"
    assert sum(scores.values()) < sum(maximum(course).values())
    message = errors(autograded(course, f"mutant_{mutant}"))[cell].evalue
    assert words in message, message


# ---- feedback and the grades CSV ----

def test_feedback_html_and_grades_csv(course):
    pages = feedback.feedback(ACTIVATIONS, course["root"])
    reference_page = course["root"] / "feedback" / "reference" / ACTIVATIONS.name / "activations_dev.html"
    untouched_page = course["root"] / "feedback" / "untouched" / ACTIVATIONS.name / "activations_dev.html"
    assert reference_page in pages and "Score: 115.0 / 115.0" in reference_page.read_text()
    assert "Score: 0.0 / 115.0" in untouched_page.read_text()
    rows = list(csv.DictReader(report.report(course["root"]).open()))
    by_student = {r["student_id"]: r for r in rows if r["assignment"] == ACTIVATIONS.name}
    assert float(by_student["reference"]["score"]) == 115 and float(by_student["untouched"]["score"]) == 0
    assert "malformed_json" not in by_student or float(by_student["malformed_json"]["score"]) == 0


def test_committed_samples_are_built_from_the_current_release(course, tmp_path):
    samples.build(ACTIVATIONS, course["root"], out=tmp_path)
    for built in (tmp_path / ACTIVATIONS.name).glob("*.ipynb"):
        committed = ROOT / "submissions" / ACTIVATIONS.name / built.name
        assert committed.read_text() == built.read_text(), f"{built.name} is stale: run python -m tito samples 02"


# ---- modules 01 and 03 go through the same pipeline ----

@pytest.mark.parametrize("module", ["01", "03"])
def test_other_modules_release_and_grade_like_module_02(module, tmp_path):
    module_dir = find_module(module)
    course = tmp_path / "course"
    _, kit, _ = release.release(module_dir, course)
    outcomes, table = grade.grade(module_dir, course, ROOT / "submissions" / module_dir.name)
    reference = {cell: (score, top) for cell, (score, top, _) in table["reference"].items()}
    assert all(score == top > 0 for score, top in reference.values()), reference
    assert {score for score, _, _ in table["untouched"].values()} == {0}
    # the untouched copy, run in its kit, fails only in graded cells, each with a message that says so
    folder = kit / module_dir.name
    nb = run_notebook(folder / f"{dev_source(module_dir).stem}.ipynb", folder, allow_errors=True)
    graded = {c.metadata.nbgrader.grade_id for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    failed = errors(nb)
    assert set(failed) == graded, set(failed) ^ graded
    for grade_id, error in failed.items():
        assert error.ename == "AssertionError" and "not implemented yet" in error.evalue, (grade_id, error.evalue)


def test_a_regrade_that_fails_forgets_the_earlier_grade(course, tmp_path):
    student = tmp_path / "regraded.ipynb"
    shutil.copy(ROOT / "submissions" / ACTIVATIONS.name / "reference.ipynb", student)
    grade.grade(ACTIVATIONS, course["root"], tmp_path)
    assert (course["root"] / "autograded" / "regraded" / ACTIVATIONS.name).exists()
    shutil.copy(ROOT / "submissions" / ACTIVATIONS.name / "malformed_json.ipynb", student)
    outcomes, table = grade.grade(ACTIVATIONS, course["root"], tmp_path)
    assert not outcomes[0].graded and "regraded" not in table
    assert not (course["root"] / "autograded" / "regraded" / ACTIVATIONS.name).exists()
    rows = list(csv.DictReader(report.report(course["root"], to=tmp_path / "grades.csv").open()))
    score = [float(r["score"]) for r in rows if r["student_id"] == "regraded" and r["assignment"] == ACTIVATIONS.name]
    assert score in ([], [0.0]), f"the old full score survived a failed regrade: {score}"
