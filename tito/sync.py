"""Keep a module's two faces in step without ever losing work.

Instructors edit name_dev.py; students edit name_dev.ipynb. Each export compares both with
fingerprints recorded at the last successful sync (modules/NN_name/.tito-sync.json, not committed):

| since the last sync          | export does                                            |
|------------------------------|--------------------------------------------------------|
| no notebook yet              | writes the notebook from the .py                       |
| nothing changed              | nothing                                                |
| only the .py changed         | rewrites the notebook from it (keeping cell outputs)   |
| only the notebook changed    | rewrites the .py from it                               |
| both changed (differently)   | refuses, writes nothing, says how to choose (--keep)   |

A notebook's fingerprint covers cell types, sources and nbgrader metadata only, so running
cells (outputs, execution counts) is not an edit. `--keep py|ipynb` resolves a conflict and
first saves the file it replaces as a timestamped .bak copy.
"""
import hashlib
import json
import shutil
import time

import jupytext
from jupytext.combine import combine_inputs_with_outputs

from tito import notebooks
from tito.paths import dev_source

STATE_FILE = ".tito-sync.json"


class SyncConflict(SystemExit):
    pass


def fingerprint(nb):
    # trailing whitespace is not an edit (jupytext drops a cell's trailing blank lines)
    cells = [(c.cell_type, c.source.rstrip(), c.metadata.get("nbgrader")) for c in nb.cells]
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()


def faces(module_dir):
    py = dev_source(module_dir)
    return py, py.with_suffix(".ipynb"), module_dir / STATE_FILE


def record(module_dir):
    py, ipynb, state = faces(module_dir)
    state.write_text(json.dumps({"py": fingerprint(notebooks.read_source(py)),
                                 "ipynb": fingerprint(notebooks.read_notebook(ipynb))}, indent=1) + "\n")


def backup(path):
    copy = path.with_name(f"{path.name}.bak-{time.strftime('%Y%m%d-%H%M%S')}")
    shutil.copy2(path, copy)
    return copy


def notebook_from_py(source, ipynb):
    """Rewrite the notebook from the source (as read from the .py), keeping the outputs of cells whose
    source is unchanged."""
    fresh = source
    if ipynb.exists():
        fresh = notebooks.stable_ids(combine_inputs_with_outputs(source, notebooks.read_notebook(ipynb),
                                                                 fmt="py:percent"))
    notebooks.write_if_changed(ipynb, notebooks.notebook_text(fresh))


def py_from_notebook(ipynb, py):
    notebooks.write_if_changed(py, jupytext.writes(notebooks.read_notebook(ipynb), fmt="py:percent"))


def sync(module_dir, keep=None):
    """Bring the .py and the .ipynb of one module in step; returns a short description of what it did."""
    py, ipynb, state = faces(module_dir)
    source = notebooks.read_source(py)
    if not ipynb.exists():
        notebook_from_py(source, ipynb)
        record(module_dir)
        return f"wrote {ipynb.name} from {py.name}"
    py_print, nb_print = fingerprint(source), fingerprint(notebooks.read_notebook(ipynb))
    if keep == "py":
        action = f"kept {py.name}; the notebook was saved as {backup(ipynb).name}"
        notebook_from_py(source, ipynb)
    elif keep == "ipynb":
        action = f"kept {ipynb.name}; the .py was saved as {backup(py).name}"
        py_from_notebook(ipynb, py)
    elif py_print == nb_print:
        action = "in step"                      # same cells, whatever the record says
        if ipynb.read_text() != notebooks.notebook_text(source) and not state.exists():
            notebook_from_py(source, ipynb)     # e.g. ids or kernelspec from an older tool version
    else:
        last = json.loads(state.read_text()) if state.exists() else None
        py_changed = last is None or py_print != last["py"]
        nb_changed = last is None or nb_print != last["ipynb"]
        if py_changed and nb_changed:
            why = ("there is no record of their last sync" if last is None
                   else "both were edited since their last sync")
            raise SyncConflict(
                f"tito export: {module_dir.name}: {py.name} and {ipynb.name} differ and {why}, so copying "
                f"either over the other could lose work. Nothing was written.\n"
                f"  Keep the .py:      python3 make.py tito export {module_dir.name[:2]} --keep py\n"
                f"  Keep the notebook: python3 make.py tito export {module_dir.name[:2]} --keep ipynb\n"
                f"  (the file replaced is first saved as a timestamped .bak copy)")
        if py_changed:
            notebook_from_py(source, ipynb)
            action = f"{py.name} changed: rewrote {ipynb.name} (outputs kept)"
        else:
            py_from_notebook(ipynb, py)
            action = f"{ipynb.name} changed: rewrote {py.name}"
    record(module_dir)
    return action
