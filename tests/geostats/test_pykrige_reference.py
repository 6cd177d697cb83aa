"""Agreement with PyKrige's OrdinaryKriging3D (optional test-only reference; skipped without it)."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.geostats import OrdinaryKriging, SearchNeighbourhood, Structure, VariogramModel

pykrige_ok3d = pytest.importorskip("pykrige.ok3d")


@pytest.mark.parametrize("n_closest", [None, 12])
def test_point_ok_matches_pykrige(n_closest):
    rng = np.random.default_rng(21)
    xyz = rng.uniform(0, 100, size=(120, 3))
    z = np.sin(xyz[:, 0] / 15) + xyz[:, 2] / 50 + 0.1 * rng.normal(size=120)
    targets = rng.uniform(5, 95, size=(50, 3))
    psill, rng_, nugget = 0.8, 60.0, 0.05
    peer = pykrige_ok3d.OrdinaryKriging3D(
        xyz[:, 0],
        xyz[:, 1],
        xyz[:, 2],
        z,
        variogram_model="spherical",
        variogram_parameters={"psill": psill, "range": rng_, "nugget": nugget},
    )
    backend = "vectorized" if n_closest is None else "loop"
    est_peer, var_peer = peer.execute(
        "points",
        targets[:, 0],
        targets[:, 1],
        targets[:, 2],
        backend=backend,
        n_closest_points=n_closest,
    )
    model = VariogramModel(nugget, (Structure("spherical", psill, rng_),))
    nb = None if n_closest is None else SearchNeighbourhood(1e4, max_samples=n_closest)
    table = OrdinaryKriging(model, neighbourhood=nb).fit(xyz, z).predict(targets)
    np.testing.assert_allclose(table["estimate"], np.asarray(est_peer), rtol=1e-8)
    np.testing.assert_allclose(table["variance"], np.asarray(var_peer), rtol=1e-8)
