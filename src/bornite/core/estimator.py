"""The base of bornite's estimators: scikit-learn's contract, and a clear error before fit.

Every estimator (kriging, inverse distance, deposit-count pmfs, grade-tonnage models)
derives from :class:`Estimator`: ``__init__`` stores its parameters under their own names
and nothing else, so :func:`sklearn.base.clone`, ``get_params`` and ``set_params`` work;
``fit`` validates them and the data and returns ``self``; what it learns ends in ``_``.
Reading a learned attribute before ``fit`` raises :class:`~bornite.errors.NotFittedError`
(a ``ValueError`` and an ``AttributeError``, as scikit-learn's), not a bare
``AttributeError``.
"""

from __future__ import annotations

from typing import Any

from sklearn.base import BaseEstimator

from bornite.errors import NotFittedError

__all__ = ["Estimator", "check_fitted"]


class Estimator(BaseEstimator):
    """scikit-learn's ``BaseEstimator`` with :class:`~bornite.errors.NotFittedError` for a
    learned attribute (``name_``) read before ``fit``.

    Examples
    --------
    >>> class Mean(Estimator):
    ...     def __init__(self, offset=0.0):
    ...         self.offset = offset
    ...     def fit(self, values):
    ...         self.mean_ = sum(values) / len(values) + self.offset
    ...         return self
    >>> Mean(offset=1.0).fit([1.0, 3.0]).mean_
    3.0
    >>> Mean().mean_
    Traceback (most recent call last):
    ...
    bornite.errors.NotFittedError: Mean is not fitted yet (no mean_); call fit(...) first
    """

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: a learned attribute that fit has not set.
        if name.endswith("_") and not name.startswith("_"):
            raise NotFittedError(
                f"{type(self).__name__} is not fitted yet (no {name}); call fit(...) first"
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


def check_fitted(estimator: Any, attribute: str) -> None:
    """Raise :class:`~bornite.errors.NotFittedError` unless ``estimator`` has ``attribute``."""
    if attribute not in vars(estimator):
        msg = f"{type(estimator).__name__} is not fitted yet; call fit(...) first"
        raise NotFittedError(msg)
