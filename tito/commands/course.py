"""tito course: the main job, end to end, for every module —

export (notebooks and package) → release (student copy and kit) → grade the sample submissions
→ feedback → report (grades CSV), printing each module's score table.
"""
import time

from tito import nbgrader_course
from tito.commands import export as export_command
from tito.commands import feedback as feedback_command
from tito.commands import grade as grade_command
from tito.commands import release as release_command
from tito.commands import report as report_command
from tito.paths import ROOT, module_dirs

HELP = "the whole instructor pipeline: export, release, grade the samples, feedback, report"


DEMO_COURSE = ROOT / "course-demo"


def add_arguments(parser):
    nbgrader_course.add_course_arguments(parser)
    # the sample "students" get their own course folder and gradebook, never the real class's
    parser.set_defaults(course=DEMO_COURSE)


def run(args):
    start = time.perf_counter()
    export_command.export()
    for module_dir in module_dirs():
        released, kit, seconds = release_command.release(module_dir, args.course, args.db)
        print(f"\nreleased {module_dir.name} (generate_assignment {seconds:.1f} s); student kit {kit}.zip")
        samples = ROOT / "submissions" / module_dir.name
        outcomes, table = grade_command.grade(module_dir, args.course, samples, args.db)
        print(grade_command.format_table(module_dir, outcomes, table))
        graded = [o.seconds for o in outcomes if o.graded]
        print(f"autograde: {sum(graded) / max(len(graded), 1):.1f} s per submission")
        pages = feedback_command.feedback(module_dir, args.course, args.db)
        print(f"feedback: {len(pages)} HTML pages in {args.course / 'feedback'}")
    print(f"\ngrades: {report_command.report(args.course, args.db)}")
    print(f"course built in {time.perf_counter() - start:.0f} s")
