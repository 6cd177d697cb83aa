"""MineLib UPIT instances: published optima to the unit, closure, engines agree."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.io.minelib import read_minelib
from bornite.pit import check_closure, ultimate_pit
from tests.pit.conftest import INSTALLED

pytestmark = pytest.mark.shared_data

#: Published UPIT optima (MineLib, Espinoza et al. 2013).
OPTIMA = {"newman1": 26_086_899, "zuck_small": 1_422_726_898}


def _instance(shared_data, name):
    return read_minelib(shared_data / "minelib" / name / name)


@pytest.mark.parametrize("engine", [e for e in INSTALLED if e != "scipy"])  # int64 engines
@pytest.mark.parametrize("name", sorted(OPTIMA))
def test_published_optimum_to_the_unit(shared_data, name, engine):
    instance = _instance(shared_data, name)
    pit = ultimate_pit(instance.values, instance.source, instance.target, engine=engine)
    check_closure(pit.mask, instance.source, instance.target)
    objective = instance.objective(pit.mask)
    assert round(objective) == OPTIMA[name]
    # the objective recomputed from the blocks agrees with the integer solve
    assert abs(float(objective) - pit.value / instance.scale) < 1e-6 * max(
        1.0, abs(float(objective))
    )


def test_kd_engines_agree_and_the_pit_is_closed(shared_data):
    instance = _instance(shared_data, "kd")
    exact = [e for e in INSTALLED if e != "scipy"]
    if len(exact) < 2:
        pytest.skip("needs two int64 engines (pymineflow and ortools) to compare")
    pits = [
        ultimate_pit(instance.values, instance.source, instance.target, engine=e) for e in exact
    ]
    assert pits[0].value == pits[1].value
    for pit in pits:
        check_closure(pit.mask, instance.source, instance.target)
        assert pit.value == int(instance.values[pit.mask].sum())
    assert 0 < pits[0].n_blocks < instance.n_blocks
    assert instance.blocks is not None
    assert "cu" in instance.blocks.columns


def test_a_block_short_of_the_pit_loses_value(shared_data):
    instance = _instance(shared_data, "newman1")
    pit = ultimate_pit(instance.values, instance.source, instance.target)
    # removing any block that nothing inside needs keeps closure but cannot gain value
    needed = np.zeros(instance.n_blocks, dtype=bool)
    inside_src = pit.mask[instance.source]
    needed[instance.target[inside_src]] = True
    removable = np.flatnonzero(pit.mask & ~needed)
    assert removable.size > 0
    assert (instance.values[removable] >= 0).all()
