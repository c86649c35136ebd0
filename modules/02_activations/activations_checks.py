"""Trusted checks for module 02, one per graded cell (instructor-only: never released, never in a kit).

The grader runs each check after the student's notebook, on inputs drawn fresh for the grading run,
calling the student's code in the sandboxed kernel and the reference package here (see
tito/grading/checks.py). They follow the notebook's grading policy: ordinary inputs in one cell,
edge cases in the next, and a mistake charged once — a part built on another (SiLU on _sigmoid) is
checked against the student's own version of that part when that part's own check fails.
"""
import numpy as np

from tito.grading.checks import DTYPES, Checks

checks = Checks(reference="tinytorch.core.activations")

ORDINARY = dict(dtype=False, rtol=1e-9, atol=1e-300, fresh=True)  # values only (float64; alternatives differ by
                                                                  # ulps); a new array, never a view of x


def forward(name, c, x, **tolerance):
    c.same(f"{name}(Tensor(x))", x=x, **{**ORDINARY, **tolerance})


def edges(name, c, spread, **tolerance):
    """dtype kept and the extremes right, for inputs in ±spread with ±inf, nan, ±0, huge values planted."""
    for dtype in DTYPES:
        c.same(f"{name}(Tensor(x))", x=c.with_specials(c.uniform(-spread, spread, 6, 5, dtype=dtype)), fresh=True,
               **tolerance)


@checks.cell("test-relu")
def relu(c):
    forward("ReLU()", c, c.normal(4, 6, scale=3))
    forward("ReLU()", c, c.normal(2, 3, 5))


@checks.cell("test-relu-edge-cases")
def relu_edges(c):
    edges("ReLU()", c, 10)


@checks.cell("test-sigmoid")
def sigmoid(c):
    forward("Sigmoid()", c, c.uniform(-8, 8, 5, 7))


@checks.cell("test-sigmoid-edge-cases")
def sigmoid_edges(c):
    for dtype in DTYPES:     # below the smallest normal number only absolute accuracy is possible
        tiny = 1.2e-38 if dtype == "float32" else 2.3e-308
        c.same("Sigmoid()(Tensor(x))", x=c.with_specials(c.uniform(-800, 800, 6, 5, dtype=dtype)), atol=tiny)


@checks.cell("test-sigmoid-backward")
def sigmoid_backward(c):
    # against the student's own output y, as in the notebook: a forward mistake is not charged twice
    x, g = c.uniform(-6, 6, 3, 4), c.normal(3, 4)
    y, dx = c.run("s = Sigmoid(); y = s(Tensor(x)); (y, s.backward(Tensor(g)))", x=x, g=g)
    c.expect(dx.data, g * y.data * (1 - y.data), "Sigmoid.backward(g) = g·y·(1 − y) of the saved output y",
             rtol=1e-9, atol=1e-15, dtype=False)
    dtype = c.run("s = Sigmoid(); s(Tensor(x.astype(np.float32))); s.backward(Tensor(g)).data.dtype.name", x=x, g=g)
    c.expect(dtype, "float32", "Sigmoid.backward on float32 (with a float64 gradient) must stay float32")


@checks.cell("test-tanh")
def tanh(c):
    forward("Tanh()", c, c.uniform(-4, 4, 4, 5))


@checks.cell("test-tanh-edge-cases")
def tanh_edges(c):
    edges("Tanh()", c, 1000)
    for dtype in DTYPES:     # tiny inputs keep their precision
        c.same("Tanh()(Tensor(x))", x=c.uniform(-1e-4, 1e-4, 8, dtype=dtype))


@checks.cell("test-softmax")
def softmax(c):
    forward("Softmax()", c, c.normal(5, 7, scale=3))
    forward("Softmax()", c, c.normal(2, 3, 4))


@checks.cell("test-softmax-dim")
def softmax_dim(c):
    x = c.normal(3, 4, 5, scale=3)
    for dim in (0, 1, -2):
        c.same("Softmax(dim=d)(Tensor(x))", x=x, d=dim, **ORDINARY)


@checks.cell("test-softmax-edge-cases")
def softmax_edges(c):
    for dtype in DTYPES:
        x = c.normal(5, 6, scale=500, dtype=dtype)
        x[0, 2] = x[3, :2] = float("-inf")          # masked entries
        x[4] = float("-inf")                        # a row with nothing left: nan, silently
        # probabilities are compared in absolute terms: log-sum-exp is as right as the reference,
        # yet its tiny probabilities differ in relative terms (e^(s − L) amplifies the rounding of s)
        c.same("Softmax()(Tensor(x))", x=x, atol=16 * np.finfo(dtype).eps)


@checks.cell("test-softmax-backward")
def softmax_backward(c):
    x, g = c.normal(3, 5, scale=2), c.normal(3, 5)
    for dim in (-1, 0):
        y, dx = c.run("s = Softmax(dim=d); y = s(Tensor(x)); (y, s.backward(Tensor(g)))", x=x, g=g, d=dim)
        y = y.data
        c.expect(dx.data, y * (g - (g * y).sum(axis=dim, keepdims=True)),
                 f"Softmax(dim={dim}).backward(g) = y·(g − Σ g·y) of the saved output y", rtol=1e-9, atol=1e-14,
                 dtype=False)


@checks.cell("test-leaky-relu")
def leaky_relu(c):
    x = c.normal(4, 6, scale=5)
    forward("LeakyReLU()", c, x)
    for slope in (round(float(c.uniform(0.05, 0.5)), 3), 2.0, 0.0):
        c.same("LeakyReLU(a)(Tensor(x))", x=x, a=slope, **ORDINARY)


@checks.cell("test-leaky-relu-edge-cases")
def leaky_relu_edges(c):
    edges("LeakyReLU()", c, 10)
    edges("LeakyReLU(0.0)", c, 10)


def sigma(c, x, right, strict=True):
    """σ(x): the true one when the student's sigmoid passed its check, else the student's own."""
    if right:
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-x))
    return c.run("_sigmoid(x)", x=x, strict=False)


@checks.cell("test-silu")
def silu(c):
    x = c.uniform(-10, 10, 4, 6)
    c.expect_run("SiLU()(Tensor(x)).data", x * sigma(c, x, c.passed("test-sigmoid")), "SiLU(x) = x·σ(x)",
                 rtol=1e-9, atol=1e-300, dtype=False, x=x)


@checks.cell("test-silu-edge-cases")
def silu_edges(c):
    right = c.passed("test-sigmoid-edge-cases")
    for dtype in DTYPES:        # where σ(x) is subnormal, SiLU is only accurate in absolute terms
        x = c.with_specials(c.uniform(-800, 800, 6, 5, dtype=dtype))
        atol = 1e-36 if dtype == "float32" else 1e-305
        if right:
            c.same("SiLU()(Tensor(x))", x=x, atol=atol)
        else:       # quietly, against the student's own σ: its overflow is charged in test-sigmoid-edge-cases
            with np.errstate(invalid="ignore"):
                want = (x * sigma(c, x, False)).astype(dtype)
            c.expect_run("SiLU()(Tensor(x)).data", want, "SiLU(x) = x·σ(x) with your own _sigmoid", rtol=1e-5,
                         atol=atol, dtype=False, strict=False, x=x)


def gelu_tanh(c, x, right):
    with np.errstate(over="ignore", invalid="ignore"):
        two_u = 2 * np.sqrt(2 / np.pi) * (x + 0.044715 * x * x * x)
        want = x * sigma(c, two_u, right)
    want[np.isneginf(x)] = np.nan                     # −inf · 0, as in PyTorch
    return want


@checks.cell("test-gelu")
def gelu(c):
    forward("GELU()", c, c.uniform(-5, 5, 3, 7), rtol=1e-12)
    x = c.uniform(-5, 5, 3, 7)
    c.expect_run("GELU(approximate='tanh')(Tensor(x)).data", gelu_tanh(c, x, c.passed("test-sigmoid")),
                 "GELU(approximate='tanh')(x) = x·σ(2u)", rtol=1e-9, atol=1e-300, dtype=False, x=x)


@checks.cell("test-gelu-edge-cases")
def gelu_edges(c):
    edges("GELU()", c, 1000, atol=1e-37)
    c.same("GELU()(Tensor(x))", x=c.uniform(-9, -3, 6, dtype="float32"), rtol=3 * 2.0 ** -23)   # float32 accuracy
    right = c.passed("test-sigmoid-edge-cases")
    for dtype in DTYPES:
        x = c.with_specials(c.uniform(-12, 12, 6, 5, dtype=dtype))       # the tail, ±inf, nan, huge
        if right:
            c.same("GELU(approximate='tanh')(Tensor(x))", x=x, rtol=1e-5, atol=1e-37)
        else:
            c.expect_run("GELU(approximate='tanh')(Tensor(x)).data", gelu_tanh(c, x, False).astype(dtype),
                         "GELU(approximate='tanh') with your own _sigmoid", rtol=1e-5, atol=1e-37, dtype=False,
                         strict=False, x=x)


ALL = ["ReLU", "Sigmoid", "Tanh", "Softmax", "LeakyReLU", "SiLU", "GELU"]
OWN_CELL = {name: "test-" + {"LeakyReLU": "leaky-relu"}.get(name, name.lower()) for name in ALL}


@checks.cell("test-activations-comprehensive")
def comprehensive(c):
    for name in ALL:                # every activation implemented
        c.run(f"{name}()(Tensor(x))", x=c.normal(2, 3))
    working = [name for name in ALL if c.passed(OWN_CELL[name])]
    c.expect(len(working) >= 5, True, f"at least 5 of the 7 activations must pass their own checks "
                                      f"(these do: {', '.join(working) or 'none'})")
    for name in working:            # reused on new shapes, big batches
        shape = c.run(f"a = {name}(); a(Tensor(x1)); a(Tensor(x2)); a.backward(Tensor(x2 * 0 + 1)).shape",
                      x1=c.normal(2, 5), x2=c.normal(3, 4, 6))
        c.expect(tuple(shape), (3, 4, 6), f"{name}.backward after a second call must follow that call's shape")
        finite = c.run(f"bool(np.all(np.isfinite({name}()(Tensor(x)).data)))", x=c.normal(64, 10, scale=10))
        c.expect(finite, True, f"{name} on a (64, 10) batch of finite inputs must give finite values")
