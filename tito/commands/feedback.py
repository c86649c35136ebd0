"""tito feedback MODULE: nbgrader generate_feedback — one HTML page per graded student."""
import sys
from pathlib import Path

from tito import nbgrader_course
from tito.paths import find_module

HELP = "write per-student feedback HTML (nbgrader generate_feedback)"


def add_arguments(parser):
    parser.add_argument("module", help="module number or name, e.g. 02")
    nbgrader_course.add_course_arguments(parser)


def feedback(module_dir, course, db=None):
    api = nbgrader_course.api(course, db)
    written = []
    for student in sorted(p.name for p in (Path(course) / "autograded").glob("*") if (p / module_dir.name).exists()):
        result = api.generate_feedback(module_dir.name, student, force=True)
        if not result.get("success"):
            reason = (result.get("error") or result.get("log") or "?").strip().splitlines()[-1]
            print(f"  feedback for {student} failed: {reason[:150]}", file=sys.stderr)
            continue
        written += sorted((Path(course) / "feedback" / student / module_dir.name).glob("*.html"))
    return written


def run(args):
    for path in feedback(find_module(args.module), args.course, args.db):
        print(f"  wrote {path}")
