"""tito release MODULE: make the student copy with nbgrader, and the student kit around it.

The copy: COURSE/release/NN_name/name_dev.ipynb (solutions removed, kernelspec set, tests locked).
The kit (what a student downloads): COURSE/kits/NN_name/ and NN_name.zip — the copy, plus the
package as built by the *earlier* modules only (never this module's or a later one's code).
"""
import shutil
import time
from pathlib import Path

from tito import nbgrader_course
from tito.commands import export as export_command
from tito.paths import PACKAGE, ROOT, exported_name, find_module, module_dirs, provided_dirs

HELP = "student copy (nbgrader generate_assignment) and student kit for one module"

KIT_README = """# TinyTorch {module} — student kit

1. Install once (Python 3.11 or newer): `python3 -m pip install numpy matplotlib jupyterlab`
2. Open the notebook: `jupyter lab {module}/{notebook}` and work through it top to bottom.
   Fill in every `YOUR CODE HERE`; the test cell under each part tells you what is still wrong.
3. Hand in `{module}/{notebook}` as your course tells you.

`tinytorch/` holds the reference code of the modules before this one, so that this module
builds on working foundations. The notebook finds it by itself (its first cell).
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
    notebook = next(released.glob("*.ipynb")).name
    (kit / "README.md").write_text(KIT_README.format(module=module_dir.name, notebook=notebook))
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
