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
# # Module 03 — Layers: from one neuron to a network
#
# A **layer** is a function with *parameters*: numbers it owns and that training will adjust.
# The workhorse is the fully connected (linear, dense) layer:
#
# ```
# y = x @ W + b        x: (batch, in)   W: (in, out)   b: (out,)   y: (batch, out)
# ```
#
# Each output column is one "neuron": a weighted sum of all inputs plus a bias. One matrix
# product computes every neuron for every example in the batch at once — which is why
# module 01 made `@` fast and made the bias broadcast.
#
# **Why nonlinearity matters.** Two linear layers in a row are still one linear layer:
# `(x @ W1 + b1) @ W2 + b2 = x @ (W1 @ W2) + (b1 @ W2 + b2)`. Depth alone buys nothing. Put
# an activation from module 02 between them and the network can bend its decision surface.
# At the end of this module you will *prove it with numbers*: no linear model can compute XOR,
# and a 2-2-1 network with one ReLU computes it exactly.
#
# **You will build**
#
# | piece | what it does | PyTorch counterpart |
# |---|---|---|
# | `Linear(in, out)` | `x @ W + b` with a principled random initialisation | `torch.nn.Linear` |
# | `Sequential(*layers)` | runs layers in order, collects their parameters | `torch.nn.Sequential` |
# | `mlp(sizes)` | Linear → activation → … → Linear in one call | a few lines of `nn.Sequential` |
# | `collapse_linear(a, b)` | the single layer equal to two stacked linear layers | — (a proof you can run) |
#
# **Rhythm.** Every piece goes *idea → build → test → reflect*. Fill in the `YOUR CODE HERE`
# parts; run the test cell under each. Tests run when the notebook runs (Jupyter, or
# `python layers_dev.py`), never when the file or package is imported.
#
# **Where the code goes.** `#| export` cells become `tinytorch/core/layers.py`:
#
# ```python
# from tinytorch.core.layers import Linear, Sequential, mlp
# ```
#
# **Before you start:** this module uses your activations through the *package*
# (`tinytorch.core.activations`), not through module 02's notebook. Finish module 02 and run
# `tito export` in your workspace (in the course repository: `python3 make.py tito export`); the
# second cell below checks that and tells you if it is missing.

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

# %% nbgrader={"grade": false, "grade_id": "check-activations", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Check (not exported): this module builds on module 02's activations *as exported to the
# package*. If they are missing or still raise NotImplementedError, stop here with a message
# that says what to do, instead of a confusing traceback three sections later.
from tinytorch.core.tensor import Tensor

_MISSING_ACTIVATIONS = ("tinytorch.core.activations is missing or incomplete: finish module 02 and export it "
                        "first (`tito export` in your workspace; `python3 make.py tito export` in the course repository)")
try:
    from tinytorch.core.activations import ReLU as _ReLU, Sigmoid as _Sigmoid, Softmax as _Softmax

    _probe = Tensor([-1.0, 2.0])
    _outputs = [_ReLU()(_probe).data, _Sigmoid()(_probe).data, _Softmax()(_probe).data]
except (ImportError, NotImplementedError) as _problem:
    _detail = f"{type(_problem).__name__}: {_problem}" if str(_problem) else type(_problem).__name__
    raise RuntimeError(f"{_MISSING_ACTIVATIONS} ({_detail})") from None
if not (abs(_outputs[0][0]) == 0 and _outputs[0][1] == 2 and 0.26 < _outputs[1][0] < 0.27
        and abs(_outputs[2].sum() - 1) < 1e-6):
    raise RuntimeError(f"{_MISSING_ACTIVATIONS} (ReLU, Sigmoid or Softmax gives wrong values; "
                       f"rerun module 02's tests)")
del _probe, _outputs

# %%
#| default_exp core.layers
#| export
import math

import numpy as np

from tinytorch.core.tensor import Tensor
from tinytorch.core.activations import ReLU, Sigmoid, Softmax

# %% nbgrader={"grade": false, "grade_id": "test-helpers", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Test helpers (not exported), shared by every module's tests: they call your code the way the
# graded tests do and turn the usual mistakes into messages that say what to fix.
from tinytest import attempt, expect_close, expect_error, passes, run_test


def layers_work():
    """Whether Linear and Sequential pass their own tests. Tests of what is built on them check
    values through them only if they do: otherwise their mistake would be charged twice."""
    ok = passes(test_unit_linear) and passes(test_unit_sequential)
    if not ok:
        print("⏭  values through Linear/Sequential not checked here: they fail their own tests, "
              "which charge that mistake")
    return ok


# %% [markdown]
# ## 1. Linear — the fully connected layer
#
# ### Idea
# `Linear(in_features, out_features)` owns two Tensors:
#
# - `weight`, shape `(in_features, out_features)`: column `j` holds the weights of output `j`;
# - `bias`, shape `(out_features,)`, or `None` with `bias=False`.
#
# and computes `x @ weight + bias`. For a batch `x` of shape `(batch, in)` the result is
# `(batch, out)`; a single example of shape `(in,)` gives `(out,)`; any leading dimensions
# work, because `@` multiplies along the last one. (PyTorch stores the transpose, `(out, in)`,
# and computes `x @ W.T`; we store `(in, out)` so the formula reads exactly as written.)
#
# ### Which random numbers? Initialisation
# Weights cannot start at zero: every output neuron would compute the same thing, receive
# the same gradient, and stay identical forever ("symmetry"). They must be random — but how
# large? One output is a sum of `in` terms `w·x`, so its variance is
#
# ```
# Var(y) = in · Var(w) · E[x²]
# ```
#
# If `Var(w)` does not shrink like `1/in`, wide layers blow signals up and narrow ones squash
# them. The classic schemes all scale with `1/in` (or `1/(in+out)`):
#
# | scheme | weight distribution | Var(w) | designed for |
# |---|---|---|---|
# | **PyTorch default** (ours) | U(−1/√in, 1/√in), bias the same | 1/(3·in) | a safe default for any layer |
# | Glorot / Xavier | U(±√(6/(in+out))) | 2/(in+out) | tanh / sigmoid networks |
# | He / Kaiming | N(0, 2/in) | 2/in | deep ReLU networks |
#
# We use **PyTorch's default** so that a freshly built `Linear` behaves like
# `torch.nn.Linear` (same distribution of weights *and* bias), which makes results
# comparable with the framework you will use later. Its variance is 1/6 of what ReLU needs to
# keep the signal scale constant, so very deep ReLU stacks shrink their signals — the demo
# after the test measures that, and it is exactly why He initialisation exists.
#
# **Reproducibility.** `rng` is a `numpy.random.Generator` or an integer seed (or `None` for
# fresh randomness). `np.random.default_rng(rng)` accepts all three, and returns a Generator
# you pass in unchanged — so several layers drawing from one Generator get *different*
# weights, yet the whole network is reproducible from one seed.
#
# **dtype.** Parameters are float32, like PyTorch's; a float32 input gives a float32 output.
#
# ### Build
# Fill in the two `YOUR CODE HERE` parts of `Linear`:
#
# 1. In `__init__`: the bound `1/√in_features`; `self.weight`, a float32 Tensor of shape
#    `(in_features, out_features)` drawn with `rng.uniform(-bound, bound, size)`; `self.bias`,
#    a float32 Tensor of shape `(out_features,)` drawn the same way — or `None` if `bias` is
#    False. (`rng.uniform` returns float64: convert with `.astype(np.float32)`.)
# 2. In `forward`: a `TypeError` if `x` is not a Tensor; a `ValueError` naming the layer and
#    the input's shape if `x` is 0-d or its last dimension is not `in_features` (matmul's own
#    error knows nothing of layers); then `x @ weight (+ bias)`.
#
# The rest (checking the sizes, `parameters`, `__call__`, `__repr__`) is written for you.

# %% nbgrader={"grade": false, "grade_id": "linear-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
def _check_size(value, name):
    """A layer size must be a positive integer (not a bool, not a float)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be a positive integer, got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


class Linear:
    """Fully connected layer: y = x @ weight + bias.

    weight: Tensor (in_features, out_features); bias: Tensor (out_features,) or None.
    Both start as U(-1/√in_features, 1/√in_features) in float32, like torch.nn.Linear.
    rng: None, an integer seed, or a numpy.random.Generator (used as given).
    """

    def __init__(self, in_features, out_features, bias=True, rng=None):
        self.in_features = _check_size(in_features, "in_features")
        self.out_features = _check_size(out_features, "out_features")
        rng = np.random.default_rng(rng)
        # TODO: bound = 1/√in_features; self.weight and self.bias (or None) as float32 Tensors.
        ### BEGIN SOLUTION
        bound = 1.0 / math.sqrt(self.in_features)
        shape = (self.in_features, self.out_features)
        self.weight = Tensor(rng.uniform(-bound, bound, shape).astype(np.float32))
        self.bias = Tensor(rng.uniform(-bound, bound, self.out_features).astype(np.float32)) if bias else None
        ### END SOLUTION

    def forward(self, x):
        """x @ weight + bias, for x of shape (..., in_features).

        TODO: TypeError unless x is a Tensor; ValueError if x is 0-d or x.shape[-1] is not
        in_features (say both numbers); then return x @ self.weight, plus self.bias if any.

        >>> Linear(3, 2)(Tensor([[1.0, 2.0, 3.0]])).shape
        (1, 2)
        """
        ### BEGIN SOLUTION
        if not isinstance(x, Tensor):
            raise TypeError(f"Linear expects a Tensor, got {type(x).__name__}; wrap the data first: Tensor(...)")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(f"{self!r} expects inputs whose last dimension is {self.in_features}, "
                             f"got a tensor of shape {x.shape}")
        out = x @ self.weight
        return out if self.bias is None else out + self.bias
        ### END SOLUTION

    def __call__(self, x):
        return self.forward(x)

    def parameters(self):
        """The Tensors training will update: [weight, bias], or [weight] without a bias."""
        return [self.weight] if self.bias is None else [self.weight, self.bias]

    def __repr__(self):
        return f"Linear(in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None})"


# %% [markdown]
# ### Test

# %% nbgrader={"grade": true, "grade_id": "test-linear", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_linear():
    """Linear: shapes, dtype, initialisation, reproducibility, forward values."""
    layer = attempt(lambda: Linear(3, 4, rng=0), "Linear.__init__")
    assert isinstance(getattr(layer, "weight", None), Tensor), "Linear.weight must be a Tensor"
    assert layer.weight.shape == (3, 4), f"Linear(3, 4).weight must have shape (3, 4) = (in, out), got {layer.weight.shape}"
    assert isinstance(getattr(layer, "bias", None), Tensor) and layer.bias.shape == (4,), \
        "Linear(3, 4).bias must be a Tensor of shape (4,)"
    assert layer.weight.dtype == np.float32 and layer.bias.dtype == np.float32, \
        f"parameters must be float32, got {layer.weight.dtype} and {layer.bias.dtype}: use .astype(np.float32)"
    params = layer.parameters()
    assert len(params) == 2 and params[0] is layer.weight and params[1] is layer.bias, "parameters() is [weight, bias]"
    no_bias = Linear(3, 4, bias=False, rng=0)
    assert no_bias.bias is None and no_bias.parameters() == [no_bias.weight], "bias=False means bias is None"

    # Initialisation: U(-1/√in, 1/√in), using the whole range, for weights and bias.
    big = Linear(400, 300, rng=1)
    bound = 1 / math.sqrt(400)
    for name, values in (("weight", big.weight.data), ("bias", big.bias.data)):
        assert np.all(np.abs(values) <= bound * (1 + 1e-6)), \
            f"{name} values must lie in [-1/√in, 1/√in] = ±{bound:.4f}; found {np.abs(values).max():.4f}"
        assert np.abs(values).max() > 0.9 * bound, \
            f"{name} values should fill [-1/√in, 1/√in] (largest |value| {np.abs(values).max():.4f}, bound {bound:.4f})"
    std, mean = big.weight.data.std(), big.weight.data.mean()
    assert abs(std - bound / math.sqrt(3)) < 0.03 * bound and abs(mean) < 0.01 * bound, \
        f"weights should be uniform on ±{bound:.4f} (std {bound / math.sqrt(3):.4f}, mean 0); got std {std:.4f}, mean {mean:.4f}"
    assert np.unique(big.bias.data).size > 250, "every bias value must be drawn separately (random, not constant)"

    # Reproducibility: the same seed gives the same layer; a Generator is used as given.
    again = Linear(3, 4, rng=0)
    assert np.array_equal(again.weight.data, layer.weight.data) and np.array_equal(again.bias.data, layer.bias.data), \
        "the same integer seed must give the same weights: create the values with np.random.default_rng(rng)"
    assert not np.array_equal(Linear(3, 4, rng=1).weight.data, layer.weight.data), "different seeds, different weights"
    generator = np.random.default_rng(7)
    first, second = Linear(3, 4, rng=generator), Linear(3, 4, rng=generator)
    assert not np.array_equal(first.weight.data, second.weight.data), \
        "two layers drawing from one Generator must get different weights (use the Generator, do not reseed it)"

    # Forward: compared with NumPy on the layer's own parameters.
    x = Tensor(np.random.default_rng(2).standard_normal((5, 3)).astype(np.float32))
    before = x.data.copy()
    y = attempt(lambda: layer(x), "Linear.forward")
    assert isinstance(y, Tensor), f"Linear must return a Tensor, got {type(y).__name__}"
    assert y.shape == (5, 4), f"a (5, 3) batch through Linear(3, 4) gives (5, 4), got {y.shape}"
    assert y.dtype == np.float32, f"float32 in must give float32 out, got {y.dtype}"
    expect_close(y.data, x.data @ layer.weight.data + layer.bias.data, "Linear(x) = x @ W + b", rtol=1e-5, atol=1e-6)
    assert np.array_equal(x.data, before), "Linear must not modify its input"
    expect_close(layer.forward(x).data, y.data, "layer.forward(x) and layer(x) must agree", rtol=1e-5, atol=1e-6)
    expect_close(no_bias(x).data, x.data @ no_bias.weight.data, "Linear(bias=False)(x) = x @ W", rtol=1e-5, atol=1e-6)
    single = layer(Tensor([1.0, -2.0, 0.5]))
    assert single.shape == (4,), f"a single example of shape (3,) gives shape (4,), got {single.shape}"
    expect_close(single.data, np.array([1.0, -2.0, 0.5]) @ layer.weight.data + layer.bias.data, "Linear on 1-d input",
                 rtol=1e-5, atol=1e-6)
    assert layer(Tensor(np.ones((2, 6, 3), dtype=np.float32))).shape == (2, 6, 4), "leading dimensions are kept"
    assert repr(layer) == "Linear(in_features=3, out_features=4, bias=True)", repr(layer)
    print("✅ Linear: shapes, float32, PyTorch-style initialisation, seeds, x @ W + b")


if __name__ == "__main__":
    run_test(test_unit_linear)

# %% nbgrader={"grade": true, "grade_id": "test-linear-errors", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_linear_errors():
    """Linear refuses what it cannot compute, with an error that names the problem."""
    layer = attempt(lambda: Linear(3, 4, rng=0), "Linear.__init__")
    attempt(lambda: layer(Tensor(np.ones((2, 3), dtype=np.float32))), "Linear.forward")
    expect_error(ValueError, lambda: layer(Tensor(np.ones((5, 2)))), "Linear(3, 4) on an input with last dimension 2",
                 naming=["Linear", "(5, 2)"])
    expect_error(ValueError, lambda: layer(Tensor(np.ones((3, 5)))), "Linear(3, 4) on a (3, 5) input (rows are examples)",
                 naming=["Linear", "(3, 5)"])
    expect_error(ValueError, lambda: layer(Tensor(1.0)), "Linear on a 0-d tensor")
    expect_error(TypeError, lambda: layer(np.ones((5, 3))), "Linear on a NumPy array instead of a Tensor")
    expect_error(ValueError, lambda: Linear(0, 3), "Linear(0, 3)")
    expect_error(TypeError, lambda: Linear(2.5, 3), "Linear(2.5, 3)")
    print("✅ Linear errors: wrong sizes, 0-d input, arrays instead of Tensors")


if __name__ == "__main__":
    run_test(test_unit_linear_errors)

# %% [markdown]
# ### See it: how initialisation carries a signal through depth
#
# Ten `Linear(256, 256)` + ReLU layers, one batch of unit-variance inputs, three ways to draw
# the weights. The numbers are the standard deviation of the activations after layers 1, 5
# and 10. (Not graded; run it and read it.)

# %% nbgrader={"grade": false, "grade_id": "init-demo", "locked": true, "schema_version": 3, "solution": false, "task": false} tags=["demo"]
if __name__ == "__main__":
    def signal_scale(draw, depth=10, width=256, seed=0):
        rng = np.random.default_rng(seed)
        h = Tensor(rng.standard_normal((256, width)).astype(np.float32))
        stds = []
        for _ in range(depth):
            layer = Linear(width, width, rng=rng)
            if draw is not None:
                layer.weight = Tensor(draw(rng, width).astype(np.float32))
            h = ReLU()(layer(h))
            stds.append(float(h.data.std()))
        return stds

    try:
        schemes = {"PyTorch default U(±1/√in)": None,
                   "He N(0, 2/in)": lambda rng, n: rng.normal(0, math.sqrt(2 / n), (n, n)),
                   "naive N(0, 1)": lambda rng, n: rng.standard_normal((n, n))}
        scales = {name: signal_scale(draw) for name, draw in schemes.items()}
        print(f"{'weights':<28}{'layer 1':>10}{'layer 5':>10}{'layer 10':>10}")
        for name, stds in scales.items():
            print(f"{name:<28}{stds[0]:>10.3g}{stds[4]:>10.3g}{stds[9]:>10.3g}")
    except NotImplementedError:
        print("Skipped the initialisation demo: Linear is not implemented yet.")

# %% [markdown]
# ### Reflect
# 1. The naive N(0, 1) weights multiply the scale by about √(256/2) ≈ 11 per layer. In float16
#    (largest value 65,504), after how many layers would that overflow?
# 2. PyTorch's default shrinks the signal by about √6 per ReLU layer until the random biases
#    set a floor, yet PyTorch keeps it. What else in a real network (normalisation layers,
#    residual connections) might make that acceptable?
# 3. `Linear(4096, 4096)` has how many parameters, and how many megabytes in float32? How many
#    multiply-adds does one batch of 32 cost?

# %% [markdown]
# ## 2. Sequential — layers in a row
#
# ### Idea
# A network is layers applied one after another: `x → layer1 → layer2 → … → y`.
# `Sequential(*layers)` holds them in order, and calling it calls each on the previous one's
# output. A "layer" here is anything callable that maps a Tensor to a Tensor — a `Linear`, an
# activation from module 02, even another `Sequential`.
#
# Training needs every parameter of the network in one list, so `parameters()` asks each
# layer that has a `parameters()` method (activations have none) and concatenates the
# answers, in layer order.
#
# Like `torch.nn.Sequential` it has a length, indexing (`model[0]`, `model[-1]`, and slices,
# which give a smaller `Sequential`), and a readable `repr` listing the layers.
#
# ### Build
# Fill in `forward`: feed `x` through every layer in `self.layers`, in order, and return the
# result. (With no layers, that returns `x` unchanged — the identity, as in PyTorch.)

# %% nbgrader={"grade": false, "grade_id": "sequential-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
class Sequential:
    """Layers applied in order: Sequential(a, b, c)(x) == c(b(a(x)))."""

    def __init__(self, *layers):
        for position, layer in enumerate(layers):
            if not callable(layer):
                hint = " — pass the layers as separate arguments: Sequential(*layers)" if isinstance(layer, (list, tuple)) else ""
                raise TypeError(f"Sequential: layer {position} ({type(layer).__name__}) is not callable{hint}")
        self.layers = list(layers)

    def forward(self, x):
        """TODO: call each layer on the output of the previous one; return the last output."""
        ### BEGIN SOLUTION
        for layer in self.layers:
            x = layer(x)
        return x
        ### END SOLUTION

    def __call__(self, x):
        return self.forward(x)

    def parameters(self):
        """Every parameter Tensor of every layer that has parameters(), in layer order."""
        params = []
        for layer in self.layers:
            if hasattr(layer, "parameters"):
                params.extend(layer.parameters())
        return params

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self):
        if not self.layers:
            return "Sequential()"
        lines = [f"  ({i}): " + repr(layer).replace("\n", "\n  ") for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"


# %% [markdown]
# ### Test
# These tests use small stand-in layers (not your `Linear`), so they grade `Sequential` alone.

# %% nbgrader={"grade": false, "grade_id": "sequential-stand-ins", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Stand-in layers for the tests (not exported): simple enough to be right by inspection.
class Scale:
    def __init__(self, factor):
        self.factor = Tensor([factor])

    def __call__(self, x):
        return x * self.factor

    def parameters(self):
        return [self.factor]

    def __repr__(self):
        return f"Scale({self.factor.item():g})"


class AddOne:
    def __call__(self, x):
        return x + 1

    def __repr__(self):
        return "AddOne()"


# %% nbgrader={"grade": true, "grade_id": "test-sequential", "locked": true, "points": 7, "schema_version": 3, "solution": false, "task": false}
def test_unit_sequential():
    """Sequential: order of application, layers from module 02, parameters, len, indexing, repr."""
    x = Tensor([[1.0, -2.0], [3.0, 0.5]])
    double, add, triple = Scale(2.0), AddOne(), Scale(3.0)
    model = Sequential(double, add, triple)
    y = attempt(lambda: model(x), "Sequential.forward")
    assert isinstance(y, Tensor), f"Sequential must return the last layer's Tensor, got {type(y).__name__}"
    expect_close(y.data, (x.data * 2 + 1) * 3, "Sequential(×2, +1, ×3) must apply the layers first to last")
    expect_close(Sequential(triple, add, double)(x).data, (x.data * 3 + 1) * 2, "the order of the layers matters")
    expect_close(model.forward(x).data, y.data, "model.forward(x) and model(x) must agree")
    expect_close(Sequential(add, ReLU(), double)(Tensor([-3.0, 1.0])).data, [0.0, 4.0],
                 "Sequential with a ReLU from module 02 in the middle")
    params = model.parameters()
    assert len(params) == 2 and params[0] is double.factor and params[1] is triple.factor, \
        "parameters() collects, in order, from the layers that have parameters() and skips the others"
    assert len(model) == 3 and model[0] is double and model[-1] is triple, "len and indexing"
    part = model[1:]
    assert isinstance(part, Sequential) and len(part) == 2 and part[0] is add, "a slice is a smaller Sequential"
    expect_close(part(x).data, (x.data + 1) * 3, "running a slice of the model")
    text = repr(model)
    assert text.startswith("Sequential(") and "(0): Scale(2)" in text and "(1): AddOne()" in text, text
    print("✅ Sequential: order, activations inside, parameters, len, indexing, repr")


if __name__ == "__main__":
    run_test(test_unit_sequential)

# %% nbgrader={"grade": true, "grade_id": "test-sequential-edge-cases", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
def test_unit_sequential_edge_cases():
    """Sequential's edge cases: no layers is the identity, Sequentials nest, non-layers are refused."""
    x = Tensor([[1.0, -2.0], [3.0, 0.5]])
    double, add, triple = Scale(2.0), AddOne(), Scale(3.0)
    assert attempt(lambda: Sequential()(x), "Sequential.forward") is x, \
        "an empty Sequential is the identity: it returns its input"
    nested = Sequential(Sequential(double, add), triple)
    expect_close(nested(x).data, (x.data * 2 + 1) * 3, "a Sequential can contain another Sequential")
    assert [p is q for p, q in zip(nested.parameters(), [double.factor, triple.factor])] == [True, True], \
        "parameters of nested Sequentials"
    expect_error(TypeError, lambda: Sequential(double, 3), "Sequential with a non-callable layer")
    expect_error(TypeError, lambda: Sequential([double, add]), "Sequential given a list (use Sequential(*layers))")
    print("✅ Sequential edge cases: identity, nesting, errors")


if __name__ == "__main__":
    run_test(test_unit_sequential_edge_cases)

# %% [markdown]
# ### Reflect
# `parameters()` returns the *same* Tensor objects the layers hold, not copies. Why must it?
# (Think about what an optimiser does with the list.) What would go wrong if the same `Linear`
# appeared twice in one `Sequential` — and when might you want exactly that?

# %% [markdown]
# ## 3. mlp — a multilayer perceptron in one line
#
# ### Idea
# A multilayer perceptron (MLP) alternates linear layers and activations:
#
# ```
# mlp([4, 16, 16, 3])  →  Linear(4, 16) → ReLU → Linear(16, 16) → ReLU → Linear(16, 3)
# ```
#
# `sizes` lists the width of every stage, input first and output last, so `len(sizes) - 1`
# linear layers. There is an activation **between** linear layers and **none after the last**:
# the output layer produces raw scores ("logits") that a loss or a `Softmax` interprets.
#
# `activation` is a class (or any zero-argument factory) such as `ReLU` or `Sigmoid`. It is
# *called once per hidden layer*, so each position gets its own instance — activations
# remember their last input for `backward`, so sharing one instance would mix two layers'
# memories. `activation=None` builds a purely linear stack — section 4 shows why that is
# no deeper than one layer.
#
# All layers draw their weights from one Generator, `np.random.default_rng(rng)`: the network
# is reproducible from a seed, and no two layers get the same weights.
#
# ### Build
# Fill in the loop: for each consecutive pair `(n_in, n_out)` of sizes add
# `Linear(n_in, n_out, rng=rng)`, with `activation()` before every linear layer except the
# first (when `activation` is not None). Return a `Sequential` of them.

# %% nbgrader={"grade": false, "grade_id": "mlp-function", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
def mlp(sizes, activation=ReLU, rng=None):
    """Sequential(Linear(s0, s1), act, Linear(s1, s2), act, ..., Linear(s[-2], s[-1])).

    sizes: at least two layer widths, input first. activation: a class or zero-argument
    factory called once per hidden layer, or None for no activations. rng: seed or Generator.
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"mlp needs at least two sizes (inputs and outputs), got {sizes}")
    if activation is not None and (not callable(activation) or
                                   (not isinstance(activation, type) and hasattr(activation, "forward"))):
        raise TypeError(f"activation must be a class such as ReLU (not an instance), got {activation!r}")
    rng = np.random.default_rng(rng)
    ### BEGIN SOLUTION
    layers = []
    for position, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        if position > 0 and activation is not None:
            layers.append(activation())
        layers.append(Linear(n_in, n_out, rng=rng))
    return Sequential(*layers)
    ### END SOLUTION


# %% [markdown]
# ### Test

# %% nbgrader={"grade": true, "grade_id": "test-mlp", "locked": true, "points": 7, "schema_version": 3, "solution": false, "task": false}
def test_unit_mlp():
    """mlp: structure, sizes, parameters; values against NumPy when Linear and Sequential pass their
    own tests (a mistake there is charged there)."""
    model = attempt(lambda: mlp([4, 8, 3], rng=0), "mlp (or the Linear / Sequential it builds on)")
    assert isinstance(model, Sequential), f"mlp must return a Sequential, got {type(model).__name__}"
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Linear", "ReLU", "Linear"], f"mlp([4, 8, 3]) is Linear, ReLU, Linear — got {kinds}"
    first, last = model[0], model[2]
    assert (first.in_features, first.out_features, last.in_features, last.out_features) == (4, 8, 8, 3), \
        f"layer sizes follow `sizes`: got {first!r} and {last!r}"
    assert sum(p.size for p in model.parameters()) == 4 * 8 + 8 + 8 * 3 + 3, "parameter count of mlp([4, 8, 3])"
    if layers_work():
        x = Tensor(np.random.default_rng(3).standard_normal((6, 4)).astype(np.float32))
        y = model(x)
        hidden = np.maximum(x.data @ first.weight.data + first.bias.data, 0)
        expect_close(y.data, hidden @ last.weight.data + last.bias.data, "mlp([4, 8, 3])(x) vs NumPy", rtol=1e-5, atol=1e-6)
        assert y.shape == (6, 3) and y.dtype == np.float32, f"output should be float32 (6, 3), got {y.dtype} {y.shape}"
        assert np.any(y.data < 0), "no activation after the last layer: outputs (logits) can be negative"
    print("✅ mlp: Linear/activation structure, no activation at the end, values")

if __name__ == "__main__":
    run_test(test_unit_mlp)

# %% nbgrader={"grade": true, "grade_id": "test-mlp-edge-cases", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
def test_unit_mlp_edge_cases():
    """mlp's edge cases: one activation instance per hidden layer, no activation, one layer, and one
    Generator for all layers (checked when Linear passes its own test)."""
    deep = attempt(lambda: mlp([5, 7, 7, 7, 2], activation=Sigmoid, rng=1), "mlp")
    kinds = [type(layer).__name__ for layer in deep.layers]
    assert kinds == ["Linear", "Sigmoid", "Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"], kinds
    assert len({id(layer) for layer in deep.layers}) == 7, "each hidden layer needs its own activation instance"
    linear_only = mlp([3, 5, 2], activation=None, rng=0)
    assert [type(layer).__name__ for layer in linear_only.layers] == ["Linear", "Linear"], "activation=None"
    assert len(mlp([3, 2]).layers) == 1, "mlp([3, 2]) is a single Linear layer"
    expect_error(ValueError, lambda: mlp([5]), "mlp with only one size")
    expect_error(TypeError, lambda: mlp([2, 2, 1], activation=ReLU()), "mlp given an activation instance")
    if layers_work():
        weights = [layer.weight.data for layer in deep.layers if isinstance(layer, Linear)]
        assert not np.array_equal(weights[1], weights[2]), \
            "layers of the same shape must get different weights: make one Generator and pass it to every Linear"
        same = mlp([5, 7, 7, 7, 2], activation=Sigmoid, rng=1)
        assert all(np.array_equal(a.weight.data, b.weight.data) for a, b in zip(deep.layers[::2], same.layers[::2])), \
            "the same seed must rebuild the same network"
    print("✅ mlp edge cases: fresh activations, activation=None, a single layer, one Generator")

if __name__ == "__main__":
    run_test(test_unit_mlp_edge_cases)

# %% [markdown]
# ### See it: a classifier's forward pass
#
# An untrained 4 → 16 → 3 network on a batch of 5 examples, with module 02's `Softmax`
# turning each row of logits into class probabilities. (Not graded.)

# %% nbgrader={"grade": false, "grade_id": "mlp-demo", "locked": true, "schema_version": 3, "solution": false, "task": false} tags=["demo"]
if __name__ == "__main__":
    try:
        classifier = mlp([4, 16, 3], rng=0)
        print(classifier)
        count = sum(p.size for p in classifier.parameters())
        print(f"{count} parameters = {count * 4} bytes in float32")
        batch = Tensor(np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32))
        probabilities = Softmax()(classifier(batch))
        print("class probabilities (each row sums to 1):")
        print(np.array2string(probabilities.data, precision=3))
    except NotImplementedError:
        print("Skipped the classifier demo: Linear, Sequential or mlp is not implemented yet.")

# %% [markdown]
# ### Reflect
# Untrained, the probabilities are not far from uniform (1/3 each). Why does a small random
# initialisation give that? For `mlp([784, 512, 512, 10])` (an MNIST classifier), where do
# most of the parameters sit, and which layer costs the most multiply-adds per example?

# %% [markdown]
# ## 4. Why nonlinearity matters, shown numerically
#
# ### Idea
# **XOR** is 1 when exactly one input is 1:
#
# | x₁ | x₂ | XOR |
# |---|---|---|
# | 0 | 0 | 0 |
# | 0 | 1 | 1 |
# | 1 | 0 | 1 |
# | 1 | 1 | 0 |
#
# **No linear model can compute it.** For any `f(x) = x @ w + b`,
#
# ```
# f(0,0) + f(1,1) = 2b + w₁ + w₂ = f(0,1) + f(1,0)
# ```
#
# XOR wants the right side above 1 (two values above ½) and the left side below 1 — a
# contradiction. The *best* least-squares linear fit makes both sides equal by predicting
# **½ for all four points**: pure chance. And stacking linear layers does not escape: two
# layers without an activation *are* one linear layer,
#
# ```
# (x @ W1 + b1) @ W2 + b2 = x @ (W1 @ W2) + (b1 @ W2 + b2)
# ```
#
# **One ReLU fixes it.** With `s = x₁ + x₂`, the hidden layer `Linear(2, 2)` with
# `W1 = [[1, 1], [1, 1]]`, `b1 = [0, −1]` computes `(s, s − 1)`; ReLU turns that into
# `(s, max(0, s − 1))`; the output layer `W2 = [[1], [−2]]`, `b2 = [0]` computes
# `s − 2·max(0, s − 1)`:
#
# | s | hidden after ReLU | output |
# |---|---|---|
# | 0 | (0, 0) | 0 |
# | 1 | (1, 0) | 1 |
# | 2 | (2, 1) | 0 |
#
# Exactly XOR. Remove the ReLU and the same weights compute `s − 2(s − 1) = 2 − s`: a
# straight line, giving `[2, 1, 1, 0]`.
#
# The XOR data, the hand-set network and the least-squares fit are provided below.
#
# ### Build
# Implement `collapse_linear(first, second)`: the single `Linear` equal to `first` followed
# by `second` with no activation between — weight `W1 @ W2`, bias `b1 @ W2 + b2`, where a
# missing bias counts as zero (and the result has no bias if neither layer has one). Work on
# the `.data` arrays with NumPy, keep float32, and put the results into a new
# `Linear(first.in_features, second.out_features, bias=...)` by assigning its `weight` and
# `bias`.

# %% nbgrader={"grade": false, "grade_id": "xor-tools", "locked": true, "schema_version": 3, "solution": false, "task": false}
#| export
XOR_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_TARGETS = np.array([0, 1, 1, 0], dtype=np.float32)


def xor_network():
    """Linear(2, 2) → ReLU → Linear(2, 1) with hand-set weights that compute XOR exactly."""
    hidden, output = Linear(2, 2, rng=0), Linear(2, 1, rng=0)
    hidden.weight, hidden.bias = Tensor([[1.0, 1.0], [1.0, 1.0]]), Tensor([0.0, -1.0])
    output.weight, output.bias = Tensor([[1.0], [-2.0]]), Tensor([0.0])
    return Sequential(hidden, ReLU(), output)


def best_linear_fit(inputs, targets):
    """The least-squares affine fit targets ≈ inputs @ w + b; returns (w, b, predictions).

    Solved with np.linalg.lstsq on the inputs with a column of ones appended (for b), in float64.
    """
    inputs, targets = np.asarray(inputs, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    design = np.column_stack([inputs, np.ones(len(inputs))])
    solution = np.linalg.lstsq(design, targets, rcond=None)[0]
    return solution[:-1], float(solution[-1]), design @ solution


# %% nbgrader={"grade": false, "grade_id": "collapse-linear", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
def collapse_linear(first, second):
    """The one Linear layer equal to Sequential(first, second): W = W1 @ W2, b = b1 @ W2 + b2."""
    if not (isinstance(first, Linear) and isinstance(second, Linear)):
        raise TypeError(f"collapse_linear takes two Linear layers, got {type(first).__name__} and {type(second).__name__}")
    if first.out_features != second.in_features:
        raise ValueError(f"cannot stack {first!r} and {second!r}: {first.out_features} outputs "
                         f"feed {second.in_features} inputs")
    ### BEGIN SOLUTION
    w1, w2 = first.weight.data, second.weight.data
    b1 = np.zeros(first.out_features, np.float32) if first.bias is None else first.bias.data
    b2 = np.zeros(second.out_features, np.float32) if second.bias is None else second.bias.data
    merged = Linear(first.in_features, second.out_features, bias=first.bias is not None or second.bias is not None)
    merged.weight = Tensor((w1 @ w2).astype(np.float32))
    if merged.bias is not None:
        merged.bias = Tensor((b1 @ w2 + b2).astype(np.float32))
    return merged
    ### END SOLUTION


# %% [markdown]
# ### Test

# %% nbgrader={"grade": true, "grade_id": "test-nonlinearity", "locked": true, "points": 10, "schema_version": 3, "solution": false, "task": false}
def test_unit_nonlinearity():
    """XOR: one ReLU solves it exactly; the best linear fit and stacked linear layers cannot; and
    collapse_linear merges two linear layers into one. The XOR network runs on your Linear and
    Sequential: it is checked when those pass their own tests (a mistake there is charged there)."""
    inputs, targets = XOR_INPUTS, XOR_TARGETS
    if layers_work():
        network = xor_network()
        out = network(Tensor(inputs))
        assert isinstance(out, Tensor) and out.shape == (4, 1), f"the XOR network maps (4, 2) to (4, 1), got {out.shape}"
        assert np.array_equal(out.data[:, 0], targets), f"Linear → ReLU → Linear must output XOR [0 1 1 0], got {out.data[:, 0]}"
        no_relu = Sequential(network[0], network[2])(Tensor(inputs)).data[:, 0]
        assert np.array_equal(no_relu, [2, 1, 1, 0]), f"without ReLU the XOR weights compute 2 − x₁ − x₂, got {no_relu}"

    # The best linear fit predicts 1/2 everywhere: chance level.
    _, _, fit = best_linear_fit(inputs, targets)
    expect_close(fit, [0.5, 0.5, 0.5, 0.5], "the best linear fit to XOR", rtol=0, atol=1e-9)

    # collapse_linear: one layer equal to two stacked layers, checked against NumPy.
    rng = np.random.default_rng(4)
    a, b = Linear(5, 7, rng=rng), Linear(7, 3, rng=rng)
    one = attempt(lambda: collapse_linear(a, b), "collapse_linear")
    assert isinstance(one, Linear), f"collapse_linear must return a Linear, got {type(one).__name__}"
    assert (one.in_features, one.out_features) == (5, 3) and one.weight.shape == (5, 3), "collapse of (5→7, 7→3) is 5→3"
    assert one.weight.dtype == np.float32 and one.bias.dtype == np.float32, "collapsed parameters stay float32"
    expect_close(one.weight.data, a.weight.data @ b.weight.data, "collapsed weight = W1 @ W2", rtol=1e-5, atol=1e-6)
    expect_close(one.bias.data, a.bias.data @ b.weight.data + b.bias.data, "collapsed bias = b1 @ W2 + b2",
                 rtol=1e-5, atol=1e-6)
    print("✅ Nonlinearity: ReLU network computes XOR exactly; linear fit stays at 1/2; two linear layers = one")


if __name__ == "__main__":
    run_test(test_unit_nonlinearity)

# %% nbgrader={"grade": true, "grade_id": "test-nonlinearity-edge-cases", "locked": true, "points": 5, "schema_version": 3, "solution": false, "task": false}
def test_unit_nonlinearity_edge_cases():
    """collapse_linear's edge cases: missing biases count as zero, sizes must chain."""
    rng = np.random.default_rng(5)
    a, b = Linear(5, 7, rng=rng), Linear(7, 3, rng=rng)
    nb1, nb2 = Linear(5, 7, bias=False, rng=1), Linear(7, 3, bias=False, rng=2)
    plain = attempt(lambda: collapse_linear(nb1, nb2), "collapse_linear")
    assert plain.bias is None, "two layers without bias collapse to a layer without bias"
    expect_close(collapse_linear(nb1, b).bias.data, b.bias.data, "a missing first bias counts as zero", rtol=1e-5, atol=1e-6)
    expect_close(collapse_linear(a, nb2).bias.data, a.bias.data @ nb2.weight.data, "a missing second bias counts as zero",
                 rtol=1e-5, atol=1e-6)
    expect_error(ValueError, lambda: collapse_linear(a, a), "collapse_linear of 5→7 and 5→7 (sizes do not chain)")
    print("✅ collapse_linear edge cases: missing biases, sizes that do not chain")


if __name__ == "__main__":
    run_test(test_unit_nonlinearity_edge_cases)

# %% [markdown]
# ### See it

# %% nbgrader={"grade": false, "grade_id": "xor-demo", "locked": true, "schema_version": 3, "solution": false, "task": false} tags=["demo"]
if __name__ == "__main__":
    try:
        network = xor_network()
        with_relu = network(Tensor(XOR_INPUTS)).data[:, 0]
        without_relu = Sequential(network[0], network[2])(Tensor(XOR_INPUTS)).data[:, 0]
        weights, bias, fit = best_linear_fit(XOR_INPUTS, XOR_TARGETS)
        print(f"best linear fit: w = {np.round(weights, 6) + 0.0}, b = {bias:.6f}")
        print(f"{'x1':>3}{'x2':>4}{'XOR':>5}{'with ReLU':>11}{'no ReLU':>9}{'linear fit':>12}")
        for (x1, x2), target, a, b, c in zip(XOR_INPUTS, XOR_TARGETS, with_relu, without_relu, fit):
            print(f"{x1:>3.0f}{x2:>4.0f}{target:>5.0f}{a:>11.3f}{b:>9.3f}{c:>12.3f}")
        print("collapsed (no ReLU) layer:", collapse_linear(network[0], network[2]).weight.data.ravel(),
              "+", collapse_linear(network[0], network[2]).bias.data)
    except NotImplementedError:
        print("Skipped the XOR demo: Linear, Sequential or collapse_linear is not implemented yet.")

# %% [markdown]
# ### Reflect
# The linear fit is not merely *bad* at XOR — it is maximally uncertain, ½ everywhere. How many
# hidden ReLU units did XOR need, and how could you tell from the table which hidden unit
# "detects" the (1, 1) case? Could a network with a *linear* activation and a million layers do
# any better?

# %% [markdown]
# ## Reflect: ML-systems questions
#
# 1. **Where the time goes.** A `Linear(in, out)` on a batch of `B` costs `B·in·out`
#    multiply-adds but reads only `in·out` weights. Why does a bigger batch make each example
#    cheaper on real hardware?
# 2. **Memory.** Training keeps every layer's input for the backward pass. For
#    `mlp([784, 512, 512, 10])` and a batch of 256 in float32, how many bytes is that, compared
#    with the weights themselves?
# 3. **Folding at inference.** `collapse_linear` merges two layers into one. Real inference
#    compilers fold a normalisation layer into the preceding linear layer the same way. What
#    is gained, and why can they never fold across a ReLU?
# 4. **Reproducibility.** Your network is reproducible from one seed. What breaks that in
#    practice (different layer order, data-loader workers, GPU kernels)?
# 5. **Layout.** We store `W` as `(in, out)`, PyTorch as `(out, in)`. Does it matter for speed?
#    (Hint: NumPy's `@` can read a transposed matrix without copying it.)
#
# ## Summary
#
# You built the layer API the rest of the course uses: `Linear` with PyTorch's initialisation,
# seeds and float32 parameters; `Sequential` with parameter collection, indexing and a
# readable repr; and `mlp`, which builds a whole network in one line with a fresh activation
# between every pair of linear layers. Then you proved, with numbers, why the activations of
# module 02 exist: the best linear model sits at ½ on XOR, two linear layers collapse into one,
# and a single ReLU makes a 2-2-1 network compute XOR exactly.
#
# **Next:** a network that *could* compute anything is useless until it learns its weights —
# the next modules add losses, gradients and an optimiser that trains these layers.
