"""Public assertion helpers and Hypothesis strategies for testing code built on bornite.

Production code never imports this package (an import-linter contract checks it). Hypothesis
is needed only for :mod:`bornite.testing.strategies` (install ``bornite[test]``).
"""

from bornite.testing.assertions import assert_valid_pmf, assert_within_monte_carlo_error

__all__ = ["assert_valid_pmf", "assert_within_monte_carlo_error"]
