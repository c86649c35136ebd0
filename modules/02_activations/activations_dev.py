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
# # Module 02 — Activations: where networks get their nonlinearity
#
# A layer computes `x @ W + b`. Stack two of them and you get `(x @ W1 + b1) @ W2 + b2`,
# which is just `x @ (W1 @ W2) + (b1 @ W2 + b2)` — **one** linear layer again. However deep
# you stack linear layers, the network can only draw straight lines. An *activation function*
# applied between layers bends them, and that is what lets a network learn images, language
# or XOR.
#
# **You will build**, each as a callable class like `torch.nn.ReLU`:
#
# | activation | formula | where it is used |
# |---|---|---|
# | `ReLU` | max(0, x) | hidden layers of most networks |
# | `Sigmoid` | 1 / (1 + e^(−x)) | binary outputs, LSTM gates |
# | `Tanh` | (e^x − e^(−x)) / (e^x + e^(−x)) | RNN cells, zero-centred features |
# | `Softmax` | e^(x_i) / Σ_j e^(x_j) | multi-class outputs, attention |
# | `LeakyReLU` | x if x > 0 else a·x | ReLU without dead units |
# | `SiLU` | x · σ(x) | modern CNNs (EfficientNet) and LLM MLPs |
# | `GELU` | x · Φ(x) | Transformers (BERT, GPT) |
#
# …each with its **derivative** (`backward`) beside it. Then you *measure* them against the speed
# of a plain memory copy, and see what makes clear code fast.
#
# **Rhythm.** Each activation goes *idea → build → test → reflect*. Graded cells come in pairs —
# ordinary inputs, then edge cases — and a mistake is charged once (if your sigmoid is wrong, SiLU is
# tested with a right one plugged in).
#
# **Where the code goes.** `#| export` cells become `tinytorch/core/activations.py`:
#
# ```python
# from tinytorch.core.activations import ReLU, Sigmoid, Tanh, Softmax
# ```

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Setup (not exported): make the `tinytorch` package and the `tinytest` helpers of the course
# this notebook sits in importable — the repository, or your student kit — by searching
# upwards from the working directory, and from this file when it runs as a script (Jupyter
# defines no `__file__`). Without a course folder, an installed package is used.
import sys
from pathlib import Path

_starts = [Path.cwd()] + ([Path(__file__).resolve().parent] if "__file__" in globals() else [])
for _folder in [p for start in _starts for p in (start, *start.parents)]:
    if (_folder / "tinytorch" / "__init__.py").is_file():
        if str(_folder) not in sys.path:
            sys.path.insert(0, str(_folder))
        break

# %%
#| default_exp core.activations
#| export
import math

import numpy as np

from tinytorch.core.special import erfc, normal_cdf
from tinytorch.core.tensor import Tensor

# %% nbgrader={"grade": false, "grade_id": "test-helpers", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Test helpers (not exported), shared by every module's tests: they call your code the way the
# graded tests do and turn the usual mistakes into messages that say what to fix.
from tinytest import (NotDone, attempt, check_dtypes, expect_close, expect_error, expect_forward, passes, replaced,
                      run_backward, run_forward, show, true_sigmoid, unfinished)

# %% [markdown]
# ## The contract every activation keeps
#
# An activation is trusted when its numbers are right *everywhere*, not just on friendly
# inputs. Ours promise:
#
# - **Tensor in, Tensor out**, same shape; anything else in gets a `TypeError` that says so.
# - **dtype kept:** float32 in → float32 out, float64 → float64. (Integer and bool data become
#   float32 when you make a Tensor — see module 01; a Tensor forced to an integer dtype gets a
#   `TypeError` naming it.)
# - **The input is never modified.**
# - **Extremes behave like PyTorch:** ±inf give the limits (σ(−inf) = 0, tanh(inf) = 1), nan
#   stays nan, and **NumPy never prints a warning** — a warning is a symptom of an
#   intermediate value that overflowed, and the autograder scores a cell that prints one 0.
# - **Derivatives:** calling an activation remembers its input and output; `backward(grad)`
#   returns the gradient of the loss with respect to that input, given the gradient with
#   respect to the output (the chain rule, one link at a time).
#
# The base class below checks the input and saves what `backward` needs once, so each
# activation only writes its math. It is provided — read it, then build the activations.

# %% nbgrader={"grade": false, "grade_id": "activation-base", "locked": true, "schema_version": 3, "solution": false, "task": false}
#| export
class Activation:
    """Base class: `act(x)` checks that x is a Tensor, runs `forward`, and remembers the
    input and output that `backward` needs. Subclasses implement `forward` and `backward`."""

    input = output = None

    def __call__(self, x):
        if not isinstance(x, Tensor):
            raise TypeError(f"{type(self).__name__} expects a Tensor, got {type(x).__name__}; "
                            f"wrap the data first: Tensor(...)")
        if x.dtype.kind != "f":
            raise TypeError(f"{type(self).__name__} needs floating-point data, got a Tensor of dtype {x.dtype}; "
                            f"convert it, e.g. Tensor(data, dtype=np.float32)")
        # An empty tensor maps to an empty tensor: there is nothing to compute (and reductions
        # such as softmax's max would refuse an empty axis).
        out = self.forward(x) if x.size else Tensor(np.empty_like(x.data))
        self.input, self.output = x, out
        return out

    def forward(self, x):
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, grad_output):
        raise NotImplementedError(f"{type(self).__name__}.backward")

    def saved(self, grad_output):
        """(x, y, g) as arrays: the last input, its output, and the incoming gradient dL/dy."""
        name = type(self).__name__
        if self.output is None:
            raise RuntimeError(f"call {name}(x) before {name}.backward(): there is no saved input yet")
        g = grad_output.data if isinstance(grad_output, Tensor) else np.asarray(grad_output)
        y = self.output.data
        if g.shape != y.shape:
            raise ValueError(f"{name}.backward: grad_output has shape {g.shape}, "
                             f"but the last output had shape {y.shape}")
        return self.input.data, y, g.astype(y.dtype, copy=False)

    def __repr__(self):
        return f"{type(self).__name__}()"


# %% [markdown]
# ## 1. ReLU — the default choice
#
# ### Idea
# `ReLU(x) = max(0, x)`: positives pass through, negatives become 0.
#
# ```
# x       : -2  -1   0   1   2
# ReLU(x) :  0   0   0   1   2
# ```
#
# It is cheap (one comparison), its slope is exactly 1 for positive inputs — so gradients do
# not shrink as they pass through many layers — and it makes many outputs exactly 0 (sparse).
#
# **Derivative.** `ReLU'(x) = 1 if x > 0 else 0`. At exactly 0 the slope is undefined;
# PyTorch uses 0, and so do we. `backward` multiplies the incoming gradient by that slope.
#
# **nan** must stay nan (PyTorch's rule). `np.maximum` propagates it; `np.where(x > 0, x, 0)` turns it into 0.
#
# ### Build
# Fill in `forward`: one NumPy call, wrapped in a **new** Tensor — do not write into `x.data`.
# The derivative is written for you: read it next to the forward.

# %% nbgrader={"grade": false, "grade_id": "relu-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
class ReLU(Activation):
    """ReLU(x) = max(0, x);  ReLU'(x) = 1 if x > 0 else 0.

    Contract: exact (it only selects values); nan stays nan; dtype kept.
    """

    def forward(self, x):
        """TODO: return Tensor(max(0, x)) elementwise, without modifying x.

        >>> ReLU()(Tensor([-2.0, 0.0, 3.0])).data
        array([0., 0., 3.], dtype=float32)
        """
        ### BEGIN SOLUTION
        return Tensor(np.maximum(x.data, 0))
        ### END SOLUTION

    def backward(self, grad_output):
        x, _, g = self.saved(grad_output)
        # x <= 0 blocks the gradient (slope 0, including at 0); a nan input lets it through, as in PyTorch.
        return Tensor(np.where(x <= 0, 0, g))


# %% [markdown]
# ### Test

# %% nbgrader={"grade": true, "grade_id": "test-relu", "locked": true, "points": 6, "schema_version": 3, "solution": false, "task": false}
def test_unit_relu():
    """ReLU on ordinary inputs: values, no clipping, batches, a new Tensor, the input untouched."""
    expect_forward(ReLU(), [[-2.0, -1.0, 0.0, 1.0, 2.0]], [[0, 0, 0, 1, 2]], "ReLU")
    expect_forward(ReLU(), [0.5, 3.0, 250.0, -7.0, 1e6], [0.5, 3.0, 250.0, 0, 1e6],
                   "ReLU must pass positive values through unchanged (no clipping)")
    expect_forward(ReLU(), [0.5, 2.0], [0.5, 2.0], "ReLU (nothing to change, but still a new Tensor)")
    batch = np.random.default_rng(0).standard_normal((4, 3, 5))
    expect_forward(ReLU(), batch, np.maximum(batch, 0), "ReLU on a (4, 3, 5) batch")
    print("✅ ReLU: values, no clipping, batches, a new Tensor")

if __name__ == "__main__":
    test_unit_relu()

# %% nbgrader={"grade": true, "grade_id": "test-relu-edge-cases", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_relu_edge_cases():
    """ReLU's edge cases: dtypes kept, ±inf, and nan stays nan."""
    check_dtypes(ReLU, "ReLU")
    for dtype in (np.float32, np.float64):
        expect_forward(ReLU(), np.array([-np.inf, np.inf, np.nan, -0.0], dtype=dtype), [0, np.inf, np.nan, 0],
                       f"ReLU on -inf, inf, nan ({np.dtype(dtype)}): nan must stay nan", keep_dtype=True)
    print("✅ ReLU edge cases: dtypes, ±inf, nan")

if __name__ == "__main__":
    test_unit_relu_edge_cases()

# %% [markdown]
# ### Reflect
# After a ReLU, about half of a layer's outputs are exactly zero. What could a framework or
# a chip do with that sparsity? And what happens to a unit whose input is *always* negative?

# %% [markdown]
# ## 2. Sigmoid — squashing to a probability
#
# ### Idea
# `σ(x) = 1 / (1 + e^(−x))` maps every real number into (0, 1): σ(0) = 0.5, σ(−x) = 1 − σ(x).
#
# ```
# x    : -2     -1     0     1      2
# σ(x) : 0.119  0.269  0.5   0.731  0.881
# ```
#
# **Numerics — the trap.** For x = −100 the formula computes e^100 ≈ 2.7·10^43, beyond float32's
# largest number: NumPy returns inf and prints `RuntimeWarning: overflow`. Yet `1 / (1 + inf)` is
# 0, the right limit, so only the warning is wrong. Either declare the overflow expected
# (`np.errstate(over="ignore")`; PyTorch's C++ kernel uses this very formula and never warns) or
# never exponentiate a positive number (z = e^(−|x|): 1/(1 + z) for x ≥ 0, z/(1 + z) below).
# Silence a warning only where the inf leads to the right answer: softmax's inf / inf = nan
# (section 4) needs a rewrite.
#
# **Derivative.** σ'(x) = σ(x)·(1 − σ(x)) — it only needs the *output*, which `forward`
# already computed (`self.saved` hands it to you as `y`).
#
# ### Build
# Fill in `_sigmoid`, which works on a NumPy array (SiLU and GELU reuse it; `forward` just wraps
# it in a Tensor), and then `backward`.

# %% nbgrader={"grade": false, "grade_id": "sigmoid-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
def _sigmoid(a):
    """σ of a float array (same shape and dtype), with no warning for any input.

    TODO: 1 / (1 + e^(−a)), with the harmless overflow of e^(−a) expected (or the two-case
    formula). SiLU and GELU below reuse this function, so it works on plain NumPy arrays.
    """
    ### BEGIN SOLUTION
    with np.errstate(over="ignore"):        # e^(−a) = inf for a ≪ 0, and 1 / (1 + inf) = 0: the right limit
        return 1 / (1 + np.exp(-a))
    ### END SOLUTION


class Sigmoid(Activation):
    """σ(x) = 1 / (1 + e^(−x));  σ'(x) = σ(x)·(1 − σ(x)).

    Contract: within 3 ulp of the true value wherever that is a normal number, in float32
    and float64; σ(−inf) = 0, σ(inf) = 1, nan stays nan; no overflow warning for any input.
    """

    def forward(self, x):
        return Tensor(_sigmoid(x.data))

    def backward(self, grad_output):
        """TODO: return Tensor(grad · y · (1 − y)), where y is the saved output.

        `x, y, g = self.saved(grad_output)` gives the saved input, output and the incoming gradient.
        """
        ### BEGIN SOLUTION
        _, y, g = self.saved(grad_output)
        return Tensor(g * y * (1 - y))
        ### END SOLUTION


# %% [markdown]
# ### Test

# %% nbgrader={"grade": true, "grade_id": "test-sigmoid", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_sigmoid():
    """Sigmoid on ordinary inputs: values, symmetry, batches."""
    values = np.array([-6.0, -2.0, -1.0, 0.0, 1.0, 2.0, 6.0])
    expect_forward(Sigmoid(), values, 1 / (1 + np.exp(-values)), "Sigmoid")
    out = expect_forward(Sigmoid(), [-3.0, -0.25, 3.0, 0.25], 1 / (1 + np.exp([3.0, 0.25, -3.0, -0.25])), "Sigmoid")
    expect_close(out[:2] + out[2:], [1.0, 1.0], "σ(−x) + σ(x) should be 1", [3.0, 0.25], rtol=1e-12)
    batch = np.random.default_rng(1).uniform(-8, 8, (3, 4, 2))
    expect_forward(Sigmoid(), batch, 1 / (1 + np.exp(-batch)), "Sigmoid on a (3, 4, 2) batch")
    print("✅ Sigmoid: values, symmetry, batches")

if __name__ == "__main__":
    test_unit_sigmoid()

# %% nbgrader={"grade": true, "grade_id": "test-sigmoid-edge-cases", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_sigmoid_edge_cases():
    """Sigmoid's edge cases: dtypes, inputs that overflow the textbook formula, ±inf and nan."""
    check_dtypes(Sigmoid, "Sigmoid")
    for dtype in (np.float32, np.float64):
        extreme = np.array([-1000.0, -100.0, -20.0, 20.0, 100.0, 1000.0, -np.inf, np.inf, np.nan], dtype=dtype)
        expected = [0.0, math.exp(-100), 1 / (1 + math.exp(20)), 1 / (1 + math.exp(-20)), 1.0, 1.0, 0.0, 1.0, np.nan]
        # below the smallest normal number (float32: σ(−100) ≈ 3.7e−44) only absolute accuracy is possible
        out = expect_forward(Sigmoid(), extreme, expected, f"Sigmoid on large {np.dtype(dtype)} inputs", rtol=1e-5,
                             atol=np.finfo(dtype).tiny, keep_dtype=True)
        assert np.all((out[:-1] >= 0) & (out[:-1] <= 1)), f"Sigmoid outputs must lie in [0, 1], got {show(out)}"
    print("✅ Sigmoid edge cases: dtypes, no overflow at ±1000 or ±inf, nan")

if __name__ == "__main__":
    test_unit_sigmoid_edge_cases()

# %% nbgrader={"grade": true, "grade_id": "test-sigmoid-backward", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_sigmoid_backward():
    """Sigmoid.backward: grad · y(1 − y) from the saved output y, dtype kept, wrong shapes refused.
    It runs on a saved input and output that the test plants (the true σ), as a call would save
    them: a forward mistake is not charged twice."""
    values = np.array([[-4.0, -1.0, 0.0], [0.5, 2.0, 30.0]])
    grad = np.array([[1.0, -2.0, 3.0], [0.5, 1.0, 2.0]])
    sigmoid, y = Sigmoid(), true_sigmoid(values)
    sigmoid.input, sigmoid.output = Tensor(values), Tensor(y)
    result = run_backward(sigmoid, Tensor(grad), "Sigmoid.backward").data
    expect_close(result, grad * y * (1 - y), "Sigmoid.backward (grad · y · (1 − y))", values, rtol=1e-9, atol=1e-15)
    sigmoid.input, sigmoid.output = Tensor(values.astype(np.float32)), Tensor(y.astype(np.float32))
    for grad_dtype in (np.float32, np.float64):
        run_backward(sigmoid, Tensor(grad.astype(grad_dtype)), f"Sigmoid.backward on float32 (grad {np.dtype(grad_dtype)})")
    expect_error(ValueError, lambda: sigmoid.backward(Tensor(np.ones(3))),
                 "Sigmoid.backward with a gradient of the wrong shape (self.saved(grad_output) refuses it for you)")
    print("✅ Sigmoid.backward: grad · σ(1 − σ), dtype kept")

if __name__ == "__main__":
    test_unit_sigmoid_backward()

# %% [markdown]
# ### Reflect
# σ'(x) is at most 0.25. Backpropagating through ten sigmoid layers multiplies the gradient
# by at most 0.25^10 ≈ 10^−6. What does that do to the first layers' learning — and why did
# ReLU's slope of 1 change deep learning?

# %% [markdown]
# ## 3. Tanh — a zero-centred sigmoid
#
# ### Idea
# `tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x)) = 2σ(2x) − 1`, with range (−1, 1) and tanh(0) = 0.
# Zero-centred outputs keep the next layer's inputs balanced around 0, which helps training.
#
# ```
# x       : -2      -1      0   1      2
# tanh(x) : -0.964  -0.762  0   0.762  0.964
# ```
#
# **Numerics.** The quotient of exponentials overflows for |x| > 88 in float32 (inf/inf = nan).
# `2σ(2x) − 1` is safe from overflow but loses precision near 0: for x = 10^−8 it subtracts
# two numbers that agree in every digit. NumPy's `np.tanh` is computed carefully by the C
# library: use it.
#
# **Derivative.** tanh'(x) = 1 − tanh(x)², again from the saved output.

# %% nbgrader={"grade": false, "grade_id": "tanh-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
class Tanh(Activation):
    """tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x));  tanh'(x) = 1 − tanh(x)².

    Contract: within 2 ulp in float32 and float64; tanh(±inf) = ±1, nan stays nan.
    """

    def forward(self, x):
        """TODO: return Tensor(tanh(x)) without overflowing for large |x| (np.tanh does this)."""
        ### BEGIN SOLUTION
        return Tensor(np.tanh(x.data))
        ### END SOLUTION

    def backward(self, grad_output):
        _, y, g = self.saved(grad_output)
        return Tensor(g * ((1 - y) * (1 + y)))   # = 1 − y², without cancelling to 0 when |y| ≈ 1


# %% nbgrader={"grade": true, "grade_id": "test-tanh", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_tanh():
    """Tanh on ordinary inputs: values, antisymmetry, batches."""
    values = np.array([-3.0, -1.0, -0.1, 0.0, 0.1, 1.0, 3.0])
    out = expect_forward(Tanh(), values, [math.tanh(v) for v in values], "Tanh")
    expect_close(out[::-1], -out, "tanh(−x) should equal −tanh(x)", -values, rtol=1e-12)
    batch = np.random.default_rng(2).uniform(-4, 4, (2, 3, 4))
    expect_forward(Tanh(), batch, np.tanh(batch), "Tanh on a (2, 3, 4) batch")
    print("✅ Tanh: values, antisymmetry, batches")

if __name__ == "__main__":
    test_unit_tanh()

# %% nbgrader={"grade": true, "grade_id": "test-tanh-edge-cases", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_tanh_edge_cases():
    """Tanh's edge cases: dtypes, ±1000, ±inf, nan, and tiny inputs that must keep their precision."""
    check_dtypes(Tanh, "Tanh")
    for dtype in (np.float32, np.float64):
        extreme = np.array([-1000.0, -100.0, 100.0, 1000.0, -np.inf, np.inf, np.nan], dtype=dtype)
        expect_forward(Tanh(), extreme, [-1, -1, 1, 1, -1, 1, np.nan], f"Tanh on large {np.dtype(dtype)} inputs "
                       f"should approach ±1 (and keep nan)", rtol=0, keep_dtype=True)
        small = np.array([1e-8, -1e-5, 1e-3], dtype=dtype)      # 1 − (…) formulas lose these entirely
        expect_forward(Tanh(), small, [math.tanh(v) for v in small], f"Tanh near 0 ({np.dtype(dtype)}) must keep "
                       f"its precision", rtol=4 * np.finfo(dtype).eps, keep_dtype=True)
    print("✅ Tanh edge cases: dtypes, ±1000, ±inf, nan, precision near 0")

if __name__ == "__main__":
    test_unit_tanh_edge_cases()

# %% [markdown]
# ### Reflect
# tanh(x) = 2σ(2x) − 1. If tanh is just a rescaled sigmoid, why do recurrent networks prefer it
# for their hidden state?

# %% [markdown]
# ## 4. Softmax — scores into probabilities
#
# ### Idea
# A classifier outputs one score ("logit") per class. Softmax turns a row of scores into
# probabilities: all positive, summing to 1, largest score → largest probability.
#
# ```
# softmax(x)_i = e^(x_i) / Σ_j e^(x_j)          [1, 2, 3] → [0.090, 0.245, 0.665]
# ```
#
# Like PyTorch's `Softmax(dim=-1)`, ours normalises along one axis, `dim`: for a batch of
# shape (batch, classes), `dim=-1` makes **each row** a distribution.
#
# **Numerics.** e^1000 overflows, but softmax is unchanged when a row loses the same number
# everywhere: subtract the row maximum (`keepdims=True`) and the largest exponent is e^0 = 1.
# Masked classes (−inf) then get exactly 0. A row of only −inf has no distribution: like PyTorch,
# return nan, silently (`np.errstate(invalid="ignore")`; −inf − (−inf) is the invalid operation).
#
# **Derivative.** The Jacobian is diag(y) − y yᵀ, but training only needs it times the incoming
# gradient: `y · (g − Σ(g·y))` per row, O(n) — the n×n matrix for 50,000 classes would need 10 GB.

# %% nbgrader={"grade": false, "grade_id": "softmax-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
class Softmax(Activation):
    """softmax(x)_i = e^(x_i) / Σ_j e^(x_j) along `dim`;  backward: y·(g − Σ_dim g·y).

    Contract: each slice along `dim` sums to 1 within 4 eps; −inf entries give exactly 0;
    a slice that is all −inf, or holds +inf or nan, gives nan (as PyTorch does) with no
    warning; dtype kept; any `dim`, like torch.nn.Softmax(dim). A 0-d tensor has no axis to
    normalise along: ValueError.
    """

    def __init__(self, dim=-1):
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"Softmax(dim=...) takes an integer axis, got {dim!r}")
        self.dim = int(dim)

    def __call__(self, x):
        if isinstance(x, Tensor) and not -x.ndim <= self.dim < x.ndim:
            hint = ": a 0-d tensor has no axis to normalise along; reshape it to (1,)" if x.ndim == 0 else ""
            raise ValueError(f"Softmax(dim={self.dim}) is out of range for a tensor of shape {x.shape}{hint}")
        return super().__call__(x)

    def forward(self, x):
        """TODO: subtract the max along self.dim (keepdims=True), exponentiate, divide by the sum.

        Do it inside `with np.errstate(invalid="ignore"):` so rows of all −inf become nan silently.
        """
        ### BEGIN SOLUTION
        with np.errstate(invalid="ignore"):              # a row of only −inf: nan, as in PyTorch
            shifted = x.data - np.max(x.data, axis=self.dim, keepdims=True)
            exps = np.exp(shifted)                       # every exponent ≤ 0: no overflow
            exps /= np.sum(exps, axis=self.dim, keepdims=True)   # in place: exps is a new array of our own
            return Tensor(exps)
        ### END SOLUTION

    def backward(self, grad_output):
        """TODO: return Tensor(y · (g − Σ(g·y))), the sum along self.dim with keepdims=True."""
        ### BEGIN SOLUTION
        _, y, g = self.saved(grad_output)
        return Tensor(y * (g - np.sum(g * y, axis=self.dim, keepdims=True)))
        ### END SOLUTION

    def __repr__(self):
        return f"Softmax(dim={self.dim})"


# %% nbgrader={"grade": true, "grade_id": "test-softmax", "locked": true, "points": 8, "schema_version": 3, "solution": false, "task": false}
def test_unit_softmax():
    """Softmax on ordinary inputs: values, each row sums to 1, batches."""
    exps = np.exp([1.0, 2.0, 3.0])
    expect_forward(Softmax(), [[1.0, 2.0, 3.0]], [exps / exps.sum()], "Softmax (each row is normalised along dim=-1)")
    batch = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [-5.0, 0.0, 5.0]])
    out = expect_forward(Softmax(), batch, np.exp(batch) / np.exp(batch).sum(axis=1, keepdims=True),
                         "Softmax on a batch: each row must sum to 1 (normalise along dim, not over the whole batch "
                         "or down the columns)")
    expect_close(out[1], [1 / 3] * 3, "equal scores give equal probabilities", batch[1], rtol=1e-12)
    cube = np.random.default_rng(3).standard_normal((2, 3, 4))
    expect_forward(Softmax(), cube, np.exp(cube) / np.exp(cube).sum(axis=-1, keepdims=True), "Softmax on a (2, 3, 4) batch")
    print("✅ Softmax: values, rows sum to 1, batches")

if __name__ == "__main__":
    test_unit_softmax()

# %% nbgrader={"grade": true, "grade_id": "test-softmax-dim", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
def test_unit_softmax_dim():
    """Softmax(dim=...): the max, the exponentials and the sum all run along `dim`."""
    batch = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [-5.0, 0.0, 5.0]])
    expect_forward(Softmax(dim=0), batch, np.exp(batch) / np.exp(batch).sum(axis=0),
                   "Softmax(dim=0) must make each column sum to 1 (max, exp and sum all along dim)")
    cube = np.random.default_rng(4).standard_normal((2, 3, 4)) * 3
    for dim in (1, -2, 0):
        expect_forward(Softmax(dim=dim), cube, np.exp(cube) / np.exp(cube).sum(axis=dim, keepdims=True),
                       f"Softmax(dim={dim}) on a (2, 3, 4) tensor")
    print("✅ Softmax(dim): columns and any axis of a 3-d tensor")

if __name__ == "__main__":
    test_unit_softmax_dim()

# %% nbgrader={"grade": true, "grade_id": "test-softmax-edge-cases", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_softmax_edge_cases():
    """Softmax's edge cases: dtypes, scores of ±1000, masked (−inf) entries, all-masked rows, +inf and nan."""
    check_dtypes(Softmax, "Softmax", scalar=False)
    expect_forward(Softmax(), [[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]],
                   [[0.09003057, 0.24472847, 0.66524096], [0.66524096, 0.24472847, 0.09003057]],
                   "Softmax on scores of ±1000 must be shift invariant (subtract the row max)", rtol=1e-5)
    expect_forward(Softmax(), np.array([[0.0, -np.inf, 0.0]], dtype=np.float32), [[0.5, 0.0, 0.5]],
                   "Softmax with a -inf entry: it gets probability exactly 0", rtol=0, keep_dtype=True)
    expect_forward(Softmax(), np.array([[-np.inf, -np.inf], [0.0, 0.0]], dtype=np.float32), [[np.nan, np.nan], [0.5, 0.5]],
                   "Softmax on a row of only -inf: no distribution, nan as in PyTorch (compute it inside "
                   "np.errstate(invalid='ignore'))", rtol=0, keep_dtype=True)
    expect_forward(Softmax(), np.array([[np.inf, 1.0], [np.nan, 1.0]]), [[np.nan, np.nan], [np.nan, np.nan]],
                   "Softmax on a row holding +inf or nan: nan as in PyTorch", rtol=0)
    print("✅ Softmax edge cases: dtypes, ±1000, masked entries, all-masked rows, +inf and nan")

if __name__ == "__main__":
    test_unit_softmax_edge_cases()

# %% nbgrader={"grade": true, "grade_id": "test-softmax-backward", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_softmax_backward():
    """Softmax.backward: the Jacobian-vector product along dim, against the explicit Jacobian
    diag(y) − y yᵀ. It runs on a saved input and output that the test plants (the true softmax):
    a forward mistake is not charged twice."""
    scores = np.array([[0.5, -1.0, 2.0, 0.0], [3.0, 3.0, -2.0, 1.0]])
    grad = np.array([[1.0, 0.0, -1.0, 2.0], [0.3, -0.7, 1.5, 0.0]])
    for dim in (-1, 0):
        softmax, exps = Softmax(dim=dim), np.exp(scores - scores.max(axis=dim, keepdims=True))
        y = exps / exps.sum(axis=dim, keepdims=True)
        softmax.input, softmax.output = Tensor(scores), Tensor(y)
        result = run_backward(softmax, Tensor(grad), f"Softmax(dim={dim}).backward").data
        yy, gg = (y, grad) if dim == -1 else (y.T, grad.T)
        expected = np.stack([(np.diag(r) - np.outer(r, r)) @ v for r, v in zip(yy, gg)])
        expect_close(result, expected if dim == -1 else expected.T, f"Softmax(dim={dim}).backward vs the Jacobian",
                     scores, rtol=1e-9, atol=1e-12)
    softmax.input, softmax.output = Tensor(scores.astype(np.float32)), Tensor(y.astype(np.float32))
    run_backward(softmax, Tensor(grad), "Softmax.backward on float32 with a float64 gradient")
    print("✅ Softmax.backward: Jacobian-vector product along dim")

if __name__ == "__main__":
    test_unit_softmax_backward()

# %% [markdown]
# ### Reflect
# A language model's softmax runs over 50,000+ words for every token it produces. Which costs
# more there, the exponentials or reading and writing memory? (Section 9 lets you measure.)

# %% [markdown]
# ## 5. LeakyReLU — ReLU that never dies
#
# ### Idea
# A ReLU unit whose input is always negative outputs 0 and passes back gradient 0: it is
# "dead" and can never recover. LeakyReLU keeps a small slope `a` (PyTorch's default 0.01)
# for negative inputs:
#
# `LeakyReLU(x) = x if x > 0 else a·x`,  `LeakyReLU'(x) = 1 if x > 0 else a`.
#
# With `a = 0` it is ReLU. One way to write it without a condition: the positive part passes,
# the negative part is scaled, `LeakyReLU(x) = max(x, 0) + a·min(x, 0)`. (`np.where(x > 0, x,
# a * x)` is just as correct, but NumPy's `where` is slow when the signs are random: measure
# it in section 9.) Convert the slope to x's dtype first (`x.data.dtype.type(a)`): float32 stays
# float32, and NumPy may then write the product into `np.minimum`'s temporary instead of a new
# array — one 4 MB allocation fewer per million floats, ~12% faster measured. With slope 0 the
# formula computes 0 · (−inf) = nan — PyTorch's answer too: compute inside `np.errstate(invalid="ignore")`.

# %% nbgrader={"grade": false, "grade_id": "leaky-relu-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
class LeakyReLU(Activation):
    """LeakyReLU(x) = x if x > 0 else a·x;  derivative 1 if x > 0 else a (a = negative_slope).

    Contract: exact up to the one rounding of a·x; nan stays nan; dtype kept.
    """

    def __init__(self, negative_slope=0.01):
        if isinstance(negative_slope, bool) or not isinstance(negative_slope, (int, float, np.integer, np.floating)):
            raise TypeError(f"LeakyReLU(negative_slope=...) takes a number, got {negative_slope!r}")
        if not math.isfinite(negative_slope):
            raise ValueError(f"LeakyReLU(negative_slope=...) must be finite, got {negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        """TODO: return Tensor(x where x > 0, else negative_slope · x)."""
        ### BEGIN SOLUTION
        a = x.data.dtype.type(self.negative_slope)     # the slope in x's dtype (see the Idea above)
        with np.errstate(invalid="ignore"):          # slope 0: 0 · (−inf) = nan, as in PyTorch
            return Tensor(np.maximum(x.data, 0) + np.minimum(x.data, 0) * a)
        ### END SOLUTION

    def backward(self, grad_output):
        x, _, g = self.saved(grad_output)
        return Tensor(np.where(x > 0, g, g * self.negative_slope))

    def __repr__(self):
        return f"LeakyReLU(negative_slope={self.negative_slope})"


# %% nbgrader={"grade": true, "grade_id": "test-leaky-relu", "locked": true, "points": 6, "schema_version": 3, "solution": false, "task": false}
def test_unit_leaky_relu():
    """LeakyReLU on ordinary inputs: default slope, custom slopes (also above 1), slope 0 is ReLU."""
    values = np.array([-100.0, -2.0, -0.5, 0.0, 0.5, 2.0, 100.0])
    expect_forward(LeakyReLU(), values, np.where(values > 0, values, 0.01 * values), "LeakyReLU (slope 0.01)")
    for slope in (0.2, 2.0, 0.0):
        expect_forward(LeakyReLU(slope), values, np.where(values > 0, values, slope * values),
                       f"LeakyReLU(negative_slope={slope})" + (" — a slope above 1" if slope > 1 else "")
                       + (" should be ReLU" if slope == 0 else ""))
    print("✅ LeakyReLU: slopes, ReLU at slope 0")

if __name__ == "__main__":
    test_unit_leaky_relu()

# %% nbgrader={"grade": true, "grade_id": "test-leaky-relu-edge-cases", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_leaky_relu_edge_cases():
    """LeakyReLU's edge cases: dtypes, ±inf, nan (also with slope 0)."""
    check_dtypes(LeakyReLU, "LeakyReLU")
    extremes = np.array([-np.inf, np.inf, np.nan], dtype=np.float32)
    expect_forward(LeakyReLU(), extremes, [-np.inf, np.inf, np.nan], "LeakyReLU on -inf, inf, nan", rtol=0,
                   keep_dtype=True)
    expect_forward(LeakyReLU(0.0), extremes, [np.nan, np.inf, np.nan],
                   "LeakyReLU(0.0) on -inf, inf, nan (0 · −inf is nan, as in PyTorch)", rtol=0, keep_dtype=True)
    print("✅ LeakyReLU edge cases: dtypes, ±inf, nan")

if __name__ == "__main__":
    test_unit_leaky_relu_edge_cases()

# %% [markdown]
# ## 6. SiLU — a smooth ReLU
#
# ### Idea
# `SiLU(x) = x · σ(x)` (also called *swish*): like ReLU for large |x|, but smooth, and slightly
# negative just below 0. Build it from your own sigmoid: `_sigmoid(x.data)` is σ(x) as an array.
#
# **Derivative.** By the product rule, SiLU'(x) = σ(x) + x·σ(x)(1 − σ(x)).
#
# **Numerics.** Because σ is computed safely, x·σ(x) cannot overflow. At x = −inf it is
# −inf · 0, which is nan — PyTorch gives nan there too; compute inside
# `np.errstate(invalid="ignore")` so that case stays silent.

# %% nbgrader={"grade": false, "grade_id": "silu-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
class SiLU(Activation):
    """SiLU(x) = x·σ(x);  SiLU'(x) = σ(x)·(1 + x·(1 − σ(x))).

    Contract: within 4 ulp of the true value wherever σ(x) is a normal number (x > −87 in
    float32, x > −708 in float64); SiLU(inf) = inf, SiLU(−inf) = nan as in PyTorch; no warnings.
    """

    def forward(self, x):
        """TODO: return Tensor(x · σ(x)), using your _sigmoid."""
        ### BEGIN SOLUTION
        with np.errstate(invalid="ignore"):      # SiLU(−inf) = −inf · 0 = nan, as in PyTorch
            return Tensor(x.data * _sigmoid(x.data))
        ### END SOLUTION

    def backward(self, grad_output):
        x, _, g = self.saved(grad_output)
        s = _sigmoid(x)
        with np.errstate(invalid="ignore"):
            return Tensor(g * s * (1 + x * (1 - s)))


# %% nbgrader={"grade": true, "grade_id": "test-silu", "locked": true, "points": 6, "schema_version": 3, "solution": false, "task": false}
def test_unit_silu():
    """SiLU on ordinary inputs: x·σ(x), batches. If your _sigmoid fails test-sigmoid, a right one is
    plugged in while SiLU is tested: that mistake is charged there, not twice."""
    with replaced(globals(), "_sigmoid", true_sigmoid, when=not passes(test_unit_sigmoid)):
        for x in (np.array([-20.0, -3.0, -1.0, 0.0, 1.0, 3.0, 20.0]), np.random.default_rng(5).uniform(-6, 6, (3, 5))):
            expect_forward(SiLU(), x, x * true_sigmoid(x), f"SiLU on shape {x.shape}")
    print("✅ SiLU: x·σ(x), batches")

if __name__ == "__main__":
    test_unit_silu()

# %% nbgrader={"grade": true, "grade_id": "test-silu-edge-cases", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_silu_edge_cases():
    """SiLU's edge cases: dtypes, large inputs, ±inf and nan — with a right σ plugged in if your
    _sigmoid fails its own edge cases (test-sigmoid-edge-cases)."""
    with replaced(globals(), "_sigmoid", true_sigmoid, when=not passes(test_unit_sigmoid_edge_cases)):
        check_dtypes(SiLU, "SiLU")
        for dtype in (np.float32, np.float64):
            x = np.array([-1000.0, -100.0, 100.0, 1000.0], dtype=dtype)
            expect_forward(SiLU(), x, [0.0, -100 * math.exp(-100), 100.0, 1000.0], f"SiLU on large {np.dtype(dtype)} "
                           f"inputs", rtol=1e-5, atol=100 * np.finfo(dtype).tiny, keep_dtype=True)
        expect_forward(SiLU(), np.array([-np.inf, np.inf, np.nan], dtype=np.float32), [np.nan, np.inf, np.nan],
                       "SiLU(−inf) = −inf·0 = nan as in PyTorch; SiLU(inf) = inf", rtol=0, keep_dtype=True)
    print("✅ SiLU edge cases: dtypes, large inputs, ±inf, nan")

if __name__ == "__main__":
    test_unit_silu_edge_cases()

# %% [markdown]
# ## 7. GELU — the Transformer's activation
#
# ### Idea
# `GELU(x) = x · Φ(x)`, where Φ is the standard normal CDF: each input is scaled by the
# probability that a standard normal variable is below it. Exactly,
# `Φ(x) = ½·erfc(−x/√2)` (erfc is the complementary error function). GPT-2 used a cheaper
# approximation, selected in PyTorch by `approximate='tanh'`:
#
# `GELU_tanh(x) = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`
#
# **Numerics.** Two traps. (1) `np.sqrt(2)` returns a float64 *NumPy* scalar, which promotes
# float32 arrays to float64; Python floats (`math.sqrt(2)`, `math.pi`, even `np.pi`) do not.
# (2) For very negative x, `1 + tanh(u)` subtracts two nearly equal numbers and loses every
# digit; since `1 + tanh(u) = 2σ(2u)`, write the approximation as `x · σ(2u)` with your
# safe sigmoid instead. `x³` can overflow float32 for |x| > 7·10^12, and at x = −inf the
# product x·Φ(x) is −inf·0 = nan (PyTorch's answer too): compute inside
# `np.errstate(over="ignore", invalid="ignore")`. Φ is provided: `normal_cdf` (and `erfc`) come
# from `tinytorch.core.special`, vectorised numerical code you may read but need not write.
#
# **Derivative** (provided): exact, Φ(x) + x·φ(x) with φ the normal density.

# %% nbgrader={"grade": false, "grade_id": "gelu-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


class GELU(Activation):
    """GELU(x) = x·Φ(x) = ½·x·erfc(−x/√2);  with approximate='tanh': x·σ(2u), u = √(2/π)(x + 0.044715x³).

    Contract (ulp of the true value, where it is normal): exact mode within 2 ulp in float32 (x > −13)
    and max(8, 2x²) ulp in float64 (½·x·erfc(−x/√2) meets that too); tanh mode within max(16, 4x²)
    ulp of its own formula (x > −10 in float32, x > −21 in float64). GELU(−inf) = nan as in PyTorch;
    GELU(inf) = inf (PyTorch's float32 kernel: nan); tanh mode's backward is nan where x² overflows
    float32, as PyTorch's; no warnings; dtype kept.
    """

    def __init__(self, approximate="none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU(approximate=...) must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        """TODO: exact: x · Φ(x) with the provided normal_cdf; 'tanh': x · σ(2u). Use Python-float constants."""
        ### BEGIN SOLUTION
        a = x.data
        with np.errstate(over="ignore", invalid="ignore"):    # x³ → inf is fine; −inf · 0 → nan as in PyTorch
            if self.approximate == "tanh":
                u = _SQRT_2_OVER_PI * (a + 0.044715 * a * a * a)
                return Tensor(a * _sigmoid(2 * u))              # ½x(1 + tanh u) = x·σ(2u), no cancelling
            return Tensor(a * normal_cdf(a))
        ### END SOLUTION

    def backward(self, grad_output):
        x, _, g = self.saved(grad_output)
        with np.errstate(over="ignore", invalid="ignore"):
            if self.approximate == "tanh":
                u = _SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)
                s = _sigmoid(2 * u)                             # = ½(1 + tanh u)
                du = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
                return Tensor(g * (s + x * 2 * s * (1 - s) * du))
            cdf = normal_cdf(x)
            pdf = np.exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi))
            return Tensor(g * (cdf + x * pdf))

    def __repr__(self):
        return f"GELU(approximate={self.approximate!r})"


# %% nbgrader={"grade": true, "grade_id": "test-gelu", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_gelu():
    """GELU on ordinary inputs: exact and tanh modes against their definitions, batches. The tanh
    mode runs with a right σ plugged in if your _sigmoid fails test-sigmoid (charged there)."""
    exact = np.vectorize(lambda v: v * 0.5 * math.erfc(-v / math.sqrt(2)))
    with replaced(globals(), "_sigmoid", true_sigmoid, when=not passes(test_unit_sigmoid)):
        for x in (np.array([-6.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0]), np.random.default_rng(6).uniform(-4, 4, (2, 5))):
            expect_forward(GELU(), x, exact(x), f"GELU (exact) on shape {x.shape}")
            u = math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)
            expect_forward(GELU(approximate="tanh"), x, x * true_sigmoid(2 * u), f"GELU(approximate='tanh') on shape {x.shape}")
    print("✅ GELU: exact and tanh modes, batches")

if __name__ == "__main__":
    test_unit_gelu()

# %% nbgrader={"grade": true, "grade_id": "test-gelu-edge-cases", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_gelu_edge_cases():
    """GELU's edge cases: dtypes, float32 accuracy, the tanh mode's tail, large inputs, ±inf, nan.
    The tanh mode runs with a right σ plugged in if your _sigmoid fails test-sigmoid-edge-cases."""
    check_dtypes(GELU, "GELU")
    low = np.array([-9.0, -5.0, -3.0], dtype=np.float32)
    expect_forward(GELU(), low, [float(v) * 0.5 * math.erfc(-float(v) / math.sqrt(2)) for v in low],
                   "GELU in float32 (evaluate Φ with the provided normal_cdf)", rtol=3 * 2.0 ** -23, keep_dtype=True)
    extreme = np.array([-1000.0, 1000.0, 1e15, -np.inf, np.inf, np.nan], dtype=np.float32)
    limits = [0.0, 1000.0, 1e15, np.nan, np.inf, np.nan]
    expect_forward(GELU(), extreme, limits, "GELU('none') ≈ x for large x, 0 for very negative x, nan at −inf "
                   "as in PyTorch", rtol=1e-6, keep_dtype=True)
    with replaced(globals(), "_sigmoid", true_sigmoid, when=not passes(test_unit_sigmoid_edge_cases)):
        check_dtypes(lambda: GELU(approximate="tanh"), "GELU(approximate='tanh')")
        tail = np.array([-10.0, -8.0, -6.0])                      # ½x(1 + tanh u) cancels to 0 out here
        for x, topic in ((tail, "in the tail (use x·σ(2u): 1 + tanh(u) cancels for x ≪ 0)"), (extreme, "on large inputs")):
            with np.errstate(all="ignore"):                       # x³ → inf, and −inf · 0 = nan as in PyTorch
                expected = x * true_sigmoid(2 * math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3))
            expect_forward(GELU(approximate="tanh"), x, expected, f"GELU(approximate='tanh') {topic}", rtol=1e-6,
                           keep_dtype=True)
    print("✅ GELU edge cases: dtypes, float32 accuracy, the tanh tail, large inputs, ±inf, nan")

if __name__ == "__main__":
    test_unit_gelu_edge_cases()

# %% [markdown]
# ### Reflect
# The tanh form was invented because erf used to be expensive. Section 9 measures both: is the
# approximation (off by up to about 5·10^−4) still worth it?

# %% [markdown]
# ## 8. All together
#
# The test below checks what shows only when activations are used for real: one instance reused
# on new shapes (`backward` follows the latest call), a large batch, and ReLU → Softmax chained.
# It tests every activation that passes its own test; one that fails is skipped here, because its
# mistake is already charged there.

# %% nbgrader={"grade": true, "grade_id": "test-activations-comprehensive", "locked": true, "points": 15, "schema_version": 3, "solution": false, "task": false}
def test_unit_activations_comprehensive():
    """The activations used for real: one instance reused on new shapes, large batches, ReLU → Softmax.
    An activation that fails its own tests is skipped here — its mistake is charged there once — and
    SiLU and GELU run with a right σ plugged in if your _sigmoid fails its test."""
    own_tests = {ReLU: [test_unit_relu], Sigmoid: [test_unit_sigmoid, test_unit_sigmoid_backward], Tanh: [test_unit_tanh],
                 Softmax: [test_unit_softmax, test_unit_softmax_backward], LeakyReLU: [test_unit_leaky_relu],
                 SiLU: [test_unit_silu], GELU: [test_unit_gelu]}
    working = [make for make, tests in own_tests.items() if all(passes(test) for test in tests)]
    for make in own_tests.keys() - set(working):
        print(f"⏭  {make.__name__}: skipped — its own test fails, and that is where its mistake is charged")
    if not working:
        raise NotDone("no activation to test together: each is not implemented yet or fails its own test")
    rng = np.random.default_rng(7)
    with replaced(globals(), "_sigmoid", true_sigmoid, when=not passes(test_unit_sigmoid)):
        for make in working:
            act = make()
            for shape in [(2, 5), (3, 4, 6), (7,)]:
                x = Tensor(rng.standard_normal(shape))
                run_forward(act, x, f"{make.__name__} reused on shape {shape}", keep_dtype=False)
                assert act.input is x, f"{make.__name__} must remember the latest input for backward"
                run_backward(act, Tensor(np.ones(shape)), f"{make.__name__}.backward after a call on shape {shape}")
            out = run_forward(make(), Tensor(rng.standard_normal((64, 10)) * 10), f"{make.__name__} on a (64, 10) batch",
                              keep_dtype=False)
            assert np.all(np.isfinite(out.data)), f"{make.__name__} gave non-finite values for finite inputs"
    if ReLU in working and Softmax in working:
        hidden = ReLU()(Tensor(np.array([[-2.0, -1.0, 0.0, 1.0, 2.0], [3.0, -0.5, 0.25, -4.0, 0.0]])))
        probabilities = Softmax()(hidden * Tensor(np.array([0.5, 0.3, 0.8, 0.2, 0.7])))
        expect_close(probabilities.data.sum(axis=-1), [1, 1], "a chained network's output rows sum to 1", rtol=1e-12)
    print(f"✅ All together: {len(working)} of {len(own_tests)} activations reused, batched and chained")

if __name__ == "__main__":
    test_unit_activations_comprehensive()

# %% [markdown]
# ### Integration with module 01's Tensor (not graded)
#
# Locked but **ungraded**: it checks the hand-off to module 01's `Tensor`, which points here would
# reward or punish a second time. If only this fails, the problem is where the two modules meet.

# %% nbgrader={"grade": false, "grade_id": "test-tensor-integration", "locked": true, "schema_version": 3, "solution": false, "task": false}
def test_module_activation_tensor_integration():
    """Activations consume and produce module 01 Tensors that keep working with Tensor arithmetic."""
    layer_output = Tensor([[1.0, -2.0, 3.0], [-1.0, 2.0, -3.0]])
    activated = run_forward(ReLU(), layer_output, "ReLU")
    run_forward(Softmax(), layer_output, "Softmax")
    assert isinstance(activated, Tensor) and np.array_equal(activated.data, [[1, 0, 3], [0, 2, 0]])
    final = ReLU()(Tensor([1.0, 2.0, 3.0]) * Tensor([4.0, 5.0, 6.0])) + 1
    assert np.array_equal(final.data, [5.0, 11.0, 19.0]), f"Tensor ops around an activation: {final.data}"
    logits = Tensor([[2.0, 1.0, 0.1], [1.0, 3.0, 0.2]])
    probabilities = Softmax()(logits)
    assert np.allclose(probabilities.sum(axis=1).data, 1.0), "softmax rows sum to 1 via Tensor.sum"
    expect_error(TypeError, lambda: ReLU()(np.array([1.0, -1.0])), "an activation given a NumPy array")
    print("✅ Integration: activations and Tensor work together")


if __name__ == "__main__":
    test_module_activation_tensor_integration()

# %% [markdown]
# ## 9. Measuring cost — a profiler the way performance engineers build one
#
# ### Idea
# "ReLU is fastest" is a claim; a measurement is better. Honest timing needs a precise clock
# (`time.perf_counter()`), **warm-up** calls (the first pay for allocation and caches) and
# **repeats** summarised by the median. And a yardstick: an elementwise activation must at least
# read its input and write its output — all `np.copyto` does — so **time ÷ copy time** ("× copy")
# says how far it is from the memory bound, and bytes moved ÷ time is the bandwidth in GB/s.
#
# ### Build
# Implement `time_activation`: `warmup` untimed calls, then `iterations` calls each timed with
# `time.perf_counter()`; store the list of times (in ms) in `self.results[activation_name]`
# and return their median in milliseconds. The rest of the profiler is provided.

# %% nbgrader={"grade": false, "grade_id": "activation-profiler", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
import time


class ActivationProfiler:
    """Times activations with warm-up and repeats, against the memory-copy roofline."""

    def __init__(self):
        self.results = {}   # activation name -> list of per-call times in ms

    def time_activation(self, activation_fn, tensor, activation_name="activation", iterations=20, warmup=2):
        """Median time of one call `activation_fn(tensor)`, in milliseconds.

        TODO: call it `warmup` times untimed; then `iterations` times, timing each call with
        time.perf_counter(); store the times (ms) in self.results[activation_name]; return
        their median (np.median).
        """
        ### BEGIN SOLUTION
        for _ in range(warmup):
            activation_fn(tensor)
        times = self.results[activation_name] = []
        for _ in range(iterations):
            start = time.perf_counter()
            activation_fn(tensor)
            times.append((time.perf_counter() - start) * 1000)
        return float(np.median(times))
        ### END SOLUTION

    def compare_activations(self, activations=None, shape=(1000, 1000), iterations=20, seed=0):
        """Time each activation (name -> callable) on one random float32 tensor, and np.copyto
        into a preallocated array: the memory-bound floor. One dict per activation."""
        tensor = Tensor(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))
        target = np.empty_like(tensor.data)
        copy_ms = self.time_activation(lambda t: np.copyto(target, t.data), tensor, "copy", iterations)
        moved_gb = 2 * tensor.data.nbytes / 1e9        # read the input, write the output
        rows = []
        for name, activation in (activations or default_activations()).items():
            ms = self.time_activation(activation, tensor, name, iterations)
            rows.append({"name": name, "median_ms": ms, "gb_per_s": moved_gb / (ms / 1000), "x_copy": ms / copy_ms})
        return rows

    def analyze_scaling(self, activation_fn, activation_name="activation", sizes=(100_000, 400_000, 1_600_000),
                        iterations=10):
        """Time one activation on growing 1-d inputs and fit time ∝ size^exponent (log-log fit)."""
        rng = np.random.default_rng(0)
        points = [{"size": n, "median_ms": self.time_activation(
            activation_fn, Tensor(rng.standard_normal(n).astype(np.float32)), f"{activation_name}@{n}", iterations)}
            for n in sorted(sizes)]
        exponent = np.polyfit(np.log([p["size"] for p in points]), np.log([p["median_ms"] for p in points]), 1)[0]
        return {"name": activation_name, "points": points, "exponent": float(exponent)}


def default_activations():
    """One instance of every activation in this module, by name."""
    return {"ReLU": ReLU(), "LeakyReLU": LeakyReLU(), "Sigmoid": Sigmoid(), "Tanh": Tanh(),
            "Softmax": Softmax(), "SiLU": SiLU(), "GELU(tanh)": GELU(approximate="tanh"), "GELU": GELU()}


def format_table(rows):
    """The rows of compare_activations as an aligned text table."""
    lines = [f"{'activation':<16}{'median ms':>10}{'GB/s':>8}{'× copy':>8}"]
    lines += [f"{r['name']:<16}{r['median_ms']:>10.3f}{r['gb_per_s']:>8.2f}{r['x_copy']:>8.1f}" for r in rows]
    return "\n".join(lines)


def benchmark_activation_suite(shape=(1000, 1000), iterations=20):
    """Print the comparison table and the scaling exponent of three activations; return both."""
    profiler = ActivationProfiler()
    rows = profiler.compare_activations(shape=shape, iterations=iterations)
    print(f"Activations on a {shape} float32 tensor (median of {iterations} calls after warm-up):")
    print(format_table(rows))
    scaling = [profiler.analyze_scaling(act, name) for name, act in default_activations().items()
               if name in ("ReLU", "Sigmoid", "Tanh")]
    for result in scaling:
        print(f"{result['name']}: time grows like size^{result['exponent']:.2f}")
    return {"table": rows, "scaling": scaling}


# %% [markdown]
# ### Test (not graded: timings depend on the machine, so this checks structure and sanity only)

# %% nbgrader={"grade": false, "grade_id": "test-activation-profiler", "locked": true, "schema_version": 3, "solution": false, "task": false}
def test_unit_activation_profiler():
    """The profiler returns positive, finite, well-formed measurements."""
    profiler = ActivationProfiler()
    tensor = Tensor(np.random.default_rng(1).standard_normal((100, 100)).astype(np.float32))
    calls = []
    median = attempt(lambda: profiler.time_activation(lambda t: calls.append(1) or ReLU()(t), tensor, "ReLU",
                                                      iterations=5, warmup=2), "ActivationProfiler.time_activation")
    assert len(calls) == 7, f"2 warm-up + 5 timed calls expected, the activation was called {len(calls)} times"
    assert isinstance(median, float) and 0 < median < 1000, f"median should be a positive float in ms, got {median!r}"
    assert len(profiler.results["ReLU"]) == 5, "store one time per timed call"
    assert median == float(np.median(profiler.results["ReLU"])), "return the median of the stored times"
    rows = profiler.compare_activations(shape=(50, 50), iterations=3)
    assert [r["name"] for r in rows] == list(default_activations()), "one row per activation"
    assert all(r["median_ms"] > 0 and np.isfinite(r["x_copy"]) and r["gb_per_s"] > 0 for r in rows)
    assert "× copy" in format_table(rows), "the table shows time in units of one copy"
    scaling = profiler.analyze_scaling(ReLU(), "ReLU", sizes=(4000, 1000, 16000), iterations=3)
    assert [p["size"] for p in scaling["points"]] == [1000, 4000, 16000], "sizes are reported in order"
    assert np.isfinite(scaling["exponent"]), "the scaling exponent is a finite number"
    print("✅ Profiler: warm-up, repeats, medians, table and scaling fit")


if __name__ == "__main__":
    test_unit_activation_profiler()

# %% [markdown]
# ### Measure (runs when you run the notebook; the numbers are your machine's)

# %% nbgrader={"grade": false, "grade_id": "profiler-demo", "locked": true, "schema_version": 3, "solution": false, "task": false} tags=["demo"]
if __name__ == "__main__":
    try:
        benchmark_activation_suite(shape=(500, 500), iterations=10)
    except NotImplementedError as missing:
        print(f"Skipped the measurements: {unfinished(missing)} is not implemented yet.")

# %% [markdown]
# ### Make it fast (not graded)
#
# Your activations are written to be read: one idea per line. Each line is a NumPy call that
# walks the whole array, reading it from memory and writing a **new** array back; for a million
# floats the arithmetic is cheap and the memory traffic is not. So, roughly,
# `time ≈ passes over the array × time of one copy`, and a fast version makes **fewer passes**
# and **reuses buffers** (`out=` writes into an existing array instead of fresh memory). Below,
# each fast version counts its passes and new arrays; the profiler times it against your class
# and `np.copyto`. Fast code is harder to read and check: the graded solutions stay clear.

# %% nbgrader={"grade": false, "grade_id": "fast-activations", "locked": true, "schema_version": 3, "solution": false, "task": false}
#| export
def fast_sigmoid(a):
    """1/(1 + e^(−a)) in one buffer: 4 passes, 1 new array (the clear version: 4 passes, 4 new arrays)."""
    with np.errstate(over="ignore"):
        out = np.negative(a)                 # 1 (the one new array)
        np.exp(out, out=out)                 # 2
        out += 1                             # 3
        return np.reciprocal(out, out=out)   # 4


def fast_leaky_relu(a, slope=0.01):
    """max(a, slope·a) — right only for 0 ≤ slope ≤ 1: 2 passes, 2 new arrays (clear: 4 and 2)."""
    return np.maximum(a, slope * a)


def where_leaky_relu(a, slope=0.01):
    """np.where(a > 0, a, slope·a): 3 passes, yet slower than the clear version — on random signs
    the selection mispredicts a branch at every other element. Measure it: fewer passes is not all."""
    return np.where(a > 0, a, slope * a)


def fast_softmax(a, dim=-1):
    """5 passes (max, subtract, exp, sum, divide), 1 new array (the clear version: 2)."""
    with np.errstate(invalid="ignore"):
        out = a - np.max(a, axis=dim, keepdims=True)
        np.exp(out, out=out)
        out /= np.sum(out, axis=dim, keepdims=True)
    return out


def fast_silu(a):
    """x·σ(x) into the sigmoid's buffer: 5 passes, 1 new array (clear: 5 and 5)."""
    with np.errstate(invalid="ignore"):
        out = fast_sigmoid(a)
        out *= a                             # 5
    return out


def fast_gelu_tanh(a):
    """x·σ(2u), u = √(2/π)(x + 0.044715x³), in one buffer: 9 passes, 1 new array (clear: 11 and 11)."""
    with np.errstate(over="ignore", invalid="ignore"):
        v = np.multiply(a, a)                # 1 (the one new array)
        v *= 0.044715 * 2 * _SQRT_2_OVER_PI  # 2
        v += 2 * _SQRT_2_OVER_PI             # 3
        v *= a                               # 4: v = 2u
        np.negative(v, out=v)                # 5
        np.exp(v, out=v)                     # 6
        v += 1                               # 7
        np.reciprocal(v, out=v)              # 8: σ(2u)
        v *= a                               # 9
    return v


def clear_and_fast():
    """Each activation that has a fast version: the clear class, then the fast function (and, for
    LeakyReLU, np.where: fewer passes, more time)."""
    wrap = lambda fast: (lambda t: Tensor(fast(t.data)))     # noqa: E731 (Tensor in, Tensor out)
    return {"Sigmoid": Sigmoid(), "Sigmoid fast": wrap(fast_sigmoid), "LeakyReLU": LeakyReLU(),
            "LeakyReLU fast": wrap(fast_leaky_relu), "LeakyReLU where": wrap(where_leaky_relu), "Softmax": Softmax(), "Softmax fast": wrap(fast_softmax),
            "SiLU": SiLU(), "SiLU fast": wrap(fast_silu), "GELU(tanh)": GELU(approximate="tanh"),
            "GELU(tanh) fast": wrap(fast_gelu_tanh)}


def _subplots(path, *args, **kwargs):
    """`plt.subplots`, headless (Agg) when the figure goes to a file. matplotlib loads here, on
    first use, so importing the package stays light."""
    import matplotlib
    if path is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt.subplots(*args, **kwargs)


def _finish(fig, path):
    """Lay the figure out; save and close it when `path` is given, else return it for the notebook."""
    fig.tight_layout()
    if path is not None:
        import matplotlib.pyplot as plt
        fig.savefig(path, dpi=80)
        plt.close(fig)
    return fig


def plot_profile(rows, path=None):
    """Bars of each row's time in units of one copy; the dashed line is the floor."""
    fig, ax = _subplots(path, figsize=(8, 3))
    ax.bar([r["name"] for r in rows], [r["x_copy"] for r in rows],
           color=["tab:orange" if r["name"].endswith("fast") else "tab:blue" for r in rows])
    ax.axhline(1, color="k", ls="--", lw=1, label="np.copyto: one read + one write")
    ax.set_ylabel("time ÷ copy time")
    ax.tick_params(axis="x", labelsize=7, rotation=20)
    ax.legend(fontsize=8)
    return _finish(fig, path)


# %% nbgrader={"grade": false, "grade_id": "fast-demo", "locked": true, "schema_version": 3, "solution": false, "task": false} tags=["demo"]
if __name__ == "__main__":
    try:
        fast_rows = ActivationProfiler().compare_activations(clear_and_fast(), shape=(500, 500), iterations=10)
        print(format_table(fast_rows))
        fast_figure = plot_profile(fast_rows)
    except NotImplementedError as missing:
        print(f"Skipped the comparison: {unfinished(missing)} is not implemented yet.")

# %% [markdown]
# ### Reflect
# Which activation gained most from the fast version, and does the gain match the passes it
# saved? On a GPU, a framework fuses a whole chain like this into one kernel — one read, one
# write. What would that do to the clear ÷ copy ratio?

# %% [markdown]
# ## 10. See them — every activation next to its derivative
#
# `plot_activations` draws each activation (solid) and the derivative its `backward` returns
# (dashed), straight from *your* classes. If a curve looks wrong, the function is wrong.

# %% nbgrader={"grade": false, "grade_id": "plot-activations", "locked": true, "schema_version": 3, "solution": false, "task": false}
#| export
def plot_activations(activations=None, path=None, lo=-5.0, hi=5.0):
    """One panel per activation: the function (solid) and its backward() slope (dashed).
    With `path` the figure is saved and closed; otherwise it is returned for the notebook to show."""
    activations = activations or {name: act for name, act in default_activations().items() if name != "Softmax"}
    x = Tensor(np.linspace(lo, hi, 401))
    fig, axes = _subplots(path, 1, len(activations), figsize=(3 * len(activations), 3), squeeze=False)
    for ax, (name, activation) in zip(axes[0], activations.items()):
        y = activation(x).data
        slope = activation.backward(Tensor(np.ones_like(y))).data
        ax.axhline(0, color="0.85", lw=0.8)
        ax.plot(x.data, y, label="f(x)")
        ax.plot(x.data, slope, "--", label="f′(x)")
        ax.set_title(name)
        ax.set_xlabel("x")
    axes[0][0].legend(loc="upper left")
    return _finish(fig, path)


# %% nbgrader={"grade": false, "grade_id": "plot-demo", "locked": true, "schema_version": 3, "solution": false, "task": false} tags=["demo"]
if __name__ == "__main__":
    try:
        figure = plot_activations()
    except NotImplementedError as missing:
        print(f"Skipped the plot: {unfinished(missing)} is not implemented yet.")

# %% [markdown]
# ## Reflect: ML-systems questions
#
# 1. **Memory, not math.** Your profiler reports "× copy". Which activations run at nearly the
#    speed of a copy, and what does that say about where the time goes?
# 2. **Fusion.** A layer followed by ReLU reads and writes the whole activation tensor twice.
#    How could a framework do it once, and why does that matter more on a GPU?
# 3. **Numerics at scale.** One nan from an overflowing sigmoid turns every later value into
#    nan. How would you find which layer produced it in a 100-layer network?
# 4. **Precision.** float16 overflows at 65,504. Which of your activations would break first in
#    half precision, and which trick from this module protects it?
# 5. **Saving for backward.** With a billion activations per batch, what does keeping each
#    input for `backward` cost, and what does recomputing it (gradient checkpointing) gain?
#
# ## Summary
#
# Seven activations keep one contract — Tensor in and out, dtype kept, input untouched, ±inf and
# nan like PyTorch, no warnings — because you knew which overflows are harmless and which formulas
# cancel. And you measured that clear NumPy code is as fast as the number of passes it makes.
#
# **Next:** module 03 (layers) imports these activations from `tinytorch.core.activations`
# and shows numerically why a network without them cannot solve XOR.
