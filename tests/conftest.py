"""Shared fixtures: the reference data in ``../shared/data`` (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: Reference data beside the checkout; ``BORNITE_SHARED_DATA`` overrides the location.
SHARED_DATA = Path(
    os.environ.get("BORNITE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to ``../shared/data``; skips the test with a reason when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"reference data not found at {SHARED_DATA} (set BORNITE_SHARED_DATA or place "
            "the shared/ folder beside the checkout)"
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def mapmark4_data(shared_data: Path) -> Path:
    """MapMark4 example data folder."""
    return shared_data / "assessment" / "mapmark4"


@pytest.fixture(scope="session")
def mapwizard_data(shared_data: Path) -> Path:
    """MapWizard example data folder."""
    return shared_data / "assessment" / "mapwizard"
