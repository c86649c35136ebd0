"""The student's `tito`: export your notebooks into your own tinytorch, test a module, add the next one."""
