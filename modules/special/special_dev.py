# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Provided: special functions
#
# Nothing to fill in here. This notebook holds numerical code the course *provides*, so that the
# modules can stay about their own ideas: the complementary error function `erfc` and the
# standard normal CDF `normal_cdf` (Φ), which module 02's exact GELU needs. It is exported to
# `tinytorch.core.special` and ships, read-only, with every student kit.
#
# **Why it is not one line.** The C library's `math.erfc` is exact but works on one number at a
# time: calling it per element (`np.frompyfunc`) took ~100 ms for a million floats, ~200× slower
# than PyTorch's GELU. Below, the same accuracy comes from NumPy passes over whole arrays.
# Two lessons from measuring it: `np.where` on random masks is slow (branch mispredictions), so
# cases are selected by arithmetic; and temporaries are kept small (blocks of 16K elements) so
# they stay in the CPU cache.

# %%
#| default_exp core.special

# %%
#| export
import math

import numpy as np

# W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969),
# coefficients of his CALERF routine (SPECFUN, 1990); highest power first, for Horner's rule.
_SMALL_P = (1.85777706184603153e-1, 3.16112374387056560e00, 1.13864154151050156e02,
            3.77485237685302021e02, 3.20937758913846947e03)
_SMALL_Q = (1.0, 2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
            2.84423683343917062e03)            # erf(y) = y·P(y²)/Q(y²) for |y| ≤ 0.46875
_MID_P = (2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e00,
          6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02,
          1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03)
_MID_Q = (1.0, 1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
          1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
          3.43936767414372164e03, 1.23033935480374942e03)   # exp(y²)·erfc(y) = P(y)/Q(y), 0.46875 < y ≤ 4
_TAIL_P = (1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
           1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4)
_TAIL_Q = (1.0, 2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
           6.05183413124413191e-2, 2.33520497626869185e-3)  # exp(y²)·erfc(y) = (1/√π − z·P(z)/Q(z))/y, z = 1/y²
_SMALL = 0.46875
_SQRT_HALF = math.sqrt(0.5)
_BLOCK = 16384                                         # elements per block: 128 KiB float64 temporaries


def _rational(z, p, q):
    num, den = np.full_like(z, p[0]), np.full_like(z, q[0])
    for pk, qk in zip(p[1:], q[1:]):                   # Horner's rule, in place
        num *= z
        num += pk
        den *= z
        den += qk
    return num / den


def _select(condition, a, b):
    """np.where(condition, a, b) by arithmetic (a, b finite or nan): on unpredictable masks
    np.where costs ~4 ns an element (branch misses), more than these four passes."""
    m = condition.astype(a.dtype)
    return a * m + b * (1 - m)


def _exp_minus_square(t, scale):
    """exp(−scale·t²) with t = hi + lo, hi = trunc(16t)/16: scale·hi² is exact, so the rounding
    of t² is not amplified by the exponential (Cody's trick; scale is 1 or ½)."""
    hi = np.trunc(t * 16) / 16
    return np.exp(-scale * hi * hi) * np.exp(-scale * (t - hi) * (t + hi))


def _erfc_outer(t, scale):
    """erfc(y) for y = t·√scale > 0.46875: exp(−scale·t²) of the exact t, times Cody's rational
    for exp(y²)·erfc(y) (two ranges, both evaluated, clipped to their domains)."""
    y = t * math.sqrt(scale)
    tail = np.maximum(y, 4.0)
    z = 1 / (tail * tail)
    tail_scaled = (1 / math.sqrt(math.pi) - z * _rational(z, _TAIL_P, _TAIL_Q)) / tail
    mid_scaled = _rational(np.clip(y, _SMALL, 4.0), _MID_P, _MID_Q)
    return _exp_minus_square(t, scale) * _select(y <= 4, mid_scaled, tail_scaled)


def _erfc_block(x):
    t = np.minimum(np.abs(x), 27.5)                    # erfc(27.5) rounds to 0; inf → no overflow
    u = np.clip(x, -_SMALL, _SMALL)
    near_zero = 1 - u * _rational(u * u, _SMALL_P, _SMALL_Q)     # 1 − erf(x), |x| ≤ 0.46875
    e = _erfc_outer(t, 1.0)                            # erfc(|x|)
    return _select(t <= _SMALL, near_zero, _select(x < 0, 2 - e, e))


def _normal_cdf64_block(x):
    t = np.minimum(np.abs(x), 40.0)                    # Φ(−40) rounds to 0; inf → no overflow
    u = np.clip(x * _SQRT_HALF, -_SMALL, _SMALL)
    near_zero = 0.5 + 0.5 * u * _rational(u * u, _SMALL_P, _SMALL_Q)  # ½(1 + erf(x/√2)), |x|/√2 ≤ 0.46875
    q = 0.5 * _erfc_outer(t, 0.5)                      # Φ(−|x|) = ½·erfc(|x|/√2)
    return _select(t * _SQRT_HALF <= _SMALL, near_zero, _select(x < 0, q, 1 - q))


def _blockwise(block_fn, a, dtype):
    """block_fn over a in float64, _BLOCK elements at a time (the temporaries stay in cache,
    about 3× faster than whole-array passes), returned in dtype and a's shape."""
    flat = a.ravel()
    out = np.empty(flat.shape, dtype)
    for start in range(0, flat.size, _BLOCK):
        out[start:start + _BLOCK] = block_fn(flat[start:start + _BLOCK].astype(np.float64))
    return out.reshape(a.shape)


def erfc(a):
    """Complementary error function, elementwise, in the array's float dtype (float64 for integers).

    Cody's rational approximations, in float64: 1 − erf near 0, exp(−x²)·(rational) beyond, with
    exp(−x²) of the exact x; erfc(x) = 2 − erfc(|x|) for x < 0. Within ~6 ulp in float64
    (checked with mpmath). erfc(−inf) = 2, erfc(inf) = 0, nan stays nan, no warnings.
    """
    a = np.asarray(a)
    with np.errstate(under="ignore"):                 # the tail underflows to subnormals and 0 by design
        return _blockwise(_erfc_block, a, a.dtype if a.dtype.kind == "f" else np.float64)


# Float32: log Φ is smooth and concave, so it is tabulated once (in float64) on a grid of step
# h = 1/4096 and interpolated linearly: error ≤ h²/8·max|(log Φ)''| ≈ 7.5e-9 relative, far below
# float32's 6e-8. Float32 Φ is 0 below −14.5 and 1 above 6: inputs are clipped to that range.
_LO, _HI, _STEPS = -14.5, 6.0, 4096


def _log_phi_table():
    """Per grid step i: log Φ(x) ≈ intercept[i] + slope[i]·x (the chord between two nodes)."""
    nodes = _LO + np.arange(int((_HI - _LO) * _STEPS) + 2) / _STEPS
    log_phi = np.log(_normal_cdf64_block(nodes))
    slope = np.diff(log_phi) * _STEPS
    return slope, log_phi[:-1] - slope * nodes[:-1]


_SLOPE, _INTERCEPT = _log_phi_table()


def _normal_cdf32_block(x):
    x = np.clip(x, _LO, _HI)
    i = ((x - _LO) * _STEPS).astype(np.intp)           # nan gives a junk index (clipped); Φ stays nan
    return np.exp(np.take(_SLOPE, i, mode="clip") * x + np.take(_INTERCEPT, i, mode="clip"))


def normal_cdf(a):
    """Φ(a) = ½·erfc(−a/√2), in a's float dtype (float64 for integers).

    float64: Cody's approximations, with the exponential taken of the exact a (within ~7 ulp).
    float32/float16: exp of a linearly interpolated float64 table of log Φ, rounded once (< 1 ulp).
    Φ(−inf) = 0, Φ(inf) = 1, nan stays nan, no warnings.
    """
    a = np.asarray(a)
    dtype = a.dtype if a.dtype.kind == "f" else np.dtype(np.float64)
    block_fn = _normal_cdf32_block if dtype.itemsize <= 4 else _normal_cdf64_block
    with np.errstate(under="ignore", invalid="ignore"):   # tails underflow to 0; nan → int index
        return _blockwise(block_fn, a, dtype)
