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
# # Module 01 — Tensor: the array every other module stands on
#
# A neural network is arithmetic on arrays of numbers. In this module you build
# `Tensor`, a thin, friendly wrapper around a NumPy array that every later module
# uses: activations transform Tensors, layers multiply them, losses reduce them.
#
# **You will build**
# - construction from numbers, nested lists and NumPy arrays, with a clear dtype rule;
# - properties: `.data`, `.shape`, `.size`, `.ndim`, `.dtype` and a readable `repr`;
# - elementwise `+ - * /` with scalars and broadcasting, in both operand orders;
# - matrix multiplication `@`, the reductions `sum`, `mean`, `max`, and `reshape` / transpose.
#
# **Rhythm.** Each concept goes *idea → build → test → reflect*. Fill in the cells
# marked `YOUR CODE HERE`, then run the test cell below them. Tests only run when the
# notebook runs (in Jupyter, or as `python tensor_dev.py`), never when the file is imported.
#
# **Where the code goes.** Cells marked `#| export` are copied by nbdev into
# `tinytorch/core/tensor.py`, so later modules can write `from tinytorch.core.tensor import Tensor`.

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
#| default_exp core.tensor
#| export
import numpy as np

# %% [markdown]
# ## 1. Making a Tensor
#
# ### Idea
# A Tensor holds an n-dimensional array of numbers, `data`, and knows its `shape`.
# Deep-learning frameworks settle one question up front: **which number type?**
# PyTorch's default is 32-bit float: half the memory of float64, and what GPUs are built for.
#
# Our rule (float data follow PyTorch's default float dtype, `torch.get_default_dtype()`; unlike
# `torch.tensor`, integer data become float32 too, because every operation in this course is
# floating-point):
#
# | you pass | `dtype` you get |
# |---|---|
# | a NumPy array of float16 / float32 / float64 | kept as given (no copy) |
# | Python numbers, nested lists, integer or bool arrays | `float32` |
# | `dtype=...` | exactly that |
#
# Anything that is not a rectangular block of numbers — strings, ragged lists like
# `[[1, 2], [3]]` — is refused with an error that says what is wrong.
#
# ### Build
# Two small pieces: `_as_array` checks the data, `__init__` applies the dtype rule.
# `np.asarray` turns lists into arrays without copying arrays that are already arrays;
# `array.dtype.kind` is `"f"` for floats, `"i"`/`"u"` for integers, `"b"` for bools.

# %% nbgrader={"grade": false, "grade_id": "tensor-class", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
def _as_array(data):
    """`data` as a NumPy array of numbers, or an error that says what is wrong with it.

    STEPS
    1. `np.asarray(data)`; NumPy raises ValueError for ragged lists — re-raise it
       with a message that says the rows have different lengths.
    2. Refuse arrays whose `dtype.kind` is not one of "biuf" (numbers) with a TypeError:
       NumPy happily stores text ("U"), Python objects ("O") and complex numbers ("c").
    """
    ### BEGIN SOLUTION
    try:
        array = np.asarray(data)
    except ValueError:
        raise ValueError("Tensor needs a rectangular block of numbers; these nested lists have different lengths (ragged)") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Tensor needs numbers, got {type(data).__name__} data of NumPy dtype {array.dtype}")
    return array
    ### END SOLUTION


class Tensor:
    """An n-dimensional array of numbers: the value every TinyTorch operation takes and returns.

    dtype rule: float16/float32/float64 arrays keep their dtype (and are wrapped without a
    copy); Python numbers, nested lists and integer/bool arrays become float32, like
    PyTorch's default; `dtype=` overrides both.
    """

    # Make NumPy hand `ndarray + Tensor` and `np.float32(2) * Tensor` to our reflected
    # operators instead of building an array of Tensor objects.
    __array_ufunc__ = None

    def __init__(self, data, dtype=None):
        """Wrap `data` (a number, a nested list, an array or a Tensor) as a Tensor.

        TODO: store the numbers as a NumPy array in `self.data`, following the dtype rule.

        STEPS
        1. If `data` is already a Tensor, use its `.data`.
        2. Check and convert it with `_as_array`.
        3. If `dtype` is not given: NumPy float data keep their dtype, everything else
           (Python floats included) becomes float32. Convert without copying when the
           dtype is already right (`astype(..., copy=False)`).

        EXAMPLE
        >>> Tensor([[1, 2], [3, 4]]).dtype
        dtype('float32')
        """
        ### BEGIN SOLUTION
        if isinstance(data, Tensor):
            data = data.data
        array = _as_array(data)
        if dtype is None:
            numpy_float = isinstance(data, (np.ndarray, np.generic)) and array.dtype.kind == "f"
            dtype = array.dtype if numpy_float else np.float32
        self.data = array.astype(dtype, copy=False)
        ### END SOLUTION

    # Properties every framework exposes; they simply ask the array.
    @property
    def shape(self):
        return self.data.shape

    @property
    def size(self):
        return self.data.size

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    def numpy(self):
        """The underlying NumPy array (shared, not copied)."""
        return self.data

    def item(self):
        """The value of a one-element Tensor as a Python float."""
        return self.data.item()

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        return Tensor(self.data[index])

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        return f"Tensor({body}, dtype={self.data.dtype})"


# %% [markdown]
# ### Test
# Run the cell below. Each test cell is locked and graded: it calls its test, so it
# fails until your code is right.

# %% nbgrader={"grade": false, "grade_id": "test-helpers", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Test helpers (not exported), shared by every module's tests: they call your code the way the
# graded tests do and turn the usual mistakes into messages that say what to fix.
from tinytest import attempt, expect_close, expect_error, run_test, strictly


# %% nbgrader={"grade": true, "grade_id": "test-tensor-creation", "locked": true, "points": 6, "schema_version": 3, "solution": false, "task": false}
def test_unit_tensor_creation():
    """Construction, properties and the dtype rule."""
    t = attempt(lambda: Tensor([[1, 2, 3], [4, 5, 6]]), "Tensor.__init__")
    assert isinstance(t.data, np.ndarray), f"Tensor.data should be a NumPy array, got {type(t.data).__name__}"
    assert t.shape == (2, 3) and t.size == 6 and t.ndim == 2, f"wrong shape/size/ndim: {t.shape}, {t.size}, {t.ndim}"
    assert t.dtype == np.float32, f"integer lists become float32, got {t.dtype}"
    assert np.array_equal(t.data, [[1, 2, 3], [4, 5, 6]]), f"wrong values: {t.data}"
    scalar = Tensor(3.5)
    assert scalar.shape == () and scalar.item() == 3.5, "a Python number becomes a 0-d Tensor"
    assert Tensor(True).dtype == np.float32, "bools become float32"
    for dtype in (np.float32, np.float64):
        assert Tensor(np.arange(4, dtype=dtype)).dtype == dtype, f"a {np.dtype(dtype)} array must keep its dtype"
    assert Tensor(np.arange(3)).dtype == np.float32, "integer arrays become float32"
    assert Tensor([1, 2], dtype=np.float64).dtype == np.float64, "dtype= overrides the rule"
    assert Tensor(Tensor([1.0])).shape == (1,), "a Tensor can be built from a Tensor"
    assert "Tensor(" in repr(t) and "float32" in repr(t), f"repr should name Tensor and the dtype: {t!r}"
    print("✅ Tensor creation: values, shapes, the dtype rule")


if __name__ == "__main__":
    run_test(test_unit_tensor_creation)

# %% nbgrader={"grade": true, "grade_id": "test-tensor-creation-errors", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_tensor_creation_errors():
    """What is not a rectangular block of numbers is refused with an error that says why."""
    attempt(lambda: Tensor([1.0]), "Tensor.__init__")
    expect_error(ValueError, lambda: Tensor([[1, 2], [3]]), "a ragged list")
    expect_error(TypeError, lambda: Tensor("hello"), "a string")
    expect_error(TypeError, lambda: Tensor(["a", "b"]), "a list of strings")
    print("✅ Tensor creation errors: ragged lists and text are refused")


if __name__ == "__main__":
    run_test(test_unit_tensor_creation_errors)

# %% [markdown]
# ### Reflect
# Why might a framework refuse to store text, when NumPy would? What would the error
# look like three layers later if it did not?

# %% [markdown]
# ## 2. Elementwise arithmetic and broadcasting
#
# ### Idea
# `a + b` on Tensors adds element by element. When the shapes differ, **broadcasting**
# stretches size-1 dimensions: a `(2, 3)` matrix plus a `(3,)` row adds the row to
# every line. This is how a layer adds its bias to a whole batch at once.
#
# Python asks `a.__add__(b)` first; if `a` is a number, it asks `b.__radd__(a)` —
# the *reflected* operator — so `2 * t` works as well as `t * 2`.
#
# Python numbers are "weak": `float32 tensor * 2.0` stays float32. We convert NumPy
# scalars to Python numbers for the same reason.
#
# ### Build
# Implement `_operand` and `_elementwise`; the operators are written for you on top of them.

# %% nbgrader={"grade": false, "grade_id": "tensor-arithmetic", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
def _operand(value):
    """The NumPy value to combine with a Tensor's data: Tensors give their data, Python
    and NumPy scalars stay weakly typed scalars, anything else becomes a Tensor first."""
    ### BEGIN SOLUTION
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (bool, int, float)):
        return value
    return Tensor(value).data
    ### END SOLUTION


def _elementwise(op, symbol, left, right):
    """Apply the NumPy ufunc `op` to two operands and wrap the result in a Tensor.

    TODO: convert both sides with `_operand`, apply `op`, return a Tensor. When NumPy
    says the shapes do not broadcast (ValueError), raise a ValueError that names the
    operator and both shapes. Division by zero gives ±inf or nan, as in PyTorch,
    without NumPy printing a warning: run `op` inside `np.errstate(all="ignore")`.
    """
    ### BEGIN SOLUTION
    a, b = _operand(left), _operand(right)
    try:
        with np.errstate(all="ignore"):
            return Tensor(op(a, b))
    except ValueError:
        raise ValueError(
            f"cannot compute {np.shape(a)} {symbol} {np.shape(b)}: the shapes do not broadcast") from None
    ### END SOLUTION


Tensor.__add__ = lambda self, other: _elementwise(np.add, "+", self, other)
Tensor.__radd__ = lambda self, other: _elementwise(np.add, "+", other, self)
Tensor.__sub__ = lambda self, other: _elementwise(np.subtract, "-", self, other)
Tensor.__rsub__ = lambda self, other: _elementwise(np.subtract, "-", other, self)
Tensor.__mul__ = lambda self, other: _elementwise(np.multiply, "*", self, other)
Tensor.__rmul__ = lambda self, other: _elementwise(np.multiply, "*", other, self)
Tensor.__truediv__ = lambda self, other: _elementwise(np.divide, "/", self, other)
Tensor.__rtruediv__ = lambda self, other: _elementwise(np.divide, "/", other, self)
Tensor.__neg__ = lambda self: Tensor(-self.data)

# %% [markdown]
# ### Test

# %% nbgrader={"grade": true, "grade_id": "test-tensor-arithmetic", "locked": true, "points": 6, "schema_version": 3, "solution": false, "task": false}
def test_unit_tensor_arithmetic():
    """Elementwise operators, scalars on either side, broadcasting."""
    a = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    row = Tensor([10.0, 20.0, 30.0])
    total = attempt(lambda: a + row, "Tensor arithmetic (_operand / _elementwise)")
    assert isinstance(total, Tensor), f"a + b should return a Tensor, got {type(total).__name__}"
    expect_close(total.data, [[11, 22, 33], [14, 25, 36]], "broadcast add")
    expect_close((a - 1).data, [[0, 1, 2], [3, 4, 5]], "tensor - scalar")
    expect_close((1 - a).data, [[0, -1, -2], [-3, -4, -5]], "scalar - tensor (reflected)")
    expect_close((2 * a).data, (a * 2).data, "2 * t should equal t * 2")
    expect_close((1 / a).data, 1 / a.data, "scalar / tensor (reflected)")
    expect_close((a / Tensor([[2.0], [4.0]])).data, [[0.5, 1, 1.5], [1, 1.25, 1.5]], "column broadcast")
    expect_close((np.ones(3) + row).data, [11, 21, 31], "ndarray + Tensor should give a Tensor")
    expect_close((-a).data, -a.data, "negation")
    print("✅ Tensor arithmetic: operators, reflected operators, broadcasting")


if __name__ == "__main__":
    run_test(test_unit_tensor_arithmetic)

# %% nbgrader={"grade": true, "grade_id": "test-tensor-arithmetic-edge-cases", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_tensor_arithmetic_edge_cases():
    """Arithmetic's edge cases: scalars never promote float32, division by zero, shapes that do not broadcast."""
    a = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert attempt(lambda: a * 2.0, "Tensor arithmetic").dtype == np.float32, \
        "a Python float must not promote float32 to float64"
    assert (a * np.float64(2.0)).dtype == np.float32, "a NumPy scalar must not promote float32 either"
    assert (Tensor(np.ones(3, dtype=np.float64)) + 1).dtype == np.float64, "float64 stays float64"
    quotient = strictly(lambda: Tensor([1.0, -1.0, 0.0]) / 0, "Tensor division", "[1, -1, 0] / 0")
    expect_close(quotient.data, [np.inf, -np.inf, np.nan], "division by zero should give inf, -inf and nan like PyTorch",
                 rtol=0, atol=0)
    expect_error(ValueError, lambda: a + Tensor([1.0, 2.0]), "adding shapes (2, 3) and (2,)")
    print("✅ Tensor arithmetic edge cases: dtypes, division by zero, broadcast errors")


if __name__ == "__main__":
    run_test(test_unit_tensor_arithmetic_edge_cases)

# %% [markdown]
# ### Reflect
# Broadcasting a `(64, 128)` batch with a `(128,)` bias never materialises a `(64, 128)`
# copy of the bias. Why does that matter when a batch has a million rows?

# %% [markdown]
# ## 3. Matrix multiplication
#
# ### Idea
# A layer computes `x @ W`: each output is a dot product of an input row with a weight
# column. For `(n, k) @ (k, m)` the inner sizes `k` must agree; the result is `(n, m)`
# and costs `n·k·m` multiply-adds — the most expensive thing a network does.
#
# ### Build
# Implement `matmul`. `np.matmul` raises ValueError on mismatched shapes: turn that into
# a message naming both shapes. Scalars (0-d) cannot be matrix-multiplied.

# %% nbgrader={"grade": false, "grade_id": "tensor-matmul", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
def matmul(a, b):
    """Matrix product `a @ b` of two Tensors (NumPy's rules for 1-d and batched inputs)."""
    ### BEGIN SOLUTION
    a, b = Tensor(a), Tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul needs at least 1-d tensors, got shapes {a.shape} and {b.shape}; use * for scalars")
    try:
        return Tensor(np.matmul(a.data, b.data))
    except ValueError:
        raise ValueError(f"cannot matmul shapes {a.shape} @ {b.shape}: the first's last size must equal the "
                         "second's second-to-last, and any batch dimensions must broadcast") from None
    ### END SOLUTION


Tensor.__matmul__ = lambda self, other: matmul(self, other)
Tensor.__rmatmul__ = lambda self, other: matmul(other, self)

# %% nbgrader={"grade": true, "grade_id": "test-tensor-matmul", "locked": true, "points": 6, "schema_version": 3, "solution": false, "task": false}
def test_unit_tensor_matmul():
    """Matrix products and their shapes."""
    x = Tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    w = Tensor([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    y = attempt(lambda: x @ w, "matmul")
    assert isinstance(y, Tensor), f"@ should return a Tensor, got {type(y).__name__}"
    assert y.shape == (3, 3), f"(3, 2) @ (2, 3) should be (3, 3), got {y.shape}"
    expect_close(y.data, [[5, 2, -1], [11, 4, -3], [17, 6, -5]], "(3, 2) @ (2, 3)")
    assert y.dtype == np.float32, "float32 @ float32 stays float32"
    expect_close((Tensor([1.0, 2.0]) @ Tensor([3.0, 4.0])).data, 11.0, "1-d @ 1-d is a dot product")
    expect_close((np.eye(2) @ Tensor([[1.0, 2.0], [3.0, 4.0]])).data, [[1, 2], [3, 4]], "ndarray @ Tensor")
    print("✅ Matrix multiplication: values, shapes")


if __name__ == "__main__":
    run_test(test_unit_tensor_matmul)

# %% nbgrader={"grade": true, "grade_id": "test-tensor-matmul-errors", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_tensor_matmul_errors():
    """Shapes that cannot be multiplied are refused with a ValueError."""
    x = Tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    attempt(lambda: x @ Tensor([[1.0], [2.0]]), "matmul")
    expect_error(ValueError, lambda: x @ x, "(3, 2) @ (3, 2)", naming=["(3, 2)"])
    expect_error(ValueError, lambda: Tensor(2.0) @ x, "a 0-d tensor @ a matrix", naming=["(3, 2)"])
    print("✅ Matrix multiplication errors: mismatched and 0-d shapes")


if __name__ == "__main__":
    run_test(test_unit_tensor_matmul_errors)

# %% [markdown]
# ### Reflect
# `(1000, 1000) @ (1000, 1000)` is a billion multiply-adds, yet NumPy does it in tens of
# milliseconds. A Python triple loop would take minutes. Where does the difference come from?

# %% [markdown]
# ## 4. Reductions and reshaping
#
# ### Idea
# A loss is a **reduction**: many numbers become one. `sum`, `mean` and `max` take an
# `axis` (which dimension to collapse; `None` means all) and `keepdims` (keep the collapsed
# dimension with size 1, so the result still broadcasts against the input — softmax
# relies on this). `reshape` and transpose rearrange the same numbers without changing them.
#
# ### Build
# Implement the five functions; each returns a new Tensor. NumPy's own errors talk about
# "arrays"; where it would raise, raise a ValueError that names the Tensor's shape instead.

# %% nbgrader={"grade": false, "grade_id": "tensor-reductions", "locked": false, "schema_version": 3, "solution": true, "task": false}
#| export
def _sum(self, axis=None, keepdims=False):
    """Sum over `axis` (None: all elements)."""
    ### BEGIN SOLUTION
    return Tensor(np.sum(self.data, axis=axis, keepdims=keepdims))
    ### END SOLUTION


def _mean(self, axis=None, keepdims=False):
    """Mean over `axis` (None: all elements)."""
    ### BEGIN SOLUTION
    return Tensor(np.mean(self.data, axis=axis, keepdims=keepdims))
    ### END SOLUTION


def _max(self, axis=None, keepdims=False):
    """Largest element over `axis`; an empty Tensor has no maximum (a ValueError naming its shape)."""
    ### BEGIN SOLUTION
    if self.size == 0:
        raise ValueError(f"max of an empty tensor of shape {self.shape} is undefined")
    return Tensor(np.max(self.data, axis=axis, keepdims=keepdims))
    ### END SOLUTION


def _reshape(self, *shape):
    """The same numbers in a new shape: `t.reshape(2, 3)` or `t.reshape((2, 3))`; -1 infers one size.
    An impossible shape: a ValueError naming the tensor's shape and the one asked for."""
    ### BEGIN SOLUTION
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    try:
        return Tensor(self.data.reshape(shape))
    except ValueError:
        raise ValueError(f"cannot reshape a tensor of shape {self.shape} ({self.size} elements) into {shape}") from None
    ### END SOLUTION


def _transpose(self, *axes):
    """Reverse the dimensions (or permute them as `axes` says); `t.T` is `t.transpose()`."""
    ### BEGIN SOLUTION
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])                   # t.transpose((2, 0, 1)) like t.transpose(2, 0, 1)
    return Tensor(np.transpose(self.data, axes or None))
    ### END SOLUTION


Tensor.sum, Tensor.mean, Tensor.max = _sum, _mean, _max
Tensor.reshape, Tensor.transpose = _reshape, _transpose
Tensor.T = property(lambda self: self.transpose())

# %% nbgrader={"grade": true, "grade_id": "test-tensor-reductions", "locked": true, "points": 6, "schema_version": 3, "solution": false, "task": false}
def test_unit_tensor_reductions():
    """sum / mean / max with axis and keepdims; reshape and transpose."""
    t = Tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
    total = attempt(lambda: t.sum(), "Tensor.sum")
    assert isinstance(total, Tensor) and total.item() == 21.0, f"sum of all should be 21, got {total!r}"
    expect_close(attempt(lambda: t.sum(axis=0), "Tensor.sum").data, [5, 7, 9], "sum over axis 0 (down the columns)")
    assert t.sum(axis=1, keepdims=True).shape == (2, 1), "keepdims keeps a size-1 dimension"
    expect_close(attempt(lambda: t.mean(axis=1), "Tensor.mean").data, [3.0, 4.0], "mean over rows")
    assert t.mean().dtype == np.float32, "mean of float32 stays float32"
    expect_close(attempt(lambda: t.max(axis=1), "Tensor.max").data, [5, 6], "max of each row")
    assert t.max(axis=-1, keepdims=True).shape == (2, 1), "max with keepdims"
    reshaped = attempt(lambda: t.reshape(3, 2), "Tensor.reshape")
    assert reshaped.shape == (3, 2) and t.reshape((6,)).shape == (6,), "reshape"
    assert t.reshape(-1).shape == (6,), "reshape with -1"
    expect_close(attempt(lambda: t.T, "Tensor.transpose").data, t.data.T, "transpose")
    print("✅ Reductions and reshaping: axis, keepdims, -1, transpose")


if __name__ == "__main__":
    run_test(test_unit_tensor_reductions)

# %% nbgrader={"grade": true, "grade_id": "test-tensor-reductions-errors", "locked": true, "points": 4, "schema_version": 3, "solution": false, "task": false}
def test_unit_tensor_reductions_errors():
    """Impossible reshapes and the max of nothing are refused with a ValueError."""
    t = Tensor([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])
    attempt(lambda: (t.reshape(6), t.max()), "Tensor.reshape / Tensor.max")
    expect_error(ValueError, lambda: t.reshape(4, 2), "reshaping 6 elements into (4, 2)", naming=["(2, 3)"])
    expect_error(ValueError, lambda: Tensor(np.zeros((0, 3))).max(), "max of an empty tensor", naming=["(0, 3)"])
    print("✅ Reductions and reshaping errors: impossible shapes, empty max")


if __name__ == "__main__":
    run_test(test_unit_tensor_reductions_errors)

# %% [markdown]
# ### Reflect
# Softmax subtracts each row's maximum. Why does it need `keepdims=True` to do that in one
# line, and what shape error would you get without it?
#
# ## Summary
# You built the `Tensor` that every later module imports: a dtype rule you can state in one
# sentence, arithmetic that broadcasts like NumPy and PyTorch, matrix products, reductions
# and reshapes — each with an error that tells the user what went wrong.
#
# **Next:** Module 02 gives networks their nonlinearity with activation functions built on this Tensor.
