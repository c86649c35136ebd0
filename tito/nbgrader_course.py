"""The nbgrader side of the course: one place that knows the course folder, the gradebook and
how to call nbgrader (through its Python API, in this process — the real nbgrader, without
paying its start-up once per student)."""
import shutil
import time
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


STAMP_LOCK = 0x7469746f  # "tito": the PostgreSQL advisory lock taken while a new gradebook is set up
STAMP_ATTEMPTS = 5


def prepare_gradebook(db_url):
    """Set up a new, empty gradebook database: nbgrader's tables, its schema version and its default
    course, as nbgrader's Gradebook() would. (nbgrader would run the `alembic` program for the version,
    which must then be on PATH; this needs no program and no PATH.)

    Safe to call concurrently — two graders starting on one empty database: the check and the set-up
    are one transaction, and callers take turns (PostgreSQL: an advisory lock held for the transaction;
    SQLite: the write lock taken at BEGIN); a caller that still collides retries, and finds the database
    set up. Doing all of it here also keeps nbgrader's own check-then-create in Gradebook() from racing:
    it then finds everything in place."""
    from nbgrader.api import Base, Course
    from sqlalchemy import create_engine, event, inspect, text
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(db_url)
    if engine.dialect.name == "sqlite":
        # pysqlite runs DDL outside a transaction: SQLAlchemy's recipe makes BEGIN explicit instead
        event.listen(engine, "connect", lambda dbapi_connection, _: setattr(dbapi_connection, "isolation_level", None))
        event.listen(engine, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    try:
        for attempt in range(STAMP_ATTEMPTS):
            try:
                with engine.begin() as connection:
                    if connection.dialect.name == "postgresql":
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": STAMP_LOCK})
                    if not inspect(connection).get_table_names():
                        Base.metadata.create_all(connection)
                        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
                        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"),
                                           {"v": alembic_head()})
                        connection.execute(Course.__table__.insert().values(id="default_course"))
                return db_url
            except DBAPIError:          # "already exists", "database is locked": another caller was first
                if attempt == STAMP_ATTEMPTS - 1:
                    raise
                time.sleep(0.1 * (attempt + 1))
    finally:
        engine.dispose()


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
