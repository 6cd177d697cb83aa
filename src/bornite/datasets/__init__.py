"""Bundled example data and seeded synthetic generators (everything here is illustrative)."""

from bornite.datasets.deposit import (
    PorphyryDeposit,
    block_truth,
    synthetic_drill_campaign,
    synthetic_porphyry_deposit,
    synthetic_topography,
    truth_at,
)
from bornite.datasets.examples import demo_dir
from bornite.datasets.inventory import synthetic_inventory
from bornite.datasets.region import REGION_RULE, SyntheticRegion, synthetic_region
from bornite.datasets.synthetic import PORPHYRY_2008, porphyry_grade_tonnage

__all__ = [
    "PORPHYRY_2008",
    "REGION_RULE",
    "PorphyryDeposit",
    "SyntheticRegion",
    "block_truth",
    "demo_dir",
    "porphyry_grade_tonnage",
    "synthetic_drill_campaign",
    "synthetic_inventory",
    "synthetic_porphyry_deposit",
    "synthetic_region",
    "synthetic_topography",
    "truth_at",
]
