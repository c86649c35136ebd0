"""tito report: every grade in the gradebook as a CSV, written by nbgrader's own CSV exporter."""
from pathlib import Path

from tito import nbgrader_course

HELP = "write all grades to COURSE/grades.csv (nbgrader's CSV export)"


def add_arguments(parser):
    nbgrader_course.add_course_arguments(parser)
    parser.add_argument("--to", type=Path, default=None, help="CSV path (default: COURSE/grades.csv)")


def report(course, db=None, to=None):
    from nbgrader.plugins import CsvExportPlugin

    to = Path(to or Path(course) / "grades.csv")
    with nbgrader_course.gradebook(course, db) as gb:
        CsvExportPlugin(to=str(to)).export(gb)
    return to


def run(args):
    print(f"grades: {report(args.course, args.db, args.to)}")
