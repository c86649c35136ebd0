"""tito grade MODULE [SUBMISSIONS]: autograde a folder of hand-ins, then print a score table.

SUBMISSIONS is a folder of <student>.ipynb files (default: submissions/NN_name/). Each becomes one
grading job (tito/grading/job.py): nbgrader's autograde steps in a sandboxed kernel, plus the
module's trusted checks. Jobs run serially (--workers 1) or on Dask (an embedded cluster by
default, or --scheduler ADDRESS); one writer stores the results in the gradebook and the course
folder. A hand-in that is not a notebook, a kernel that dies, a cell that loops forever or a
worker that crashes is reported for that student and the batch goes on. Hand-ins already graded
from the same bytes, with the same checks, release and limits, are skipped unless --force.
"""
import os
import re
import sys
import time
from pathlib import Path

from tito import nbgrader_course
from tito.grading import prepare, record, runner
from tito.grading.job import Settings
from tito.paths import ROOT, find_module

HELP = "autograde hand-ins (sandboxed, with trusted checks) and print a per-student, per-cell score table"
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


def add_arguments(parser):
    parser.add_argument("module", help="module number or name, e.g. 02")
    parser.add_argument("submissions", nargs="?", type=Path,
                        help="folder of <student>.ipynb files (default: submissions/NN_name)")
    nbgrader_course.add_course_arguments(parser)
    parser.add_argument("--workers", type=int, default=None,
                        help="grading processes on this machine (default: one per core; 1 = serial, in process)")
    parser.add_argument("--scheduler", default=None, help="grade on an existing Dask cluster, e.g. tcp://host:8786")
    parser.add_argument("--force", action="store_true", help="regrade hand-ins already graded from the same bytes")
    parser.add_argument("--allow-unsandboxed", action="store_true",
                        help="grade even where a sandbox layer is unavailable (not root): a hostile notebook could "
                             "then read other hand-ins or rewrite grades — for trusted notebooks only")
    parser.add_argument("--seed", type=int, default=None, help="the trusted checks' seed (default: fresh per run)")


def settings(require_sandbox=True):
    """Grading settings from nbgrader_config.py: Execute.timeout and the TitoGrading section."""
    cfg = nbgrader_course.load_config()
    section = cfg.get("TitoGrading", {})
    fields = {name: section[name] for name in Settings.__dataclass_fields__ if name in section}
    if "timeout" in cfg.get("Execute", {}):
        fields["cell_timeout"] = cfg.Execute.timeout
    fields["require_sandbox"] = require_sandbox and fields.get("require_sandbox", True)
    return Settings(**fields)


def hand_ins(folder):
    """{student: bytes} of the <student>.ipynb files in folder; bad names are refused by name."""
    files = sorted(Path(folder).glob("*.ipynb"))
    if not files:
        raise SystemExit(f"tito: no <student>.ipynb files in {folder}")
    bad = [p.name for p in files if not STUDENT_ID.match(p.stem)]
    if bad:
        raise SystemExit(f"tito: these file names are not usable as student ids (letters, digits, _ . @ -): {bad}")
    return {p.stem: p.read_bytes() for p in files}


def sandbox_summary(layers):
    layers = {k: v for k, v in layers.items() if k not in ("mode", "user", "unshare")}
    on = [name for name, state in layers.items() if state.startswith("on")]
    off = [f"{name}: {state}" for name, state in layers.items() if not state.startswith("on")]
    lines = [f"sandbox layers on: {', '.join(on)}"]
    return "\n".join(lines + [f"  not protected — {line}" for line in off])


def grade(module_dir, course, folder, db=None, workers=None, scheduler=None, force=False, allow_unsandboxed=False,
          seed=None, progress=True):
    """Grade every hand-in in folder; returns (results in student order, skipped students)."""
    from tito.grading.sandbox import sandbox_support

    course = Path(course)
    if not (course / "release" / module_dir.name).exists():
        raise SystemExit(f"tito: {module_dir.name} has not been released into {course}: run `tito release` first")
    support = sandbox_support()
    grading = settings(require_sandbox=not allow_unsandboxed)
    if grading.require_sandbox and not support.get("mode", "").startswith("full"):
        raise SystemExit(f"tito: refusing to grade without the full sandbox (this machine gives: {support.get('mode')}; "
                         f"it needs root). A hostile notebook could read other hand-ins or rewrite grades. "
                         f"Run as root, or pass --allow-unsandboxed for notebooks you trust.\n" + sandbox_summary(support))
    db_url = nbgrader_course.db_url(course, db)
    submissions = hand_ins(folder)
    inputs = record.grading_inputs(module_dir, course, grading)     # changed checks, release, limits: regraded
    skipped = [s for s, data in submissions.items()
               if not force and record.already_graded(course, module_dir.name, s, prepare.sha256(data), inputs)]
    todo = {s: data for s, data in submissions.items() if s not in skipped}
    results = []
    if not todo:
        return results, skipped
    with runner.pool(workers, scheduler) as jobs_runner, record.Writer(course, db_url) as writer:
        jobs = prepare.jobs_for(module_dir, course, db_url, todo, grading, seed)
        bar = runner.Progress(len(jobs)) if progress else None
        for result in jobs_runner.map(jobs):
            try:
                writer.store(result, todo[result.student], inputs)
            except Exception as error:      # noqa: BLE001 — one student's grade not stored is reported, the batch goes on
                result = record.not_stored(result, error)
            results.append(result)
            if bar:
                bar.update(result.student)
    results.sort(key=lambda r: r.student)
    return results, skipped


def column_name(grade_id, grade_ids, width=12):
    """A graded cell's column header in `width` characters, the part that tells cells apart kept:
    test-tensor-creation-errors → "creation err", test-nonlinearity-edge-cases → "nonlin… edge"."""
    shared = os.path.commonprefix(grade_ids)
    name = grade_id.removeprefix(shared[:shared.rfind("-") + 1] if len(grade_ids) > 1 else "test-")
    name = name.replace("-edge-cases", " edge").replace("-errors", " err")
    if len(name) <= width:
        return name
    head, _, tail = name.rpartition(" ")
    return f"{head[:width - len(tail) - 2]}… {tail}" if head else name[:width - 1] + "…"


def format_table(module_dir, results):
    cells = list(dict.fromkeys(g for r in results for g in r.cells))          # notebook order
    short = [column_name(c, cells) for c in cells]
    width = max([len(r.student) for r in results] + [7])
    lines = [f"{module_dir.name}: scores per graded cell (* = flagged for manual grading)",
             f"{'student':<{width}} " + " ".join(f"{s[:12]:>12}" for s in short) + f" {'total':>9} {'secs':>5}"]
    for r in results:
        if not r.graded:
            lines.append(f"{r.student:<{width}} NOT GRADED — {r.problem}")
            continue
        values = []
        for c in cells:
            cell = r.cells.get(c)
            values.append(f"{cell.score:g}/{cell.max_score:g}{'*' if cell.needs_manual else ' '}" if cell else "-")
        lines.append(f"{r.student:<{width}} " + " ".join(f"{v:>12}" for v in values)
                     + f" {f'{r.score:g}/{r.max_score:g}':>9} {r.seconds.get('total', 0):5.1f}")
    notes = []
    for r in results:
        for grade_id, cell in r.cells.items():
            if cell.needs_manual and not cell.messages:
                notes.append(f"  {r.student}: {grade_id}: flagged for manual grading by nbgrader (the graded cell "
                             f"is missing from the submission — deleted?)")
            notes += [f"  {r.student}: {grade_id}: {m[:160]}" for m in cell.messages if cell.score < cell.max_score]
    if notes:
        lines += ["", "why points were lost:"] + notes
    return "\n".join(lines)


def summary(results):
    """A few lines for the terminal: pass rate per graded cell and its most common mistake."""
    from tito.grading.insight import cell_summary

    cells = cell_summary(results)
    if not cells:
        return "nothing graded"
    lines = ["pass rate per graded cell (full points) — most common mistake:"]
    width = max(len(g) for g in cells)
    for grade_id, (points, rate, failing, top) in cells.items():
        mistake = f"{top[0]} ({top[1]} of {failing})" if top else ""
        lines.append(f"  {grade_id:<{width}} {points:>4g} pts {100 * rate:5.0f} %  {mistake}")
    return "\n".join(lines)


def run(args):
    module_dir = find_module(args.module)
    folder = args.submissions or ROOT / "submissions" / module_dir.name
    from tito.grading.sandbox import sandbox_support

    print(sandbox_summary(sandbox_support()), file=sys.stderr)
    started = time.perf_counter()
    results, skipped = grade(module_dir, args.course, folder, args.db, args.workers, args.scheduler, args.force,
                             args.allow_unsandboxed, args.seed)
    if results:
        print(format_table(module_dir, results))
        print()
        print(summary(results))
    if skipped:
        print(f"\nskipped {len(skipped)} hand-in(s) already graded from the same bytes (--force regrades): "
              f"{', '.join(skipped)}")
    graded = [r for r in results if r.graded]
    if graded:
        wall = time.perf_counter() - started
        print(f"\ngraded {len(graded)} of {len(results)} in {wall:.1f} s ({wall / len(results):.2f} s per hand-in; "
              f"{sum(r.seconds.get('total', 0) for r in graded) / len(graded):.1f} s per job)")
    return 0

