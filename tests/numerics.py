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
    bound = np.full(x.shape, {"sigmoid": 3.0, "tanh": 2.0, "silu": 4.0, "gelu": 2.0, "gelu_tanh": 16.0}[name])
    if name == "silu":
        bound[x < np.log(tiny)] = np.nan                      # σ(x) itself is subnormal there
    if name == "gelu" and dtype == "float64":
        bound = np.maximum(8.0, 2 * x * x)
    if name == "gelu" and dtype == "float32":
        bound[x < -13] = np.nan                               # Φ(x) subnormal in float32
    if name == "gelu_tanh":
        bound = np.maximum(16.0, 4 * x * x)
        two_u = 2 * np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)
        bound[two_u < np.log(tiny)] = np.nan                 # σ(2u) itself is subnormal there
    return bound


def grid(dtype):
    return GOLDEN[f"grid/{dtype}/x"], GOLDEN[f"grid/{dtype}/grad_out"]


def dense(dtype):
    """A denser sweep of the interesting range (the golden grid's step there is 0.05)."""
    return np.linspace(-15, 15, 7919).astype(dtype)


INPUTS = {"golden": lambda dtype: grid(dtype)[0], "dense": dense}


@lru_cache(maxsize=None)
def true_values(name, dtype, inputs="golden"):
    """mpmath values of the activation on a set of inputs (as mpf objects, finite inputs only)."""
    return tuple(TRUE[name](mpmath.mpf(float(v))) if np.isfinite(v) else None for v in INPUTS[inputs](dtype))


def ulp_errors(name, dtype, y, inputs="golden"):
    """|y − true| in units of the last place of the true value; nan where the true value is not
    a finite normal number of the dtype (those points are checked against PyTorch instead)."""
    info = np.finfo(dtype)
    errors = np.full(len(y), np.nan)
    for i, (got, true) in enumerate(zip(y, true_values(name, dtype, inputs))):
        if true is None or not info.tiny <= abs(true) <= info.max:
            continue
        spacing = float(np.spacing(np.array(abs(float(true)), dtype=dtype)))
        errors[i] = float(abs(mpmath.mpf(float(got)) - true)) / spacing
    return errors
