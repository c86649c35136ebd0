"""Trusted checks for module 01, one per graded cell (instructor-only: never released, never in a kit).

Each calls the student's Tensor in the sandboxed kernel on inputs drawn fresh for the grading run
and compares with the reference Tensor here (see tito/grading/checks.py).
"""
from tito.grading.checks import Checks

checks = Checks(reference="tinytorch.core.tensor")


@checks.cell("test-tensor-creation")
def creation(c):
    x = c.normal(3, 4, scale=5)
    c.same("Tensor(x.tolist()).data", x=x)                              # nested lists become float32
    c.same("Tensor(np.rint(x).astype(np.int64)).data", x=x)            # integers too
    for dtype in ("float32", "float64"):
        c.same("Tensor(x).data", x=c.normal(2, 5, dtype=dtype))         # float arrays keep their dtype
    c.same("Tensor(x, dtype=np.float64).data", x=x.astype("float32"))
    c.same("t = Tensor(x); (t.shape, t.size, t.ndim, t.dtype.name, Tensor(float(x[0, 0])).shape)", x=x)


@checks.cell("test-tensor-creation-errors")
def creation_errors(c):
    n = c.integers(2, 5)
    c.run("Tensor(np.ones(n))", n=n)
    c.same("raised(lambda: Tensor([[1.0] * n, [2.0] * (n + 1)]))", n=n)
    c.same("raised(lambda: Tensor('abc' * n))", n=n)
    c.same("raised(lambda: Tensor(['a'] * n))", n=n)


@checks.cell("test-tensor-arithmetic")
def arithmetic(c):
    a, row, col = c.normal(3, 4), c.normal(4), c.normal(3, 1)
    s = round(float(c.uniform(-3, 3)), 3)
    for src in ("Tensor(a) + Tensor(row)", "Tensor(a) - Tensor(col)", "Tensor(a) * Tensor(row)",
                "Tensor(a) / Tensor(col)", "s - Tensor(a)", "s * Tensor(a)", "s / Tensor(a)", "a + Tensor(row)",
                "-Tensor(a)"):
        c.same(src, a=a, row=row, col=col, s=s, dtype=False, rtol=1e-12)


@checks.cell("test-tensor-arithmetic-edge-cases")
def arithmetic_edges(c):
    a = c.normal(2, 3, dtype="float32")
    c.same("(Tensor(a) * s).data.dtype.name", a=a, s=float(c.uniform(1, 2)))
    c.same("(Tensor(a) * np.float64(s)).data.dtype.name", a=a, s=float(c.uniform(1, 2)))
    c.same("Tensor(a) / 0", a=c.with_specials(c.normal(7)))
    c.same("raised(lambda: Tensor(a) + Tensor(b))", a=a, b=c.normal(c.integers(4, 7)))


@checks.cell("test-tensor-matmul")
def matmul(c):
    n, k, m = c.integers(2, 6), c.integers(2, 6), c.integers(2, 6)
    c.same("Tensor(a) @ Tensor(b)", a=c.normal(n, k), b=c.normal(k, m), dtype=False, rtol=1e-12)
    c.same("Tensor(a) @ Tensor(b)", a=c.normal(k), b=c.normal(k), dtype=False, rtol=1e-12)
    c.same("Tensor(a) @ Tensor(b)", a=c.normal(n, k, dtype="float32"), b=c.normal(k, m, dtype="float32"), rtol=1e-5)


@checks.cell("test-tensor-matmul-errors")
def matmul_errors(c):
    n, k = c.integers(2, 5), c.integers(5, 8)
    c.run("Tensor(a) @ Tensor(a.T)", a=c.normal(n, k))
    c.same("raised(lambda: Tensor(a) @ Tensor(a), str(a.shape))", a=c.normal(n, k))      # the message names the shape
    c.same("raised(lambda: Tensor(2.0) @ Tensor(a), str(a.shape))", a=c.normal(n, k))


@checks.cell("test-tensor-reductions")
def reductions(c):
    x = c.normal(3, 4, 5)
    axis = c.integers(0, 3)
    for src in ("Tensor(x).sum()", "Tensor(x).sum(axis=k)", "Tensor(x).sum(axis=k, keepdims=True)",
                "Tensor(x).mean(axis=k)", "Tensor(x).max(axis=k)", "Tensor(x).max(axis=-1, keepdims=True)",
                "Tensor(x).reshape(4, -1)", "Tensor(x).reshape((5, 12))", "Tensor(x).T", "Tensor(x).transpose(1, 0, 2)"):
        c.same(src, x=x, k=axis, dtype=False, rtol=1e-12)


@checks.cell("test-tensor-reductions-errors")
def reductions_errors(c):
    x = c.normal(3, c.integers(2, 5))
    c.run("Tensor(x).reshape(-1)", x=x)
    c.same("raised(lambda: Tensor(x).reshape(x.size + 1), str(x.shape))", x=x)
    c.same("raised(lambda: Tensor(np.zeros((0, n))).max(), str((0, n)))", n=c.integers(2, 6))
