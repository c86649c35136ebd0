"""The numeric contract of every activation, checked by one harness against PyTorch golden
values (tests/golden) and high-precision mpmath values. torch is never imported here."""
import tracemalloc
import warnings

import numpy as np
import pytest

from numerics import DTYPES, GOLDEN, INPUTS, allowed_ulp, grid, ulp_errors
from tinytorch.core.activations import GELU, SiLU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from tinytorch.core.tensor import Tensor

ELEMENTWISE = {
    "relu": ReLU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "silu": SiLU,
    "gelu": GELU,
    "gelu_tanh": lambda: GELU(approximate="tanh"),
    "leaky_relu_0.01": LeakyReLU,
    "leaky_relu_0.2": lambda: LeakyReLU(0.2),
}
CASES = [(name, dtype) for name in ELEMENTWISE for dtype in DTYPES]


def quietly(fn, *args):
    """Call fn with every Python/NumPy warning turned into an error: nothing may reach stderr."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):  # NumPy's defaults
            return fn(*args)


def forward_and_backward(make, x, grad):
    act = make()
    before = x.copy()
    y = quietly(act, Tensor(x))
    dx = quietly(act.backward, Tensor(grad))
    assert np.array_equal(x, before, equal_nan=True), "the input was modified"
    return y, dx


def tolerance(name, dtype):
    """How close to PyTorch. torch's own GELU loses relative accuracy in the negative tail
    (it returns -0 below about -5.5 in float32), so GELU gets an absolute allowance there."""
    eps = np.finfo(dtype).eps
    atol = {"gelu": 1e-5, "gelu_tanh": 1e-5}.get(name, 0.0) if dtype == "float32" else \
        {"gelu": 1e-13, "gelu_tanh": 1e-13}.get(name, 0.0)
    return dict(rtol=32 * eps, atol=max(atol, 1e3 * np.finfo(dtype).tiny))


# Where we deliberately differ from PyTorch: its float32 GELU kernel returns nan for +inf
# (its float64 kernel, and the math, give +inf). Ours gives +inf in both dtypes.
KNOWN_DIFFERENCES = {("gelu", "float32", "forward"): [np.inf], ("gelu_tanh", "float32", "forward"): []}


def assert_like_torch(ours, torch, name, dtype, x, what, scale=None):
    """Same nan/inf pattern and close values. `scale` (per element) adds an absolute allowance
    of 8 eps·scale where the result is a difference of larger terms (1 − y², g − Σg·y)."""
    assert ours.dtype == np.dtype(dtype), f"{name} {what}: dtype {ours.dtype}, expected {dtype}"
    assert ours.shape == torch.shape
    ours, torch, x = ours.ravel(), torch.ravel().copy(), np.ravel(x)
    slack = 0 if scale is None else 8 * np.finfo(dtype).eps * np.abs(np.ravel(scale))
    for special in KNOWN_DIFFERENCES.get((name, dtype, what), []):
        where = x == special
        assert np.isnan(torch[where]).all() and np.array_equal(ours[where], x[where])
        torch[where] = ours[where]
    same_specials = np.array_equal(np.isnan(ours), np.isnan(torch)) and \
        np.array_equal(ours[np.isinf(torch)], torch[np.isinf(torch)])
    bad = np.flatnonzero(np.isnan(ours) != np.isnan(torch))
    assert same_specials, f"{name} {what} nan/inf differ from PyTorch at x={x[bad[:5]] if len(bad) else '?'}"
    finite = np.isfinite(torch)
    limits = tolerance(name, dtype)
    allowed = limits["atol"] + limits["rtol"] * np.abs(torch[finite]) + (slack[finite] if scale is not None else 0)
    close = np.abs(ours[finite] - torch[finite]) <= allowed
    worst = np.flatnonzero(~close)
    assert close.all(), (f"{name} {what} differs from PyTorch at x={x[finite][worst[:5]]}: "
                         f"ours {ours[finite][worst[:5]]}, torch {torch[finite][worst[:5]]}")


# ---- 1. forward values: against PyTorch and against the true value (ulp contract) ----

@pytest.mark.parametrize("name,dtype", CASES)
def test_forward_matches_pytorch_everywhere(name, dtype):
    x, grad = grid(dtype)
    y, _ = forward_and_backward(ELEMENTWISE[name], x, grad)
    assert_like_torch(y.data, GOLDEN[f"{name}/{dtype}/y"], name, dtype, x, "forward")


@pytest.mark.parametrize("inputs", list(INPUTS))
@pytest.mark.parametrize("name,dtype", [(n, d) for n in ("sigmoid", "tanh", "silu", "gelu", "gelu_tanh") for d in DTYPES])
def test_forward_is_within_the_documented_ulp_bound(name, dtype, inputs):
    x = INPUTS[inputs](dtype)
    y = quietly(ELEMENTWISE[name](), Tensor(x)).data
    errors, bound = ulp_errors(name, dtype, y, inputs), allowed_ulp(name, dtype, x)
    checked = ~np.isnan(errors) & ~np.isnan(bound)
    assert checked.sum() > 1000, "most of the grid must be checked"
    over = checked & (errors > bound)
    assert not over.any(), f"{name} {dtype}: {errors[over][:5]} ulp at x={x[over][:5]} (bound {bound[over][:5]})"


@pytest.mark.parametrize("dtype", DTYPES)
def test_relu_and_leaky_relu_are_exact(dtype):
    x, _ = grid(dtype)
    assert np.array_equal(ReLU()(Tensor(x)).data, GOLDEN[f"relu/{dtype}/y"], equal_nan=True)
    ours = LeakyReLU(0.2)(Tensor(x)).data
    expected = np.where(x > 0, x, x * np.asarray(0.2, dtype=dtype))
    assert np.array_equal(ours, expected, equal_nan=True)


def test_hand_checked_values():
    x = Tensor(np.array([-2.0, -1.0, 0.0, 1.0, 2.0]))
    assert np.array_equal(ReLU()(x).data, [0, 0, 0, 1, 2])
    assert np.allclose(Sigmoid()(x).data, [0.11920292202, 0.26894142137, 0.5, 0.73105857863, 0.88079707798], rtol=1e-10)
    assert np.allclose(Tanh()(x).data, [-0.96402758008, -0.76159415596, 0, 0.76159415596, 0.96402758008], rtol=1e-10)
    assert np.allclose(Softmax()(Tensor(np.array([1.0, 2.0, 3.0]))).data, [0.09003057317, 0.24472847105, 0.66524095578])
    assert np.allclose(LeakyReLU()(x).data, [-0.02, -0.01, 0, 1, 2])
    assert np.allclose(SiLU()(x).data, [-0.23840584404, -0.26894142137, 0, 0.73105857863, 1.76159415596], rtol=1e-10)
    assert np.allclose(GELU()(x).data, [-0.04550026390, -0.15865525393, 0, 0.84134474607, 1.95449973610], rtol=1e-10)
    assert np.allclose(GELU(approximate="tanh")(x).data, [-0.04540230591, -0.15880800939, 0, 0.84119199061,
                                                          1.95459769409], rtol=1e-9)


# ---- 2. shapes: 0-d, empty, batches; dtypes; the input is untouched ----

ALL = dict(ELEMENTWISE, softmax=Softmax, softmax_dim0=lambda: Softmax(dim=0))


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (0, 4), (7,), (4, 5), (2, 3, 4)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_shapes_dtypes_and_no_mutation(name, shape, dtype):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype) * 3
    if name.startswith("softmax") and x.ndim == 0:
        with pytest.raises(ValueError, match="0-d tensor has no axis"):
            ALL[name]()(Tensor(x))
        return
    y, dx = forward_and_backward(ALL[name], x, np.ones_like(x))
    assert y.shape == shape and y.dtype == np.dtype(dtype)
    assert dx.shape == shape and dx.dtype == np.dtype(dtype)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_batched_equals_elementwise(name):
    x = np.random.default_rng(1).standard_normal((3, 4, 5)).astype(np.float32) * 4
    batched = ELEMENTWISE[name]()(Tensor(x)).data
    one_by_one = np.array([ELEMENTWISE[name]()(Tensor(v)).data for v in x.ravel()]).reshape(x.shape)
    assert np.array_equal(batched, one_by_one)


def test_integer_data_becomes_float32():
    assert Sigmoid()(Tensor([1, 2, 3])).dtype == np.float32       # Tensor's rule: ints -> float32
    assert ReLU()(Tensor([True, False])).dtype == np.float32


# ---- 3. softmax: cases from PyTorch, dim, masked rows ----

SOFTMAX_CASES = sorted({k.split("/")[0] for k in GOLDEN.files if k.startswith("softmax")})


@pytest.mark.parametrize("case", SOFTMAX_CASES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_matches_pytorch(case, dtype):
    x, g = GOLDEN[f"{case}/{dtype}/x"], GOLDEN[f"{case}/{dtype}/grad_out"]
    y, dx = forward_and_backward(lambda: Softmax(dim=0 if case == "softmax_dim0" else -1), x, g)
    assert_like_torch(y.data, GOLDEN[f"{case}/{dtype}/y"], case, dtype, x.ravel(), "forward")
    y_ = y.data
    scale = y_ * (np.abs(g) + np.sum(np.abs(g * y_), axis=0 if case == "softmax_dim0" else -1, keepdims=True))
    assert_like_torch(dx.data, GOLDEN[f"{case}/{dtype}/grad_in"], case, dtype, x.ravel(), "backward", scale)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_rows_sum_to_one_and_masked_entries_are_exactly_zero(dtype):
    rng = np.random.default_rng(2)
    x = (rng.standard_normal((200, 37)) * rng.choice([1, 10, 100, 1000], (200, 1))).astype(dtype)
    x[rng.random(x.shape) < 0.2] = -np.inf
    x[:, 0] = rng.standard_normal(200)             # every row keeps one finite entry
    y = quietly(Softmax(), Tensor(x)).data
    assert np.all(np.abs(y.sum(axis=-1) - 1) <= 4 * np.finfo(dtype).eps)
    assert np.all(y[np.isneginf(x)] == 0)
    rows = quietly(Softmax(), Tensor(np.full((2, 3), -np.inf, dtype=dtype))).data
    assert np.isnan(rows).all(), "an all -inf row has no distribution: nan, as in PyTorch"


@pytest.mark.parametrize("dim", [0, 1, 2, -1, -2])
def test_softmax_any_dim(dim):
    x = np.random.default_rng(3).standard_normal((3, 4, 5))
    y = Softmax(dim=dim)(Tensor(x)).data
    expected = np.exp(x) / np.exp(x).sum(axis=dim, keepdims=True)
    assert np.allclose(y, expected, rtol=1e-13)


def test_softmax_backward_never_builds_the_jacobian():
    # a dense Jacobian of one 5,000-class row is 5000² floats = 100 MB; the O(n) product needs a few
    # arrays of the row's size (20 kB each): peak memory tells the two apart
    x = np.random.default_rng(4).standard_normal((1, 5_000)).astype(np.float32)
    softmax = Softmax()
    softmax(Tensor(x))
    grad = np.random.default_rng(5).standard_normal(x.shape).astype(np.float32)
    tracemalloc.start()
    try:
        dx = softmax.backward(Tensor(grad)).data
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000, f"Softmax.backward allocated {peak / 1e6:.1f} MB at its peak for one 5,000-class row"
    y = softmax.output.data.astype(np.float64)
    np.testing.assert_allclose(dx, y * (grad - (grad * y).sum()), rtol=1e-4, atol=1e-9)


# ---- 4. derivatives: PyTorch's gradients and central differences ----

@pytest.mark.parametrize("name,dtype", CASES)
def test_backward_matches_pytorch(name, dtype):
    x, grad = grid(dtype)
    _, dx = forward_and_backward(ELEMENTWISE[name], x, grad)
    assert_like_torch(dx.data, GOLDEN[f"{name}/{dtype}/grad_in"], name, dtype, x, "backward", scale=grad)


def central_difference(make, x, grad, h=1e-6):
    """d/dx of sum(grad * f(x)), one coordinate at a time, in float64."""
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = h
        up, down = make()(Tensor(x + step)).data, make()(Tensor(x - step)).data
        numeric[i] = np.sum(grad * (up - down)) / (2 * h)
    return numeric


@pytest.mark.parametrize("name", ALL)
def test_backward_matches_central_differences(name):
    rng = np.random.default_rng(5)
    x = rng.uniform(-4, 4, (3, 5))
    x[np.abs(x) < 1e-3] += 0.01          # keep away from ReLU's kink
    grad = rng.standard_normal(x.shape)
    act = ALL[name]()
    act(Tensor(x))
    analytic = act.backward(Tensor(grad)).data
    numeric = central_difference(ALL[name], x, grad)
    assert np.allclose(analytic, numeric, rtol=1e-6, atol=1e-8), np.abs(analytic - numeric).max()


def test_relu_derivative_follows_pytorch_conventions():
    relu = ReLU()
    relu(Tensor(np.array([-1.0, 0.0, -0.0, 2.0, np.nan])))
    assert np.array_equal(relu.backward(Tensor(np.full(5, 3.0))).data, [0, 0, 0, 3, 3]), "ReLU'(0) = 0; nan passes"


# ---- 5. API errors say what is wrong ----

@pytest.mark.parametrize("name", ALL)
def test_non_tensor_input_is_a_clear_type_error(name):
    with pytest.raises(TypeError, match="expects a Tensor"):
        ALL[name]()(np.array([1.0, 2.0]))
    with pytest.raises(TypeError, match="expects a Tensor"):
        ALL[name]()([1.0, 2.0])


def test_backward_misuse_is_explained():
    with pytest.raises(RuntimeError, match="before"):
        Sigmoid().backward(Tensor([1.0]))
    sigmoid = Sigmoid()
    sigmoid(Tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="shape"):
        sigmoid.backward(Tensor([1.0, 2.0, 3.0]))


def test_constructor_arguments_are_checked():
    with pytest.raises(TypeError, match="dim"):
        Softmax(dim="rows")
    with pytest.raises(ValueError, match="approximate"):
        GELU(approximate="fast")
    with pytest.raises(TypeError, match="negative_slope"):
        LeakyReLU("0.1")
    assert repr(Softmax(dim=0)) == "Softmax(dim=0)" and repr(GELU("tanh")) == "GELU(approximate='tanh')"


def test_bad_arguments_and_integer_tensors_are_refused_by_name():
    with pytest.raises(TypeError, match="floating-point data, got a Tensor of dtype int64"):
        GELU()(Tensor([1, 2], dtype=np.int64))
    with pytest.raises(ValueError, match="finite"):
        LeakyReLU(float("nan"))
    assert LeakyReLU(np.int64(0)).negative_slope == 0.0
    with pytest.raises(TypeError, match="dim"):
        Softmax(dim=True)
    with pytest.raises(ValueError, match=r"Softmax\(dim=2\) is out of range for a tensor of shape \(2, 3\)"):
        Softmax(dim=2)(Tensor(np.zeros((2, 3))))
    from tinytorch.core.activations import erfc
    assert np.allclose(erfc(np.array([0, 1])), [1.0, 0.157299207050285])
