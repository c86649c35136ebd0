"""Grading: running students' notebooks in sandboxed kernels and recording the results."""
