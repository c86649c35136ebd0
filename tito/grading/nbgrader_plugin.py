"""The same protections for nbgrader's own CLI and formgrader (`nbgrader autograde`, the
"autograde" button), configured in nbgrader_config.py:

    c.Autograde.autograde_preprocessors = [... SandboxedExecute in place of Execute ...]

`SandboxedExecute` is what `tito grade` runs inside a job (tito/grading/execute.py), set up from
the course folder nbgrader works in: the kernel runs in the sandbox with the module's kit (never
the notebook's own kernelspec, never the reference package), the grader decides which cells run,
processes a cell leaves behind are killed, and the module's trusted checks run after the
notebook. Limits and the per-cell timeout come from the same nbgrader_config.py.
"""
from pathlib import Path

from traitlets import Bool, Unicode

from tito.grading.execute import GradingExecute


class SandboxedExecute(GradingExecute):
    require_sandbox = Bool(True, help="refuse to grade without every sandbox layer").tag(config=True)
    kernel_env = Unicode("", help="the sandboxed kernel's Python environment ('' = the default place)").tag(config=True)

    def preprocess(self, nb, resources, km=None):
        from tito.grading import checks as trusted
        from tito.grading import prepare
        from tito.grading.job import Settings, choose_cells_to_run, settings_limits
        from tito.grading.sandbox import Sandbox, ensure_kernel_env
        from tito.paths import find_module

        assignment = resources["nbgrader"]["assignment"]
        course = Path(self.config.CourseDirectory.get("root") or ".").resolve()
        module_dir = find_module(assignment)
        choose_cells_to_run(nb, prepare.demo_cells(module_dir))
        check_file = prepare.check_file(module_dir)
        self.checks = trusted.load_checks(check_file.read_text()) if check_file else None
        self.reference_files = prepare.reference_files() if check_file else {}
        self.seed = prepare.new_run_seed()
        settings = Settings(**{k: v for k, v in self.config.get("TitoGrading", {}).items() if k in Settings.__dataclass_fields__})
        kernel_python = ensure_kernel_env(self.kernel_env) if self.kernel_env else ensure_kernel_env()
        with Sandbox(prepare.kit_files(course, module_dir), assignment, kernel_python,
                     settings_limits(settings)) as box:
            if self.require_sandbox and not box.layers["mode"].startswith("full"):
                raise RuntimeError(f"the full sandbox is required but this machine gives: {box.layers['mode']}")
            self.after_cell = box.kill_strays
            return super().preprocess(nb, resources, km=box.kernel_manager_class()())
