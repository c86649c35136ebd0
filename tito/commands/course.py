"""tito course: the main job, end to end — export the package and run every module notebook."""
import time

from tito.commands import export as export_command
from tito.paths import dev_source, module_dirs

HELP = "build the course end to end: export, then run every module notebook in a kernel"


def add_arguments(parser):
    pass


def run_notebook(path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()


def run(args):
    export_command.export()
    for module_dir in module_dirs():
        notebook = dev_source(module_dir).with_suffix(".ipynb")
        start = time.perf_counter()
        run_notebook(notebook)
        print(f"ran {notebook.name} top to bottom in a kernel: {time.perf_counter() - start:.1f} s")
