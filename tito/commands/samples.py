"""tito samples MODULE: build the sample hand-ins (submissions/NN_name/*.ipynb) from the release.

Each sample is something real students hand in; `tito grade` must score each as documented (the
tests check every line of this table by grading the samples for real):

| sample                     | what it is                                          | expected                           |
|----------------------------|-----------------------------------------------------|------------------------------------|
| untouched                  | the student copy as released                        | 0 everywhere                       |
| reference                  | the instructor's solutions                          | full marks                         |
| near_miss_*                | right on ordinary inputs, wrong on one edge case    | loses > 0 and ≤ half of that part  |
| test_replaced_by_pass      | a wrong ReLU (abs) whose locked test became `pass`  | test restored by nbgrader: relu 0  |
| test_deleted               | a graded test cell deleted                          | put back by nbgrader, graded       |
| cell_duplicated            | a locked test cell copied (metadata and all)        | graded as usual                    |
| infinite_loop              | ReLU.forward loops forever                          | that cell times out; rest graded   |
| kernel_crash               | Tanh.forward calls os._exit                         | kernel restarted; rest graded      |
| malformed_json             | the file is not valid notebook JSON                 | reported; the others still graded  |
| sigmoid_overflow           | the textbook sigmoid, overflow not declared         | sigmoid's edge cases fail, naming overflow |
| cheat_* (tito/hostile.py)  | the untouched copy plus a trick to pass the tests   | ≤ 10 % of the maximum              |
| attack_* (tito/hostile.py) | the reference plus an attack on the grader          | contained; full marks; batch goes on |
"""
import nbformat

from tito import hostile, nbgrader_course, submissions
from tito.commands import release as release_command
from tito.notebooks import read_notebook, read_source
from tito.paths import ROOT, dev_source, find_module

HELP = "build the sample hand-ins of a module from its release"
SUBMISSIONS = ROOT / "submissions"

# Right in spirit, wrong on one edge case: the fair-grading issue's regrade requests.
NEAR_MISSES = {
    "02_activations": {
        "near_miss_relu_where": ("relu-class", "return Tensor(np.maximum(x.data, 0))",
                                 "return Tensor(np.where(x.data > 0, x.data, 0))"),          # nan becomes 0
        "near_miss_softmax_no_errstate": ("softmax-class", 'with np.errstate(invalid="ignore"):', "if True:"),
        "near_miss_tanh_via_sigmoid": ("tanh-class", "np.tanh(x.data)", "2 * _sigmoid(2 * x.data) - 1"),
        "near_miss_gelu_erfc": ("gelu-class", "return Tensor(a * normal_cdf(a))",                     # float32 tail
                                "return Tensor(0.5 * a * erfc(-a / math.sqrt(2)))"),
    },
    "03_layers": {
        "near_miss_linear_no_type_check": (
            "linear-class", "        if not isinstance(x, Tensor):\n            raise TypeError(", "        if False:\n            raise TypeError("),
    },
}


def activations_variants(reference, untouched):
    variants = {
        "test_replaced_by_pass": submissions.replace_code(
            submissions.replace_code(reference, "relu-class", "np.maximum(x.data, 0)", "np.abs(x.data)"),
            "test-relu", submissions.cell(reference, "test-relu").source, "pass\n"),
        "test_deleted": submissions.drop_cell(reference, "test-sigmoid"),
        "cell_duplicated": submissions.duplicate_cell(reference, "test-relu"),
        "infinite_loop": submissions.replace_code(
            reference, "relu-class", "return Tensor(np.maximum(x.data, 0))", "while True:\n            pass"),
        "kernel_crash": submissions.replace_code(
            reference, "tanh-class", "return Tensor(np.tanh(x.data))", "import os\n        os._exit(1)"),
        "sigmoid_overflow": submissions.replace_solution(
            reference, "sigmoid-class", "    return 1 / (1 + np.exp(-a))\n"),
    }
    for name, (grade_id, code) in hostile.CHEATS.items():
        variants[name] = submissions.append_code(untouched, grade_id, code)
    for name, code in hostile.ATTACKS.items():
        variants[name] = submissions.append_code(reference, "activation-profiler", code)
    planted = nbformat.v4.new_markdown_cell(hostile.MARKDOWN_SCRIPT, id="planted-markdown")   # a fixed id: same bytes each build
    variants["attack_script_in_feedback"].cells.insert(1, planted)
    return variants


VARIANTS = {"02_activations": activations_variants}


def build(module_dir, course, out=SUBMISSIONS):
    """Write out/NN_name/<sample>.ipynb; returns the paths."""
    released = read_notebook(course / "release" / module_dir.name / f"{dev_source(module_dir).stem}.ipynb")
    reference = submissions.with_solutions(released, read_source(dev_source(module_dir)))
    samples = {"untouched": released, "reference": reference}
    for name, (grade_id, old, new) in NEAR_MISSES.get(module_dir.name, {}).items():
        samples[name] = submissions.replace_code(reference, grade_id, old, new)
    if module_dir.name in VARIANTS:
        samples.update(VARIANTS[module_dir.name](reference, released))
    folder = out / module_dir.name
    paths = []
    for name, nb in samples.items():
        submissions.write(nb, folder / f"{name}.ipynb")
        paths.append(folder / f"{name}.ipynb")
    if module_dir.name in VARIANTS:
        text = (folder / "reference.ipynb").read_text()
        (folder / "malformed_json.ipynb").write_text(text[: len(text) // 2])   # cut off mid-file
        paths.append(folder / "malformed_json.ipynb")
    remove_stale_samples(folder, paths)
    return paths


MANIFEST = ".tito-samples.json"       # {name: sha256} of the samples the last build wrote


def remove_stale_samples(folder, paths):
    """Delete the samples an earlier build wrote and this one no longer does (a renamed near miss) —
    only those, and only while they still hold the bytes written: the folder is also `tito grade`'s
    default hand-in folder, so a notebook someone put there is never touched. Then remember `paths`."""
    import hashlib
    import json

    manifest = folder / MANIFEST
    try:
        written = json.loads(manifest.read_text())
    except (OSError, ValueError):
        written = {}                    # no earlier build known: nothing is deleted
    current = {p.name for p in paths}
    for name, digest in written.items():
        stale = folder / name
        if name not in current and "/" not in name and stale.is_file() \
                and hashlib.sha256(stale.read_bytes()).hexdigest() == digest:
            stale.unlink()
    manifest.write_text(json.dumps({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths},
                                   indent=1, sort_keys=True) + "\n")


def add_arguments(parser):
    parser.add_argument("module", help="module number or name, e.g. 02")
    nbgrader_course.add_course_arguments(parser)


def run(args):
    module_dir = find_module(args.module)
    release_command.release(module_dir, args.course, args.db)
    for path in build(module_dir, args.course):
        print(f"  wrote {path.relative_to(ROOT)}")
