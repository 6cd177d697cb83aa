"""Bundled example data and seeded synthetic generators (everything here is illustrative)."""

from bornite.datasets.examples import demo_dir
from bornite.datasets.synthetic import PORPHYRY_2008, porphyry_grade_tonnage

__all__ = ["PORPHYRY_2008", "demo_dir", "porphyry_grade_tonnage"]
