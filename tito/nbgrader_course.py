"""The nbgrader side of the course: one place that knows the course folder, the gradebook and
how to call nbgrader (through its Python API, in this process — the real nbgrader, without
paying its start-up once per student)."""
import shutil
from pathlib import Path

from tito import sync
from tito.paths import ROOT, dev_source

DEFAULT_COURSE = ROOT / "course"


def alembic_head():
    """The gradebook schema version of this nbgrader, read from its migration scripts."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import _temp_alembic_ini

    with _temp_alembic_ini("sqlite://") as ini:
        return ScriptDirectory.from_config(Config(ini)).get_current_head()


def prepare_gradebook(db_url):
    """Stamp a new, empty gradebook database with nbgrader's schema version. (nbgrader would run the
    `alembic` program for that, which must then be on PATH; this needs no program and no PATH.)"""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            if not inspect(connection).get_table_names():
                connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
                connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": alembic_head()})
    finally:
        engine.dispose()
    return db_url


def add_course_arguments(parser):
    parser.add_argument("--course", type=Path, default=DEFAULT_COURSE,
                        help="course folder (source/, release/, submitted/, ...); default: ./course")
    parser.add_argument("--db", default=None,
                        help="gradebook as an SQLAlchemy URL (default: sqlite:///COURSE/gradebook.db)")


def load_config():
    """The course's nbgrader_config.py (read from the repository root)."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()


def db_url(course, db=None):
    return db or f"sqlite:///{Path(course).resolve() / 'gradebook.db'}"


def config(course, db=None):
    cfg = load_config()
    cfg.CourseDirectory.root = str(Path(course).resolve())
    cfg.Exchange.root = str(Path(course).resolve() / "exchange")
    cfg.CourseDirectory.db_url = db_url(course, db)
    return cfg


def api(course, db=None):
    """An nbgrader API object for this course folder."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = config(course, db)
    Path(course).mkdir(parents=True, exist_ok=True)
    prepare_gradebook(cfg.CourseDirectory.db_url)
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)


def gradebook(course, db=None):
    from nbgrader.api import Gradebook

    return Gradebook(prepare_gradebook(config(course, db).CourseDirectory.db_url))


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
