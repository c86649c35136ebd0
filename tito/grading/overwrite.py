"""nbgrader's OverwriteCells, surviving what students really hand in.

With `add_missing_cells` (a deleted test cell is put back), nbgrader 0.9 crashes on any cell whose
nbgrader metadata has no grade_id — and its own steps create such cells: DeduplicateIds empties the
metadata of a duplicated cell (copy-paste in JupyterLab duplicates it), OverwriteCells drops the
grade_id of a cell the release does not know. One duplicated cell would make a hand-in ungradable.
This version drops such leftover metadata (the cell is then an ordinary cell) before putting back
the missing cells.
"""
from nbconvert.preprocessors import Preprocessor
from nbgrader.api import Gradebook
from nbgrader.preprocessors import OverwriteCells as NbgraderOverwriteCells


class OverwriteCells(NbgraderOverwriteCells):
    def preprocess(self, nb, resources):
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.db_url = resources["nbgrader"]["db_url"]
        self.gradebook = Gradebook(self.db_url)
        with self.gradebook:
            nb, resources = Preprocessor.preprocess(self, nb, resources)       # each cell, as nbgrader does
            for cell in nb.cells:
                if "nbgrader" in cell.metadata and "grade_id" not in cell.metadata["nbgrader"]:
                    del cell.metadata["nbgrader"]
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources
