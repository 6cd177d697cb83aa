"""Hypothesis strategies for bornite inputs: elicitation tables and deposit tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

__all__ = ["elicitation_tables", "grade_tonnage_tables"]


@st.composite
def elicitation_tables(
    draw: st.DrawFn, *, max_rows: int = 6, max_count: int = 200, tail: bool = False
) -> pd.DataFrame:
    """Valid elicitation tables: ``Name, Weight, N90 <= N50 <= N10 [<= N05 <= N01]``."""
    n_rows = draw(st.integers(1, max_rows))
    columns = ["N90", "N50", "N10", *(["N05", "N01"] if tail else [])]
    rows = []
    for _ in range(n_rows):
        counts = sorted(
            draw(st.lists(st.integers(0, max_count), min_size=len(columns), max_size=len(columns)))
        )
        rows.append(counts)
    weights = draw(st.lists(st.floats(0.1, 10.0), min_size=n_rows, max_size=n_rows))
    table = pd.DataFrame(rows, columns=columns)
    table.insert(0, "Weight", weights)
    table.insert(0, "Name", [f"estimator{i + 1}" for i in range(n_rows)])
    return table


@st.composite
def grade_tonnage_tables(
    draw: st.DrawFn, *, min_deposits: int = 20, max_deposits: int = 80
) -> pd.DataFrame:
    """Deposit tables in bornite's layout (``ore_t``, ``cu_pct``, ``au_gt``) with positive,
    plausible grades: log-normal draws from a seed chosen by Hypothesis."""
    n = draw(st.integers(min_deposits, max_deposits))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "name": [f"D{i + 1}" for i in range(n)],
            "ore_t": np.exp(rng.normal(19.3, 1.4, n)),
            "cu_pct": np.clip(np.exp(rng.normal(-0.8, 0.4, n)), 0.01, 10.0),
            "au_gt": np.clip(np.exp(rng.normal(-1.5, 0.8, n)), 0.001, 50.0),
        }
    )
