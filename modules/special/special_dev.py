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
# than PyTorch's GELU. Below, the same accuracy comes from NumPy passes over whole arrays:
#
# - float64: Φ(−t) = e^(−t²/2)·P(t)/Q(t), one rational approximation of the Mills ratio (fitted
#   with mpmath), with e^(−t²/2) computed so that the rounding of t² is not amplified;
# - float32: Φ = exp(log Φ), log Φ from a table of chords (built on first use), rounded once.
#
# Lessons from measuring it: `np.where` on random masks is slow (branch mispredictions), so cases
# are selected by arithmetic; temporaries are kept small (blocks of 16K elements) so they stay in
# the CPU cache; and each table lookup (`np.take`) costs about as much as PyTorch's whole GELU.

# %%
#| default_exp core.special

# %%
#| export
import numpy as np

# The Mills ratio Φ(−t)/φ(t), t ≥ 0, is smooth and ≈ 1/t far out, so Φ(−t) = exp(−t²/2)·P(t)/Q(t)
# with one rational of degree (9, 10) on [0, 38.6] (Φ(−38.6) rounds to 0), within 1.1e-16 relative
# with these float64 coefficients (lowest power first, all positive). Fitted in mpmath (fit_mp.py):
# linearised least squares, Sanathanan–Koerner iterations with Lawson weights, Chebyshev basis.
_P = (0.5, 0.7749290613194885, 0.5941326795074767, 0.289398613126082, 0.09773092388238933,
      0.02363271623825633, 0.004091651964443389, 0.0004907810158750124, 3.7289981417082694e-05,
      1.387461364412014e-06)
_Q = (1.0, 2.3477426834418305, 2.5614929988714343, 1.7146631211986985, 0.7822277930248035,
      0.2550443916094433, 0.06046168502823343, 0.010349722614526673, 0.0012336834211319177,
      9.34721217783579e-05, 3.477849886003767e-06)
_BLOCK = 16384                                   # elements per block: temporaries stay in cache


def _upper_tail(x, scale):
    """Φ(−√(2·scale)·x) for scale ½ (Φ(−x)) or 1 (erfc(x)/2), in float64, for all x."""
    y = np.minimum(np.abs(x), 38.6 / np.sqrt(2 * scale))
    hi = y.astype(np.float32).astype(np.float64)          # Cody: hi² is exact, so exp(−scale·y²)
    e = np.exp(-scale * hi * hi) * np.exp(-scale * (y - hi) * (y + hi))  # is as for the exact y²
    t = np.sqrt(2 * scale) * y
    p, q = np.full_like(t, _P[-1]), np.full_like(t, _Q[-1])
    for c in _P[-2::-1]:                                  # Horner's rule, in place
        np.add(np.multiply(p, t, out=p), c, out=p)
    for c in _Q[-2::-1]:
        np.add(np.multiply(q, t, out=q), c, out=q)
    return np.abs((x < 0) - e * p / q)                    # x < 0: 1 − the tail at |x|


# Float32: Φ = exp(log Φ), and log Φ is concave with |(log Φ)''| < 1: its chords on cells of width
# h = 2⁻¹², lifted by half their sag, are within h²/16 = 3.7e-9 of it (relative error of Φ; the
# float32 ulp is 6e-8). Slopes and intercepts (two float64 tables, 1.3 MB): built on first use.
_LO, _HI, _H = -14.5, np.float64(5.5), 2.0 ** -12   # float32 Φ: 0 below −14.5, 1 above 5.5
_MAGIC = np.float64(1.5 * 2.0 ** 40)     # x + _MAGIC rounds x to a multiple of h, and its bits,
_K0 = _MAGIC.view(np.int64) + int(_LO / _H)  # read as an integer, are _K0 + x's cell index
_chords = []


def _normal_cdf32(a):
    if not _chords:                                       # cell k: |x − (LO + k·h)| ≤ h/2
        edges = _LO + (np.arange(int((_HI - _LO) / _H) + 2) - 0.5) * _H
        log_phi = np.log(normal_cdf(edges))
        slope = np.diff(log_phi) / _H                     # lift each chord by half its sag,
        sag = _H ** 2 / 8 * slope * (edges[:-1] + _H / 2 + slope)  # (h²/8)·|(log Φ)''|, so the
        _chords[:] = slope, log_phi[:-1] - slope * edges[:-1] + sag / 2  # error is ±h²/16
    (slope, intercept), flat, out = _chords, a.ravel(), np.empty(a.size, a.dtype)
    x, y, b, k = np.empty(_BLOCK), np.empty(_BLOCK), np.empty(_BLOCK), np.empty(_BLOCK, np.int64)
    for start in range(0, a.size, _BLOCK):                # in place, to stay fast
        if a.size - start < _BLOCK:                       # the last, partial block
            x, y, b, k = (v[:a.size - start] for v in (x, y, b, k))
        np.minimum(flat[start:start + _BLOCK], _HI, out=x)  # x < LO: the first cell's chord
        np.add(x, _MAGIC, out=k.view(np.float64))
        np.subtract(k, _K0, out=k)                        # the cell index (nan's: clipped)
        np.multiply(slope.take(k, out=y, mode="clip"), x, out=y)
        np.add(y, intercept.take(k, out=b, mode="clip"), out=y)
        out[start:start + _BLOCK] = np.exp(y, out=y)      # rounded once, to float32
    return out.reshape(a.shape)


def _blockwise(block_fn, a):
    """block_fn over a in float64 blocks, in a's float dtype (float64 for integers)."""
    flat, out = a.ravel(), np.empty(a.size, a.dtype if a.dtype.kind == "f" else np.float64)
    for start in range(0, a.size, _BLOCK):
        out[start:start + _BLOCK] = block_fn(flat[start:start + _BLOCK].astype(np.float64))
    return out.reshape(a.shape)


def erfc(a):
    """erfc(a) = 2·Φ(−√2·a), computed in float64 (≤ 8 ulp measured), in a's float dtype (float64
    for integers). erfc(−inf) = 2, erfc(inf) = 0, nan stays nan, no floating-point warnings."""
    with np.errstate(under="ignore"):                     # far tails underflow to 0
        return _blockwise(lambda x: 2 * _upper_tail(x, 1.0), np.asarray(a))


def normal_cdf(a):
    """Φ(a), in a's float dtype (float64 for integers): float64 ≤ 10 ulp measured; float32/16 from
    the chord table, rounded once (< 0.6 ulp). Φ(−inf) = 0, Φ(inf) = 1, nan stays nan, no
    floating-point warnings."""
    a = np.asarray(a)
    with np.errstate(under="ignore"):
        if a.dtype.kind == "f" and a.dtype.itemsize <= 4:
            return _normal_cdf32(a)
        return _blockwise(lambda x: _upper_tail(-x, 0.5), a)   # Φ(x) = Φ(−(−x))
