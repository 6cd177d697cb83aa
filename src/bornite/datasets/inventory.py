"""A seeded synthetic inventory: deposits and their statement histories (illustrative)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bornite.inventory import STATUSES

__all__ = ["synthetic_inventory"]

_BELTS = ("Gangdese", "Yulong", "Bangong-Nujiang", "Sanjiang", "Qinling", "Tianshan")
_REGIONS = ("Xizang", "Qinghai", "Yunnan", "Sichuan", "Xinjiang", "Gansu")
_COUNTRIES = ("China", "Mongolia", "Kazakhstan", "Pakistan")
_TYPES = ("porphyry Cu", "porphyry Cu-Mo", "porphyry Cu-Au", "skarn Cu", "epithermal Au-Cu")
_CODES = ("jorc2012", "cim", "gbt17766", "compilation")
_RESOURCES = ("measured", "indicated", "inferred")
_RESERVES = ("proved", "probable")


def synthetic_inventory(
    n_deposits: int = 200, n_statements: int = 2_000, *, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deposits and resource statements with histories, for tests and benchmarks.

    Each deposit gets reports at several effective dates (resources, and for some deposits
    reserves), one code per report, categories drawn without repeats within a report, Cu
    grades (with Au for some) and, now and then, a compilation that gives metal only.
    Nothing here describes a real deposit.

    Returns
    -------
    (deposits, statements) : tuple of pandas.DataFrame
        In the import columns of :mod:`bornite.inventory` (statements reach
        ``n_statements`` rows, give or take a report).
    """
    rng = np.random.default_rng(seed)
    ids = np.array([f"SYN-{i:06d}" for i in range(n_deposits)])
    deposits = pd.DataFrame(
        {
            "id": ids,
            "name": [f"Synthetic {i}" for i in range(n_deposits)],
            "easting": rng.uniform(80.0, 100.0, n_deposits).round(5),
            "northing": rng.uniform(28.0, 36.0, n_deposits).round(5),
            "crs": "EPSG:4326",
            "deposit_type": rng.choice(_TYPES, n_deposits),
            "belt": rng.choice([*_BELTS, ""], n_deposits),
            "region": rng.choice(_REGIONS, n_deposits),
            "country": rng.choice(_COUNTRIES, n_deposits, p=[0.7, 0.1, 0.1, 0.1]),
            "status": rng.choice(STATUSES, n_deposits),
            "discovery_year": rng.integers(1950, 2024, n_deposits),
            "sources": "synthetic",
        }
    )
    per_deposit = max(1, n_statements // max(n_deposits, 1))
    n_rows = n_deposits * per_deposit
    owner = np.repeat(np.arange(n_deposits), per_deposit)
    position = np.tile(np.arange(per_deposit), n_deposits)
    # Reports of about three rows; each report has its own date (later reports later).
    report = position // 3
    first_year = rng.integers(2000, 2016, n_deposits)[owner]
    years = first_year + 2 * report + rng.integers(0, 2, n_rows) * (report > 0)
    days = rng.integers(0, 365, n_deposits * (per_deposit // 3 + 1))
    day = days[owner * (per_deposit // 3 + 1) + report]
    dates = pd.to_datetime(years.astype(str), format="%Y") + pd.to_timedelta(day, unit="D")
    dates = pd.Series(dates).groupby([owner, report]).transform("min")
    reserve = (rng.random(n_deposits) < 0.3)[owner] & (report % 2 == 1)
    within = position % 3
    category = np.where(
        reserve,
        np.array(_RESERVES)[within % 2],
        np.array(_RESOURCES)[within],
    )
    code = np.array(_CODES)[rng.integers(0, len(_CODES), n_deposits * (per_deposit // 3 + 1))][
        owner * (per_deposit // 3 + 1) + report
    ]
    ore = rng.lognormal(np.log(50e6), 1.0, n_rows).round(-3)
    cu = rng.lognormal(np.log(0.5), 0.4, n_rows).round(3)
    metal_only = (code == "compilation") & (rng.random(n_rows) < 0.5)
    statements = pd.DataFrame(
        {
            "deposit_id": ids[owner],
            "effective_date": dates.dt.strftime("%Y-%m-%d").to_numpy(),
            "code": code,
            "category": category,
            "domain": np.where(reserve & (within == 2), "stockpile", ""),
            "ore_t": np.where(metal_only, np.nan, ore),
            "cu_pct": np.where(metal_only, np.nan, cu),
            "cu_t": np.where(metal_only, (ore * cu / 100).round(-2), np.nan),
            "au_gt": np.where(rng.random(n_rows) < 0.4, rng.uniform(0.05, 0.8, n_rows), np.nan),
            "inclusive_of_reserves": (rng.random(n_deposits) < 0.6)[owner],
            "citation": "synthetic",
        }
    )
    statements.loc[metal_only, "au_gt"] = np.nan
    return deposits, statements
