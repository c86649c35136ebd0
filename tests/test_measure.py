"""Seeing and measuring: the activation/derivative figure renders headless; the profiler returns
well-formed, sane measurements (never an assertion about absolute speed)."""
import math

import matplotlib
import numpy as np

from tinytorch.core.activations import ActivationProfiler, ReLU, Sigmoid, default_activations, plot_activations
from tinytorch.core.tensor import Tensor


def test_figure_renders_headless_and_is_not_blank(tmp_path):
    path = tmp_path / "activations.png"
    plot_activations(path=path)
    image = matplotlib.image.imread(path)
    assert image.shape[0] >= 150 and image.shape[1] >= 6 * 150, image.shape   # one panel per activation
    ink = (image[..., :3] < 0.8).any(axis=-1).mean()
    assert 0.01 < ink < 0.6, f"the figure looks blank or solid ({ink:.3f} of pixels drawn)"


def test_figure_uses_the_classes_it_is_given(tmp_path):
    class Doubler(ReLU):
        def forward(self, x):
            return Tensor(2 * x.data)

    figure = plot_activations({"Doubler": Doubler(), "Sigmoid": Sigmoid()})
    lines = figure.axes[0].get_lines()
    xs, ys = lines[-2].get_data()
    assert np.allclose(ys, 2 * xs), "the solid curve is the activation's own forward"
    assert np.allclose(lines[-1].get_data()[1], (xs > 0) * 1.0), "the dashed curve is its backward()"


def test_time_activation_warms_up_repeats_and_returns_the_median():
    calls = []
    profiler = ActivationProfiler()
    median = profiler.time_activation(lambda t: calls.append(t), Tensor([1.0]), "noop", iterations=7, warmup=3)
    assert len(calls) == 10 and len(profiler.results["noop"]) == 7
    assert median == float(np.median(profiler.results["noop"])) and median >= 0


def test_comparison_rows_are_complete_and_sane():
    rows = ActivationProfiler().compare_activations(shape=(64, 64), iterations=3)
    assert [r["name"] for r in rows] == list(default_activations())
    for row in rows:
        assert set(row) == {"name", "median_ms", "gb_per_s", "x_copy"}
        assert row["median_ms"] > 0 and math.isfinite(row["x_copy"]) and row["gb_per_s"] > 0


def test_scaling_fit_reports_points_in_order_and_a_finite_exponent():
    result = ActivationProfiler().analyze_scaling(ReLU(), "ReLU", sizes=(40_000, 10_000, 160_000), iterations=3)
    assert [p["size"] for p in result["points"]] == [10_000, 40_000, 160_000]
    assert all(p["median_ms"] > 0 for p in result["points"])
    assert 0 < result["exponent"] < 3, result["exponent"]
