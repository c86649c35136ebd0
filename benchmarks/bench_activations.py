"""Benchmark tinytorch's activations against PyTorch (if importable) and the memory-copy roofline.

This is a benchmark script, not a test: it prints a table and writes a chart, and always exits 0.

    PYTHONPATH=. python benchmarks/bench_activations.py [--rounds 21] [--calls 5]

Method. One (1000, 1000) float32 array a = default_rng(0).standard_normal; our activations are called
through the public API (`act(t)` with `t = Tensor(a)` built once, outside the timing), torch's on
`torch.from_numpy(a)` with torch.set_num_threads(1), and `np.copyto(out, a)` is the roofline (one read
and one write of the array). After a warm-up, each round times one *sample* of every implementation
(a few back-to-back calls, perf_counter around them), in an order that alternates from round to round.
Per round we form ours/torch and ours/copy; the table reports the MEDIAN of those per-round ratios, so
slow drifts of a noisy machine (which hit all three samples of a round alike) largely cancel.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from tinytorch.core.activations import (GELU, LeakyReLU, ReLU, Sigmoid, SiLU, Softmax, Tanh, fast_gelu_tanh,
                                        fast_leaky_relu, fast_sigmoid, fast_silu, fast_softmax)
from tinytorch.core.tensor import Tensor

# The ungraded "make it fast" versions of section 9 (fewer new arrays, same passes or fewer).
FAST = {"LeakyReLU": fast_leaky_relu, "Sigmoid": fast_sigmoid, "Softmax": fast_softmax, "SiLU": fast_silu,
        "GELU(tanh)": fast_gelu_tanh}

try:
    import torch
    import torch.nn.functional as F
except ImportError:   # the table then shows ours and × copy only
    torch = F = None

SHAPE = (1000, 1000)
OUT_DIR = Path(__file__).resolve().parent / "out"

# activation -> target for the ours/torch time ratio (None: no target)
TARGETS = {   # the clear reference solutions' targets (ours / torch)
    "ReLU": 3.5, "LeakyReLU": 3.5, "Sigmoid": 4.0, "Tanh": 1.5, "Softmax": 3.0,
    "SiLU": 4.5, "GELU(tanh)": 3.0, "GELU": 10.0,
}


def our_activations():
    return {"ReLU": ReLU(), "LeakyReLU": LeakyReLU(0.01), "Sigmoid": Sigmoid(), "Tanh": Tanh(),
            "Softmax": Softmax(dim=-1), "SiLU": SiLU(), "GELU(tanh)": GELU(approximate="tanh"),
            "GELU": GELU()}


def torch_activations():
    if torch is None:
        return {}
    return {"ReLU": torch.relu, "LeakyReLU": lambda x: F.leaky_relu(x, 0.01), "Sigmoid": torch.sigmoid,
            "Tanh": torch.tanh, "Softmax": lambda x: torch.softmax(x, dim=-1), "SiLU": F.silu,
            "GELU(tanh)": lambda x: F.gelu(x, approximate="tanh"), "GELU": F.gelu}


def sample(fn, arg, calls):
    """Seconds for `calls` back-to-back calls of fn(arg), divided by `calls`."""
    start = time.perf_counter()
    for _ in range(calls):
        fn(arg)
    return (time.perf_counter() - start) / calls


def calls_for(fn, arg, max_calls):
    """Back-to-back calls per sample: max_calls, but 1 for something slower than 20 ms a call."""
    return 1 if sample(fn, arg, 1) > 0.02 else max_calls


def measure(impls, rounds, max_calls, warmup=2):
    """impls: list of (label, fn, arg). Returns {label: [seconds per call, one per round]}."""
    calls = {}
    for label, fn, arg in impls:
        for _ in range(warmup):
            fn(arg)
        calls[label] = calls_for(fn, arg, max_calls)
    times = {label: [] for label, _, _ in impls}
    for r in range(rounds):
        order = impls if r % 2 == 0 else impls[::-1]     # alternate who goes first
        for label, fn, arg in order:
            times[label].append(sample(fn, arg, calls[label]))
    return times


def median_ratio(num, den):
    return statistics.median(n / d for n, d in zip(num, den))


def environment_report():
    lines = [f"python {sys.version.split()[0]}, numpy {np.__version__}"
             + (f", torch {torch.__version__} (threads=1)" if torch is not None else ", torch not importable")]
    for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        value = os.environ.get(var)
        lines.append(f"{var}: {'set to ' + repr(value) if value is not None else 'not set'}")
    try:
        from threadpoolctl import threadpool_info
        for info in threadpool_info():
            lines.append(f"threadpool: {info.get('internal_api')} {info.get('version')} "
                         f"arch={info.get('architecture')} threads={info.get('num_threads')}")
    except ImportError:
        lines.append("threadpoolctl not installed (BLAS kernel not reported; elementwise ufuncs do not use BLAS)")
    return "\n".join(lines)


def run(rounds, max_calls):
    a = np.random.default_rng(0).standard_normal(SHAPE).astype(np.float32)
    t = Tensor(a)                       # built once, outside the timing
    out = np.empty_like(a)
    copy = ("copy", lambda x: np.copyto(out, x), a)
    ours, theirs = our_activations(), torch_activations()
    ta = torch.from_numpy(a) if torch is not None else None
    rows = []
    for name, act in ours.items():
        impls = [("ours", act, t), copy]
        if name in theirs:
            impls.insert(1, ("torch", theirs[name], ta))
        if name in FAST:
            impls.append(("fast", FAST[name], a))
        times = measure(impls, rounds, max_calls)
        row = {"name": name, "ours_ms": 1e3 * statistics.median(times["ours"]),
               "copy_ms": 1e3 * statistics.median(times["copy"]),
               "x_copy": median_ratio(times["ours"], times["copy"]), "target": TARGETS[name]}
        if "torch" in times:
            row["torch_ms"] = 1e3 * statistics.median(times["torch"])
            row["ratio"] = median_ratio(times["ours"], times["torch"])
        if "fast" in times:
            row["fast_ms"] = 1e3 * statistics.median(times["fast"])
            row["fast_x_copy"] = median_ratio(times["fast"], times["copy"])
        rows.append(row)
    return rows


def format_rows(rows):
    with_torch = "ratio" in rows[0]
    if with_torch:
        head = (f"{'activation':<11} | {'ours ms':>8} | {'torch ms':>8} | {'ratio':>7} | {'target':>6} | "
                f"{'met?':>4} | {'× copy':>7} | {'fast ms':>8} | {'fast × copy':>11}")
    else:
        head = f"{'activation':<11} | {'ours ms':>8} | {'× copy':>7}"
    lines = [head, "-" * len(head)]
    for r in rows:
        if with_torch:
            target = "n/a" if r["target"] is None else f"{r['target']:.1f}"
            met = "n/a" if r["target"] is None else ("yes" if r["ratio"] <= r["target"] else "NO")
            fast = (f"{r['fast_ms']:>8.3f} | {r['fast_x_copy']:>11.1f}" if "fast_ms" in r else f"{'':>8} | {'':>11}")
            lines.append(f"{r['name']:<11} | {r['ours_ms']:>8.3f} | {r['torch_ms']:>8.3f} | {r['ratio']:>7.2f} | "
                         f"{target:>6} | {met:>4} | {r['x_copy']:>7.1f} | {fast}")
        else:
            lines.append(f"{r['name']:<11} | {r['ours_ms']:>8.3f} | {r['x_copy']:>7.1f}")
    copy_ms = statistics.median(r["copy_ms"] for r in rows)
    lines.append(f"(np.copyto of the array: {copy_ms:.3f} ms median)")
    return "\n".join(lines)


def plot(rows, path):
    """Bar chart of ours/torch with each target marked; skipped if matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: chart skipped")
        return None
    names = [r["name"] for r in rows]
    ratios = [r["ratio"] for r in rows]
    colors = ["0.6" if r["target"] is None else ("tab:green" if r["ratio"] <= r["target"] else "tab:red")
              for r in rows]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    xs = np.arange(len(rows))
    ax.bar(xs, ratios, color=colors)
    for x, r in zip(xs, rows):
        if r["target"] is not None:
            ax.hlines(r["target"], x - 0.4, x + 0.4, colors="k", linestyles="--", lw=1.5,
                      label="target" if x == 0 else None)
        ax.text(x, r["ratio"] * 1.08, f"{r['ratio']:.2f}", ha="center", va="bottom", fontsize=8)
    ax.axhline(1, color="0.5", lw=0.8)
    ax.set_yscale("log")
    ax.set_xticks(xs, names, rotation=20)
    ax.set_ylabel("time ours / torch (median of per-round ratios, log)")
    ax.set_title(f"tinytorch activations vs torch (1 thread), {SHAPE} float32; green = target met")
    ax.legend(loc="upper left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=21, help="timed rounds (at least 15)")
    parser.add_argument("--calls", type=int, default=5, help="back-to-back calls per sample")
    parser.add_argument("--no-chart", action="store_true", help="do not write the PNG")
    args = parser.parse_args(argv)
    if args.rounds < 15:
        parser.error("--rounds must be at least 15")
    if torch is not None:
        torch.set_num_threads(1)
    print(environment_report())
    print(f"{SHAPE} float32; median of {args.rounds} per-round ratios, up to {args.calls} calls per sample\n")
    rows = run(args.rounds, args.calls)
    print(format_rows(rows))
    if "ratio" in rows[0] and not args.no_chart:
        path = plot(rows, OUT_DIR / "activations_vs_torch.png")
        if path:
            print(f"chart: {path}")
    return rows


if __name__ == "__main__":
    main()
