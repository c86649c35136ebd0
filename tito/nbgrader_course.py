"""The nbgrader side of the course: one place that knows the course folder, the gradebook and
how to call nbgrader (through its Python API, in this process — the real nbgrader, without
paying its start-up once per student)."""
import os
import shutil
import sys
import warnings
from pathlib import Path

from tito import sync
from tito.paths import ROOT, dev_source

DEFAULT_COURSE = ROOT / "course"

# nbgrader's gradebook code triggers SQLAlchemy warnings about its own session handling; they
# are not about the course and would bury the score table.
warnings.filterwarnings("ignore", message=r".*not in session.*")

# nbgrader runs `alembic` as a program to set up the gradebook: it must be on PATH.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

def grading_package(course, module_dir):
    """The tinytorch a submission of this module is graded against: the one in its student kit
    (earlier modules only). The reference package next to the course must not be importable,
    or `from tinytorch.core.activations import ...` would earn points for the instructor's code."""
    kit = Path(course) / "kits" / module_dir.name
    if not (kit / "tinytorch" / "__init__.py").is_file():
        raise SystemExit(f"tito: {module_dir.name} has no student kit in {course}: run `tito release` first")
    return kit.resolve()


# ipykernel 7 warns on every start that its local TCP transport is unencrypted; that line on the
# instructor's terminal says nothing about the course, so grading kernels log errors only.
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]


def add_course_arguments(parser):
    parser.add_argument("--course", type=Path, default=DEFAULT_COURSE,
                        help="course folder (source/, release/, submitted/, ...); default: ./course")
    parser.add_argument("--db", default=None,
                        help="gradebook as an SQLAlchemy URL (default: sqlite:///COURSE/gradebook.db)")


def config(course, db=None):
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    cfg.CourseDirectory.root = str(Path(course).resolve())
    cfg.Exchange.root = str(Path(course).resolve() / "exchange")
    cfg.CourseDirectory.db_url = db or f"sqlite:///{Path(course).resolve() / 'gradebook.db'}"
    cfg.Autograde.autograde_preprocessors = autograde_preprocessors()
    cfg.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:"] + QUIET_KERNEL
    return cfg


def autograde_preprocessors():
    """nbgrader's own list, with Execute replaced by the version that survives a kernel crash."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import Execute

    from tito.nbgrader_plugins import ExecuteSurvivingCrash

    return [ExecuteSurvivingCrash if p is Execute else p for p in Autograde.class_traits()["autograde_preprocessors"].default()]


def api(course, db=None):
    """An nbgrader API object for this course folder."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = config(course, db)
    Path(course).mkdir(parents=True, exist_ok=True)
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)


def gradebook(course, db=None):
    from nbgrader.api import Gradebook

    return Gradebook(config(course, db).CourseDirectory.db_url)


def notebook_name(module_dir):
    return dev_source(module_dir).stem          # e.g. activations_dev


def place_source(module_dir, course):
    """Copy the module's notebook, in step with its .py source, into COURSE/source/NN_name/ for nbgrader."""
    target = Path(course) / "source" / module_dir.name
    target.mkdir(parents=True, exist_ok=True)
    sync.sync(module_dir)                        # the module's .py and .ipynb agree (or it refuses)
    notebook = dev_source(module_dir).with_suffix(".ipynb")
    shutil.copyfile(notebook, target / notebook.name)
    return target / notebook.name


def require_success(result, what):
    if not result.get("success"):
        raise SystemExit(f"tito: nbgrader {what} failed:\n{result.get('error') or result.get('log')}")
    return result
