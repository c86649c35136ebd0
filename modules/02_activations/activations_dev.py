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
# …and, next to each forward formula, its **derivative** (`backward`), which training needs.
# Then you will *measure* them: a profiler that times activations against the speed of a
# plain memory copy.
#
# **Rhythm.** Every activation goes *idea → build → test → reflect*. Fill in the
# `YOUR CODE HERE` parts; run the test cell under each. Tests run when the notebook runs
# (Jupyter, or `python activations_dev.py`), never when the file or package is imported.
#
# **Where the code goes.** `#| export` cells become `tinytorch/core/activations.py`:
#
# ```python
# from tinytorch.core.activations import ReLU, Sigmoid, Tanh, Softmax
# ```

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Setup (not exported): use the `tinytorch` folder of the course this notebook sits in (the
# repository, or your student kit) — found by searching upwards — and fall back to an
# installed package. It searches from the working directory as well as from this file,
# because Jupyter defines no `__file__`. The autograder names the folder to use instead
# (TINYTORCH_HOME: the earlier modules' package, without this module's solutions).
import os
import sys
from pathlib import Path

_starts = [Path(os.environ["TINYTORCH_HOME"])] if os.environ.get("TINYTORCH_HOME") else \
    [Path.cwd()] + ([Path(__file__).resolve().parent] if "__file__" in globals() else [])
for _folder in [p for start in _starts for p in (start, *start.parents)]:
    if (_folder / "tinytorch" / "__init__.py").is_file():
        if str(_folder) not in sys.path:
            sys.path.insert(0, str(_folder))
        break

# %% nbgrader={"grade": false, "grade_id": "imports", "locked": false, "schema_version": 3, "solution": false, "task": false}
#| default_exp core.activations
#| export
import math

import numpy as np

from tinytorch.core.tensor import Tensor

# %% [markdown]
# ## The contract every activation keeps
#
# A PyTorch engineer trusts an activation when its numbers are right *everywhere*, not just
# on friendly inputs. Ours promise:
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
        out = self.forward(x)
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


# %% nbgrader={"grade": false, "grade_id": "test-helpers", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Test helpers (not exported). They call your code the way the graded tests do and turn
# the usual mistakes into messages that say what to fix.
def show(values):
    return np.array2string(np.asarray(values), precision=4, threshold=8)


def unfinished(error):
    """The function that raised NotImplementedError (the YOUR CODE HERE part still to do)."""
    frame = error.__traceback__
    while frame.tb_next:
        frame = frame.tb_next
    code = frame.tb_frame.f_code
    return getattr(code, "co_qualname", code.co_name)


def run_forward(activation, x, topic):
    """Call activation(x) with NumPy's silent floating-point problems turned into errors."""
    before = x.data.copy()
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            out = activation(x)
    except NotImplementedError as missing:
        raise AssertionError(f"{topic}: {unfinished(missing)} is not implemented yet — fill in YOUR CODE HERE "
                             f"above, then rerun") from None
    except FloatingPointError as error:
        raise AssertionError(
            f"{topic} on input {show(x.data)} ({x.dtype}) made NumPy report '{error}': an intermediate value "
            f"overflowed or became invalid. Rewrite the formula so no step can overflow "
            f"(the numerics notes above show how).") from None
    assert isinstance(out, Tensor), f"{topic} must return a Tensor, got {type(out).__name__}: wrap the result in Tensor(...)"
    assert np.array_equal(x.data, before, equal_nan=True), \
        f"{topic} changed its input in place; build a new array instead of writing into x.data"
    assert out is not x and not np.shares_memory(out.data, x.data), \
        f"{topic} returned its input (or a view of it); return a new Tensor with its own array"
    assert out.shape == x.shape, f"{topic} must keep the shape {x.shape}, got {out.shape}"
    assert out.dtype == x.dtype, f"{topic} must keep the dtype: {x.dtype} in should give {x.dtype} out, got {out.dtype}"
    return out


def run_backward(activation, grad, topic):
    """Call activation.backward(grad) and check the basics of what comes back — and that it
    changed neither the gradient it was given nor the output the forward pass returned."""
    saved_output, grad_before = activation.output.data.copy(), grad.data.copy()
    try:
        with np.errstate(over="raise", divide="raise", invalid="raise"):
            result = activation.backward(grad)
    except NotImplementedError as missing:
        raise AssertionError(f"{topic}: {unfinished(missing)} is not implemented yet — fill in YOUR CODE HERE "
                             f"above, then rerun") from None
    except FloatingPointError as error:
        raise AssertionError(f"{topic} made NumPy report '{error}'") from None
    assert isinstance(result, Tensor), f"{topic} must return a Tensor, got {type(result).__name__}"
    assert result.shape == activation.input.shape, f"{topic} must return the input's shape {activation.input.shape}"
    assert result.dtype == activation.input.dtype, f"{topic} must keep the dtype {activation.input.dtype}, got {result.dtype}"
    assert np.array_equal(activation.output.data, saved_output, equal_nan=True), \
        f"{topic} changed the saved output (the Tensor forward returned); compute into a new array"
    assert np.array_equal(grad.data, grad_before, equal_nan=True), f"{topic} changed the gradient it was given"
    return result


def expect_close(got, expected, topic, inputs, rtol=1e-6, atol=1e-7):
    """Compare arrays and name the first input whose output is wrong."""
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    ok = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    if not ok.all():
        i = np.flatnonzero(~ok)[0]
        want, have = expected.flat[i], got.flat[i]
        off = f" (relative error {abs(have - want) / abs(want):.1e})" if np.isfinite(want) and want and np.isfinite(have) else ""
        raise AssertionError(f"{topic}: for input {np.ravel(inputs)[i]!r} expected {want:.10g}, got {have:.10g}{off}")


def check_dtypes(make, topic, values=(-3.0, -0.5, 0.0, 0.5, 3.0), scalar=True):
    """float32 in -> float32 out, float64 in -> float64 out, for several shapes (size-1 axes included)."""
    for dtype in (np.float32, np.float64):
        data = np.array(values, dtype=dtype)
        for shaped in (data, data.reshape(1, -1), data.reshape(-1, 1)) + ((data[1],) if scalar else ()):
            run_forward(make(), Tensor(np.array(shaped)), f"{topic} on {np.dtype(dtype)} of shape {np.shape(shaped)}")


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
# ### Build
# Fill in `forward`. `np.maximum(x.data, 0)` compares elementwise. Return a **new** Tensor;
# do not write into `x.data`. The derivative is written for you — read it next to the forward.

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

# %% nbgrader={"grade": true, "grade_id": "test-relu", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_relu():
    """ReLU: values, shapes, batches, dtypes, extremes, no mutation."""
    x = Tensor([[-2.0, -1.0, 0.0, 1.0, 2.0]])
    out = run_forward(ReLU(), x, "ReLU")
    expect_close(out.data, [[0, 0, 0, 1, 2]], "ReLU", x.data, rtol=0, atol=0)

    big = Tensor([[0.5, 3.0, 250.0], [-7.0, 1e6, -1e-3]])
    expect_close(run_forward(ReLU(), big, "ReLU").data, [[0.5, 3.0, 250.0], [0, 1e6, 0]],
                 "ReLU must pass positive values through unchanged (no clipping)", big.data, rtol=0, atol=0)
    positive = Tensor([0.5, 2.0])                   # nothing to change, but still a new Tensor
    expect_close(run_forward(ReLU(), positive, "ReLU").data, [0.5, 2.0], "ReLU", positive.data, rtol=0, atol=0)
    check_dtypes(ReLU, "ReLU")
    extremes = Tensor(np.array([-np.inf, np.inf, np.nan], dtype=np.float32))
    expect_close(run_forward(ReLU(), extremes, "ReLU").data, [0, np.inf, np.nan],
                 "ReLU on -inf, inf, nan", extremes.data, rtol=0, atol=0)
    print("✅ ReLU: values, no clipping, shapes, dtypes, ±inf and nan")


if __name__ == "__main__":
    test_unit_relu()

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
# **Numerics — the trap.** The textbook formula computes `e^(−x)`. For x = −100 that is
# e^100 ≈ 2.7·10^43, beyond float32's largest number (3.4·10^38): NumPy prints
# `RuntimeWarning: overflow` and returns inf. Clipping the input to ±500 does not help in
# float32. The fix is to never exponentiate a positive number: with `z = e^(−|x|)`, which is
# always in (0, 1],
#
# - for x ≥ 0: σ(x) = 1 / (1 + z)
# - for x < 0: σ(x) = z / (1 + z)   (multiply top and bottom by e^x)
#
# Both are accurate to the last bits; `np.where(x >= 0, a, b)` picks per element.
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
    """σ of a float array (same shape and dtype), never exponentiating a positive number.

    TODO: z = e^(−|a|); return 1/(1+z) where a >= 0 and z/(1+z) where a < 0.
    SiLU and GELU below reuse this function, so it works on plain NumPy arrays.
    """
    ### BEGIN SOLUTION
    # One buffer, reused in place: this is memory-bound work, so fewer passes = faster.
    z = np.abs(a, out=np.empty_like(a))    # a fresh buffer we may overwrite
    np.negative(z, out=z)
    np.exp(z, out=z)                       # z = e^(−|a|) in (0, 1]: cannot overflow
    top = np.maximum(z, a >= 0)            # 1 where a >= 0, z where a < 0 (faster than np.where)
    z += 1
    top /= z
    return top
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

# %% nbgrader={"grade": true, "grade_id": "test-sigmoid", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_sigmoid():
    """Sigmoid: values, symmetry, range, dtypes and inputs that overflow the textbook formula."""
    values = [-6.0, -2.0, -1.0, 0.0, 1.0, 2.0, 6.0]
    x = Tensor(np.array(values))
    expected = [1 / (1 + math.exp(-v)) for v in values]
    expect_close(run_forward(Sigmoid(), x, "Sigmoid").data, expected, "Sigmoid", values, rtol=1e-12, atol=0)

    pairs = Tensor(np.array([[-3.0, 3.0], [-0.25, 0.25]]))
    out = run_forward(Sigmoid(), pairs, "Sigmoid").data
    expect_close(out[:, 0] + out[:, 1], [1.0, 1.0], "σ(−x) + σ(x) should be 1", pairs.data[:, 1], rtol=1e-12)
    check_dtypes(Sigmoid, "Sigmoid")

    for dtype in (np.float32, np.float64):
        extreme = Tensor(np.array([-1000.0, -100.0, -20.0, 20.0, 100.0, 1000.0], dtype=dtype))
        out = run_forward(Sigmoid(), extreme, f"Sigmoid on large {np.dtype(dtype)} inputs").data
        expected = [0.0, math.exp(-100), 1 / (1 + math.exp(20)), 1 / (1 + math.exp(-20)), 1.0, 1.0]
        # below the smallest normal number (float32: σ(−100) ≈ 3.7e−44) only absolute accuracy is possible
        expect_close(out, expected, f"Sigmoid ({np.dtype(dtype)})", extreme.data, rtol=1e-5,
                     atol=np.finfo(dtype).tiny)
        assert np.all((out >= 0) & (out <= 1)), f"Sigmoid outputs must lie in [0, 1], got {show(out)}"
    infinite = Tensor(np.array([-np.inf, np.inf, np.nan], dtype=np.float32))
    expect_close(run_forward(Sigmoid(), infinite, "Sigmoid").data, [0.0, 1.0, np.nan],
                 "Sigmoid on -inf, inf, nan", infinite.data, rtol=0, atol=0)
    print("✅ Sigmoid: values, symmetry, dtypes, no overflow at ±1000 or ±inf")


if __name__ == "__main__":
    test_unit_sigmoid()

# %% nbgrader={"grade": true, "grade_id": "test-sigmoid-backward", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_sigmoid_backward():
    """Sigmoid.backward: σ'(x)·grad, compared with the formula and with central differences."""
    values = np.array([[-4.0, -1.0, 0.0], [0.5, 2.0, 30.0]])
    grad = np.array([[1.0, -2.0, 3.0], [0.5, 1.0, 2.0]])
    sigmoid = Sigmoid()
    run_forward(sigmoid, Tensor(values), "Sigmoid")
    result = run_backward(sigmoid, Tensor(grad), "Sigmoid.backward").data
    s = 1 / (1 + np.exp(-values))
    expect_close(result, grad * s * (1 - s), "Sigmoid.backward", values, rtol=1e-9, atol=1e-15)
    h = 1e-6
    numeric = (1 / (1 + np.exp(-(values + h))) - 1 / (1 + np.exp(-(values - h)))) / (2 * h) * grad
    expect_close(result, numeric, "Sigmoid.backward vs central differences", values, rtol=1e-6, atol=1e-9)
    assert abs(result[0, 2] - 0.75) < 1e-12, "σ'(0) = 0.25, times a gradient of 3 gives 0.75"
    sigmoid = Sigmoid()
    run_forward(sigmoid, Tensor(values.astype(np.float32)), "Sigmoid")
    for grad_dtype in (np.float32, np.float64):
        run_backward(sigmoid, Tensor(grad.astype(grad_dtype)), f"Sigmoid.backward on float32 (grad {np.dtype(grad_dtype)})")
    try:
        sigmoid.backward(Tensor(np.ones(3)))
    except ValueError:
        pass
    else:
        raise AssertionError("Sigmoid.backward must refuse a gradient whose shape differs from the output's "
                             "(self.saved(grad_output) checks that for you)")
    print("✅ Sigmoid.backward: matches σ(1 − σ) and numerical derivatives")


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
# NumPy's `np.tanh` is computed carefully by the C library: use it.
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


# %% nbgrader={"grade": true, "grade_id": "test-tanh", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_tanh():
    """Tanh: values, antisymmetry, range, dtypes and large inputs."""
    values = [-3.0, -1.0, -0.1, 0.0, 0.1, 1.0, 3.0]
    x = Tensor(np.array(values))
    expect_close(run_forward(Tanh(), x, "Tanh").data, [math.tanh(v) for v in values], "Tanh", values,
                 rtol=1e-12, atol=0)
    check_dtypes(Tanh, "Tanh")
    for dtype in (np.float32, np.float64):
        extreme = Tensor(np.array([-1000.0, -100.0, 100.0, 1000.0, -np.inf, np.inf, np.nan], dtype=dtype))
        out = run_forward(Tanh(), extreme, f"Tanh on large {np.dtype(dtype)} inputs").data
        expect_close(out, [-1, -1, 1, 1, -1, 1, np.nan], "Tanh should approach ±1 (and keep nan)", extreme.data,
                     rtol=0, atol=0)
        small = np.array([1e-8, -1e-5, 1e-3], dtype=dtype)      # 1 − (…) formulas lose these entirely
        out = run_forward(Tanh(), Tensor(small), f"Tanh on tiny {np.dtype(dtype)} inputs").data
        expect_close(out, [math.tanh(v) for v in small], f"Tanh near 0 ({np.dtype(dtype)}) must keep its precision",
                     small, rtol=4 * np.finfo(dtype).eps, atol=0)
    matrix = Tensor([[-1.0, 2.0], [0.5, -0.5]])
    out = run_forward(Tanh(), matrix, "Tanh").data
    assert np.allclose(out[1, 0], -out[1, 1]), "tanh(−x) should equal −tanh(x)"
    print("✅ Tanh: values, antisymmetry, dtypes, ±1000 and ±inf")


if __name__ == "__main__":
    test_unit_tanh()

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
# **Numerics.** e^1000 overflows. But softmax does not change when you subtract the same
# number from every score of a row, so subtract the row's maximum first: the largest
# exponent becomes e^0 = 1 and nothing can overflow. Keep `keepdims=True` so the row maxima
# broadcast against the rows. Entries of −inf (masked-out classes) then get probability
# exactly 0. A row that is entirely −inf has no distribution; like PyTorch we return nan
# for it — silently, by computing inside `np.errstate(invalid="ignore")`.
#
# **Derivative.** Each output depends on every input of its row, so the derivative is a
# matrix (the Jacobian J = diag(y) − y yᵀ). Training only ever needs J times the incoming
# gradient, which simplifies to `y · (g − Σ(g·y))` per row — O(n) work instead of building
# an n×n matrix. Never build the matrix: for 50,000 classes it would need 10 GB.

# %% nbgrader={"grade": false, "grade_id": "softmax-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
class Softmax(Activation):
    """softmax(x)_i = e^(x_i) / Σ_j e^(x_j) along `dim`;  backward: y·(g − Σ_dim g·y).

    Contract: each slice along `dim` sums to 1 within 4 eps; −inf entries give exactly 0;
    a slice that is all −inf, or holds +inf or nan, gives nan (as PyTorch does) with no
    warning; dtype kept; any `dim`, like torch.nn.Softmax(dim).
    """

    def __init__(self, dim=-1):
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"Softmax(dim=...) takes an integer axis, got {dim!r}")
        self.dim = int(dim)

    def __call__(self, x):
        if isinstance(x, Tensor) and not -max(x.ndim, 1) <= self.dim < max(x.ndim, 1):
            raise ValueError(f"Softmax(dim={self.dim}) is out of range for a tensor of shape {x.shape}")
        return super().__call__(x)

    def forward(self, x):
        """TODO: subtract the max along self.dim (keepdims=True), exponentiate, divide by the sum.

        Do it inside `with np.errstate(invalid="ignore"):` so rows of all −inf become nan
        silently. `np.max(..., initial=-np.inf)` also handles an empty axis.
        """
        ### BEGIN SOLUTION
        data = x.data.reshape(1) if x.ndim == 0 else x.data   # a 0-d tensor is a one-class row
        with np.errstate(invalid="ignore"):
            exps = data - np.max(data, axis=self.dim, keepdims=True, initial=-np.inf)
            np.exp(exps, out=exps)                               # in place: one buffer
            exps /= np.sum(exps, axis=self.dim, keepdims=True)
        return Tensor(exps.reshape(x.shape))
        ### END SOLUTION

    def backward(self, grad_output):
        """TODO: return Tensor(y · (g − Σ(g·y))), the sum along self.dim with keepdims=True."""
        ### BEGIN SOLUTION
        _, y, g = self.saved(grad_output)
        data_y, data_g = (y.reshape(1), g.reshape(1)) if y.ndim == 0 else (y, g)
        grad = data_y * (data_g - np.sum(data_g * data_y, axis=self.dim, keepdims=True))
        return Tensor(grad.reshape(y.shape))
        ### END SOLUTION

    def __repr__(self):
        return f"Softmax(dim={self.dim})"


# %% nbgrader={"grade": true, "grade_id": "test-softmax", "locked": true, "points": 15, "schema_version": 3, "solution": false, "task": false}
def test_unit_softmax():
    """Softmax: values, rows sum to 1, batches, dim, large scores, masked entries."""
    row = [1.0, 2.0, 3.0]
    exps = [math.exp(v) for v in row]
    out = run_forward(Softmax(), Tensor(np.array([row])), "Softmax").data
    expect_close(out, [[e / sum(exps) for e in exps]], "Softmax (each row is normalised along dim=-1)", row,
                 rtol=1e-12, atol=0)

    batch = Tensor(np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [-5.0, 0.0, 5.0]]))
    out = run_forward(Softmax(), batch, "Softmax on a batch").data
    expect_close(out.sum(axis=1), [1, 1, 1], "each row of a batch must sum to 1 (normalise along dim, "
                 "not over the whole batch or down the columns) — row", [0, 1, 2], rtol=1e-12)
    expect_close(out[1], [1 / 3] * 3, "equal scores give equal probabilities", batch.data[1], rtol=1e-12)
    cols = run_forward(Softmax(dim=0), batch, "Softmax(dim=0)").data
    expect_close(cols.sum(axis=0), [1, 1, 1], "Softmax(dim=0) must make each column sum to 1 — column",
                 [0, 1, 2], rtol=1e-12)
    by_column = np.exp(batch.data) / np.exp(batch.data).sum(axis=0)
    expect_close(cols, by_column, "Softmax(dim=0) (max, exp and sum all along dim)", batch.data, rtol=1e-12)
    check_dtypes(Softmax, "Softmax", scalar=False)

    large = Tensor([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]])
    out = run_forward(Softmax(), large, "Softmax on scores of ±1000").data
    expect_close(out, [[0.09003057, 0.24472847, 0.66524096], [0.66524096, 0.24472847, 0.09003057]],
                 "Softmax must be shift invariant (subtract the row max)", large.data, rtol=1e-5)
    masked = Tensor(np.array([[0.0, -np.inf, 0.0]], dtype=np.float32))
    expect_close(run_forward(Softmax(), masked, "Softmax with a -inf entry").data, [[0.5, 0.0, 0.5]],
                 "a -inf score gets probability exactly 0", masked.data, rtol=0, atol=0)
    all_masked = Tensor(np.array([[-np.inf, -np.inf], [0.0, 0.0]], dtype=np.float32))
    out = run_forward(Softmax(), all_masked, "Softmax on a row that is all -inf (compute it inside "
                      "np.errstate(invalid='ignore'))").data
    expect_close(out, [[np.nan, np.nan], [0.5, 0.5]], "a row of only -inf has no distribution: nan, as in PyTorch",
                 all_masked.data, rtol=0, atol=0)
    print("✅ Softmax: values, rows sum to 1, dim, dtypes, ±1000, masked entries")


if __name__ == "__main__":
    test_unit_softmax()

# %% nbgrader={"grade": true, "grade_id": "test-softmax-backward", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_softmax_backward():
    """Softmax.backward: Jacobian-vector product, compared with the explicit Jacobian per row."""
    scores = np.array([[0.5, -1.0, 2.0, 0.0], [3.0, 3.0, -2.0, 1.0]])
    grad = np.array([[1.0, 0.0, -1.0, 2.0], [0.3, -0.7, 1.5, 0.0]])
    for dim in (-1, 0):
        softmax = Softmax(dim=dim)
        y = run_forward(softmax, Tensor(scores), f"Softmax(dim={dim})").data
        result = run_backward(softmax, Tensor(grad), f"Softmax(dim={dim}).backward").data
        yy, gg = (y, grad) if dim == -1 else (y.T, grad.T)
        expected = np.stack([(np.diag(r) - np.outer(r, r)) @ v for r, v in zip(yy, gg)])
        expected = expected if dim == -1 else expected.T
        expect_close(result, expected, f"Softmax(dim={dim}).backward vs the Jacobian", scores, rtol=1e-9, atol=1e-12)
    softmax = Softmax()
    run_forward(softmax, Tensor(scores.astype(np.float32)), "Softmax")
    run_backward(softmax, Tensor(grad), "Softmax.backward on float32 with a float64 gradient")
    softmax = Softmax()
    run_forward(softmax, Tensor(scores), "Softmax")
    uniform = run_backward(softmax, Tensor(np.ones_like(scores)), "Softmax.backward").data
    expect_close(uniform, np.zeros_like(scores), "adding the same gradient to a whole row changes nothing",
                 scores, rtol=0, atol=1e-12)
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
# With `a = 0` it is ReLU. Multiply by a Python float (`x * 0.01`) so float32 stays float32.

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
        a, slope = x.data, self.negative_slope
        with np.errstate(invalid="ignore"):        # inf · 0 with slope 0 (handled below)
            scaled = np.multiply(a, slope, out=np.empty_like(a))
        if slope == 0:                             # 0 · inf is nan, but LeakyReLU(inf) = inf
            return Tensor(np.where(a > 0, a, scaled))
        # Faster than np.where: for a slope below 1, x > slope·x exactly when x > 0 (above 1, flipped)
        pick = np.maximum if slope < 1 else np.minimum
        return Tensor(pick(a, scaled, out=scaled))
        ### END SOLUTION

    def backward(self, grad_output):
        x, _, g = self.saved(grad_output)
        return Tensor(np.where(x > 0, g, g * self.negative_slope))

    def __repr__(self):
        return f"LeakyReLU(negative_slope={self.negative_slope})"


# %% nbgrader={"grade": true, "grade_id": "test-leaky-relu", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_leaky_relu():
    """LeakyReLU: default slope, custom slope, slope 0 is ReLU, dtypes, extremes."""
    values = np.array([-100.0, -2.0, -0.5, 0.0, 0.5, 2.0, 100.0])
    out = run_forward(LeakyReLU(), Tensor(values), "LeakyReLU").data
    expect_close(out, np.where(values > 0, values, 0.01 * values), "LeakyReLU (slope 0.01)", values, rtol=1e-12)
    out = run_forward(LeakyReLU(0.2), Tensor(values), "LeakyReLU(0.2)").data
    expect_close(out, np.where(values > 0, values, 0.2 * values), "LeakyReLU(negative_slope=0.2)", values,
                 rtol=1e-12)
    out = run_forward(LeakyReLU(2.0), Tensor(values), "LeakyReLU(2.0)").data
    expect_close(out, np.where(values > 0, values, 2.0 * values), "LeakyReLU(negative_slope=2.0) — a slope above 1",
                 values, rtol=1e-12)
    out = run_forward(LeakyReLU(0.0), Tensor(values), "LeakyReLU(0.0)").data
    expect_close(out, np.maximum(values, 0), "LeakyReLU with slope 0 should be ReLU", values, rtol=0, atol=0)
    check_dtypes(LeakyReLU, "LeakyReLU")
    extremes = Tensor(np.array([-np.inf, np.inf, np.nan], dtype=np.float32))
    expect_close(run_forward(LeakyReLU(), extremes, "LeakyReLU").data, [-np.inf, np.inf, np.nan],
                 "LeakyReLU on -inf, inf, nan", extremes.data, rtol=0, atol=0)
    print("✅ LeakyReLU: slopes, ReLU at slope 0, dtypes, extremes")


if __name__ == "__main__":
    test_unit_leaky_relu()

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
        with np.errstate(invalid="ignore"):   # -inf * 0 -> nan, as in PyTorch
            out = _sigmoid(x.data)
            out *= x.data                     # in place: no second temporary array
            return Tensor(out)
        ### END SOLUTION

    def backward(self, grad_output):
        x, _, g = self.saved(grad_output)
        s = _sigmoid(x)
        with np.errstate(invalid="ignore"):
            return Tensor(g * s * (1 + x * (1 - s)))


# %% nbgrader={"grade": true, "grade_id": "test-silu", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_silu():
    """SiLU: values from the definition, large inputs, dtypes."""
    values = [-20.0, -3.0, -1.0, 0.0, 1.0, 3.0, 20.0]
    expected = [v / (1 + math.exp(-v)) for v in values]
    out = run_forward(SiLU(), Tensor(np.array(values)), "SiLU").data
    expect_close(out, expected, "SiLU", values, rtol=1e-12, atol=0)
    check_dtypes(SiLU, "SiLU")
    for dtype in (np.float32, np.float64):
        extreme = Tensor(np.array([-1000.0, -100.0, 100.0, 1000.0], dtype=dtype))
        out = run_forward(SiLU(), extreme, f"SiLU on large {np.dtype(dtype)} inputs").data
        expect_close(out, [0.0, -100 * math.exp(-100), 100.0, 1000.0], "SiLU", extreme.data, rtol=1e-5,
                     atol=100 * np.finfo(dtype).tiny)   # σ(−100) is subnormal in float32
    infinite = Tensor(np.array([-np.inf, np.inf, np.nan], dtype=np.float32))
    expect_close(run_forward(SiLU(), infinite, "SiLU on -inf, inf, nan").data, [np.nan, np.inf, np.nan],
                 "SiLU(−inf) = −inf·0 = nan as in PyTorch; SiLU(inf) = inf", infinite.data, rtol=0, atol=0)
    print("✅ SiLU: values, large inputs, dtypes")


if __name__ == "__main__":
    test_unit_silu()

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
# `np.errstate(over="ignore", invalid="ignore")`. The helpers `erfc` and `_normal_cdf` (Φ)
# below are provided.
#
# **Derivative** (provided): exact, Φ(x) + x·φ(x) with φ the normal density.

# %% nbgrader={"grade": false, "grade_id": "gelu-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
_erfc_object = np.frompyfunc(math.erfc, 1, 1)
_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def erfc(a):
    """Complementary error function, elementwise, in the array's float dtype (float64 for integers).

    Uses the C library's erfc (math.erfc) in float64: correctly rounded for practical purposes
    in both dtypes. It runs at Python speed (~0.1 µs per element), which is why GELU's
    approximate='tanh' mode exists.
    """
    a = np.asarray(a)
    dtype = a.dtype if a.dtype.kind == "f" else np.float64
    return np.asarray(_erfc_object(a.astype(np.float64)), dtype=np.float64).astype(dtype)


def _normal_cdf(a):
    """Φ(a) = ½·erfc(−a/√2), evaluated in float64 (so float32 inputs lose nothing to the
    argument's rounding, which erfc amplifies by ~2a²) and returned in a's dtype."""
    return (0.5 * erfc(-a.astype(np.float64) * _SQRT_HALF)).astype(a.dtype)


class GELU(Activation):
    """GELU(x) = x·Φ(x) = ½·x·erfc(−x/√2);  with approximate='tanh': x·σ(2u), u = √(2/π)(x + 0.044715x³).

    Contract (ulp = unit in the last place of the true value, where it is a normal number):
    exact mode: float32 within 2 ulp wherever Φ(x) is normal (x > −13); float64 within
    max(8, 2·x²) ulp (erfc amplifies the rounding of its argument by ~2x²). tanh mode, against
    its own formula: within max(16, 4·x²) ulp in both dtypes (σ(2u) amplifies u's rounding).
    GELU(−inf) = nan as in PyTorch; GELU(inf) = inf (PyTorch's float32 kernel gives nan there,
    its float64 kernel inf); no warnings; dtype kept.
    """

    def __init__(self, approximate="none"):
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU(approximate=...) must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        """TODO: exact: x · Φ(x) with the provided _normal_cdf; 'tanh': x · σ(2u). Use Python-float constants."""
        ### BEGIN SOLUTION
        a = x.data
        with np.errstate(over="ignore", invalid="ignore"):   # x³ → inf is fine; -inf · 0 → nan as in PyTorch
            if self.approximate == "tanh":
                v = np.multiply(a, 0.044715, out=np.empty_like(a))   # in place, one buffer:
                v *= a
                v *= a
                v += a
                v *= 2 * _SQRT_2_OVER_PI                                # v = 2u
                out = _sigmoid(v)
                out *= a
                return Tensor(out)
            return Tensor(a * _normal_cdf(a))
        ### END SOLUTION

    def backward(self, grad_output):
        x, _, g = self.saved(grad_output)
        with np.errstate(over="ignore", invalid="ignore"):
            if self.approximate == "tanh":
                u = _SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)
                s = _sigmoid(2 * u)                             # = ½(1 + tanh u)
                du = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
                return Tensor(g * (s + x * 2 * s * (1 - s) * du))
            cdf = _normal_cdf(x)
            pdf = np.exp(-0.5 * x * x) * (1 / math.sqrt(2 * math.pi))
            return Tensor(g * (cdf + x * pdf))

    def __repr__(self):
        return f"GELU(approximate={self.approximate!r})"


# %% nbgrader={"grade": true, "grade_id": "test-gelu", "locked": true, "points": 15, "schema_version": 3, "solution": false, "task": false}
def test_unit_gelu():
    """GELU: exact and tanh modes against their definitions, dtypes, large inputs."""
    values = [-6.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0]
    exact = [v * 0.5 * math.erfc(-v / math.sqrt(2)) for v in values]
    out = run_forward(GELU(), Tensor(np.array(values)), "GELU").data
    expect_close(out, exact, "GELU (exact)", values, rtol=1e-12, atol=0)
    c = math.sqrt(2 / math.pi)
    tails = values + [-10.0]                                  # ½x(1 + tanh u) cancels to 0 out here
    approx = [v / (1 + math.exp(-2 * c * (v + 0.044715 * v ** 3))) for v in tails]
    out = run_forward(GELU(approximate="tanh"), Tensor(np.array(tails)), "GELU(approximate='tanh')").data
    expect_close(out, approx, "GELU(approximate='tanh') (use x·σ(2u): 1 + tanh(u) cancels for x ≪ 0)", tails,
                 rtol=1e-12, atol=0)
    low = np.array([-9.0, -5.0, -3.0], dtype=np.float32)
    out = run_forward(GELU(), Tensor(low), "GELU on float32").data
    expect_close(out, [float(v) * 0.5 * math.erfc(-float(v) / math.sqrt(2)) for v in low],
                 "GELU in float32 (evaluate Φ with the provided _normal_cdf)", low, rtol=3 * 2.0 ** -23, atol=0)
    check_dtypes(GELU, "GELU")
    check_dtypes(lambda: GELU(approximate="tanh"), "GELU(approximate='tanh')")
    for approximate in ("none", "tanh"):
        extreme = Tensor(np.array([-1000.0, 1000.0, 1e15, -np.inf, np.inf, np.nan], dtype=np.float32))
        out = run_forward(GELU(approximate=approximate), extreme, f"GELU({approximate!r}) on large inputs").data
        expect_close(out, [0.0, 1000.0, 1e15, np.nan, np.inf, np.nan],
                     f"GELU({approximate!r}) ≈ x for large x, 0 for very negative x, nan at −inf as in PyTorch",
                     extreme.data, rtol=1e-6, atol=0)
    print("✅ GELU: exact and tanh modes, dtypes, large inputs")


if __name__ == "__main__":
    test_unit_gelu()

# %% [markdown]
# ### Reflect
# Exact GELU calls erfc once per element at Python speed; the tanh form is pure NumPy.
# When would you accept the approximation's error (up to about 5·10^−4) for the speed?

# %% [markdown]
# ## 8. All together
#
# A network's hidden layers use ReLU-like activations and its output layer a softmax. The
# test below runs every activation on the same data, chains them as a tiny network would,
# and checks the properties that must hold whatever the input.

# %% nbgrader={"grade": true, "grade_id": "test-activations-comprehensive", "locked": true, "points": 15, "schema_version": 3, "solution": false, "task": false}
def test_unit_activations_comprehensive():
    """Every activation on shared data: shapes, types, ranges, chaining, batches."""
    data = Tensor([[-2.0, -1.0, 0.0, 1.0, 2.0], [3.0, -0.5, 0.25, -4.0, 0.0]])
    made = {"ReLU": ReLU(), "Sigmoid": Sigmoid(), "Tanh": Tanh(), "Softmax": Softmax(),
            "LeakyReLU": LeakyReLU(), "SiLU": SiLU(), "GELU": GELU()}
    out = {name: run_forward(act, data, name).data for name, act in made.items()}
    assert np.all(out["ReLU"] >= 0), "ReLU outputs are never negative"
    assert np.all((out["Sigmoid"] > 0) & (out["Sigmoid"] < 1)), "Sigmoid outputs lie in (0, 1)"
    assert np.all((out["Tanh"] > -1) & (out["Tanh"] < 1)), "Tanh outputs lie in (−1, 1)"
    expect_close(out["Softmax"].sum(axis=-1), [1, 1], "Softmax rows sum to 1 — row", [0, 1], rtol=1e-6)
    assert np.all(out["SiLU"] <= np.maximum(data.data, 0) + 1e-7), "SiLU(x) ≤ max(0, x)"
    assert np.all(np.diff(out["Sigmoid"][0]) > 0) and np.all(np.diff(out["Tanh"][0]) > 0), \
        "Sigmoid and Tanh are increasing"

    hidden = run_forward(ReLU(), data, "ReLU")
    weighted = hidden * Tensor([0.5, 0.3, 0.8, 0.2, 0.7])
    probabilities = run_forward(Softmax(), weighted, "Softmax after ReLU")
    expect_close(probabilities.data.sum(axis=-1), [1, 1], "a chained network's output rows sum to 1 — row",
                 [0, 1], rtol=1e-6)
    batch = Tensor(np.random.default_rng(0).standard_normal((64, 10)).astype(np.float32) * 10)
    for name, act in made.items():
        result = run_forward(act, batch, f"{name} on a (64, 10) batch")
        assert np.all(np.isfinite(result.data)), f"{name} gave non-finite values for finite inputs"
    print("✅ All activations: shapes, types, ranges, chaining and batches")


if __name__ == "__main__":
    test_unit_activations_comprehensive()

# %% [markdown]
# ### Integration with module 01's Tensor (not graded)
#
# This cell is locked but deliberately **ungraded**: it checks the hand-off between your
# activations and the `Tensor` from module 01 (which you do not write here), so points for
# it would reward or punish module 01 a second time. If it fails while the graded cells
# pass, the problem is in how the two modules meet.

# %% nbgrader={"grade": false, "grade_id": "test-tensor-integration", "locked": true, "schema_version": 3, "solution": false, "task": false}
def test_module_activation_tensor_integration():
    """Activations consume and produce module 01 Tensors that keep working with Tensor arithmetic."""
    layer_output = Tensor([[1.0, -2.0, 3.0], [-1.0, 2.0, -3.0]])
    try:
        activated = ReLU()(layer_output)
        Softmax()(layer_output)
    except NotImplementedError as missing:
        raise AssertionError(f"{unfinished(missing)} is not implemented yet — this check needs ReLU and Softmax") from None
    assert isinstance(activated, Tensor) and np.array_equal(activated.data, [[1, 0, 3], [0, 2, 0]])
    final = ReLU()(Tensor([1.0, 2.0, 3.0]) * Tensor([4.0, 5.0, 6.0])) + 1
    assert np.array_equal(final.data, [5.0, 11.0, 19.0]), f"Tensor ops around an activation: {final.data}"
    logits = Tensor([[2.0, 1.0, 0.1], [1.0, 3.0, 0.2]])
    probabilities = Softmax()(logits)
    assert np.allclose(probabilities.sum(axis=1).data, 1.0), "softmax rows sum to 1 via Tensor.sum"
    try:
        ReLU()(np.array([1.0, -1.0]))
    except TypeError:
        pass
    else:
        raise AssertionError("an activation given a NumPy array should raise TypeError")
    print("✅ Integration: activations and Tensor work together")


if __name__ == "__main__":
    test_module_activation_tensor_integration()

# %% [markdown]
# ## 9. Measuring cost — a profiler the way performance engineers build one
#
# ### Idea
# "ReLU is fastest" is a claim; a measurement is better. Timing code honestly needs:
#
# - **a precise clock:** `time.perf_counter()`, not `time.time()`;
# - **warm-up:** the first calls pay for memory allocation and caches — run a few untimed;
# - **repeats, and the median:** one run is noise; the median ignores outliers (the minimum
#   shows the best the machine can do).
#
# And a yardstick: an elementwise activation must at least read its input and write its
# output. `np.copyto` does exactly that and nothing else, so **time ÷ copy time** says how far
# an activation is from the memory bound ("× copy"), and bytes moved ÷ time is its
# **effective bandwidth** in GB/s.
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
        times = []
        for _ in range(iterations):
            start = time.perf_counter()
            activation_fn(tensor)
            times.append((time.perf_counter() - start) * 1000)
        self.results[activation_name] = times
        return float(np.median(times))
        ### END SOLUTION

    def time_copy(self, tensor, iterations=20, warmup=2):
        """Median ms of np.copyto into a preallocated array: the memory-bound floor."""
        target = np.empty_like(tensor.data)
        return self.time_activation(lambda t: np.copyto(target, t.data), tensor, "copy", iterations, warmup)

    def compare_activations(self, activations=None, shape=(1000, 1000), dtype=np.float32, iterations=20, seed=0):
        """Time each activation on one random tensor; returns a list of dicts (one row each)."""
        activations = activations or default_activations()
        tensor = Tensor(np.random.default_rng(seed).standard_normal(shape).astype(dtype))
        copy_ms = self.time_copy(tensor, iterations)
        moved_gb = 2 * tensor.data.nbytes / 1e9        # read the input, write the output
        rows = []
        for name, activation in activations.items():
            median_ms = self.time_activation(activation, tensor, name, iterations)
            rows.append({"name": name, "median_ms": median_ms, "min_ms": min(self.results[name]),
                         "gb_per_s": moved_gb / (median_ms / 1000), "x_copy": median_ms / copy_ms})
        return rows

    def analyze_scaling(self, activation_fn, activation_name="activation", sizes=(100_000, 400_000, 1_600_000),
                        iterations=10):
        """Time one activation on growing 1-d inputs and fit time ∝ size^exponent (log-log fit)."""
        sizes = sorted(sizes)
        rng = np.random.default_rng(0)
        points = [{"size": n, "median_ms": self.time_activation(
            activation_fn, Tensor(rng.standard_normal(n).astype(np.float32)), f"{activation_name}@{n}", iterations)}
            for n in sizes]
        exponent = float(np.polyfit(np.log([p["size"] for p in points]),
                                    np.log([p["median_ms"] for p in points]), 1)[0]) if len(points) > 1 else float("nan")
        return {"name": activation_name, "points": points, "exponent": exponent}


def default_activations():
    """One instance of every activation in this module, by name."""
    return {"ReLU": ReLU(), "LeakyReLU": LeakyReLU(), "Sigmoid": Sigmoid(), "Tanh": Tanh(),
            "Softmax": Softmax(), "SiLU": SiLU(), "GELU(tanh)": GELU(approximate="tanh"), "GELU": GELU()}


def format_table(rows):
    """The rows of compare_activations as an aligned text table."""
    lines = [f"{'activation':<12}{'median ms':>11}{'min ms':>9}{'GB/s':>8}{'× copy':>8}"]
    lines += [f"{r['name']:<12}{r['median_ms']:>11.3f}{r['min_ms']:>9.3f}{r['gb_per_s']:>8.2f}{r['x_copy']:>8.1f}"
              for r in rows]
    return "\n".join(lines)


def benchmark_activation_suite(shape=(1000, 1000), iterations=20):
    """Print the comparison table and the scaling exponent of each elementwise activation; return both."""
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
    try:
        median = profiler.time_activation(lambda t: calls.append(1) or ReLU()(t), tensor, "ReLU", iterations=5, warmup=2)
    except NotImplementedError:
        raise AssertionError("ActivationProfiler.time_activation is not implemented yet — fill in YOUR CODE HERE") from None
    assert len(calls) == 7, f"2 warm-up + 5 timed calls expected, the activation was called {len(calls)} times"
    assert isinstance(median, float) and 0 < median < 1000, f"median should be a positive float in ms, got {median!r}"
    assert len(profiler.results["ReLU"]) == 5, "store one time per timed call"
    assert median == float(np.median(profiler.results["ReLU"])), "return the median of the stored times"
    rows = profiler.compare_activations(shape=(50, 50), iterations=3)
    assert [r["name"] for r in rows] == list(default_activations()), "one row per activation"
    assert all(r["median_ms"] > 0 and np.isfinite(r["x_copy"]) and r["gb_per_s"] > 0 for r in rows)
    scaling = profiler.analyze_scaling(ReLU(), "ReLU", sizes=(4000, 1000, 16000), iterations=3)
    assert [p["size"] for p in scaling["points"]] == [1000, 4000, 16000], "sizes are reported in order"
    assert np.isfinite(scaling["exponent"]), "the scaling exponent is a finite number"
    print("✅ Profiler: warm-up, repeats, medians, table and scaling fit")


if __name__ == "__main__":
    test_unit_activation_profiler()

# %% [markdown]
# ### Measure (runs when you run the notebook; the numbers are your machine's)

# %% nbgrader={"grade": false, "grade_id": "profiler-demo", "locked": false, "schema_version": 3, "solution": false, "task": false}
if __name__ == "__main__":
    try:
        benchmark_activation_suite(shape=(500, 500), iterations=10)
    except NotImplementedError as missing:
        print(f"Skipped the measurements: {unfinished(missing)} is not implemented yet.")

# %% [markdown]
# ## 10. See them — every activation next to its derivative
#
# `plot_activations` draws each activation (solid) and the derivative its `backward` returns
# (dashed), straight from *your* classes. If a curve looks wrong, the function is wrong.

# %% nbgrader={"grade": false, "grade_id": "plot-activations", "locked": true, "schema_version": 3, "solution": false, "task": false}
#| export
def plot_activations(activations=None, path=None, lo=-5.0, hi=5.0):
    """One panel per activation: the function (solid) and its backward() slope (dashed).

    matplotlib is imported here, not when the package is imported. With `path` the figure is
    saved (headless, Agg) and closed; otherwise it is returned for the notebook to show.
    """
    import matplotlib
    if path is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    activations = activations or {name: act for name, act in default_activations().items() if name != "Softmax"}
    x = Tensor(np.linspace(lo, hi, 401))
    fig, axes = plt.subplots(1, len(activations), figsize=(3 * len(activations), 3), squeeze=False)
    for ax, (name, activation) in zip(axes[0], activations.items()):
        y = activation(x).data
        slope = activation.backward(Tensor(np.ones_like(y))).data
        ax.axhline(0, color="0.85", lw=0.8)
        ax.plot(x.data, y, label="f(x)")
        ax.plot(x.data, slope, "--", label="f′(x)")
        ax.set_title(name)
        ax.set_xlabel("x")
    axes[0][0].legend(loc="upper left")
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=80)
        plt.close(fig)
    return fig


# %% nbgrader={"grade": false, "grade_id": "plot-demo", "locked": false, "schema_version": 3, "solution": false, "task": false}
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
# 5. **Saving for backward.** Each activation keeps its input or output for `backward`. For a
#    network with a billion activations per batch, what does that cost, and what is gained by
#    recomputing instead (gradient checkpointing)?
# 6. **Choice.** Transformers moved from ReLU to GELU and then to SiLU-gated units. Using your
#    plots, how do their shapes near zero differ?
#
# ## Summary
#
# You built seven activations, each keeping one numeric contract: Tensor in and out, dtype
# kept, input untouched, ±inf and nan like PyTorch, and never an overflow — by never
# exponentiating a positive number, subtracting the row maximum, and choosing formulas that
# do not cancel. You wrote the derivatives of Sigmoid and Softmax (read the others next to
# their forwards), checked them against formulas, finite differences and the full Jacobian,
# and measured cost against the memory roofline.
#
# **Next:** module 03 (layers) imports these activations from `tinytorch.core.activations`
# and shows numerically why a network without them cannot solve XOR.
