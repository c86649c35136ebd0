"""Entry point: python -m tito COMMAND [options]."""
import argparse
import importlib
import sys

COMMANDS = ["export", "release", "samples", "grade", "feedback", "report", "course"]


def main(argv=None):
    import warnings

    # nbgrader's gradebook code trips SQLAlchemy warnings about its own session handling: they say
    # nothing about the course and would bury the score table (jobs silence them themselves).
    warnings.filterwarnings("ignore", message=r".*not in session.*")
    parser = argparse.ArgumentParser(prog="tito", description="TinyTorch course tool (instructor side)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        module = importlib.import_module(f"tito.commands.{name}")
        modules[name] = module
        module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.__doc__))
    args = parser.parse_args(argv)
    return modules[args.command].run(args) or 0


if __name__ == "__main__":
    sys.exit(main())
