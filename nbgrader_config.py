"""nbgrader configuration for the course (read from the repository root, by `tito` and by nbgrader's
own CLI and formgrader alike).

tito passes --CourseDirectory.root / --CourseDirectory.db_url when it works in another folder.
"""
import os
import sys

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "tinytorch"
c.CourseDirectory.root = "course"          # source/, release/, submitted/, autograded/, feedback/, gradebook.db
c.Exchange.root = "course/exchange"        # nbgrader's default exchange folder is not writable here

# A student's cell gets a few seconds; an infinite loop is interrupted and grading goes on.
c.Execute.timeout = 5
c.Execute.interrupt_on_timeout = True

# What replaces each solution region in the student copy. The graded tests turn this
# NotImplementedError into a message that says which part is still to do.
c.ClearSolutions.code_stub = {"python": '# YOUR CODE HERE\nraise NotImplementedError("YOUR CODE HERE")'}

# A graded test cell a student deleted is put back and run, instead of scoring 0 unseen.
c.OverwriteCells.add_missing_cells = True

# The grading sandbox (tito/grading/sandbox.py): limits of each grading job.
c.TitoGrading.memory = 2 * 2**30           # bytes of address space per process
c.TitoGrading.job_memory = 2**30           # bytes in memory for all of a job's processes together (a cgroup)
c.TitoGrading.processes = 64               # processes of the job's own uid
c.TitoGrading.file_size = 64 * 2**20       # bytes per file
c.TitoGrading.disk = 256 * 2**20           # bytes of scratch space (/job, /tmp, /dev/shm)
c.TitoGrading.cpu_seconds = 300            # CPU seconds per process
c.TitoGrading.wall_seconds = 600           # the whole job, then every process of it is killed
c.TitoGrading.output_limit = 1_000_000     # bytes of output kept per cell
c.TitoGrading.require_sandbox = True       # refuse to grade where a layer is unavailable (not root);
                                           # False only for notebooks you trust (tito grade --allow-unsandboxed)

# nbgrader's own `nbgrader autograde` and the formgrader's autograde button get the same
# protections as `tito grade`: the sandboxed kernel with the module's kit (never the notebook's
# kernelspec), the grader's choice of cells, and the trusted checks. These are nbgrader 0.9's own
# lists with two steps replaced (named, not imported, so that reading this file stays quick;
# tests/test_nbgrader_cli.py checks them against nbgrader's defaults).
if os.path.dirname(os.path.abspath(__file__)) not in sys.path:            # tito lives next to this file
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput", "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "tito.grading.overwrite.OverwriteCells",                  # survives duplicated cells
    "nbgrader.preprocessors.CheckCellMetadata"]
c.Autograde.autograde_preprocessors = [
    "tito.grading.nbgrader_plugin.SandboxedExecute",          # the sandbox, the kit and the trusted checks
    "nbgrader.preprocessors.IgnorePattern", "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput", "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties", "nbgrader.preprocessors.CheckCellMetadata"]
c.SandboxedExecute.require_sandbox = c.TitoGrading.require_sandbox

# Feedback pages render a student's notebook, whose markdown and outputs may carry scripts: nbgrader's
# generate_feedback (and the formgrader's feedback button) use the exporter tito grade uses, which
# sanitizes both.
c.GenerateFeedback.exporter_class = "tito.grading.feedback.SafeHTMLExporter"
