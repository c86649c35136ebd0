"""nbgrader's own CLI, run by an instructor on the course folder, grades in the same sandbox with the
same trusted checks (nbgrader_config.py puts tito's SandboxedExecute in its autograde chain)."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from conftest import ROOT, points
from tito.commands import release


def test_nbgrader_autograde_cli_is_sandboxed_and_checked(tmp_path):
    module = ROOT / "modules" / "02_activations"
    course = tmp_path / "course"
    release.release(module, course)
    for student in ("reference", "cheat_input_transformer", "attack_network", "attack_script_in_feedback"):
        target = course / "submitted" / student / module.name / "activations_dev.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copy(ROOT / "submissions" / module.name / f"{student}.ipynb", target)
    nbgrader = Path(sys.executable).with_name("nbgrader")
    for step in ("autograde", "generate_feedback"):
        result = subprocess.run([str(nbgrader), step, module.name, f"--CourseDirectory.root={course}"],
                                cwd=ROOT, capture_output=True, text=True, timeout=600,
                                env=dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}"))
        assert result.returncode == 0, result.stderr[-3000:]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(module.name)}
    assert scores == {"reference": points("02"), "cheat_input_transformer": 0, "attack_network": points("02"),
                      "attack_script_in_feedback": points("02")}, scores
    cheat = (course / "autograded" / "cheat_input_transformer" / module.name / "activations_dev.ipynb").read_text()
    assert "TrustedCheckFailed" in cheat
    attack = nbformat.read(course / "autograded" / "attack_network" / module.name / "activations_dev.ipynb", 4)
    printed = "".join(o.get("text", "") for c in attack.cells for o in c.get("outputs", []))
    assert printed.count("refused") == 4 and "CONNECTED" not in printed, printed
    # nbgrader's generate_feedback renders with tito's SafeHTMLExporter (nbgrader_config.py)
    page = (course / "feedback" / "attack_script_in_feedback" / module.name / "activations_dev.html").read_text()
    assert "Notes" in page and "script: shown" in page
    assert not [m for m in re.findall(r"<script[^>]*>(.*?)</script>", page, re.S) if "PWNED" in m]
    assert not re.search(r"<[a-z]+[^>]*\sonerror\s*=", page) and not re.search(r"href=.?javascript:", page)


def test_the_configured_steps_are_nbgraders_own_with_two_replaced():
    from traitlets.utils.importstring import import_item
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import Execute, OverwriteCells

    from tito import nbgrader_course
    from tito.grading.nbgrader_plugin import SandboxedExecute
    from tito.grading.overwrite import OverwriteCells as Surviving

    config = nbgrader_course.load_config().Autograde
    defaults = Autograde.class_traits()
    replaced = {Execute: SandboxedExecute, OverwriteCells: Surviving}
    for name in ("sanitize_preprocessors", "autograde_preprocessors"):
        assert [import_item(step) for step in config[name]] == [replaced.get(step, step)
                                                                for step in defaults[name].default()], name
