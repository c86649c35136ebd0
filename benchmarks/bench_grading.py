"""Grading throughput: a class of 24 hand-ins of module 02, graded serially (--workers 1) and on the
embedded Dask cluster (--workers 2), each into a fresh copy of the same released course, in the
full sandbox with the trusted checks. Prints wall time, time per hand-in, the speed-up, where a
job's time goes, whether the two runs gave identical scores, and a projection for 600 students.

This is a benchmark script, not a test: it prints figures and always exits 0.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_grading.py [--workers 2]
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tito.commands import grade, release  # noqa: E402
from tito.paths import find_module  # noqa: E402

# A plausible class: mostly finished work, some near misses and common mistakes, a few unfinished.
CLASS = {"reference": 8, "untouched": 4, "near_miss_relu_where": 2, "near_miss_softmax_no_errstate": 2,
         "near_miss_tanh_via_sigmoid": 2, "sigmoid_overflow": 2, "test_replaced_by_pass": 2,
         "cheat_input_transformer": 2}
PHASES = ("sanitize", "kernel_start", "cells", "checks", "score", "feedback")


def hand_ins(folder):
    samples = ROOT / "submissions" / "02_activations"
    for name, copies in CLASS.items():
        for i in range(copies):
            shutil.copy(samples / f"{name}.ipynb", folder / f"{name}_{i}.ipynb")
    return folder


def timed_run(released, folder, workers):
    course = Path(tempfile.mkdtemp(prefix=f"bench-course-{workers}-"))
    shutil.copytree(released, course, dirs_exist_ok=True)
    started = time.perf_counter()
    results, _ = grade.grade(find_module("02"), course, folder, workers=workers, force=True, progress=False)
    wall = time.perf_counter() - started
    shutil.rmtree(course, ignore_errors=True)
    return wall, results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="workers of the parallel run")
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    released = scratch / "released"
    release.release(find_module("02"), released)
    folder = hand_ins(Path(tempfile.mkdtemp(prefix="bench-hand-ins-")))
    n = len(list(folder.glob("*.ipynb")))
    print(f"{n} hand-ins of 02_activations, {os.cpu_count()} cores, full sandbox and trusted checks\n")
    runs = {}
    for workers in (1, args.workers):
        wall, results = timed_run(released, folder, workers)
        runs[workers] = (wall, results)
        print(f"--workers {workers}: {wall:6.1f} s wall, {wall / n:5.2f} s per hand-in")
    (serial_wall, serial), (parallel_wall, parallel) = runs[1], runs[args.workers]
    same = {r.student: r.score for r in serial} == {r.student: r.score for r in parallel} and \
        all({g: c.score for g, c in a.cells.items()} == {g: c.score for g, c in b.cells.items()}
            for a, b in zip(sorted(serial, key=lambda r: r.student), sorted(parallel, key=lambda r: r.student)))
    print(f"speed-up {serial_wall / parallel_wall:.2f}x; scores identical per cell: {same}")
    print("\nwhere one job's time goes (serial run, median over the hand-ins, seconds):")
    for phase in PHASES + ("total",):
        values = [r.seconds.get(phase, 0.0) for r in serial if r.graded]
        print(f"  {phase:<13}{statistics.median(values):6.2f}")
    other = statistics.median(r.seconds["total"] - sum(r.seconds.get(p, 0.0) for p in PHASES) for r in serial if r.graded)
    print(f"  {'(sandbox, gradebook copy, rest)':<13} {other:5.2f}")
    per_job = statistics.median(r.seconds["total"] for r in serial if r.graded)
    cores_per_machine = os.cpu_count()
    projected = 600 * per_job / (10 * cores_per_machine)
    print(f"\nprojection: 600 students on 10 machines of {cores_per_machine} cores, one worker per core: "
          f"600 x {per_job:.2f} s / {10 * cores_per_machine} workers = {projected / 60:.1f} min "
          f"(+ about {parallel_wall - n * per_job / args.workers:.0f} s of cluster start-up, measured here)")
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
