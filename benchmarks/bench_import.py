"""Import cost of tinytorch.core.activations on top of numpy, in fresh interpreters.

    PYTHONPATH=. python benchmarks/bench_import.py [--runs 15] [--budget-ms 25]

Each run starts a new `python -c` child that times its own imports with perf_counter and prints
the milliseconds (interpreter start-up is not counted). Runs alternate between a baseline child
(`import numpy`) and a child that also imports tinytorch.core.activations; the figure judged against
the budget is the median of the paired differences (with − baseline, run by run). On a noisy
machine `import numpy` alone varies by tens of ms, so the second child also times the tinytorch
import by itself, after numpy; the verdict is PASS only if both figures are within the budget.
That child also lists the heavy modules in sys.modules (there must be none: matplotlib and
friends are imported lazily).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HEAVY = ("matplotlib", "scipy", "torch", "pandas", "IPython")
REPO = Path(__file__).resolve().parent.parent

BASELINE = """
import time
t = time.perf_counter()
import numpy
print(1e3 * (time.perf_counter() - t))
"""

WITH_ACTIVATIONS = """
import json, sys, time
t = time.perf_counter()
import numpy
t_numpy = time.perf_counter()
import tinytorch.core.activations
t_end = time.perf_counter()
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(%r))
print(json.dumps({"ms": 1e3 * (t_end - t), "marginal_ms": 1e3 * (t_end - t_numpy), "heavy": heavy}))
""" % (HEAVY,)


def child(code, python):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, check=True)
    return done.stdout.strip().splitlines()[-1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each kind (alternating)")
    parser.add_argument("--budget-ms", type=float, default=25.0)
    parser.add_argument("--python", default=sys.executable, help="interpreter to measure")
    args = parser.parse_args(argv)

    child(BASELINE, args.python)               # warm the OS file cache once, untimed
    child(WITH_ACTIVATIONS, args.python)
    base, full, marginal, heavy = [], [], [], set()
    for _ in range(args.runs):
        base.append(float(child(BASELINE, args.python)))
        result = json.loads(child(WITH_ACTIVATIONS, args.python))
        full.append(result["ms"])
        marginal.append(result["marginal_ms"])
        heavy.update(result["heavy"])

    extra = statistics.median(f - b for f, b in zip(full, base))
    of_medians = statistics.median(full) - statistics.median(base)
    print(f"python {args.python}")
    print(f"import numpy:                                 median {statistics.median(base):6.1f} ms "
          f"(min {min(base):.1f}, max {max(base):.1f}) over {args.runs} fresh interpreters")
    print(f"import numpy; import tinytorch.core.activations: median {statistics.median(full):6.1f} ms "
          f"(min {min(full):.1f}, max {max(full):.1f})")
    print(f"cost of tinytorch.core.activations: {extra:.1f} ms (median of paired differences; "
          f"difference of medians {of_medians:.1f} ms; timed alone after numpy, in the same child: "
          f"median {statistics.median(marginal):.1f} ms)")
    within = max(extra, statistics.median(marginal)) <= args.budget_ms
    print(f"budget {args.budget_ms:g} ms: {'PASS' if within else 'MISS'}")
    print(f"heavy modules in sys.modules after the import: {', '.join(sorted(heavy)) or 'none'} "
          f"(checked: {', '.join(HEAVY)})")
    return 0 if within and not heavy else 1


if __name__ == "__main__":
    sys.exit(main())
