"""tito release MODULE: make the student copy with nbgrader, and the student kit around it.

The copy: COURSE/release/NN_name/name_dev.ipynb (solutions removed, kernelspec set, tests locked).
The kit (what a student downloads): COURSE/kits/NN_name/ and NN_name.zip — a workspace: the copy,
the package as built by the *earlier* modules only (never this module's or a later one's code),
the test helpers, and what makes it the student's own package (`python3 -m pip install -e .`,
then `tito export`; see tito/kit_template). The grader grades against the kit's package.
"""
import shutil
import time
from pathlib import Path

from tito import nbgrader_course
from tito.commands import export as export_command
from tito.paths import PACKAGE, ROOT, exported_name, find_module, module_dirs, provided_dirs

HELP = "student copy (nbgrader generate_assignment) and student kit for one module"

KIT_TEMPLATE = Path(__file__).resolve().parent.parent / "kit_template"

KIT_README = """# TinyTorch {module} — your workspace

1. **Install once**, in a fresh environment (Python 3.11 or newer):

       python3 -m venv .venv && . .venv/bin/activate
       python3 -m pip install -e .

   This installs JupyterLab and the tools, and makes this folder's `tinytorch` *your own package*,
   importable from anywhere in that environment.
2. **Work:** `jupyter lab {module}/{notebook}`. Fill in every `YOUR CODE HERE`; the test cell under
   each part tells you what is still wrong. From a terminal, `tito test {number}` runs them all.
3. **Build your package:** save the notebook, then `tito export` — it writes your `#| export` cells
   into `tinytorch/core/` and says which files it wrote. Your notebook is never changed by it.
4. **Hand in** `{module}/{notebook}` as your course tells you.
5. **Next module:** `tito add path/to/NN_name.zip` adds its notebook here and keeps your own
   `tinytorch` code, so the next module runs on what you built (`tito add ... --reference` takes
   the course's reference code for the earlier modules instead, saving yours as `.bak`).

`tinytorch/` starts with the course's code for the modules before this one and the provided
numerics (`tinytorch/core/special.py`); your exports add your own modules to it.
"""


def add_arguments(parser):
    parser.add_argument("module", help="module number or name, e.g. 02 or 02_activations")
    nbgrader_course.add_course_arguments(parser)
    parser.add_argument("--no-export", action="store_true",
                        help="skip regenerating the package (the module's .py and .ipynb are still synced)")


def build_kit(module_dir, course):
    """COURSE/kits/NN_name/: the released notebook + the package of the earlier modules."""
    kit = Path(course) / "kits" / module_dir.name
    shutil.rmtree(kit, ignore_errors=True)
    released = Path(course) / "release" / module_dir.name
    shutil.copytree(released, kit / module_dir.name)
    earlier = [exported_name(d) for d in provided_dirs()] + \
        [exported_name(d) for d in module_dirs() if d.name < module_dir.name]
    (kit / "tinytorch" / "core").mkdir(parents=True)
    shutil.copyfile(PACKAGE / "__init__.py", kit / "tinytorch" / "__init__.py")
    shutil.copyfile(PACKAGE / "core" / "__init__.py", kit / "tinytorch" / "core" / "__init__.py")
    for name in earlier:
        shutil.copyfile(PACKAGE / "core" / f"{name}.py", kit / "tinytorch" / "core" / f"{name}.py")
    shutil.copyfile(ROOT / "tinytest.py", kit / "tinytest.py")       # the test helpers the notebook imports
    for name in ("pyproject.toml", "settings.ini"):
        shutil.copyfile(KIT_TEMPLATE / name, kit / name)
    shutil.copytree(KIT_TEMPLATE / "tito_kit", kit / "tito_kit", ignore=shutil.ignore_patterns("__pycache__"))
    notebook = next(released.glob("*.ipynb")).name
    (kit / "README.md").write_text(KIT_README.format(module=module_dir.name, notebook=notebook,
                                                     number=module_dir.name[:2]))
    shutil.make_archive(str(kit), "zip", root_dir=kit)
    return kit


def release(module_dir, course, db=None):
    nbgrader_course.place_source(module_dir, course)
    start = time.perf_counter()
    nbgrader_course.require_success(
        nbgrader_course.api(course, db).generate_assignment(module_dir.name, force=True), "generate_assignment")
    seconds = time.perf_counter() - start
    kit = build_kit(module_dir, course)
    return Path(course) / "release" / module_dir.name, kit, seconds


def run(args):
    module_dir = find_module(args.module)
    if not args.no_export:
        export_command.export(quiet=True)
    released, kit, seconds = release(module_dir, args.course, args.db)
    print(f"released {module_dir.name} in {seconds:.1f} s: {released}  (kit: {kit}.zip)")
