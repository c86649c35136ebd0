"""Percent-format source -> .ipynb, deterministically.

jupytext mints random cell ids on every conversion, and nbdev copies cell ids into the
package, so a naive export would change the package every time. Here each cell's id is its
nbgrader grade_id when it has one, otherwise a short hash of its source; the kernelspec that
nbgrader needs is always set.
"""
import hashlib

import jupytext
import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def stable_ids(nb):
    """Give every cell a reproducible id (grade_id, or a hash of its text), unique within the notebook."""
    seen = set()
    for cell in nb.cells:
        base = cell.metadata.get("nbgrader", {}).get("grade_id")
        base = base or f"{cell.cell_type[:2]}-" + hashlib.sha1(cell.source.encode()).hexdigest()[:8]
        cell_id, n = base, 1
        while cell_id in seen:
            n += 1
            cell_id = f"{base}-{n}"
        seen.add(cell_id)
        cell["id"] = cell_id
    return nb


def read_source(py_path):
    """Read a percent-format .py as a notebook, refusing metadata jupytext could not parse."""
    nb = jupytext.read(py_path)
    for cell in nb.cells:
        if "incorrectly_encoded_metadata" in cell.metadata:
            raise SystemExit(
                f"tito: {py_path}: a cell marker has metadata that is not valid JSON "
                f"({cell.metadata['incorrectly_encoded_metadata'][:60]}...); nbgrader would silently ignore that cell")
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata.setdefault("language_info", {"name": "python"})
    return stable_ids(nb)


def read_notebook(path):
    return nbformat.read(path, as_version=4)


def notebook_text(nb):
    return nbformat.writes(nb, version=4) + "\n"


def write_if_changed(path, text):
    """Write text to path only when it differs, so timestamps mean 'really changed'."""
    if path.exists() and path.read_text() == text:
        return False
    path.write_text(text)
    return True


def py_to_ipynb(py_path, ipynb_path=None):
    """Convert one source file; returns (ipynb path, whether it changed)."""
    ipynb_path = ipynb_path or py_path.with_suffix(".ipynb")
    return ipynb_path, write_if_changed(ipynb_path, notebook_text(read_source(py_path)))
