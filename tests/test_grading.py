"""The instructor side with the real nbgrader, graded for real in the sandbox: the student copy and kit,
the sample hand-ins (cheats and attacks included), common mistakes (mutants), near misses and
correct alternatives — all graded once per session by the `graded` fixture (conftest.py)."""
import csv
import json
import re
import shutil

import nbformat
import pytest

from conftest import ROOT, points, run_notebook
from tito import hostile, submissions
from tito.commands import grade, release, report, samples
from tito.grading import cgroup, record
from tito.grading.job import Settings
from tito.notebooks import read_notebook, read_source
from tito.paths import dev_source, find_module

ACTIVATIONS = find_module("02")


def reference_with(code_cell, old, new):
    return lambda reference: submissions.replace_code(reference, code_cell, old, new)


RELU = "return Tensor(np.maximum(x.data, 0))"
SOFTMAX_SUM = "np.sum(exps, axis=self.dim, keepdims=True)"

# Common student mistakes: each must lose the points of the cell named, with a message that teaches.
MUTANTS = {
    "relu_abs": (reference_with("relu-class", "np.maximum(x.data, 0)", "np.abs(x.data)"), "test-relu", "expected 0"),
    "relu_clips_at_1": (reference_with("relu-class", "np.maximum(x.data, 0)", "np.clip(x.data, 0, 1)"),
                        "test-relu", "expected 2, got 1"),
    "relu_returns_array": (reference_with("relu-class", RELU, "return np.maximum(x.data, 0)"), "test-relu",
                           "must return a Tensor"),
    "relu_mutates_input": (reference_with("relu-class", RELU, "np.maximum(x.data, 0, out=x.data)\n        return x"),
                           "test-relu", "changed its input"),
    "relu_returns_its_input_when_nothing_is_negative": (reference_with(
        "relu-class", RELU, "return x if (x.data >= 0).all() else Tensor(np.maximum(x.data, 0))"),
        "test-relu", "returned its input"),
    "sigmoid_sign_error": (reference_with("sigmoid-class", "np.exp(-a)", "np.exp(a)"), "test-sigmoid", "Sigmoid"),
    "sigmoid_to_float64": (reference_with("sigmoid-class", "np.exp(-a)", "np.exp(-a.astype(np.float64))"),
                           "test-sigmoid-edge-cases", "keep the dtype"),
    "sigmoid_squeezes": (reference_with("sigmoid-class", "return Tensor(_sigmoid(x.data))",
                                        "return Tensor(_sigmoid(x.data).squeeze())"),
                         "test-sigmoid-edge-cases", "keep the shape"),
    "sigmoid_backward_forgets_factor": (reference_with("sigmoid-class", "g * y * (1 - y)", "g * y"),
                                        "test-sigmoid-backward", "Sigmoid.backward"),
    "sigmoid_backward_in_float64": (reference_with("sigmoid-class", "return Tensor(g * y * (1 - y))",
                                                   "return Tensor(g.astype(np.float64) * y * (1 - y))"),
                                    "test-sigmoid-backward", "keep the dtype"),
    "imports_the_reference_package": (lambda r: submissions.replace_solution(
        r, "sigmoid-class", "    from tinytorch.core.activations import _sigmoid as reference\n    return reference(a)\n"),
        "test-sigmoid", "tinytorch.core.activations"),
    "tanh_by_exponentials": (reference_with("tanh-class", "np.tanh(x.data)",
                                            "(np.exp(x.data) - np.exp(-x.data)) / (np.exp(x.data) + np.exp(-x.data))"),
                             "test-tanh-edge-cases", "overflow"),
    "softmax_without_max_shift": (reference_with("softmax-class", "shifted = x.data - np.max(x.data, axis=self.dim, "
                                                 "keepdims=True)", "shifted = x.data"), "test-softmax-edge-cases",
                                  "overflow"),
    "softmax_over_columns": (lambda r: reference_with("softmax-class", SOFTMAX_SUM, "np.sum(exps, axis=0, keepdims=True)")(
        reference_with("softmax-class", "np.max(x.data, axis=self.dim", "np.max(x.data, axis=0")(r)),
        "test-softmax", "each row"),
    "softmax_over_whole_batch": (reference_with("softmax-class", SOFTMAX_SUM, "np.sum(exps)"), "test-softmax",
                                 "each row"),
    "softmax_max_along_the_last_axis_only": (reference_with("softmax-class", "np.max(x.data, axis=self.dim",
                                                            "np.max(x.data, axis=-1"), "test-softmax-dim",
                                             "Softmax(dim=0)"),
    "softmax_backward_sign": (reference_with("softmax-class", "y * (g - np.sum(g * y", "y * (g + np.sum(g * y"),
                              "test-softmax-backward", "Softmax(dim=-1).backward"),
    "leaky_relu_forgets_slope": (reference_with("leaky-relu-class", " + np.minimum(x.data, 0) * a", ""),
                                 "test-leaky-relu", "slope 0.01"),
    "leaky_relu_max_for_every_slope": (reference_with(
        "leaky-relu-class", "np.maximum(x.data, 0) + np.minimum(x.data, 0) * a", "np.maximum(x.data, a * x.data)"),
        "test-leaky-relu", "slope above 1"),
    "silu_warns_at_minus_inf": (reference_with("silu-class", 'with np.errstate(invalid="ignore"):', "if True:"),
                                "test-silu-edge-cases", "invalid value"),
    "gelu_tanh_cancelling_formula": (reference_with("gelu-class", "return Tensor(a * _sigmoid(2 * u))",
                                                    "return Tensor(0.5 * a * (1 + np.tanh(u)))"),
                                     "test-gelu-edge-cases", "x·σ(2u)"),
}

# Correct code written differently from the reference: full marks.
ALTERNATIVES = {
    "relu_clip": reference_with("relu-class", "np.maximum(x.data, 0)", "np.clip(x.data, 0, None)"),
    "relu_where_the_other_way": reference_with("relu-class", "np.maximum(x.data, 0)", "np.where(x.data <= 0, 0, x.data)"),
    "sigmoid_two_cases": lambda r: submissions.replace_solution(r, "sigmoid-class", (
        "    z = np.exp(-np.abs(a))\n    return np.where(a >= 0, 1 / (1 + z), z / (1 + z))\n")),
    "tanh_expm1": reference_with("tanh-class", "return Tensor(np.tanh(x.data))",
                                 "e = np.expm1(-2 * np.abs(x.data))\n        return Tensor(np.sign(x.data) * (-e / (e + 2)))"),
    "softmax_reciprocal": reference_with("softmax-class", f"exps /= {SOFTMAX_SUM}", f"exps = exps * (1 / {SOFTMAX_SUM})"),
    "softmax_log_sum_exp": reference_with(
        "softmax-class", f"exps /= {SOFTMAX_SUM}   # in place: exps is a new array of our own\n            return Tensor(exps)",
        "with np.errstate(divide='ignore'):\n                log_total = np.log(np.sum(exps, axis=self.dim, keepdims=True))\n"
        "            return Tensor(np.exp(shifted - log_total))"),
    "leaky_relu_where": reference_with("leaky-relu-class", "np.maximum(x.data, 0) + np.minimum(x.data, 0) * a",
                                       "np.where(x.data > 0, x.data, a * x.data)"),
}

# Right in spirit, wrong on one edge case (samples near_miss_*): what each may lose, and nothing else.
NEAR_MISSES = {"near_miss_relu_where": "test-relu-edge-cases", "near_miss_softmax_no_errstate": "test-softmax-edge-cases",
               "near_miss_tanh_via_sigmoid": "test-tanh-edge-cases", "sigmoid_overflow": "test-sigmoid-edge-cases",
               "near_miss_gelu_erfc": "test-gelu-edge-cases"}
ACTIVATION_CELLS = {"relu": ["test-relu", "test-relu-edge-cases"],
                    "sigmoid": ["test-sigmoid", "test-sigmoid-edge-cases", "test-sigmoid-backward"],
                    "tanh": ["test-tanh", "test-tanh-edge-cases"],
                    "softmax": ["test-softmax", "test-softmax-dim", "test-softmax-edge-cases", "test-softmax-backward"],
                    "gelu": ["test-gelu", "test-gelu-edge-cases"]}


def scores(graded, student):
    return {g: c.score for g, c in graded["results"][student].cells.items()}


def maximum(graded):
    return {g: c.max_score for g, c in graded["results"]["reference"].cells.items()}


def autograded(graded, student):
    return nbformat.reads(graded["results"][student].autograded.decode(), 4)


def cell_text(nb, grade_id):
    """All the output of one cell, as text (errors included)."""
    cell = submissions.cell(nb, grade_id)
    return "\n".join(o.get("text", "") or f"{o.get('ename')}: {o.get('evalue')}" for o in cell.get("outputs", []))


SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", flags=re.S)


def solution_lines(module_dir):
    """Distinctive lines of a module's reference solutions: not found outside solution regions anywhere."""
    inside = {line.strip() for region in SOLUTION.findall(dev_source(module_dir).read_text())
              for line in region.splitlines() if len(line.strip()) > 12}
    outside = "\n".join(SOLUTION.sub("", p.read_text()) for p in ROOT.glob("modules/*/*_dev.py"))
    return {line for line in inside if line not in outside and not line.startswith("#")}


# ---- the student copy and the kit ----

def test_release_contains_no_solution_line(graded):
    text = "\n".join(c.source for c in read_notebook(graded["release"] / "activations_dev.ipynb").cells)
    leaked = [line for line in solution_lines(ACTIVATIONS) if line in text]
    assert len(solution_lines(ACTIVATIONS)) > 10 and not leaked, leaked


def test_release_keeps_setup_kernelspec_locks_and_stubs(graded):
    nb = read_notebook(graded["release"] / "activations_dev.ipynb")
    assert nb.metadata.kernelspec.name == "python3"
    source_cells = {c.metadata.nbgrader.grade_id: c for c in read_source(dev_source(ACTIVATIONS)).cells
                    if "nbgrader" in c.metadata}
    for grade_id in ("setup", "activation-base", "test-helpers"):
        assert submissions.cell(nb, grade_id).source == source_cells[grade_id].source, grade_id
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("locked"):
            assert c.metadata.get("editable") is False and c.metadata.get("deletable") is False, meta["grade_id"]
    stub = submissions.cell(nb, "sigmoid-class").source
    assert stub.count("raise NotImplementedError") == 2 and "#| export" in stub


def test_kit_has_no_solution_of_this_or_later_modules_and_runs_on_its_own(graded, tmp_path):
    kit = graded["kit"]
    files = {p.relative_to(kit).as_posix(): p.read_text() for p in kit.rglob("*") if p.is_file()}
    for needed in ("tinytorch/core/tensor.py", "tinytorch/core/special.py", "tinytest.py"):
        assert needed in files, f"{needed} travels with the kit"
    assert not [f for f in files if f.endswith(("activations.py", "layers.py", "_checks.py"))], sorted(files)
    for module_dir in (find_module("02"), find_module("03")):
        leaked = {(f, line) for f, text in files.items() for line in solution_lines(module_dir) if line in text}
        assert not leaked, leaked
    shutil.copytree(kit, tmp_path / "kit")          # the kit's own tinytorch is used, not the repository's
    notebook = tmp_path / "kit" / ACTIVATIONS.name / "activations_dev.ipynb"
    nb = nbformat.read(notebook, 4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("import tinytorch; print('TINYTORCH', tinytorch.__file__)"))
    ran = run_notebook(nb, notebook.parent, allow_errors=True)
    printed = "".join(o.get("text", "") for c in ran.cells for o in c.get("outputs", []))
    assert f"TINYTORCH {tmp_path / 'kit' / 'tinytorch' / '__init__.py'}" in printed
    failed = {c.metadata.get("nbgrader", {}).get("grade_id") for c in ran.cells
              if any(o.output_type == "error" for o in c.get("outputs", []))}
    graded_ids = {c.metadata.nbgrader.grade_id for c in ran.cells if c.metadata.get("nbgrader", {}).get("grade")}
    assert graded_ids <= failed, "every graded cell fails on the untouched copy"
    for c in ran.cells:
        for o in c.get("outputs", []):
            if o.output_type == "error" and c.metadata.get("nbgrader", {}).get("grade"):
                assert o.ename == "NotDone" and "not implemented yet" in o.evalue, (o.ename, o.evalue)


# ---- the samples, as documented in tito/commands/samples.py ----

def test_reference_full_marks_and_untouched_zero_in_every_cell(graded):
    assert scores(graded, "reference") == maximum(graded) and sum(maximum(graded).values()) == 115
    assert set(scores(graded, "untouched").values()) == {0}
    for student in ("reference", "untouched"):
        assert graded["results"][student].layers["mode"].startswith("full"), "graded in the full sandbox"


def test_locked_test_replaced_by_pass_is_restored(graded):
    points = scores(graded, "test_replaced_by_pass")
    assert points["test-relu"] == 0 and points["test-sigmoid"] == 5
    assert "def test_unit_relu" in submissions.cell(autograded(graded, "test_replaced_by_pass"), "test-relu").source


def test_deleted_test_is_put_back_and_graded(graded):
    assert scores(graded, "test_deleted") == maximum(graded)
    assert scores(graded, "cell_duplicated") == maximum(graded), "a copied locked cell is not a reason to fail"
    restored = submissions.cell(autograded(graded, "test_deleted"), "test-sigmoid").source
    assert "was missing from the submission" in restored and "def test_unit_sigmoid" in restored


def test_infinite_loop_times_out_and_the_rest_is_graded(graded):
    points = scores(graded, "infinite_loop")
    assert points["test-relu"] == 0 and points["test-gelu"] == 10 and points["test-softmax"] == 8
    assert "timed out" in " ".join(graded["results"]["infinite_loop"].cells["test-relu"].messages)


def test_kernel_crash_is_restarted_and_the_rest_is_graded(graded):
    result = graded["results"]["kernel_crash"]
    points = scores(graded, "kernel_crash")
    assert points["test-tanh"] == 0 and points["test-relu"] == 6 and points["test-softmax"] == 8 and points["test-gelu"] == 10
    assert result.restarts >= 1
    assert "KernelDied" in cell_text(autograded(graded, "kernel_crash"), "test-tanh")


def test_malformed_notebook_is_reported_and_the_batch_goes_on(graded):
    result = graded["results"]["malformed_json"]
    assert not result.graded and "malformed notebook" in result.problem
    assert "malformed_json" in graded["table"] and "NOT GRADED" in graded["table"]


# ---- fairness: mistakes, near misses, alternatives ----

def activation_of(grade_id):
    """test-softmax-edge-cases → softmax: the activation a graded cell belongs to."""
    return re.sub(r"-(edge-cases|backward|dim)$", "", grade_id.removeprefix("test-"))


@pytest.mark.parametrize("mutant", MUTANTS)
def test_common_mistakes_lose_points_in_the_right_cell_and_only_there(graded, mutant):
    _, cell, words = MUTANTS[mutant]
    result = graded["results"][f"mutant_{mutant}"]
    assert result.cells[cell].score == 0, f"{mutant} kept the points of {cell}"
    assert words in " ".join(result.cells[cell].messages), result.cells[cell].messages
    lost = [g for g, c in result.cells.items() if c.score < c.max_score]
    assert {activation_of(g) for g in lost} == {activation_of(cell)}, f"charged again elsewhere: {lost}"


@pytest.mark.parametrize("near_miss", NEAR_MISSES)
def test_a_near_miss_keeps_at_least_half_and_loses_nothing_elsewhere(graded, near_miss):
    lost = {g: maximum(graded)[g] - s for g, s in scores(graded, near_miss).items() if s < maximum(graded)[g]}
    assert list(lost) == [NEAR_MISSES[near_miss]], lost
    activation = next(cells for cells in ACTIVATION_CELLS.values() if NEAR_MISSES[near_miss] in cells)
    assert 0 < sum(lost.values()) <= sum(maximum(graded)[g] for g in activation) / 2


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_correct_alternatives_get_full_marks(graded, alternative):
    result = graded["results"][f"alternative_{alternative}"]
    assert scores(graded, f"alternative_{alternative}") == maximum(graded), \
        {g: c.messages for g, c in result.cells.items() if c.messages}


# ---- hostile hand-ins ----

@pytest.mark.parametrize("cheat", hostile.CHEATS)
def test_cheats_score_at_most_ten_percent(graded, cheat):
    result = graded["results"][cheat]
    assert result.graded and result.score <= 0.1 * result.max_score, (result.score, result.max_score)


ATTACK_EVIDENCE = {
    "attack_memory": "memory: refused (MemoryError)",
    "attack_memory_together": "memory together: 3 children",
    "attack_fork_bomb": "[the grader stopped processes this cell left running]",
    "attack_fill_disk": "disk: file",
    "attack_network": "refused",
    "attack_big_print": "[output cut",
    "attack_sigint_sleep": "KernelHung",
    "attack_write_course": "write: done",
    "attack_script_in_feedback": "script: shown",
}


@pytest.mark.parametrize("attack", hostile.ATTACKS)
def test_attacks_are_contained_and_the_rest_is_graded(graded, attack):
    result = graded["results"][attack]
    assert scores(graded, attack) == maximum(graded)
    output = cell_text(autograded(graded, attack), "activation-profiler")
    assert ATTACK_EVIDENCE[attack] in output, output[:500]
    assert "CONNECTED" not in output and "TAMPERED" not in output
    assert len(result.autograded) < 5_000_000, "the 100 MB print must not reach the autograded notebook"


def test_a_jobs_processes_together_stay_under_its_memory_limit(graded):
    # three children of 500 MiB each pass the per-process limit; the job's memory cgroup (1 GiB) ends
    # some of them. On a busy machine with cold memory the 5 s cell timeout may come first.
    result = graded["results"]["attack_memory_together"]
    assert 0 < result.peak_memory <= Settings().job_memory, result.peak_memory       # 0 = no cgroup measured it
    output = cell_text(autograded(graded, "attack_memory_together"), "activation-profiler")
    finished = re.search(r"(\d) held it, (\d) were killed", output)
    if finished:
        held, killed = map(int, finished.groups())
        assert killed >= 1 and held + killed == 3 and result.oom_kills >= killed, (output, result.oom_kills)
    else:
        assert "CellTimeoutError" in output, output
    assert 0 < graded["results"]["reference"].peak_memory < Settings().job_memory / 4      # a normal job is far below
    assert cgroup.job_cgroups() == [], "every job's cgroup is removed with the job"


def test_no_script_a_student_planted_reaches_the_feedback_page(graded):
    page = (graded["course"] / "feedback" / "attack_script_in_feedback" / ACTIVATIONS.name / "activations_dev.html").read_text()
    assert "Notes" in page and "script: shown" in page
    planted = [m for m in re.findall(r"<script[^>]*>(.*?)</script>", page, re.S) if "PWNED" in m]
    assert planted == [], planted                                 # code shown as text is fine: tags are not
    assert not re.search(r"<[a-z]+[^>]*\sonerror\s*=", page) and not re.search(r"href=.?javascript:", page)


def test_reading_other_work_finds_nothing(graded):
    assert "reference files found: []" in cell_text(autograded(graded, "cheat_read_reference"), "relu-class")
    assert "other hand-ins found: []" in cell_text(autograded(graded, "cheat_read_other_student"), "relu-class")


def test_nothing_outside_the_jobs_changed_and_no_process_outlived_its_job(graded):
    assert not graded["changed"], "module sources, package, kits or release changed while grading"
    assert graded["left_running"] == []
    assert graded["solutions_left_on_disk"] == [], "the reference package the checks load stays in memory only"


# ---- what the one writer stored ----

def test_gradebook_feedback_csv_and_records_agree(graded):
    course = graded["course"]
    from tito import nbgrader_course

    with nbgrader_course.gradebook(course) as gb:
        assert gb.find_submission(ACTIVATIONS.name, "reference").score == points("02")
        assert gb.find_submission(ACTIVATIONS.name, "near_miss_relu_where").score == 111
    page = (course / "feedback" / "reference" / ACTIVATIONS.name / "activations_dev.html").read_text()
    assert f"Score: {points('02'):.1f} / {points('02'):.1f}" in page
    page = (course / "feedback" / "mutant_relu_abs" / ACTIVATIONS.name / "activations_dev.html").read_text()
    assert "expected 0" in page
    rows = {r["student_id"]: r for r in csv.DictReader(report.grades_csv(course).open()) if r["assignment"] == ACTIVATIONS.name}
    assert float(rows["reference"]["score"]) == points("02") and float(rows["untouched"]["score"]) == 0
    saved = record.previous(course, ACTIVATIONS.name, "malformed_json")
    assert saved and not saved["graded"] and "malformed" in saved["problem"]


def test_a_rerun_skips_what_it_graded_and_a_failed_regrade_forgets_the_grade(graded, tmp_path):
    course, hand_ins = graded["course"], graded["hand_ins"]
    shutil.copy(hand_ins / "reference.ipynb", tmp_path / "reference.ipynb")
    results, skipped = grade.grade(ACTIVATIONS, course, tmp_path, workers=1, progress=False)
    assert results == [] and skipped == ["reference"], "the same bytes are not graded twice"
    shutil.copy(hand_ins / "malformed_json.ipynb", tmp_path / "reference.ipynb")
    results, _ = grade.grade(ACTIVATIONS, course, tmp_path, workers=1, progress=False)
    assert not results[0].graded
    assert not (course / "autograded" / "reference" / ACTIVATIONS.name).exists()
    rows = [r for r in csv.DictReader(report.grades_csv(course, to=tmp_path / "g.csv").open())
            if r["student_id"] == "reference" and r["assignment"] == ACTIVATIONS.name]
    assert [float(r["score"]) for r in rows] in ([], [0.0]), "the old full score survived a failed regrade"
    shutil.copy(hand_ins / "reference.ipynb", tmp_path / "reference.ipynb")
    results, _ = grade.grade(ACTIVATIONS, course, tmp_path, workers=1, progress=False, force=True)
    assert results[0].score == points("02")


def test_committed_samples_are_built_from_the_current_release(graded, tmp_path):
    samples.build(ACTIVATIONS, graded["course"], out=tmp_path)
    for built in (tmp_path / ACTIVATIONS.name).glob("*.ipynb"):
        committed = ROOT / "submissions" / ACTIVATIONS.name / built.name
        assert committed.exists() and committed.read_text() == built.read_text(), \
            f"{built.name} is stale: run python3 make.py tito samples 02"
    assert {p.name for p in (tmp_path / ACTIVATIONS.name).glob("*.ipynb")} == \
        {p.name for p in (ROOT / "submissions" / ACTIVATIONS.name).glob("*.ipynb")}


# ---- modules 01 and 03 go through the same pipeline (serially, in process) ----

@pytest.mark.parametrize("module", ["01", "03"])
def test_other_modules_release_and_grade_like_module_02(module, tmp_path):
    module_dir = find_module(module)
    course = tmp_path / "course"
    release.release(module_dir, course)
    results, _ = grade.grade(module_dir, course, ROOT / "submissions" / module_dir.name, workers=1, progress=False)
    by_student = {r.student: r for r in results}
    assert by_student["reference"].score == by_student["reference"].max_score > 0
    assert by_student["untouched"].score == 0
    for grade_id, cell in by_student["untouched"].cells.items():     # says what to do, not a bare traceback
        assert any(m.startswith("NotDone") and "not implemented yet" in m for m in cell.messages), (grade_id, cell.messages)
    if module == "03":
        near = by_student["near_miss_linear_no_type_check"]
        lost = {g: c.max_score - c.score for g, c in near.cells.items() if c.score < c.max_score}
        assert list(lost) == ["test-linear-errors"], lost
        assert sum(lost.values()) <= (near.cells["test-linear"].max_score + near.cells["test-linear-errors"].max_score) / 2


def test_every_graded_cell_has_exactly_one_trusted_check():
    from tito.grading import checks, prepare
    from tito.paths import module_dirs

    for module_dir in module_dirs():
        graded_ids = [c.metadata.nbgrader.grade_id for c in read_source(dev_source(module_dir)).cells
                      if c.metadata.get("nbgrader", {}).get("grade")]
        check_file = prepare.check_file(module_dir)
        assert check_file, f"{module_dir.name} has no check file"
        assert list(checks.load_checks(check_file.read_text()).functions) == graded_ids, module_dir.name
        assert json.dumps(graded_ids)            # in notebook order, one each


def test_without_the_full_sandbox_nothing_is_graded_unless_the_instructor_says_so(monkeypatch, tmp_path):
    # this machine is root (full sandbox); a machine without root is simulated by what the probe reports
    from tito.grading import sandbox

    course = tmp_path / "course"
    release.release(ACTIVATIONS, course)
    shutil.copy(ROOT / "submissions" / ACTIVATIONS.name / "reference.ipynb", tmp_path / "reference.ipynb")
    monkeypatch.setattr(sandbox, "sandbox_support", lambda: {"mode": "rlimits-only", "uid": "off: not root"})
    with pytest.raises(SystemExit, match="refusing to grade without the full sandbox.*--allow-unsandboxed"):
        grade.grade(ACTIVATIONS, course, tmp_path, workers=1, progress=False)
    assert not (course / "autograded").exists()
