"""Every exception and warning that bornite raises.

All errors share one root, :class:`BorniteError`, and each also derives from the builtin
exception a Python user would expect (``ValueError`` for bad values, ``OSError`` for files),
so ``except ValueError`` keeps working in code that does not know bornite.

Messages say what was expected, what was received and what to do, naming the file, row,
hole or tract concerned.
"""

from __future__ import annotations

__all__ = [
    "AccountError",
    "BorniteError",
    "BorniteWarning",
    "ConvergenceError",
    "DataFileError",
    "DrillholeValidationError",
    "ElicitationError",
    "ExtrapolationWarning",
    "GradeTonnageError",
    "InventoryError",
    "MissingDependencyError",
    "NotFittedError",
    "NotFoundError",
    "OutputExistsError",
    "RunConfigError",
    "StaleWriteError",
    "StoreError",
    "UnitError",
    "ValidationError",
]


class BorniteError(Exception):
    """Root of every error raised by bornite."""


class ValidationError(BorniteError, ValueError):
    """A value or table does not meet bornite's conventions."""


class UnitError(ValidationError):
    """A quantity has an unknown unit or a value impossible for its unit."""


class ElicitationError(ValidationError):
    """Elicited numbers of undiscovered deposits are malformed (order, sign, weights)."""


class GradeTonnageError(ValidationError):
    """A grade-tonnage table cannot support the requested model (missing or zero grades)."""


class DrillholeValidationError(ValidationError):
    """Drill-hole tables have problems (overlaps, missing collars, bad surveys, grades)."""


class RunConfigError(ValidationError):
    """A TOML run file or specification is incomplete or contradictory."""


class InventoryError(ValidationError):
    """A deposit or resource statement is incomplete, contradictory or would double count."""


class NotFoundError(InventoryError, LookupError):
    """No deposit, statement, run, user or run file of that name in the database."""


class AccountError(ValidationError):
    """A user name, role or password is refused (web dashboard accounts)."""


class StoreError(BorniteError, OSError):
    """The database cannot be reached, is not initialised or is at another schema version."""


class StaleWriteError(BorniteError, RuntimeError):
    """An edit was based on a version of a record that someone else has changed since
    (optimistic locking: reload the record and edit again)."""


class ConvergenceError(BorniteError, RuntimeError):
    """A numerical fit or optimisation did not converge."""


class DataFileError(BorniteError, OSError):
    """A data file is missing, unreadable or not in the expected layout."""


class OutputExistsError(BorniteError, FileExistsError):
    """An output would overwrite existing files and overwriting was not requested."""


class MissingDependencyError(BorniteError, ImportError):
    """An optional dependency needed for this feature is not installed."""


class NotFittedError(ValidationError, AttributeError):
    """An estimator's result was asked for before ``fit`` (as scikit-learn's error, both a
    ``ValueError`` and an ``AttributeError``)."""


class BorniteWarning(UserWarning):
    """Root of every warning emitted by bornite."""


class ExtrapolationWarning(BorniteWarning):
    """A prediction lies outside the range of the data a model was calibrated on."""
