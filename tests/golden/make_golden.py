"""Generate PyTorch reference ("golden") values for tinytorch's activations.

Output: ``activations_golden.npz`` written next to this script.

Requirements
------------
This script needs **torch==2.13.0** (CPU build) and numpy.  It is NOT part of
the test suite and is never imported by it: the tests only ``np.load`` the
committed ``activations_golden.npz`` and never import torch.  Regenerate the
file only when the set of cases changes, e.g.::

    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install numpy torch==2.13.0
    /tmp/torchvenv/bin/python tests/golden/make_golden.py

The script refuses to run with any other torch version.

What is stored
--------------
Keys are "<case>/<dtype>/<array>", dtype in (float32, float64), array in::

    x         input
    y         torch forward output  y = op(x)
    grad_out  upstream gradient passed to y.backward(grad_out)
    grad_in   resulting x.grad (if torch gave None: an all-nan array plus
              <case>/<dtype>/grad_in_missing = True; does not happen now)

Elementwise cases all share ONE input grid and ONE grad_out per dtype.  To
keep the file small these are stored once, as ``grid/<dtype>/x`` and
``grid/<dtype>/grad_out``; the per-op keys are only ``<op>/<dtype>/y`` and
``<op>/<dtype>/grad_in``.  Ops:
    relu, sigmoid, tanh, silu, gelu (approximate='none'),
    gelu_tanh (approximate='tanh'), leaky_relu_0.01, leaky_relu_0.2

The grid (``make_grid``) is linspace(-1000, 1000, WIDE_N), then
linspace(-20, 20, NARROW_N) (2001 and 801), then 22 special values (the last 22
entries, i.e. x[-22:]):
    0, -0, inf, -inf, nan, smallest subnormal, smallest normal,
    -smallest normal, 1e-8, -1e-8, 88.7, -88.7, 89, -89, 709, -709, 710, -710, 1e20, -1e20, 1e30, -1e30
(cast to the dtype; all are finite-representable in float32 except +-inf/nan;
subnormal/normal limits are per dtype).

Softmax cases (2-D inputs, softmax over dim=-1 unless stated):
    softmax_random, softmax_large, softmax_some_neginf,
    softmax_rows_all_neginf, softmax_row_posinf, softmax_row_nan,
    softmax_empty (shape (0, 5)), softmax_dim0 (shape (4, 6), dim=0)

Metadata: ``meta/torch_version``, ``meta/numpy_version``,
``meta/cpu_capability`` (torch's SIMD level, e.g. AVX512), ``meta/cases``
(string arrays; ``meta/cases`` is "name|torch call" per case).

Caveat for tests: these are torch's SIMD-kernel results, not exact values.
torch's own scalar path differs by a few ulp (sigmoid/silu float32), and the
float32 exact-gelu kernel loses relative accuracy for x < about -3.  Because
1 + erf/tanh cancels, y is (-)0 for x below about -5.5 (gelu) / -5.07
(gelu_tanh) in float32 and -8.38 / -7.15 in float64, although the true values
are representable.  Compare with rtol plus a small atol, not bitwise.

nan/inf values are stored exactly as torch produced them.  Loading needs no
pickle (``np.load(path)`` with the default ``allow_pickle=False`` works).

Determinism
-----------
Inputs come from fixed formulas and ``np.random.default_rng(0)``; torch runs
single-threaded; the zip archive is written with fixed timestamps and sorted
keys, so re-running produces byte-identical output.
"""

import io
import os
import zipfile

import numpy as np
import torch
import torch.nn.functional as F

TORCH_VERSION_REQUIRED = "2.13.0"
DTYPES = ("float32", "float64")
WIDE_N = 2001    # points in linspace(-1000, 1000): step 1
NARROW_N = 801   # points in linspace(-20, 20): step 0.05
OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "activations_golden.npz")


def make_grid(dtype):
    """1-D grid of inputs shared by every elementwise activation."""
    fi = np.finfo(dtype)
    special = np.array(
        [0.0, -0.0, np.inf, -np.inf, np.nan,
         fi.smallest_subnormal, fi.tiny, -fi.tiny,
         1e-8, -1e-8, 88.7, -88.7, 89.0, -89.0, 709.0, -709.0, 710.0, -710.0,
         1e20, -1e20, 1e30, -1e30],   # x² overflows float32: GELU(tanh)'s backward gives nan, as here
        dtype=np.float64)
    grid = np.concatenate([np.linspace(-1000.0, 1000.0, WIDE_N),
                           np.linspace(-20.0, 20.0, NARROW_N)])
    # Cast grid (float64 math) to dtype; specials are cast separately so the
    # per-dtype subnormal/normal limits are exact.
    with np.errstate(over="ignore"):
        return np.concatenate([grid.astype(dtype), special.astype(dtype)])


def make_grad_out(shape, dtype, seed):
    """Deterministic upstream gradient.

    Standard normal rounded to multiples of 1/64: exactly representable in
    both float32 and float64 (same values for both dtypes) and it compresses
    well, which keeps the .npz small.
    """
    g = np.random.default_rng(seed).standard_normal(shape)
    return (np.round(g * 64.0) / 64.0).astype(dtype)


ELEMENTWISE = [
    ("relu", "torch.relu(x)", lambda x: torch.relu(x)),
    ("sigmoid", "torch.sigmoid(x)", lambda x: torch.sigmoid(x)),
    ("tanh", "torch.tanh(x)", lambda x: torch.tanh(x)),
    ("silu", "F.silu(x)", lambda x: F.silu(x)),
    ("gelu", "F.gelu(x, approximate='none')",
     lambda x: F.gelu(x, approximate="none")),
    ("gelu_tanh", "F.gelu(x, approximate='tanh')",
     lambda x: F.gelu(x, approximate="tanh")),
    ("leaky_relu_0.01", "F.leaky_relu(x, negative_slope=0.01)",
     lambda x: F.leaky_relu(x, negative_slope=0.01)),
    ("leaky_relu_0.2", "F.leaky_relu(x, negative_slope=0.2)",
     lambda x: F.leaky_relu(x, negative_slope=0.2)),
]

inf, nan = np.inf, np.nan
SOFTMAX = [
    # name, input (float64 source array, cast per dtype), dim
    ("softmax_random",
     np.random.default_rng(1).standard_normal((8, 10)) * 5.0, -1),
    ("softmax_large",
     np.array([[1000.0, 1001.0, 1002.0],
               [-1000.0, -1001.0, -1002.0],
               [1e4, 0.0, -1e4]]), -1),
    ("softmax_some_neginf",
     np.array([[0.0, -inf, 1.0, -inf],
               [-inf, 2.0, 2.0, -inf],
               [-inf, -inf, -inf, 5.0],
               [1.0, 2.0, 3.0, 4.0]]), -1),
    ("softmax_rows_all_neginf",
     np.array([[-inf, -inf, -inf, -inf],
               [0.0, 1.0, 2.0, 3.0]]), -1),
    ("softmax_row_posinf",
     np.array([[0.0, inf, 1.0, 2.0],
               [inf, inf, 0.0, 1.0],
               [0.0, 1.0, 2.0, 3.0]]), -1),
    ("softmax_row_nan",
     np.array([[0.0, nan, 1.0, 2.0],
               [0.0, 1.0, 2.0, 3.0]]), -1),
    ("softmax_empty", np.zeros((0, 5)), -1),
    ("softmax_dim0",
     np.random.default_rng(2).standard_normal((4, 6)) * 3.0, 0),
]


def run_torch(fn, x_np, g_np):
    """Forward + backward in torch; returns (y, grad_in or None)."""
    x = torch.tensor(x_np.copy(), requires_grad=True)
    y = fn(x)
    y.backward(torch.tensor(g_np.copy()))
    y_np = y.detach().numpy().copy()
    grad = None if x.grad is None else x.grad.numpy().copy()
    assert y_np.dtype == x_np.dtype and y_np.shape == x_np.shape
    return y_np, grad


def add_case(out, name, x, g, fn, store_inputs=True):
    dt = x.dtype.name
    y, grad = run_torch(fn, x, g)
    if store_inputs:
        out[f"{name}/{dt}/x"] = x
        out[f"{name}/{dt}/grad_out"] = g
    out[f"{name}/{dt}/y"] = y
    if grad is None:
        out[f"{name}/{dt}/grad_in"] = np.full_like(x, np.nan)
        out[f"{name}/{dt}/grad_in_missing"] = np.array(True)
    else:
        assert grad.dtype == x.dtype and grad.shape == x.shape
        out[f"{name}/{dt}/grad_in"] = grad


def build():
    out = {}
    cases = []
    for dtype in DTYPES:
        x = make_grid(dtype)
        g = make_grad_out(x.shape, dtype, seed=0)
        out[f"grid/{dtype}/x"] = x
        out[f"grid/{dtype}/grad_out"] = g
        for name, call, fn in ELEMENTWISE:
            add_case(out, name, x, g, fn, store_inputs=False)
        for i, (name, src, dim) in enumerate(SOFTMAX):
            xs = src.astype(dtype)
            gs = make_grad_out(xs.shape, dtype, seed=100 + i)
            add_case(out, name, xs, gs,
                     lambda t, dim=dim: torch.softmax(t, dim=dim))
    for name, call, _ in ELEMENTWISE:
        cases.append(f"{name}|{call}")
    for name, _, dim in SOFTMAX:
        cases.append(f"{name}|torch.softmax(x, dim={dim})")
    out["meta/torch_version"] = np.array(torch.__version__)
    out["meta/numpy_version"] = np.array(np.__version__)
    out["meta/cpu_capability"] = np.array(torch.backends.cpu.get_cpu_capability())
    out["meta/cases"] = np.array(cases)
    return out


def save_deterministic(path, arrays):
    """Like np.savez_compressed, but with fixed zip timestamps + sorted keys."""
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(arrays[key]),
                                      allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue(), compresslevel=9)
    os.replace(tmp, path)


def main():
    if torch.__version__.split("+")[0] != TORCH_VERSION_REQUIRED:
        raise SystemExit(f"need torch=={TORCH_VERSION_REQUIRED}, "
                         f"found {torch.__version__}")
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    arrays = build()
    save_deterministic(OUT_PATH, arrays)
    print(f"wrote {OUT_PATH}: {len(arrays)} arrays, "
          f"{os.path.getsize(OUT_PATH)} bytes")


if __name__ == "__main__":
    main()
