"""tito report: what the class got wrong — one page per graded module, and every grade as a CSV.

Writes COURSE/grades.csv (nbgrader's own CSV export) and COURSE/report/NN_name.html: the score
distribution, the pass rate of every graded cell (in notebook order, with its points), the most
common reasons for lost points grouped so that one mistake counts once (tito/grading/insight.py),
time per hand-in and the slowest ones, and who could not be graded and why. It reads only what
grading stored — the gradebook (any SQLAlchemy URL), the autograded notebooks and tito's records
in COURSE/grading/ — so it works after a serial, parallel or distributed run. Plots are drawn
headless (matplotlib's Agg) and embedded in the page.
"""
import base64
import html
import io
import json
import statistics
import time
from pathlib import Path

from tito import nbgrader_course
from tito.grading import insight, record
from tito.grading.job import lost_points

HELP = "write COURSE/grades.csv and an instructor report per graded module (COURSE/report/NN_name.html)"


def add_arguments(parser):
    nbgrader_course.add_course_arguments(parser)
    parser.add_argument("--to", type=Path, default=None, help="CSV path (default: COURSE/grades.csv)")


def grades_csv(course, db=None, to=None):
    from nbgrader.plugins import CsvExportPlugin

    to = Path(to or Path(course) / "grades.csv")
    with nbgrader_course.gradebook(course, db) as gb:
        CsvExportPlugin(to=str(to)).export(gb)
    return to


def module_data(course, db, assignment):
    """Everything the page shows, from the gradebook, the autograded notebooks and tito's records."""
    course = Path(course)
    release = next((course / "release" / assignment).glob("*.ipynb"))
    order = [c["metadata"]["nbgrader"]["grade_id"] for c in json.loads(release.read_text())["cells"]
             if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    students = {}
    with nbgrader_course.gradebook(course, db) as gb:
        points = {c.name: c.max_score for c in gb.find_assignment(assignment).notebooks[0].grade_cells}
        for submission in gb.assignment_submissions(assignment):
            grades = {g.name: g.score for g in submission.notebooks[0].grades}
            students[submission.student.id] = {"scores": grades, "total": sum(grades.values()), "graded": True}
    for path in sorted((course / "grading" / assignment).glob("*.json")):
        saved = json.loads(path.read_text())
        entry = students.setdefault(saved["student"], {"graded": False})
        entry.update(problem=saved.get("problem", ""), seconds=saved.get("seconds", {}).get("total", 0.0),
                     restarts=saved.get("restarts", 0), peak_memory=saved.get("peak_memory", 0),
                     oom_kills=saved.get("oom_kills", 0))
        if not saved.get("graded"):
            entry["graded"] = False
    for student, entry in students.items():
        notebooks = list((course / "autograded" / student / assignment).glob("*.ipynb")) if entry["graded"] else []
        cells = json.loads(notebooks[0].read_text())["cells"] if notebooks else []
        entry["reasons"] = {c["metadata"]["nbgrader"]["grade_id"]: lost_points(c) for c in cells
                            if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
    graded = {s: e for s, e in students.items() if e["graded"]}
    cells = []
    for grade_id in order:
        failing = [(s, e["reasons"].get(grade_id) or ["lost points (no message)"]) for s, e in graded.items()
                   if e["scores"].get(grade_id, 0) < points[grade_id]]
        cells.append({"grade_id": grade_id, "points": points[grade_id],
                      "pass_rate": 1 - len(failing) / len(graded) if graded else 0.0,
                      "groups": insight.group(failing)})
    return {"assignment": assignment, "students": students, "graded": graded, "cells": cells,
            "max_total": sum(points[g] for g in order)}


def figure_png(draw):
    """A matplotlib figure drawn headless (Agg), as base64 PNG."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 3.2), dpi=90)
    draw(figure.subplots())
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode()


def plots(data):
    totals = [e["total"] for e in data["graded"].values()]
    cells = data["cells"]

    def histogram(ax):
        ax.hist(totals, bins=min(20, max(5, len(set(totals)))), range=(0, data["max_total"]), color="tab:blue")
        ax.set_xlabel(f"total score (of {data['max_total']:g})")
        ax.set_ylabel("hand-ins")
        ax.set_title("score distribution")

    def pass_rates(ax):
        names = [c["grade_id"].removeprefix("test-") for c in cells]
        rates = [100 * c["pass_rate"] for c in cells]
        ax.bar(range(len(cells)), rates, color=["tab:green" if r >= 80 else "tab:orange" if r >= 50 else "tab:red"
                                                 for r in rates])
        ax.set_xticks(range(len(cells)), [f"{n} ({c['points']:g})" for n, c in zip(names, cells)], rotation=60,
                      ha="right", fontsize=7)
        ax.set_ylim(0, 100)
        ax.set_ylabel("% with full points")
        ax.set_title("pass rate per graded cell (points)")

    def times(ax):
        seconds = sorted((e.get("seconds", 0.0) for e in data["students"].values()), reverse=True)
        ax.bar(range(len(seconds)), seconds, color="tab:gray")
        ax.set_xlabel("hand-ins, slowest first")
        ax.set_ylabel("seconds")
        ax.set_title("grading time per hand-in")

    return {"histogram": figure_png(histogram), "pass_rates": figure_png(pass_rates), "times": figure_png(times)}


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>
body{{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;color:#222}} h1{{font-size:1.5em}}
table{{border-collapse:collapse;margin:.5em 0 1.5em}} td,th{{border-bottom:1px solid #ddd;padding:.25em .6em;
text-align:left;vertical-align:top;font-size:.9em}} .num{{text-align:right}} img{{max-width:100%}}
.family{{font-weight:600}} .pattern{{color:#555;font-family:monospace;font-size:.85em}} .low{{color:#b00}}
</style></head><body>
<h1>{title}</h1><p>{summary}</p>
<img id="histogram" alt="score distribution" src="data:image/png;base64,{histogram}">
<img id="pass-rates" alt="pass rate per graded cell" src="data:image/png;base64,{pass_rates}">
<h2>What the class got wrong, cell by cell</h2>{cells}
<h2>Time per hand-in</h2><img id="times" alt="grading time per hand-in" src="data:image/png;base64,{times}">
<table><tr><th>slowest hand-ins</th><th class="num">seconds</th><th class="num">peak MiB</th><th>why</th></tr>{slowest}</table>
<h2>Not graded</h2>{not_graded}
<script type="application/json" id="report-data">{numbers}</script>
</body></html>"""


def page(data):
    e = html.escape
    graded, totals = data["graded"], sorted(e_["total"] for e_ in data["graded"].values())
    not_graded = {s: x for s, x in data["students"].items() if not x["graded"]}
    if totals:
        q = statistics.quantiles(totals, n=4) if len(totals) > 1 else [totals[0]] * 3
        summary = (f"{len(graded)} hand-ins graded, {len(not_graded)} not graded. Total score (of "
                   f"{data['max_total']:g}): median {statistics.median(totals):g}, quartiles {q[0]:g} – {q[2]:g}, "
                   f"highest {totals[-1]:g}, lowest {totals[0]:g}.")
    else:
        summary = f"No hand-in was graded ({len(not_graded)} could not be)."
    blocks = []
    for cell in data["cells"]:
        rate = cell["pass_rate"] * 100
        rows = "".join(
            f"<tr><td class='num'>{100 * count / len(graded):.0f} %</td><td><span class='family'>{e(fam)}</span>"
            f"<br><span class='pattern'>{e(pat)}</span></td><td>{e(student)}</td></tr>"
            for fam, pat, count, student, _ in cell["groups"][:5])
        blocks.append(f"<h3 id='{e(cell['grade_id'])}'>{e(cell['grade_id'])} — {cell['points']:g} points — "
                      f"<span class='{'low' if rate < 50 else ''}'>{rate:.0f} % full points</span></h3>"
                      + (f"<table><tr><th>students</th><th>mistake (inputs blanked out)</th><th>for example</th>"
                         f"</tr>{rows}</table>" if rows else "<p>Everyone got it.</p>"))
    by_time = sorted(data["students"].items(), key=lambda kv: -kv[1].get("seconds", 0.0))
    slowest = by_time[:8] + [kv for kv in by_time[8:] if kv[1].get("oom_kills")]     # and all that hit the memory limit
    slow_rows = "".join(
        f"<tr><td>{e(s)}</td><td class='num'>{x.get('seconds', 0.0):.1f}</td>"
        f"<td class='num'>{peak_mib(x)}</td><td>{e(why(x))}</td></tr>"
        for s, x in slowest)
    missing = "".join(f"<li>{e(s)}: {e(x.get('problem') or 'no record')}</li>" for s, x in sorted(not_graded.items()))
    numbers = {"graded": len(graded), "not_graded": len(not_graded),
               "pass_rates": {c["grade_id"]: round(c["pass_rate"], 6) for c in data["cells"]}}
    return PAGE.format(title=e(f"{data['assignment']}: what the class got wrong"), summary=e(summary),
                       cells="".join(blocks), slowest=slow_rows, not_graded=f"<ul>{missing}</ul>" if missing else
                       "<p>Every hand-in was graded.</p>", numbers=json.dumps(numbers), **plots(data))


def peak_mib(entry):
    """The most memory a hand-in's job held, in MiB; a dash where no memory cgroup measured it."""
    return f"{entry['peak_memory'] / 2**20:.0f}" if entry.get("peak_memory") else "—"


def why(entry):
    """Why a hand-in took long: timeouts, a dead or hung kernel, restarts, the memory limit."""
    reasons = [r for rs in entry.get("reasons", {}).values() for r in rs]
    kinds = sorted({insight.family(r) for r in reasons} & {"timed out", "crashed the kernel", "ignored the interrupt (hung)"})
    restarts = entry.get("restarts", 0)
    ended = entry.get("oom_kills", 0)
    return ", ".join(kinds + ([f"{restarts} kernel restart(s)"] if restarts else [])
                     + ([f"hit the memory limit: {ended} process{'es' if ended > 1 else ''} ended"] if ended else [])) or ""


def report(course, db=None, to=None):
    """Write the grades CSV and one page per graded module; returns their paths."""
    course = Path(course)
    written = [grades_csv(course, db, to)]
    for folder in sorted((course / "grading").glob("*")) if (course / "grading").exists() else []:
        data = module_data(course, db, folder.name)
        target = course / "report" / f"{folder.name}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page(data))
        written.append(target)
    return written


def run(args):
    started = time.perf_counter()
    for path in report(args.course, args.db, args.to):
        print(f"wrote {path}")
    print(f"in {time.perf_counter() - started:.1f} s")
