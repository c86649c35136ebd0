"""Module 01's Tensor, as the package exports it."""
import numpy as np
import pytest

from tinytorch.core.tensor import Tensor


def test_dtype_rule():
    assert Tensor([1, 2]).dtype == np.float32
    assert Tensor([1.5, 2.5]).dtype == np.float32          # Python floats: float32, like torch
    assert Tensor(3).dtype == np.float32 and Tensor(3).shape == ()
    assert Tensor(np.ones(2, np.float64)).dtype == np.float64
    assert Tensor(np.ones(2, np.float16)).dtype == np.float16
    assert Tensor(np.arange(3)).dtype == np.float32
    assert Tensor([1, 2], dtype=np.float64).dtype == np.float64
    data = np.ones(3, np.float32)
    assert Tensor(data).data is data, "float arrays are wrapped, not copied"


@pytest.mark.parametrize("bad,error,words", [
    ([[1, 2], [3]], ValueError, "ragged"),
    ("abc", TypeError, "got str data"),
    (["a"], TypeError, "numbers"),
    ([1 + 2j], TypeError, "numbers"),
    ({"a": 1}, TypeError, "numbers"),
])
def test_bad_input_is_refused_clearly(bad, error, words):
    with pytest.raises(error, match=words):
        Tensor(bad)


def test_properties_and_repr():
    t = Tensor([[1, 2, 3], [4, 5, 6]])
    assert (t.shape, t.size, t.ndim, len(t)) == ((2, 3), 6, 2, 2)
    assert repr(t).startswith("Tensor([[1., 2., 3.],") and repr(t).endswith("dtype=float32)")
    assert t[1].shape == (3,) and isinstance(t[0, 1], Tensor) and t[0, 1].item() == 2.0


def test_arithmetic_broadcasting_and_reflected_operators():
    a = Tensor([[1.0, 2.0], [3.0, 4.0]])
    assert np.array_equal((a + Tensor([10.0, 20.0])).data, [[11, 22], [13, 24]])
    assert np.array_equal((3 - a).data, [[2, 1], [0, -1]])
    assert np.array_equal((2 / a).data, 2 / a.data)
    assert np.array_equal((np.float32(2) * a).data, 2 * a.data) and isinstance(np.ones(2) * a, Tensor)
    assert (a * np.float64(2)).dtype == np.float32 and (a + 1).dtype == np.float32
    assert (a + Tensor(np.ones(2))).dtype == np.float64, "mixing dtypes promotes like NumPy and torch"
    with pytest.raises(ValueError, match=r"\(2, 2\) \+ \(3,\)"):
        a + Tensor([1.0, 2.0, 3.0])


def test_division_by_zero_is_silent_and_ieee(recwarn):
    out = (Tensor([1.0, -1.0, 0.0]) / 0).data
    assert np.array_equal(out, [np.inf, -np.inf, np.nan], equal_nan=True)
    assert not recwarn.list


def test_matmul_reductions_reshape_transpose():
    x = Tensor(np.arange(6).reshape(2, 3))
    w = Tensor(np.ones((3, 4), np.float32))
    assert (x @ w).shape == (2, 4) and (x @ w).dtype == np.float32
    with pytest.raises(ValueError, match=r"cannot matmul shapes \(2, 3\) @ \(2, 3\): the first.s last size"):
        x @ x
    with pytest.raises(ValueError, match="0-d|at least 1-d"):
        Tensor(1.0) @ x
    assert x.sum().item() == 15 and np.array_equal(x.sum(axis=0).data, [3, 5, 7])
    assert x.mean(axis=1, keepdims=True).shape == (2, 1)
    assert np.array_equal(x.max(axis=-1).data, [2, 5])
    with pytest.raises(ValueError, match="empty"):
        Tensor(np.zeros((0, 2))).max()
    assert x.reshape(3, 2).shape == (3, 2) and x.reshape(-1).shape == (6,)
    with pytest.raises(ValueError, match="cannot reshape"):
        x.reshape(4, 2)
    assert x.T.shape == (3, 2) and Tensor(np.zeros((2, 3, 4))).transpose(1, 0, 2).shape == (3, 2, 4)


def test_transpose_takes_a_tuple_and_batched_matmul_errors_name_the_batch():
    t = Tensor(np.zeros((2, 3, 4)))
    assert t.transpose((2, 0, 1)).shape == (4, 2, 3) == t.transpose(2, 0, 1).shape
    with pytest.raises(ValueError, match="batch dimensions"):
        Tensor(np.zeros((2, 3, 4))) @ Tensor(np.zeros((3, 4, 5)))
