"""One file per tito command; each defines `add_arguments(parser)` and `run(args)`."""
