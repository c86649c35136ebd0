"""One reference harness for every activation (the tinygrad way): PyTorch golden values,
high-precision (mpmath) true values, and ulp distances. Used by the tests and by
benchmarks/accuracy.py, which prints the worst errors."""
from functools import lru_cache
from pathlib import Path

import mpmath
import numpy as np

GOLDEN = np.load(Path(__file__).parent / "golden" / "activations_golden.npz")
DTYPES = ("float32", "float64")
mpmath.mp.prec = 160


def _gelu_tanh(v):
    u = mpmath.sqrt(2 / mpmath.pi) * (v + mpmath.mpf("0.044715") * v ** 3)
    return v / (1 + mpmath.exp(-2 * u))


TRUE = {
    "sigmoid": lambda v: 1 / (1 + mpmath.exp(-v)),
    "tanh": mpmath.tanh,
    "silu": lambda v: v / (1 + mpmath.exp(-v)),
    "gelu": lambda v: v * mpmath.erfc(-v / mpmath.sqrt(2)) / 2,
    "gelu_tanh": _gelu_tanh,
}


def allowed_ulp(name, dtype, x):
    """The contract written in each activation's docstring, as an ulp bound per input (nan: not checked)."""
    x = np.asarray(x, dtype=np.float64)
    tiny = np.finfo(dtype).tiny
    bound = np.full(x.shape, {"sigmoid": 3.0, "tanh": 2.0, "silu": 3.0, "gelu": 2.0, "gelu_tanh": 12.0}[name])
    if name == "silu":
        bound[x < np.log(tiny)] = np.nan                      # σ(x) itself is subnormal there
    if name == "gelu" and dtype == "float64":
        bound = np.where(x >= -3, 8.0, 2 * x * x)
    if name == "gelu" and dtype == "float32":
        bound[x < -13] = np.nan                               # Φ(x) subnormal in float32
    if name == "gelu_tanh":
        bound = np.where(x >= -3, 12.0, 2 * x * x)
    return bound


def grid(dtype):
    return GOLDEN[f"grid/{dtype}/x"], GOLDEN[f"grid/{dtype}/grad_out"]


@lru_cache(maxsize=None)
def true_values(name, dtype):
    """mpmath values of the activation on the golden grid (as mpf objects, finite inputs only)."""
    x, _ = grid(dtype)
    return tuple(TRUE[name](mpmath.mpf(float(v))) if np.isfinite(v) else None for v in x)


def ulp_errors(name, dtype, y):
    """|y − true| in units of the last place of the true value; nan where the true value is not
    a finite normal number of the dtype (those points are checked against PyTorch instead)."""
    info = np.finfo(dtype)
    errors = np.full(len(y), np.nan)
    for i, (got, true) in enumerate(zip(y, true_values(name, dtype))):
        if true is None or not info.tiny <= abs(true) <= info.max:
            continue
        spacing = float(np.spacing(np.array(abs(float(true)), dtype=dtype)))
        errors[i] = float(abs(mpmath.mpf(float(got)) - true)) / spacing
    return errors


def ulp_distance(a, b):
    """Elementwise distance in representable numbers between two arrays of the same float dtype."""
    a, b = np.asarray(a), np.asarray(b)
    int_type = {np.dtype(np.float32): np.int32, np.dtype(np.float64): np.int64}[a.dtype]

    def ordered(v):
        bits = v.view(int_type).astype(np.int64)
        return np.where(bits < 0, np.iinfo(int_type).min - bits, bits)

    return np.abs(ordered(a) - ordered(b))
