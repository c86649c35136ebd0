"""Where things live. Everything is relative to the repository root (the folder holding settings.ini)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "modules"
PACKAGE = ROOT / "tinytorch"


def module_dirs():
    """The course modules, in order: modules/01_tensor, modules/02_activations, ..."""
    return sorted(p for p in MODULES.iterdir() if p.is_dir() and p.name[:2].isdigit())


def provided_dirs():
    """Notebooks of provided code with no exercises (modules/special): exported to the package and
    shipped in every kit, never released as an assignment."""
    return sorted(p for p in MODULES.iterdir() if p.is_dir() and not p.name[:2].isdigit()
                  and not p.name.startswith((".", "_")) and list(p.glob("*_dev.py")))


def exported_name(module_dir):
    """The package module a notebook exports to: tinytorch/core/<name>.py."""
    return dev_source(module_dir).stem.removesuffix("_dev")


def find_module(name):
    """Resolve '02', '02_activations' or 'activations' to a module folder, or explain what exists."""
    matches = [p for p in module_dirs() if name in (p.name, p.name[:2], p.name[3:])]
    if len(matches) != 1:
        known = ", ".join(p.name for p in module_dirs())
        raise SystemExit(f"tito: no module called {name!r}; the modules are: {known}")
    return matches[0]


def dev_source(module_dir):
    """The percent-format source of truth of a module: modules/NN_name/name_dev.py."""
    sources = sorted(module_dir.glob("*_dev.py"))
    if len(sources) != 1:
        raise SystemExit(f"tito: expected exactly one *_dev.py in {module_dir}, found {len(sources)}")
    return sources[0]
