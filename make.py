#!/usr/bin/env python3
"""One entry point for a fresh clone: creates .venv with everything the course needs, then runs.

    python3 make.py course   # the main job: export, release, autograde the samples, report
    python3 make.py test     # the test suite (extra arguments go to pytest)
    python3 make.py tito ... # any other course command, e.g. `python3 make.py tito release 02`

Only Python >= 3.11 (with its venv module; on Debian/Ubuntu the python3-venv package) and access
to PyPI are needed beforehand; the first run installs into .venv (about a minute).
"""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"


def ensure_environment():
    """Create .venv and install the package with its dev extra; redo it when pyproject.toml changes."""
    if sys.version_info < (3, 11):
        sys.exit(f"make.py: Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = VENV / ".installed-from"
    if stamp.exists() and stamp.read_text() == wanted and PYTHON.exists():
        return
    try:
        if not PYTHON.exists():
            print("make.py: creating .venv", flush=True)
            subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
        print("make.py: installing tinytorch[dev] into .venv", flush=True)
        subprocess.check_call([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                               "-e", f"{ROOT}[dev]"])
    except subprocess.CalledProcessError as failure:
        sys.exit(f"make.py: setting up .venv failed ({failure}). It needs Python's venv module (Debian/Ubuntu: "
                 f"apt install python3-venv) and access to PyPI; delete .venv and run again once both work.")
    stamp.write_text(wanted)


def main(argv):
    if not argv or argv[0] not in ("course", "test", "tito"):
        sys.exit(__doc__)
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "test":
        return subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)
    # tito runs from the caller's folder, so relative paths (e.g. a submissions folder) mean what they say
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    tito_args = ["course", *rest] if command == "course" else rest
    return subprocess.call([str(PYTHON), "-m", "tito", *tito_args], env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
