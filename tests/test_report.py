"""tito report on the session's graded class: the page's numbers are the gradebook's, its plots are
real images, and one mistake on different inputs counts once."""
import base64
import json
import re
import time

from tito import nbgrader_course
from tito.commands import report
from tito.grading import insight


def test_one_mistake_on_different_inputs_counts_once():
    a = "AssertionError: Sigmoid on large float32 inputs on input [-1000. -100.] (float32) made NumPy report 'overflow encountered in exp'"
    b = "AssertionError: Sigmoid on large float64 inputs on input [-1000. -20. 5.] (float64) made NumPy report 'overflow encountered in exp'"
    c = "NotDone: Sigmoid: _sigmoid is not implemented yet — fill in YOUR CODE HERE above, then rerun"
    groups = insight.group([("ann", [a, b]), ("bob", [b]), ("cy", [c])])
    assert [(family, count) for family, _, count, _, _ in groups] == [("overflow", 2), ("not implemented yet", 1)]
    assert insight.pattern(a) == insight.pattern(b)


def test_report_page_agrees_with_the_gradebook(graded):
    course, module = graded["course"], graded["module"].name
    started = time.perf_counter()
    written = report.report(course)
    seconds = time.perf_counter() - started
    page = course / "report" / f"{module}.html"
    assert page in written and (course / "grades.csv") in written
    text = page.read_text()
    numbers = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text).group(1))
    with nbgrader_course.gradebook(course) as gb:
        points = {c.name: c.max_score for c in gb.find_assignment(module).notebooks[0].grade_cells}
        submissions = [s.notebooks[0] for s in gb.assignment_submissions(module)]
        for grade_id, rate in numbers["pass_rates"].items():
            full = sum(1 for nb in submissions for g in nb.grades if g.name == grade_id and g.score == points[grade_id])
            assert round(100 * rate) == round(100 * full / len(submissions)), grade_id
    assert numbers["graded"] == len(submissions) >= 24
    assert numbers["not_graded"] == 1 and "malformed_json" in text         # and why
    for image in ("histogram", "pass-rates", "times"):
        data = re.search(rf'id="{image}" alt="[^"]*" src="data:image/png;base64,([^"]+)"', text).group(1)
        png = base64.b64decode(data)
        assert png.startswith(b"\x89PNG") and len(png) > 5000, image
    assert "overflow" in text and "not implemented yet" in text and "crashed the kernel" in text
    assert re.search(r"<td>attack_memory_together</td><td class='num'>[\d.]+</td><td class='num'>\d+</td>"
                     r"<td>hit the memory limit: \d process(es)? ended</td>", text), text[text.index("slowest hand-ins"):][:2000]
    assert seconds < 30, f"the report took {seconds:.1f} s"


def test_score_table_columns_are_short_and_tell_every_graded_cell_apart():
    from tito.commands.grade import column_name
    from tito.notebooks import read_source
    from tito.paths import dev_source, module_dirs

    for module_dir in module_dirs():
        ids = [c.metadata.nbgrader.grade_id for c in read_source(dev_source(module_dir)).cells
               if c.metadata.get("nbgrader", {}).get("grade")]
        names = [column_name(g, ids) for g in ids]
        assert len(set(names)) == len(ids) and max(map(len, names)) <= 12, (module_dir.name, names)


def test_new_kinds_of_failure_get_their_own_family():
    assert insight.family("TrustedCheckFailed: the check could not use your answer: TypeError: x") == "answer of the wrong kind"
    assert insight.family("NotebookTimeLimit: not run: time limit for the whole notebook reached") == \
        "notebook ran out of time"
    assert insight.family("AssertionError: matmul: the ValueError is right, but its message should name (3, 2) so "
                          "the reader sees what went wrong; it says: …") == "error message too vague"
