"""tito samples MODULE: build the sample submissions (submissions/NN_name/*.ipynb) from the release.

Each sample is something real students hand in; `tito grade` must score each as documented:

| sample                | what it is                                         | expected                          |
|-----------------------|----------------------------------------------------|-----------------------------------|
| untouched             | the student copy as released                       | 0 on every graded cell            |
| reference             | the instructor's solutions                         | full points                       |
| test_replaced_by_pass | a wrong ReLU (abs) whose locked test became `pass` | test restored by nbgrader: relu 0 |
| test_deleted          | a graded test cell deleted                         | 0 for it, flagged for manual grade|
| infinite_loop         | ReLU.forward loops forever                         | that cell times out; rest graded  |
| kernel_crash          | Tanh.forward calls os._exit                        | graded as far as possible         |
| malformed_json        | the file is not valid notebook JSON                | reported; the others still graded |
| sigmoid_overflow      | the textbook sigmoid (overflows in float32)        | test-sigmoid fails naming overflow|
"""
from tito import nbgrader_course, submissions
from tito.commands import release as release_command
from tito.notebooks import read_notebook, read_source
from tito.paths import ROOT, dev_source, find_module

HELP = "build the sample submissions of a module from its release"
SUBMISSIONS = ROOT / "submissions"


def activations_variants(reference):
    return {
        "test_replaced_by_pass": submissions.replace_code(
            submissions.replace_code(reference, "relu-class", "np.maximum(x.data, 0)", "np.abs(x.data)"),
            "test-relu", submissions.cell(reference, "test-relu").source, "pass\n"),
        "test_deleted": submissions.drop_cell(reference, "test-sigmoid"),
        "infinite_loop": submissions.replace_code(
            reference, "relu-class", "return Tensor(np.maximum(x.data, 0))", "while True:\n            pass"),
        "kernel_crash": submissions.replace_code(
            reference, "tanh-class", "return Tensor(np.tanh(x.data))", "import os\n        os._exit(1)"),
        "sigmoid_overflow": submissions.replace_solution(
            reference, "sigmoid-class", "    return 1 / (1 + np.exp(-a))\n"),
    }


VARIANTS = {"02_activations": activations_variants}


def build(module_dir, course, out=SUBMISSIONS):
    """Write out/NN_name/<sample>.ipynb; returns the paths."""
    released = read_notebook(course / "release" / module_dir.name / f"{dev_source(module_dir).stem}.ipynb")
    reference = submissions.with_solutions(released, read_source(dev_source(module_dir)))
    samples = {"untouched": released, "reference": reference}
    samples.update(VARIANTS.get(module_dir.name, lambda r: {})(reference))
    folder = out / module_dir.name
    paths = []
    for name, nb in samples.items():
        submissions.write(nb, folder / f"{name}.ipynb")
        paths.append(folder / f"{name}.ipynb")
    if module_dir.name in VARIANTS:
        text = (folder / "reference.ipynb").read_text()
        (folder / "malformed_json.ipynb").write_text(text[: len(text) // 2])   # cut off mid-file
        paths.append(folder / "malformed_json.ipynb")
    return paths


def add_arguments(parser):
    parser.add_argument("module", help="module number or name, e.g. 02")
    nbgrader_course.add_course_arguments(parser)


def run(args):
    module_dir = find_module(args.module)
    release_command.release(module_dir, args.course, args.db)
    for path in build(module_dir, args.course):
        print(f"  wrote {path.relative_to(ROOT)}")
