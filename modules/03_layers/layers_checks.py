"""Trusted checks for module 03, one per graded cell (instructor-only: never released, never in a kit).

Layers draw random weights, and a student may draw them in another (equally right) order than the
reference, so most checks compare the student's outputs with values computed *here* from the
student's own parameters, rather than with the reference's layer (see tito/grading/checks.py).
What is built on Linear and Sequential (mlp, the XOR network) is checked through them only when
their own checks pass: otherwise their mistake would be charged twice.
"""
import math

import numpy as np

from tito.grading.checks import Checks

checks = Checks(reference="tinytorch.core.layers")

PARAMETERS = "[p.data for p in model.parameters()]"


@checks.cell("test-linear")
def linear(c):
    n_in, n_out, seed = c.integers(2, 9), c.integers(2, 9), c.integers(0, 10**6)
    x = c.normal(5, n_in, dtype="float32")
    w, b, y = c.run("layer = Linear(i, o, rng=s); (layer.weight.data, layer.bias.data, layer(Tensor(x)))",
                    i=n_in, o=n_out, s=seed, x=x)
    c.expect(w.shape, (n_in, n_out), "Linear(in, out).weight has shape (in, out)")
    c.expect((w.dtype.name, b.dtype.name), ("float32", "float32"), "Linear's parameters are float32")
    bound = 1 / math.sqrt(n_in)
    c.expect(bool(np.all(np.abs(w) <= bound * (1 + 1e-6)) and np.all(np.abs(b) <= bound * (1 + 1e-6))), True,
             f"Linear's parameters lie in ±1/√in = ±{bound:.4f}")
    c.expect(y.data, x @ w + b, "Linear(x) = x @ W + b (with the layer's own W and b)", rtol=1e-5, atol=1e-6)
    again = c.run("Linear(i, o, rng=s).weight.data", i=n_in, o=n_out, s=seed)
    c.expect(again, w, "the same seed must give the same weights", rtol=0, atol=0)
    big = c.run("layer = Linear(400, 300, rng=s); (float(layer.weight.data.std()), float(np.abs(layer.weight.data).max()))",
                s=seed)
    c.expect(bool(abs(big[0] - 0.05 / math.sqrt(3)) < 0.0015 and big[1] > 0.045), True,
             f"Linear(400, 300) weights should be uniform on ±0.05 (std {0.05 / math.sqrt(3):.4f}), got std "
             f"{big[0]:.4f}, largest {big[1]:.4f}")


@checks.cell("test-linear-errors")
def linear_errors(c):
    n_in = c.integers(3, 7)
    c.run("Linear(i, 2, rng=0)(Tensor(np.ones((1, i), dtype=np.float32)))", i=n_in)
    for src in ("raised(lambda: Linear(i, 2, rng=0)(Tensor(np.ones((4, i + 1)))), 'Linear', str((4, i + 1)))",
                "raised(lambda: Linear(i, 2, rng=0)(Tensor(1.0)))",
                "raised(lambda: Linear(i, 2, rng=0)(np.ones((4, i))))"):
        c.same(src, i=n_in)


@checks.cell("test-sequential")
def sequential(c):
    x, k = c.normal(3, 4), round(float(c.uniform(1.5, 3)), 3)
    c.same("Sequential(lambda t: t * k, lambda t: t + 1.0, lambda t: t * 3.0)(Tensor(x))", x=x, k=k, dtype=False)
    c.same("Sequential(lambda t: t + 1.0, ReLU(), lambda t: t * k)(Tensor(x))", x=x, k=k, dtype=False)


@checks.cell("test-sequential-edge-cases")
def sequential_edges(c):
    x, k = c.normal(2, 3), round(float(c.uniform(1.5, 3)), 3)
    c.same("t = Tensor(x); Sequential()(t) is t", x=x)
    c.same("Sequential(Sequential(lambda t: t * k, lambda t: t - 1.0), lambda t: t * t)(Tensor(x))", x=x, k=k,
           dtype=False)


def layers_work(c):
    return c.passed("test-linear") and c.passed("test-sequential")


@checks.cell("test-mlp")
def mlp_(c):
    sizes = [c.integers(2, 6), c.integers(3, 8), c.integers(2, 5)]
    x, seed = c.normal(6, sizes[0], dtype="float32"), c.integers(0, 10**6)
    c.same("[(type(l).__name__, getattr(l, 'in_features', None), getattr(l, 'out_features', None)) "
           "for l in mlp(sizes, rng=s).layers]", sizes=sizes, s=seed)
    if layers_work(c):
        params, y = c.run(f"model = mlp(sizes, rng=s); ({PARAMETERS}, model(Tensor(x)))", sizes=sizes, s=seed, x=x)
        w1, b1, w2, b2 = params
        c.expect(y.data, np.maximum(x @ w1 + b1, 0) @ w2 + b2, f"mlp({sizes})(x) (with the network's own parameters)",
                 rtol=1e-5, atol=1e-6)


@checks.cell("test-mlp-edge-cases")
def mlp_edges(c):
    width = c.integers(3, 7)
    c.same("[type(l).__name__ for l in mlp([5, w, w, 2], activation=Sigmoid, rng=1).layers]", w=width)
    c.same("m = mlp([5, w, w, 2], activation=Sigmoid, rng=1); len({id(l) for l in m.layers})", w=width)
    c.same("[type(l).__name__ for l in mlp([3, w, 2], activation=None, rng=0).layers]", w=width)
    c.same("len(mlp([w, 2]).layers)", w=width)
    if layers_work(c):
        distinct = c.run("m = mlp([4, w, w, w, 2], rng=s); bool(not np.array_equal(m[2].weight.data, m[4].weight.data))",
                         w=width, s=c.integers(0, 10**6))
        c.expect(distinct, True, "layers of the same shape must get different weights (one Generator for all)")


# collapse_linear is checked on weights planted by the check, so it is graded on its own (not through
# the student's Linear initialisation), and all-zero layers cannot make an all-zero merge look right.
PLANT = ("a, b = Linear(n, k, rng=0), Linear(k, m, rng=0); "
         "a.weight, a.bias, b.weight, b.bias = Tensor(w1), Tensor(b1), Tensor(w2), Tensor(b2); ")


@checks.cell("test-nonlinearity")
def nonlinearity(c):
    if layers_work(c):
        c.same("xor_network()(Tensor(XOR_INPUTS)).data[:, 0]", dtype=False)
    c.same("best_linear_fit(XOR_INPUTS, XOR_TARGETS)[2]", rtol=0, atol=1e-9)
    n, k, m = c.integers(2, 6), c.integers(2, 6), c.integers(2, 6)
    w1, b1, w2, b2 = (c.normal(*shape, dtype="float32") for shape in ((n, k), (k,), (k, m), (m,)))
    w, b = c.run(PLANT + "one = collapse_linear(a, b); (one.weight.data, one.bias.data)",
                 n=n, k=k, m=m, w1=w1, b1=b1, w2=w2, b2=b2)
    c.expect(w, w1 @ w2, "collapse_linear: W = W1 @ W2", rtol=1e-5, atol=1e-6)
    c.expect(b, b1 @ w2 + b2, "collapse_linear: b = b1 @ W2 + b2", rtol=1e-5, atol=1e-6)


@checks.cell("test-nonlinearity-edge-cases")
def nonlinearity_edges(c):
    n, k, m, s = c.integers(2, 6), c.integers(2, 6), c.integers(2, 6), c.integers(0, 10**6)
    c.same("collapse_linear(Linear(n, k, bias=False, rng=s), Linear(k, m, bias=False, rng=s)).bias is None",
           n=n, k=k, m=m, s=s)
    w1, b1, w2, b2 = (c.normal(*shape, dtype="float32") for shape in ((n, k), (k,), (k, m), (m,)))
    b = c.run(PLANT.replace("Tensor(b1)", "None") + "collapse_linear(a, b).bias.data",
              n=n, k=k, m=m, w1=w1, b1=b1, w2=w2, b2=b2)
    c.expect(b, b2, "a missing first bias counts as zero", rtol=1e-6, atol=1e-7)
    b = c.run(PLANT.replace("Tensor(b2)", "None") + "collapse_linear(a, b).bias.data",
              n=n, k=k, m=m, w1=w1, b1=b1, w2=w2, b2=b2)
    c.expect(b, b1 @ w2, "a missing second bias counts as zero", rtol=1e-5, atol=1e-6)
    c.same("raised(lambda: collapse_linear(Linear(n, k, rng=0), Linear(k + 1, m, rng=0)))", n=n, k=k, m=m)
