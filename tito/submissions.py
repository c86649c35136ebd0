"""Building submissions from a released notebook: the reference solution, and variations of it
that a student might hand in. Used by `tito samples` and by the grader tests (mutants)."""
import copy
import re

from tito.notebooks import notebook_text


def cell(nb, grade_id):
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return c
    raise KeyError(f"no cell with grade_id {grade_id!r}")


def with_solutions(released, source):
    """The student copy with every solution cell filled in from the instructor's source."""
    nb = copy.deepcopy(released)
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("solution"):
            c.source = cell(source, meta["grade_id"]).source
    return nb


def replace_code(nb, grade_id, old, new):
    """A copy of nb where, in one cell, the text `old` becomes `new` (which must change something)."""
    nb = copy.deepcopy(nb)
    target = cell(nb, grade_id)
    if old not in target.source:
        raise ValueError(f"{grade_id}: {old!r} not found")
    target.source = target.source.replace(old, new)
    return nb


def replace_solution(nb, grade_id, body, region=0):
    """A copy of nb where the lines between the `region`-th BEGIN/END SOLUTION markers of one cell are `body`."""
    source = cell(nb, grade_id).source
    begin = [m.end() for m in re.finditer(r"### BEGIN SOLUTION\n", source)][region]
    end = source.rfind("\n", 0, source.index("### END SOLUTION", begin)) + 1
    return replace_code(nb, grade_id, source[begin:end], body)


def append_code(nb, grade_id, code):
    """A copy of nb with `code` added at the end of one cell."""
    nb = copy.deepcopy(nb)
    target = cell(nb, grade_id)
    target.source = target.source.rstrip("\n") + "\n\n" + code.strip("\n") + "\n"
    return nb


def duplicate_cell(nb, grade_id):
    """A copy of nb where one cell appears twice in a row (as copy-paste in JupyterLab does it)."""
    nb = copy.deepcopy(nb)
    index = nb.cells.index(cell(nb, grade_id))
    twin = copy.deepcopy(nb.cells[index])
    twin["id"] = f"{twin.get('id', 'cell')}-copy"
    nb.cells.insert(index + 1, twin)
    return nb


def drop_cell(nb, grade_id):
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id]
    return nb


def write(nb, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(notebook_text(nb))

