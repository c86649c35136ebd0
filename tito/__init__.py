"""tito: the course's command-line tool (instructor side). Not part of the tinytorch package.

Run it from the repository root as ``python -m tito COMMAND``; ``python -m tito --help`` lists
the commands. Each command lives in its own file under ``tito/commands``.
"""
