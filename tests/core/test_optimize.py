"""R-compatible Nelder-Mead."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.core.optimize import nelder_mead_r


def test_minimises_rosenbrock_like_r():
    # R: optim(c(-1.2, 1), fr) gives par 1.000260 1.000506, value 8.825241e-08, 195 evaluations.
    def rosenbrock(x):
        return 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2

    result = nelder_mead_r(rosenbrock, [-1.2, 1.0])
    assert result.converged
    np.testing.assert_allclose(result.x, [1.000260, 1.000506], atol=2e-6)
    assert result.fun == pytest.approx(8.825241e-08, rel=1e-5)
    assert result.n_evaluations == 195


def test_non_finite_values_are_treated_as_large():
    def objective(x):
        return np.nan if x[0] < 0 else (x[0] - 2) ** 2 + (x[1] - 1) ** 2

    result = nelder_mead_r(objective, [0.5, 0.5])
    np.testing.assert_allclose(result.x, [2.0, 1.0], atol=1e-3)


def test_refuses_a_non_finite_start():
    with pytest.raises(ValueError, match="not finite"):
        nelder_mead_r(lambda x: np.inf, [0.0])


def test_iteration_limit_sets_status():
    result = nelder_mead_r(lambda x: float(np.sum(x**2)), [5.0, 5.0], maxit=10)
    assert result.status == 1
    assert not result.converged
