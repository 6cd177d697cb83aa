"""A Nelder-Mead simplex search with the exact semantics of R's ``optim(method="Nelder-Mead")``.

Published assessments (MapMark4, MapWizard) fit deposit-count pmfs with R's ``optim``.
Their cost functions are piecewise constant in the parameters (they compare integer quantiles),
so the optimum that a simplex search stops at depends on the details of the search: the initial
simplex, the order of reflection, expansion, contraction and shrink steps, and the
convergence test. To reproduce published pmfs to every printed digit, bornite implements the
algorithm as R documents it (Nash 1990, *Compact Numerical Methods for Computers*, 2nd ed.,
Algorithm 19), rather than using :func:`scipy.optimize.minimize`, whose simplex differs.

Notes
-----
Initial simplex: the start point plus one vertex per coordinate, displaced by
``0.1 * max|x0|`` (or 0.1 when ``x0`` is zero). Reflection ``alpha = 1``, contraction
``beta = 0.5``, expansion ``gamma = 2``. The search stops when the spread of function values
over the simplex is at most ``reltol * (|f(x0)| + reltol)``, or after ``maxit`` evaluations.
Non-finite function values are replaced by ``1e35``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["SimplexResult", "nelder_mead_r"]

_BIG = 1.0e35


@dataclass(frozen=True)
class SimplexResult:
    """Outcome of :func:`nelder_mead_r`.

    ``status`` follows R: 0 converged, 1 the evaluation limit was reached,
    10 the simplex degenerated (a shrink did not reduce its size).
    """

    x: npt.NDArray[np.float64]
    fun: float
    n_evaluations: int
    status: int

    @property
    def converged(self) -> bool:
        """Whether the search met its convergence test."""
        return self.status == 0


def nelder_mead_r(
    fun: Callable[[npt.NDArray[np.float64]], float],
    x0: npt.ArrayLike,
    *,
    reltol: float = float(np.sqrt(np.finfo(float).eps)),
    abstol: float = -np.inf,
    maxit: int = 500,
    alpha: float = 1.0,
    beta: float = 0.5,
    gamma: float = 2.0,
) -> SimplexResult:
    """Minimise ``fun`` from ``x0`` by R's Nelder-Mead simplex search.

    Parameters
    ----------
    fun : callable
        Objective ``fun(x) -> float``.
    x0 : array_like
        Start point.
    reltol, abstol, maxit, alpha, beta, gamma
        As in R's ``optim`` (defaults are R's).

    Returns
    -------
    SimplexResult

    Raises
    ------
    ValueError
        If ``fun(x0)`` is not finite (R refuses to start there too).

    Examples
    --------
    >>> res = nelder_mead_r(lambda x: (x[0] - 1) ** 2 + (x[1] + 2) ** 2, [0.0, 0.0])
    >>> bool(np.allclose(res.x, [1, -2], atol=1e-3)), res.status
    (True, 0)
    """
    start = np.array(x0, dtype=float).ravel()
    n = start.size

    def evaluate(x: npt.NDArray[np.float64]) -> float:
        value = float(fun(x.copy()))
        return value if np.isfinite(value) else _BIG

    f0 = float(fun(start.copy()))
    if not np.isfinite(f0):
        msg = "Nelder-Mead: the objective is not finite at the start point"
        raise ValueError(msg)
    if maxit <= 0:
        return SimplexResult(start, f0, 0, 0)

    n_evaluations = 1
    convtol = reltol * (abs(f0) + reltol)
    # Vertices in rows; values alongside. Row 0 is the start point.
    vertices = np.tile(start, (n + 1, 1))
    values = np.empty(n + 1)
    values[0] = f0
    step = max(0.1 * float(np.max(np.abs(start))), 0.0) or 0.1
    size = 0.0
    for j in range(1, n + 1):
        trystep = step
        while vertices[j, j - 1] == start[j - 1]:
            vertices[j, j - 1] = start[j - 1] + trystep
            trystep *= 10.0
        size += trystep
    oldsize = size
    best = 0
    recompute = True
    status = 0

    while True:
        if recompute:
            for j in range(n + 1):
                if j != best:
                    values[j] = evaluate(vertices[j])
                    n_evaluations += 1
            recompute = False

        # Best (lowest) and worst (highest) vertices; ties keep the earlier index,
        # scanning from the current best as R does.
        low_value = values[best]
        worst, high_value = best, low_value
        for j in range(n + 1):
            if j == best:
                continue
            f = values[j]
            if f < low_value:
                best, low_value = j, f
            if f > high_value:
                worst, high_value = j, f

        if high_value <= low_value + convtol or low_value <= abstol:
            break

        centroid = (vertices.sum(axis=0) - vertices[worst]) / n
        reflected = (1.0 + alpha) * centroid - alpha * vertices[worst]
        f_reflected = evaluate(reflected)
        n_evaluations += 1
        if f_reflected < low_value:
            expanded = gamma * reflected + (1.0 - gamma) * centroid
            f_expanded = evaluate(expanded)
            n_evaluations += 1
            if f_expanded < f_reflected:
                vertices[worst], values[worst] = expanded, f_expanded
            else:
                vertices[worst], values[worst] = reflected, f_reflected
        else:
            if f_reflected < high_value:
                vertices[worst], values[worst] = reflected, f_reflected
            contracted = (1.0 - beta) * vertices[worst] + beta * centroid
            f_contracted = evaluate(contracted)
            n_evaluations += 1
            if f_contracted < values[worst]:
                vertices[worst], values[worst] = contracted, f_contracted
            elif f_reflected >= high_value:
                recompute = True
                size = 0.0
                for j in range(n + 1):
                    if j != best:
                        vertices[j] = beta * (vertices[j] - vertices[best]) + vertices[best]
                        size += float(np.sum(np.abs(vertices[j] - vertices[best])))
                if size < oldsize:
                    oldsize = size
                else:
                    status = 10
                    break
        if n_evaluations > maxit:
            break

    if n_evaluations > maxit:
        status = 1
    return SimplexResult(vertices[best].copy(), float(values[best]), n_evaluations, status)
