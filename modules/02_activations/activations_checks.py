"""Trusted checks for module 02, one per graded cell (instructor-only: never released, never in a kit).

The grader runs each check after the student's notebook, on inputs drawn fresh for the grading run,
calling the student's code in the sandboxed kernel and the reference package here (see
tito/grading/checks.py). They follow the notebook's grading policy: ordinary inputs in one cell,
edge cases in the next, and a mistake charged once — a part built on another (SiLU on _sigmoid) runs
with a right version of that part plugged in when that part fails its own check; a backward pass runs
on a saved input and output planted by the check.
"""
import ast

import numpy as np

from tito.grading.checks import DTYPES, Checks, TensorValue

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


# Backward is checked on a saved input and output planted by the check — the true ones — so a forward
# mistake is not charged twice, and a wrong forward cannot make a wrong backward look consistent.
PLANT = "s.input, s.output = Tensor(x), Tensor(y); "


@checks.cell("test-sigmoid-backward")
def sigmoid_backward(c):
    x, g = c.uniform(-6, 6, 3, 4), c.normal(3, 4)
    y = 1 / (1 + np.exp(-x))
    dx = c.run("s = Sigmoid(); " + PLANT + "s.backward(Tensor(g))", x=x, y=y, g=g)
    c.expect(dx, TensorValue(g * y * (1 - y)), "Sigmoid.backward(g) = g·y·(1 − y) of the saved output y",
             rtol=1e-9, atol=1e-15, dtype=False)
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    dtype = c.run("s = Sigmoid(); " + PLANT + "str(s.backward(Tensor(g)).dtype)", x=x32, y=y32, g=g)
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
        x[1, 1], x[2, 4] = float("inf"), float("nan")   # rows holding +inf or nan: nan, as in PyTorch
        # probabilities are compared in absolute terms: log-sum-exp is as right as the reference,
        # yet its tiny probabilities differ in relative terms (e^(s − L) amplifies the rounding of s)
        c.same("Softmax()(Tensor(x))", x=x, atol=16 * np.finfo(dtype).eps)


@checks.cell("test-softmax-backward")
def softmax_backward(c):
    x, g = c.normal(3, 5, scale=2), c.normal(3, 5)
    for dim in (-1, 0):
        e = np.exp(x - x.max(axis=dim, keepdims=True))
        y = e / e.sum(axis=dim, keepdims=True)
        dx = c.run("s = Softmax(dim=d); " + PLANT + "s.backward(Tensor(g))", x=x, y=y, g=g, d=dim)
        c.expect(dx, TensorValue(y * (g - (g * y).sum(axis=dim, keepdims=True))),
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


def true_sigmoid(a):
    z = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + z), z / (1 + z))


def plugged(src, sigmoid_right):
    """src as it is when the student's _sigmoid passed its check; else run with a right σ plugged in
    for _sigmoid (restored after). A part built on σ is then graded on its own code: σ's mistake is
    charged in σ's cell only, and a wrong σ cannot make a matching wrong SiLU look consistent."""
    if sigmoid_right:
        return src
    *statements, last = ast.parse(src).body            # the last one is the answer (an expression)
    body = [ast.unparse(s) for s in statements] + [f"__answer = {ast.unparse(last.value)}"]
    return ("__module = Activation.__call__.__globals__; __own = __module.get('_sigmoid')\n"
            "__module['_sigmoid'] = lambda a: (lambda z: np.where(a >= 0, 1 / (1 + z), z / (1 + z)))(np.exp(-np.abs(a)))\n"
            "try:\n" + "".join(f"    {line}\n" for line in body) +
            "finally:\n"
            "    __module['_sigmoid'] = __own\n"
            "__answer")


@checks.cell("test-silu")
def silu(c):
    x = c.uniform(-10, 10, 4, 6)
    c.expect_run(plugged("SiLU()(Tensor(x)).data", c.passed("test-sigmoid")), x * true_sigmoid(x), "SiLU(x) = x·σ(x)",
                 rtol=1e-9, atol=1e-300, dtype=False, x=x)


@checks.cell("test-silu-edge-cases")
def silu_edges(c):
    src = plugged("SiLU()(Tensor(x))", c.passed("test-sigmoid-edge-cases"))
    for dtype in DTYPES:        # where σ(x) is subnormal, SiLU is only accurate in absolute terms
        c.same(src, x=c.with_specials(c.uniform(-800, 800, 6, 5, dtype=dtype)),
               atol=1e-36 if dtype == "float32" else 1e-305)


@checks.cell("test-gelu")
def gelu(c):
    forward("GELU()", c, c.uniform(-5, 5, 3, 7), rtol=1e-12)
    x = c.uniform(-5, 5, 3, 7)
    want = x * true_sigmoid(2 * np.sqrt(2 / np.pi) * (x + 0.044715 * x * x * x))
    c.expect_run(plugged("GELU(approximate='tanh')(Tensor(x)).data", c.passed("test-sigmoid")), want,
                 "GELU(approximate='tanh')(x) = x·σ(2u)", rtol=1e-9, atol=1e-300, dtype=False, x=x)


@checks.cell("test-gelu-edge-cases")
def gelu_edges(c):
    # float64 within the contract's max(8, 2x²) ulp (not 16): ½·x·erfc(−x/√2) is right there too
    for dtype, rtol in zip(DTYPES, (None, 4096 * 2.0 ** -52)):
        c.same("GELU()(Tensor(x))", x=c.with_specials(c.uniform(-1000, 1000, 6, 5, dtype=dtype)), fresh=True,
               rtol=rtol, atol=1e-37)
    c.same("GELU()(Tensor(x))", x=c.uniform(-38, -4, 8), rtol=4096 * 2.0 ** -52, atol=1e-300)   # float64's tail
    c.same("GELU()(Tensor(x))", x=c.uniform(-9, -3, 6, dtype="float32"), rtol=3 * 2.0 ** -23)   # float32 accuracy
    src = plugged("GELU(approximate='tanh')(Tensor(x))", c.passed("test-sigmoid-edge-cases"))
    for dtype in DTYPES:        # the tail, ±inf, nan, huge
        c.same(src, x=c.with_specials(c.uniform(-12, 12, 6, 5, dtype=dtype)), rtol=1e-5, atol=1e-37)


ALL = ["ReLU", "Sigmoid", "Tanh", "Softmax", "LeakyReLU", "SiLU", "GELU"]
OWN_CELLS = {name: ["test-" + {"LeakyReLU": "leaky-relu"}.get(name, name.lower())] for name in ALL}
OWN_CELLS["Sigmoid"].append("test-sigmoid-backward")
OWN_CELLS["Softmax"].append("test-softmax-backward")


@checks.cell("test-activations-comprehensive")
def comprehensive(c):
    working = [name for name in ALL if all(c.passed(cell) for cell in OWN_CELLS[name])]   # the others: charged there
    c.expect(bool(working), True, "at least one activation must pass its own checks")
    sigmoid_right = c.passed("test-sigmoid")
    for name in working:            # reused on new shapes, big batches
        shape = c.run(plugged(f"a = {name}(); a(Tensor(x1)); a(Tensor(x2)); a.backward(Tensor(x2 * 0 + 1)).shape",
                              sigmoid_right), x1=c.normal(2, 5), x2=c.normal(3, 4, 6))
        c.expect(tuple(shape), (3, 4, 6), f"{name}.backward after a second call must follow that call's shape")
        finite = c.run(plugged(f"bool(np.all(np.isfinite({name}()(Tensor(x)).data)))", sigmoid_right),
                       x=c.normal(64, 10, scale=10))
        c.expect(finite, True, f"{name} on a (64, 10) batch of finite inputs must give finite values")
