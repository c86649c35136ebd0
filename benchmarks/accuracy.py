"""Print the measured accuracy of every activation: worst ulp error against mpmath (the contract in
each docstring) and the largest central-difference gradient error. Uses the tests' reference harness.

    python benchmarks/accuracy.py
"""
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from numerics import DTYPES, INPUTS, allowed_ulp, ulp_errors  # noqa: E402
from test_activations import ALL, ELEMENTWISE, central_difference  # noqa: E402

from tinytorch.core.tensor import Tensor  # noqa: E402


def worst_ulp():
    print(f"{'activation':<11}{'dtype':<9}{'worst ulp':>10}{'at x':>12}{'contract there':>16}")
    for name in ("sigmoid", "tanh", "silu", "gelu", "gelu_tanh"):
        for dtype in DTYPES:
            worst = (0.0, None, None)
            for inputs, make_inputs in INPUTS.items():
                x = make_inputs(dtype)
                errors = ulp_errors(name, dtype, ELEMENTWISE[name]()(Tensor(x)).data, inputs)
                bound = allowed_ulp(name, dtype, x)
                errors[np.isnan(bound)] = np.nan
                if np.isfinite(errors).any():
                    i = int(np.nanargmax(errors))
                    if errors[i] > worst[0]:
                        worst = (errors[i], x[i], bound[i])
            print(f"{name:<11}{dtype:<9}{worst[0]:>10.2f}{worst[1]:>12.4g}{worst[2]:>16.1f}")


def gradient_errors():
    rng = np.random.default_rng(5)
    x = rng.uniform(-4, 4, (3, 5))
    x[np.abs(x) < 1e-3] += 0.01
    grad = rng.standard_normal(x.shape)
    print(f"\n{'activation':<15}{'max |analytic − central difference|':>36}")
    for name, make in ALL.items():
        act = make()
        act(Tensor(x))
        analytic = act.backward(Tensor(grad)).data
        print(f"{name:<15}{np.abs(analytic - central_difference(make, x, grad)).max():>36.2e}")


if __name__ == "__main__":
    worst_ulp()
    gradient_errors()
