"""What students and instructors see, in a real browser: JupyterLab started here on 127.0.0.1 and
Debian's chromium driven by Playwright. Screenshots of each step go to test-artifacts/browser/."""
import json
import shutil

import jupytext
import nbformat
import pytest

import lab_browser as lab_tools
from conftest import ROOT, bare_env, run, student_workspace
from tito.commands import report

pytestmark = pytest.mark.browser
SHOTS = ROOT / "test-artifacts" / "browser"
LAB_BIN = ROOT / ".venv" / "bin"
TYPED_RELU = "return Tensor(np.maximum(x.data, 0))  # typed in the browser"


@pytest.fixture(scope="module")
def chrome():
    with lab_tools.browser() as browser:
        yield browser


@pytest.fixture(scope="module")
def student_lab(graded, tmp_path_factory):
    """A lab whose root holds: ws/ (a student's installed workspace, untouched notebook), done/ (a kit
    with the notebook completed) and source/ (the module's percent-format .py)."""
    root = tmp_path_factory.mktemp("lab")
    kit_zip = graded["kit"].with_suffix(".zip")
    workspace, bin_dir = student_workspace(kit_zip, root / "ws")
    shutil.unpack_archive(kit_zip, root / "done")
    shutil.copy(graded["hand_ins"] / "reference.ipynb", root / "done" / "02_activations" / "activations_dev.ipynb")
    (root / "source").mkdir()
    shutil.copy(ROOT / "modules" / "02_activations" / "activations_dev.py", root / "source")
    with lab_tools.start_lab(root, LAB_BIN) as server:
        yield server, root, workspace, bin_dir


@pytest.fixture
def page(chrome, student_lab):
    server = student_lab[0]
    page = lab_tools.new_lab_page(chrome, server.url, server.token)
    yield page
    page.context.close()
    lab_tools.shutdown_kernels(server)


def test_a_completed_notebook_runs_shows_passing_tests_and_the_plot(page):
    lab_tools.open_notebook(page, "done/02_activations/activations_dev.ipynb")
    lab_tools.run_all_and_wait(page)
    text = "\n".join(lab_tools.cell_outputs_text(page))
    assert text.count("✅") >= 18 and "✅ ReLU: values" in text and "Traceback" not in text
    images = [i for cell in lab_tools.cell_images(page) for i in cell]
    assert len(images) >= 2 and all(i["naturalWidth"] > 300 for i in images), images   # make-it-fast and the plot
    page.locator(".jp-OutputArea-output img").last.scroll_into_view_if_needed()
    lab_tools.screenshot(page, SHOTS / "1_completed_notebook_plot.png")


def test_a_solution_typed_in_the_browser_reaches_the_package_through_tito_export(page, student_lab):
    _, _, workspace, bin_dir = student_lab
    lab_tools.open_notebook(page, "ws/workspace/02_activations/activations_dev.ipynb")
    sources = lab_tools.cell_sources(page)
    index = next(i for i, s in enumerate(sources) if "class ReLU(Activation)" in s)
    wanted = sources[index].replace('# YOUR CODE HERE\n        raise NotImplementedError("YOUR CODE HERE")', TYPED_RELU)
    assert wanted != sources[index]
    assert lab_tools.set_cell_source(page, index, wanted) == wanted
    lab_tools.save(page)
    lab_tools.screenshot(page, SHOTS / "2_solution_typed_and_saved.png")
    saved = nbformat.read(workspace / "02_activations" / "activations_dev.ipynb", 4)
    assert any(TYPED_RELU in c.source for c in saved.cells), "the typed solution is on disk"
    result = run([str(bin_dir / "tito"), "export"], cwd=workspace, env=bare_env(bin_dir))
    assert "wrote tinytorch/core/activations.py" in result.stdout
    assert TYPED_RELU in (workspace / "tinytorch" / "core" / "activations.py").read_text()


def test_the_module_source_opens_as_a_notebook_through_jupytext(page, student_lab):
    source = student_lab[1] / "source" / "activations_dev.py"
    expected = jupytext.read(source)
    lab_tools.open_notebook(page, "source/activations_dev.py", factory="Notebook")
    assert lab_tools.cell_types(page) == [c.cell_type for c in expected.cells]
    assert "Module 02" in page.locator(".jp-MarkdownOutput h1").first.inner_text()
    lab_tools.screenshot(page, SHOTS / "3_py_source_as_notebook.png")


def test_the_formgrader_opens_for_an_instructor(chrome, graded, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(graded["course"], course, ignore=shutil.ignore_patterns("feedback"))
    (course / "exchange").mkdir()
    (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "tinytorch"\n'
                                                'c.CourseDirectory.root = "."\nc.Exchange.root = "exchange"\n')
    from tito import nbgrader_course

    with nbgrader_course.gradebook(course) as gb:
        handed_in = gb.find_assignment("02_activations").num_submissions
    with lab_tools.start_lab(course, LAB_BIN) as server:
        page = lab_tools.new_lab_page(chrome, server.url, server.token)
        try:
            lab_tools.execute_command(page, "nbgrader:open-formgrader")
            frame = page.frame_locator("#formgrader iframe")
            frame.locator("h1", has_text="Manage Assignments").wait_for()
            row = frame.locator("tr", has_text="02_activations").first
            row.wait_for()
            shown = [int(word) for word in row.inner_text().split() if word.isdigit()]
            assert shown and shown[-1] >= min(24, handed_in), row.inner_text()    # "# Submissions"
            lab_tools.screenshot(page, SHOTS / "4_formgrader.png")
        finally:
            page.context.close()


def test_the_instructor_report_renders_with_its_images(chrome, graded):
    page_path = next(p for p in report.report(graded["course"]) if p.suffix == ".html")
    context = chrome.new_context(viewport={"width": 1100, "height": 1400})
    try:
        page = context.new_page()
        page.goto(page_path.as_uri())
        page.wait_for_function("() => [...document.images].every(i => i.complete)")
        sizes = page.evaluate("() => [...document.images].map(i => [i.id, i.naturalWidth])")
        assert len(sizes) == 3 and all(width > 400 for _, width in sizes), sizes
        assert "what the class got wrong" in page.title()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "5_instructor_report.png"), full_page=True)
    finally:
        context.close()


def test_a_feedback_page_runs_no_script_a_student_planted(chrome, graded):
    # the sample puts <script>, javascript: output, an onerror handler and a markdown <script> in its notebook
    feedback = graded["course"] / "feedback" / "attack_script_in_feedback" / graded["module"].name / "activations_dev.html"
    context = chrome.new_context()
    try:
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(feedback.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)                  # time for an onerror handler to fire
        assert "PWNED" not in page.title() and dialogs == [], (page.title(), dialogs)
        assert "Notes" in page.inner_text("body") and "script: shown" in page.inner_text("body")
    finally:
        context.close()


@pytest.fixture(scope="module", autouse=True)
def record_timings():
    """The time of each browser step, kept next to the screenshots (figures for the record)."""
    yield
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "timings.json").write_text(json.dumps(lab_tools.TIMING, indent=1))
