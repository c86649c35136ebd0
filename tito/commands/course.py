"""tito course: the main job, end to end, for every module —

export (notebooks and package) → release (student copy and kit) → grade the sample hand-ins in the
sandbox (feedback pages included) → report (grades CSV and the instructor's report per module),
printing each module's score table and summary.
"""
import time

from tito import nbgrader_course
from tito.commands import export as export_command
from tito.commands import grade as grade_command
from tito.commands import release as release_command
from tito.commands import report as report_command
from tito.paths import ROOT, module_dirs

HELP = "the whole instructor pipeline: export, release, grade the samples, report"

DEMO_COURSE = ROOT / "course-demo"


def add_arguments(parser):
    nbgrader_course.add_course_arguments(parser)
    # the sample "students" get their own course folder and gradebook, never the real class's
    parser.set_defaults(course=DEMO_COURSE)
    parser.add_argument("--workers", type=int, default=None, help="grading processes (default: one per core)")


def run(args):
    from tito.grading.sandbox import sandbox_support

    start = time.perf_counter()
    export_command.export()
    print(grade_command.sandbox_summary(sandbox_support()))
    for module_dir in module_dirs():
        released, kit, seconds = release_command.release(module_dir, args.course, args.db)
        print(f"\nreleased {module_dir.name} (generate_assignment {seconds:.1f} s); student kit {kit}.zip")
        samples = ROOT / "submissions" / module_dir.name
        began = time.perf_counter()
        results, _ = grade_command.grade(module_dir, args.course, samples, args.db, workers=args.workers, force=True)
        print(grade_command.format_table(module_dir, results))
        graded = [r for r in results if r.graded]
        print(f"graded {len(graded)} of {len(results)} hand-ins in {time.perf_counter() - began:.1f} s; "
              f"feedback pages in {args.course / 'feedback'}")
        print(grade_command.summary(results))
    for path in report_command.report(args.course, args.db):
        print(f"report: {path}")
    print(f"course built in {time.perf_counter() - start:.0f} s")
