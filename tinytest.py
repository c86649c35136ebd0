"""tinytest — the helpers every course notebook's graded test cells use.

Each helper calls the student's code the way the graded tests do and turns the usual mistakes
into a message that says what to fix: a part still `YOUR CODE HERE`, a wrong value (naming the
input), a changed input, a lost dtype, a NumPy warning. It ships in every student kit next to
`tinytorch/` (it is not part of the package students build).

Fair grading: one mistake is charged once. A test of a part that builds on another (SiLU on
`_sigmoid`, mlp on Linear) always grades its own part; where the other part fails its own test,
the expected values are computed with the student's own version of it (`passes` tells), so its
mistake is not charged a second time.
"""
import contextlib
import io

import numpy as np

__all__ = ["NotDone", "attempt", "run_test", "unfinished", "expect_error", "expect_close", "show", "strictly",
           "run_forward", "expect_forward", "run_backward", "check_dtypes", "passes", "true_sigmoid", "replaced"]


class NotDone(AssertionError):
    """A test reached code that still raises NotImplementedError (a YOUR CODE HERE part)."""


def unfinished(error):
    """The name of the function that raised `error` (the YOUR CODE HERE part still to do)."""
    frame = error.__traceback__
    while frame.tb_next:
        frame = frame.tb_next
    code = frame.tb_frame.f_code
    return getattr(code, "co_qualname", code.co_name)


def not_done(topic, error=None):
    where = unfinished(error) if error is not None and error.__traceback__ else topic
    prefix = f"{topic}: " if error is not None and where != topic else ""
    return NotDone(f"{prefix}{where} is not implemented yet — fill in YOUR CODE HERE above, then rerun")


def attempt(action, topic):
    """action() — a NotImplementedError becomes a NotDone naming the unfinished part."""
    try:
        return action()
    except NotImplementedError as missing:
        raise not_done(topic, missing) from None


def run_test(test):
    """Run a graded test; a part still left to do anywhere inside fails with a message naming it."""
    return attempt(test, test.__name__)


def expect_error(error_type, action, topic, naming=()):
    """Assert that action() raises error_type, with a message that contains each string in `naming`
    (the shapes or sizes that went wrong); say what happened instead if it does not."""
    try:
        action()
    except NotImplementedError as missing:
        raise not_done(topic, missing) from None
    except error_type as error:
        unnamed = [s for s in naming if s not in str(error)]
        if unnamed:
            raise AssertionError(f"{topic}: the {error_type.__name__} is right, but its message should name "
                                 f"{' and '.join(unnamed)} so the reader sees what went wrong; it says: {error}") from None
        return
    except Exception as other:
        raise AssertionError(f"{topic}: expected a {error_type.__name__}, got {type(other).__name__}: {other}") from None
    raise AssertionError(f"{topic}: expected a {error_type.__name__}, but nothing was raised")


def show(values):
    """An array on one line, shortened: messages stay one line long."""
    return " ".join(np.array2string(np.asarray(values), precision=4, threshold=8).split())


def expect_close(got, expected, topic, inputs=None, rtol=1e-6, atol=1e-7):
    """Compare shapes, then values (nan matches nan, ±inf must match exactly); the message names
    the first wrong element by its input when `inputs` is given, else by its index."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape:
        raise AssertionError(f"{topic}: expected shape {expected.shape}, got {got.shape}")
    got = np.asarray(got, dtype=np.float64)
    expected = expected.astype(np.float64)
    ok = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    if ok.all():
        return
    i = np.flatnonzero(~ok)[0]
    want, have = expected.flat[i], got.flat[i]
    if inputs is not None:
        where = f"for input {np.ravel(inputs)[i]!r}"
    else:
        where = f"at index {tuple(int(k) for k in np.unravel_index(i, expected.shape))}"
    off = f" (relative error {abs(have - want) / abs(want):.1e})" if np.isfinite(want) and want and np.isfinite(have) else ""
    raise AssertionError(f"{topic}: {where} expected {want:.10g}, got {have:.10g}{off}")


def strictly(call, topic, what, strict=True):
    """call() with NumPy's floating-point warnings turned into errors with a message: a warning
    would make the grader score the cell 0 without saying why (strict=False: silenced instead,
    when another cell already charges them)."""
    try:
        with np.errstate(**({"over": "raise", "divide": "raise", "invalid": "raise"} if strict else {"all": "ignore"})):
            return call()
    except NotImplementedError as missing:
        raise not_done(topic, missing) from None
    except FloatingPointError as error:
        raise AssertionError(
            f"{topic} on {what} made NumPy report '{error}': an intermediate value overflowed or became "
            f"invalid. Rewrite the formula so no step can overflow, or, where the inf or nan leads to the right "
            f"answer, say so with np.errstate (the numerics notes above show how).") from None


def run_forward(activation, x, topic, keep_dtype=True, strict=True):
    """activation(x), checked: a new Tensor of the same shape (and dtype), the input untouched,
    and no NumPy warning on the way (unless strict=False)."""
    from tinytorch.core.tensor import Tensor

    before = x.data.copy()
    out = strictly(lambda: activation(x), topic, f"input {show(x.data)} ({x.dtype})", strict)
    assert isinstance(out, Tensor), f"{topic} must return a Tensor, got {type(out).__name__}: wrap the result in Tensor(...)"
    assert np.array_equal(x.data, before, equal_nan=True), \
        f"{topic} changed its input in place; build a new array instead of writing into x.data"
    assert out is not x and not np.shares_memory(out.data, x.data), \
        f"{topic} returned its input (or a view of it); return a new Tensor with its own array"
    assert out.shape == x.shape, f"{topic} must keep the shape {x.shape}, got {out.shape}"
    if keep_dtype:
        assert out.dtype == x.dtype, f"{topic} must keep the dtype: {x.dtype} in should give {x.dtype} out, got {out.dtype}"
    return out


def expect_forward(activation, x, expected, topic, rtol=1e-12, atol=0.0, keep_dtype=False, strict=True):
    """run_forward(activation, Tensor(x)) compared with `expected`; the message names the input.
    The dtype is only checked with keep_dtype=True (the edge-case tests do that)."""
    from tinytorch.core.tensor import Tensor

    x = np.asarray(x, dtype=np.float64) if not isinstance(x, np.ndarray) else x
    out = run_forward(activation, Tensor(x), topic, keep_dtype=keep_dtype, strict=strict)
    expect_close(out.data, expected, topic, x, rtol=rtol, atol=atol)
    return out.data


def run_backward(activation, grad, topic):
    """activation.backward(grad), checked: a Tensor of the input's shape and dtype, and neither the
    gradient it was given nor the output of the forward pass changed."""
    from tinytorch.core.tensor import Tensor

    saved_output, grad_before = activation.output.data.copy(), grad.data.copy()
    result = strictly(lambda: activation.backward(grad), topic, f"gradient {show(grad.data)}")
    assert isinstance(result, Tensor), f"{topic} must return a Tensor, got {type(result).__name__}"
    assert result.shape == activation.input.shape, f"{topic} must return the input's shape {activation.input.shape}"
    assert result.dtype == activation.input.dtype, f"{topic} must keep the dtype {activation.input.dtype}, got {result.dtype}"
    assert np.array_equal(activation.output.data, saved_output, equal_nan=True), \
        f"{topic} changed the saved output (the Tensor forward returned); compute into a new array"
    assert np.array_equal(grad.data, grad_before, equal_nan=True), f"{topic} changed the gradient it was given"
    return result


def check_dtypes(make, topic, values=(-3.0, -0.5, 0.0, 0.5, 3.0), scalar=True):
    """float32 in → float32 out and float64 → float64, for several shapes (size-1 axes, 0-d)."""
    from tinytorch.core.tensor import Tensor

    for dtype in (np.float32, np.float64):
        data = np.array(values, dtype=dtype)
        for shaped in (data, data.reshape(1, -1), data.reshape(-1, 1)) + ((data[1],) if scalar else ()):
            run_forward(make(), Tensor(np.array(shaped)), f"{topic} on {np.dtype(dtype)} of shape {np.shape(shaped)}")


def passes(test):
    """Whether test() passes, printing nothing: used to tell whose mistake a failure is."""
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            test()
        except Exception:          # noqa: BLE001 — failed, or could not even run (a deleted test)
            return False
    return True


def true_sigmoid(a):
    """σ(a) = 1/(1 + e^(−a)), right for every input, warning-free, dtype kept: never e^(positive)."""
    z = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + z), z / (1 + z))


@contextlib.contextmanager
def replaced(namespace, name, value, when=True):
    """Inside the block namespace[name] is `value` (only `when`), restored after: a part built on
    another (SiLU on _sigmoid) is then tested on its own code when that other part is wrong."""
    if not when:
        yield
        return
    missing = object()
    saved = namespace.get(name, missing)
    namespace[name] = value
    try:
        yield
    finally:
        if saved is missing:
            del namespace[name]
        else:
            namespace[name] = saved
