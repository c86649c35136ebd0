"""Trusted checks: the part of a grade that the student's kernel cannot fake.

After a submission's notebook has run, the grader calls the student's functions *in the student's
sandboxed kernel* on inputs it draws fresh for this grading run, receives raw values (dtype, shape,
bytes as JSON — never pickles), and compares them *here*, in the grader's process, with the
instructor's reference implementation, which never enters the sandbox. A graded cell keeps its
points only when the notebook's own test passes and its trusted check passes.

Each module has one check file, modules/NN_name/name_checks.py (instructor-only: neither the
release nor the kit contains it), with one check per graded cell:

    checks = Checks(reference="tinytorch.core.activations")

    @checks.cell("test-relu")
    def relu(c):
        c.same("ReLU()(Tensor(x))", x=c.normal(4, 6, scale=3), dtype=False)

`src` is Python evaluated twice with the same inputs bound as variables: in the student's kernel
(its namespace is the notebook's) and in the reference module's namespace. The last statement is
the value. `raised(fn)` names the exception fn() raises ('no error' if none), in both places.
"""
import ast
import base64
import hashlib
import importlib.util
import json
import secrets
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DTYPES = ("float32", "float64")
ALLOWED_DTYPES = {"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"}


class CheckFailed(Exception):
    """The student's code gave a different answer than the reference (the message says how)."""


class NotImplementedYet(CheckFailed):
    """The student's code raised NotImplementedError (a YOUR CODE HERE part still to do)."""


# ---- values crossing the sandbox boundary: JSON with base64 arrays, in both directions ----

def encode(value):
    """A value as JSON-able data: arrays (and Tensors, anything with an ndarray .data) by dtype,
    shape and bytes; numbers, strings, None, bools and sequences of them as themselves."""
    if hasattr(value, "data") and isinstance(value.data, np.ndarray) and not isinstance(value, np.ndarray):
        return {"tensor": encode(value.data)}
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.ascontiguousarray(value)
        return {"dtype": array.dtype.str, "shape": list(array.shape), "b64": base64.b64encode(array.tobytes()).decode()}
    if isinstance(value, (list, tuple)):
        return {"seq": [encode(v) for v in value]}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"py": value}
    return {"py": f"<{type(value).__name__}>"}


@dataclass(frozen=True)
class TensorValue:
    """What a Tensor looks like once it has crossed the boundary: only its array."""
    data: np.ndarray


def decode(item):
    """The inverse of encode, refusing anything but plain numeric arrays (no objects, no pickles)."""
    if not isinstance(item, dict) or len(item) != 1 and "dtype" not in item:
        raise CheckFailed(f"malformed answer from the kernel: {str(item)[:80]}")
    if "tensor" in item:
        return TensorValue(decode(item["tensor"]))
    if "seq" in item:
        return tuple(decode(v) for v in item["seq"])
    if "py" in item:
        return item["py"]
    dtype = np.dtype(item["dtype"])
    if dtype.name not in ALLOWED_DTYPES:
        raise CheckFailed(f"the kernel answered with an array of dtype {dtype} (numbers were expected)")
    raw = base64.b64decode(item["b64"])
    shape = tuple(int(n) for n in item["shape"])
    if len(raw) != dtype.itemsize * int(np.prod(shape)):
        raise CheckFailed("the kernel's array does not match its own shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def raised(action, *naming):
    """The name of the exception action() raises, or 'no error' (used by checks of error handling);
    with `naming`, also whether the message contains each of those strings."""
    try:
        action()
    except Exception as error:      # noqa: BLE001 — which one it is, is the answer
        return (type(error).__name__, all(s in str(error) for s in naming)) if naming else type(error).__name__
    return ("no error", False) if naming else "no error"


def evaluate(src, namespace):
    """Run src in namespace and return the value of its last statement (an expression)."""
    tree = ast.parse(src)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<check>", "exec"), namespace)
    return eval(compile(ast.Expression(last.value), "<check>", "eval"), namespace) if last else None


# The code the kernel runs for one probe. It only uses the standard library and NumPy, imported
# under private names; the student's namespace is where `src` is evaluated. Nothing here is
# trusted: a kernel may answer anything, but only the right numbers pass the comparison.
KERNEL_DRIVER = r'''
def __tito_probes(__token, __batch):
    import ast, base64, json, warnings     # local names: the student's globals are not used here
    import numpy as np
    {helpers}
    def decode(item):
        if "dtype" in item:
            return np.frombuffer(base64.b64decode(item["b64"]), dtype=item["dtype"]).reshape(item["shape"]).copy()
        return [decode(v) for v in item["seq"]] if "seq" in item else item["py"]
    def probe(src, encoded_inputs, strict):
        inputs = {{name: decode(item) for name, item in encoded_inputs.items()}}
        before = {{name: v.copy() for name, v in inputs.items() if isinstance(v, np.ndarray)}}
        namespace = dict(globals())
        namespace.update(inputs, raised=raised)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                with np.errstate(**({{"over": "raise", "divide": "raise", "invalid": "raise"}} if strict else {{"all": "ignore"}})):
                    value = evaluate(src, namespace)
            result = getattr(value, "data", value)
            return {{"ok": True, "value": encode(value),
                    "changed": [n for n, v in before.items() if not np.array_equal(v, inputs[n], equal_nan=True)],
                    "shares": [n for n, v in before.items() if isinstance(result, np.ndarray)
                               and np.shares_memory(result, inputs[n])]}}
        except Exception as error:
            return {{"ok": False, "error": type(error).__name__, "message": str(error)[:400]}}
    print(__token + json.dumps([probe(*question) for question in json.loads(__batch)]))
'''


def _source_of(*functions):
    import inspect
    import textwrap
    return textwrap.indent("\n".join(textwrap.dedent(inspect.getsource(f)) for f in functions), "    ").strip()


KERNEL_DRIVER = KERNEL_DRIVER.format(helpers=_source_of(encode, raised, evaluate))


def probe_code(token, batch):
    """The code sent to the kernel for a batch of questions [(src, inputs, strict)], after
    KERNEL_DRIVER has defined __tito_probes. strict: NumPy's floating-point warnings count as
    errors (else they are silenced)."""
    payload = json.dumps([[src, {name: encode(v) for name, v in inputs.items()}, bool(strict)]
                          for src, inputs, strict in batch])
    return f"__tito_probes({token!r}, {payload!r})"


def read_replies(token, stdout, count):
    """The batch's answers in the kernel's stdout (the last line that carries this run's token)."""
    lines = [line[len(token):] for line in stdout.splitlines() if line.startswith(token)]
    if not lines:
        raise CheckFailed("the kernel gave no answer (the code may not have run at all)")
    try:
        replies = json.loads(lines[-1])
    except (ValueError, RecursionError):      # not JSON, or nested deep enough to exhaust the parser
        raise CheckFailed("the kernel's answer was not readable") from None
    if not isinstance(replies, list) or len(replies) != count or not all(isinstance(r, dict) for r in replies):
        raise CheckFailed("the kernel's answer did not match the questions")
    return replies


# ---- comparing answers ----

def show(array, limit=6):
    return np.array2string(np.ravel(array)[:limit], precision=6, separator=", ") + (" ..." if np.size(array) > limit else "")


def describe_inputs(inputs):
    parts = []
    for name, value in inputs.items():
        if isinstance(value, np.ndarray):
            parts.append(f"{name} = {show(value)} ({value.dtype}, shape {value.shape})")
        else:
            parts.append(f"{name} = {value!r}")
    return "; ".join(parts)


def compare(got, want, what, rtol=None, atol=None, dtype=True, where=None):
    """Raise CheckFailed with a message like a notebook test's (the input, expected, got) unless got
    matches want: same kind, shape (and dtype), nan and ±inf in the same places, values close."""
    if isinstance(want, TensorValue):
        if not isinstance(got, TensorValue):
            raise CheckFailed(f"{what} must return a Tensor, got {type(got).__name__}")
        got, want = got.data, want.data
    if isinstance(want, tuple):
        if not isinstance(got, tuple) or len(got) != len(want):
            raise CheckFailed(f"{what}: expected {len(want)} values, got {got!r:.80}")
        for i, (g, w) in enumerate(zip(got, want)):
            compare(g, w, f"{what} [part {i + 1}]", rtol, atol, dtype, where)
        return
    if not isinstance(want, np.ndarray):
        if isinstance(got, np.ndarray):        # NumPy scalars cross as 0-d arrays; a bigger array is no value
            if got.ndim:
                raise CheckFailed(f"{what}: expected {want!r}, got an array of shape {got.shape}")
            got = got.item()
        if got != want:
            raise CheckFailed(f"{what}: expected {want!r}, got {got!r:.80}")
        return
    if not isinstance(got, np.ndarray):
        raise CheckFailed(f"{what}: expected an array, got {got!r:.80}")
    if got.shape != want.shape:
        raise CheckFailed(f"{what}: expected shape {want.shape}, got {got.shape}")
    if dtype and got.dtype != want.dtype:
        raise CheckFailed(f"{what} must keep the dtype: expected {want.dtype}, got {got.dtype}")
    kind = want.dtype if want.dtype.kind == "f" else np.dtype(np.float64)
    rtol = 16 * np.finfo(kind).eps if rtol is None else rtol
    atol = 16 * np.finfo(kind).tiny if atol is None else atol
    g, w = got.astype(np.float64), want.astype(np.float64)
    ok = np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True) | (np.isinf(w) & (g == w))
    if not ok.all():
        i = np.flatnonzero(~ok)[0]
        at = f" for input {np.ravel(where)[i]!r}" if where is not None and np.size(where) == w.size else \
            f" at index {tuple(int(k) for k in np.unravel_index(i, w.shape))}"
        raise CheckFailed(f"{what}{at}: expected {w.flat[i]:.10g}, got {g.flat[i]:.10g}")


# ---- the reference implementation, loaded from bytes under a private name ----

def load_reference(package_files, module):
    """Import `module` (e.g. 'tinytorch.core.activations') from the reference package given as
    {relative path: bytes}, under a name private to these bytes, so that it never meets the
    `tinytorch` a student (or another course version) may have on sys.path."""
    digest = hashlib.sha256(b"".join(k.encode() + v for k, v in sorted(package_files.items()))).hexdigest()[:16]
    private = f"_tito_reference_{digest}"
    if private not in sys.modules:
        with tempfile.TemporaryDirectory(prefix="tito-reference-") as scratch:
            # the solutions are on disk only while they are imported (all of them, now): nothing of
            # them is left for a process that is not sandboxed to read
            folder = Path(scratch) / private
            for relative, data in package_files.items():
                target = folder / Path(relative).relative_to("tinytorch")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            spec = importlib.util.spec_from_file_location(private, folder / "__init__.py",
                                                          submodule_search_locations=[str(folder)])
            package = importlib.util.module_from_spec(spec)
            sys.modules[private] = package
            spec.loader.exec_module(package)
            for relative in sorted(package_files):
                if relative.endswith(".py") and not relative.endswith("__init__.py"):
                    importlib.import_module(".".join((private, *Path(relative).relative_to("tinytorch").with_suffix("").parts)))
    return importlib.import_module(module.replace("tinytorch", private, 1))


# ---- the checks of one module ----

@dataclass
class Outcome:
    grade_id: str
    passed: bool
    message: str = ""
    not_done: bool = False


class Checks:
    """The registry a check file fills: one function per graded cell, in notebook order."""

    def __init__(self, reference):
        self.reference = reference
        self.functions = {}

    def cell(self, grade_id):
        def register(function):
            if grade_id in self.functions:
                raise ValueError(f"two checks for {grade_id}")
            self.functions[grade_id] = function
            return function
        return register


def load_checks(source_text, filename="<checks>"):
    """The Checks object a check file defines (as `checks`)."""
    namespace = {"__name__": "tito_checks"}
    exec(compile(source_text, filename, "exec"), namespace)
    checks = namespace.get("checks")
    if not isinstance(checks, Checks):
        raise ValueError(f"{filename} must define `checks = Checks(reference=...)`")
    return checks


class Context:
    """What a check function works with: fresh inputs, the student's answers, the reference's."""

    def __init__(self, run_in_kernel, reference_namespace, rng, outcomes):
        self._run_in_kernel = run_in_kernel       # [(src, inputs, strict)] -> [reply dict]
        self._reference = reference_namespace
        self.rng = rng
        self._outcomes = outcomes
        self._pending = []                        # questions of `same`, asked together (one round trip)

    # inputs, drawn fresh for every grading run
    def normal(self, *shape, scale=1.0, dtype="float64"):
        return (self.rng.standard_normal(shape) * scale).astype(dtype)

    def uniform(self, low, high, *shape, dtype="float64"):
        return self.rng.uniform(low, high, shape).astype(dtype)

    def integers(self, low, high):
        return int(self.rng.integers(low, high))

    def with_specials(self, array):
        """A copy of `array` with ±inf, nan, ±0 and huge values planted at random places."""
        out = np.array(array, copy=True)
        big = 1e30 if out.dtype == np.float32 else 1e300
        specials = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, big, -big], dtype=out.dtype)
        places = self.rng.choice(out.size, size=min(out.size, len(specials)), replace=False)
        out.flat[places] = specials[:len(places)]
        return out

    # asking the student and the reference
    def run(self, src, strict=True, fresh=False, **inputs):
        """The student's answer (decoded), or CheckFailed saying what went wrong. With strict=False
        NumPy's warnings are silenced (for a part whose own cell already charges them); with
        fresh=True the answer must be a new array, not the input or a view of it."""
        self.flush()
        return self._answer(self._run_in_kernel([(src, inputs, strict)])[0], src, inputs, fresh)

    def _answer(self, reply, src, inputs, fresh):
        # every field is the kernel's word: its type is checked before it is used
        if not reply.get("ok"):
            error, message = reply.get("error"), reply.get("message")
            error = error if isinstance(error, str) else "?"
            message = message if isinstance(message, str) else ""
            if error == "NotImplementedError":
                raise NotImplementedYet(f"{src}: still raises NotImplementedError (a YOUR CODE HERE part)")
            if error == "FloatingPointError":
                raise CheckFailed(f"{src} on {describe_inputs(inputs)} made NumPy report '{message}'")
            raise CheckFailed(f"{src} on {describe_inputs(inputs)} raised {error}: {message[:200]}")
        changed, shares = (reply.get(key, []) for key in ("changed", "shares"))
        if not all(isinstance(names, list) and all(isinstance(n, str) for n in names) for names in (changed, shares)):
            raise CheckFailed(f"{src}: the kernel's answer could not be read")
        if changed:
            raise CheckFailed(f"{src} changed its input {', '.join(changed)} in place")
        if fresh and shares:
            raise CheckFailed(f"{src} returned its input {', '.join(shares)} (or a view of it), not a new array")
        try:
            return decode(reply.get("value", {"py": None}))
        except CheckFailed:
            raise
        except Exception:          # noqa: BLE001 — whatever the kernel sent, it is not an answer
            raise CheckFailed(f"{src}: the kernel's answer could not be read") from None

    def reference(self, src, **inputs):
        namespace = dict(self._reference)
        namespace.update({k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in inputs.items()}, raised=raised)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = evaluate(src, namespace)
        return decode(json.loads(json.dumps(encode(value))))

    def same(self, src, rtol=None, atol=None, dtype=True, fresh=False, **inputs):
        """The student's answer to src must match the reference's on these inputs. (Asked with the
        other questions of this check that do not need an answer first: see flush.)"""
        self._pending.append((src, inputs, fresh, self.reference(src, **inputs), (rtol, atol, dtype)))

    def flush(self):
        """Ask the pending questions in one round trip and compare the answers, in order."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        replies = self._run_in_kernel([(src, inputs, True) for src, inputs, *_ in pending])
        for reply, (src, inputs, fresh, want, (rtol, atol, dtype)) in zip(replies, pending):
            where = next((v for v in inputs.values() if isinstance(v, np.ndarray)), None)
            compare(self._answer(reply, src, inputs, fresh), want, f"{src} with {describe_inputs(inputs)}",
                    rtol, atol, dtype, where)

    def expect_run(self, src, want, what, rtol=None, atol=None, dtype=True, strict=True, **inputs):
        """The student's answer to src must match `want`, a value the check computed itself."""
        where = next((v for v in inputs.values() if isinstance(v, np.ndarray)), None)
        compare(self.run(src, strict=strict, **inputs), want, f"{what} with {describe_inputs(inputs)}",
                rtol, atol, dtype, where)

    def expect(self, got, want, what, rtol=None, atol=None, dtype=True):
        """Compare an answer with a value the check computed itself (e.g. from the student's own output)."""
        compare(got, want, what, rtol, atol, dtype)

    def passed(self, grade_id):
        self.flush()
        outcome = self._outcomes.get(grade_id)
        return outcome is not None and outcome.passed


def run_checks(checks, run_in_kernel, reference_files, seed):
    """Run every check in order. run_in_kernel([(src, inputs, strict)]) -> [reply dict]. Returns {grade_id: Outcome}."""
    reference = vars(load_reference(reference_files, checks.reference))
    outcomes = {}
    for grade_id, function in checks.functions.items():
        rng = np.random.default_rng([seed, int(hashlib.sha256(grade_id.encode()).hexdigest()[:8], 16)])
        context = Context(run_in_kernel, reference, rng, outcomes)
        try:
            function(context)
            context.flush()
            outcomes[grade_id] = Outcome(grade_id, True)
        except NotImplementedYet as missing:
            outcomes[grade_id] = Outcome(grade_id, False, str(missing), not_done=True)
        except CheckFailed as failure:
            outcomes[grade_id] = Outcome(grade_id, False, str(failure))
        except Exception as error:      # noqa: BLE001 — an answer the check cannot use costs this cell, not the job
            outcomes[grade_id] = Outcome(grade_id, False, f"the check could not use your answer: "
                                                          f"{type(error).__name__}: {str(error)[:200]}")
    return outcomes


def new_token():
    return f"tito-answer-{secrets.token_hex(8)}:"
