"""Mathematical identities of the activations, checked on inputs hypothesis chooses."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tinytorch.core.activations import GELU, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from tinytorch.core.tensor import Tensor

finite64 = st.floats(-700, 700, allow_nan=False)
vectors = arrays(np.float64, st.integers(1, 30), elements=finite64)
rows = arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 12)), elements=st.floats(-50, 50))
EXAMPLES = settings(max_examples=300, deadline=None)


def f(activation, x):
    return activation(Tensor(x)).data


@EXAMPLES
@given(vectors)
def test_sigmoid_symmetry(x):
    assert np.allclose(f(Sigmoid(), -x), 1 - f(Sigmoid(), x), rtol=0, atol=2e-16)


@EXAMPLES
@given(arrays(np.float64, st.integers(1, 30), elements=st.floats(-300, 300)))
def test_tanh_is_a_rescaled_sigmoid(x):
    assert np.allclose(f(Tanh(), x), 2 * f(Sigmoid(), 2 * x) - 1, rtol=0, atol=1e-15)


@EXAMPLES
@given(rows, st.floats(-1e3, 1e3))
def test_softmax_shift_invariance_and_positivity(x, shift):
    y = f(Softmax(), x)
    assert np.all(y > 0) and np.allclose(y.sum(axis=-1), 1, rtol=0, atol=4 * np.finfo(np.float64).eps)
    assert np.allclose(f(Softmax(), x + shift), y, rtol=1e-9, atol=1e-300)


@EXAMPLES
@given(vectors)
def test_monotone_activations_keep_order(x):
    order = np.argsort(x, kind="stable")
    for activation in (ReLU(), Sigmoid(), Tanh(), LeakyReLU()):
        assert np.all(np.diff(f(activation, x[order])) >= 0), activation


@EXAMPLES
@given(vectors)
def test_leaky_relu_with_slope_zero_is_relu(x):
    assert np.array_equal(f(LeakyReLU(0.0), x), f(ReLU(), x))


@EXAMPLES
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(10, 1e6)))
def test_gelu_is_x_for_large_x(x):
    for approximate in ("none", "tanh"):
        assert np.allclose(f(GELU(approximate=approximate), x), x, rtol=1e-15, atol=0)


@EXAMPLES
@given(arrays(np.float32, st.integers(1, 20), elements=st.floats(-80, 80, width=32)))
def test_float32_stays_float32(x):
    for activation in (ReLU(), Sigmoid(), Tanh(), Softmax(), LeakyReLU(), GELU(), GELU("tanh")):
        assert f(activation, x).dtype == np.float32
