"""Block grids, wireframe domains, the estimation driver, classification, curves, exports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bornite.blockmodel import (
    BlockGrid,
    classify,
    estimate_blocks,
    grade_shell,
    grade_tonnage_curve,
    inside_wireframe,
    swath,
)
from bornite.blockmodel.domains import _box_triangles
from bornite.errors import DataFileError, ValidationError
from bornite.io.blockmodel import block_table, write_block_model
from bornite.io.stl import read_stl


def test_grid_geometry_and_indexing():
    grid = BlockGrid((100.0, 200.0, -50.0), (10.0, 20.0, 5.0), (4, 3, 2))
    assert grid.n_blocks == 24
    assert grid.axis(1).tolist() == [210.0, 230.0, 250.0]
    centroids = grid.centroids()
    np.testing.assert_array_equal(grid.index(centroids)[5], [0, 2, 1])
    assert grid.index([[0.0, 0.0, 0.0]]).tolist() == [[-1, -1, -1]]
    model = grid.dataset(cu_pct=np.arange(24.0))
    assert model["cu_pct"].dims == ("easting", "northing", "elevation")
    assert BlockGrid.from_dataset(model) == grid
    with pytest.raises(ValidationError, match="block_size must be > 0"):
        BlockGrid((0, 0, 0), (0, 1, 1), (1, 1, 1))


@settings(max_examples=30, deadline=None)
@given(
    st.tuples(*[st.floats(-50, 50) for _ in range(3)]),
    st.tuples(*[st.floats(5, 60) for _ in range(3)]),
)
def test_wireframe_box_matches_the_analytic_inside_test(low, extent):
    """Blocks inside a box wireframe are exactly those whose centroids lie in the box
    (centroids on a face are ambiguous and left out of the comparison)."""
    high = tuple(lo + e for lo, e in zip(low, extent, strict=True))
    grid = BlockGrid((-60.0, -60.0, -60.0), (7.0, 9.0, 4.0), (26, 21, 45))
    flagged = inside_wireframe(grid, _box_triangles(low, high))
    c = grid.centroids().reshape(*grid.shape, 3)
    expected = np.all((c > np.array(low)) & (c < np.array(high)), axis=-1)
    on_face = np.any(
        (np.abs(c - np.array(low)) < 1e-9) | (np.abs(c - np.array(high)) < 1e-9), axis=-1
    )
    np.testing.assert_array_equal(flagged[~on_face], expected[~on_face])


def test_wireframe_rejects_non_meshes():
    grid = BlockGrid((0, 0, 0), (1, 1, 1), (2, 2, 2))
    with pytest.raises(ValidationError, match="at least 4 triangles"):
        inside_wireframe(grid, np.zeros((2, 3, 3)))


def test_stl_round_trip_binary_and_ascii(tmp_path):
    triangles = _box_triangles((0, 0, 0), (1, 2, 3))
    binary = tmp_path / "box.stl"
    record = np.zeros(12, dtype=[("n", "<f4", 3), ("v", "<f4", (3, 3)), ("a", "<u2")])
    record["v"] = triangles
    binary.write_bytes(b"\0" * 80 + (12).to_bytes(4, "little") + record.tobytes())
    np.testing.assert_allclose(read_stl(binary), triangles)
    ascii_file = tmp_path / "box_ascii.stl"
    body = "".join(
        "facet normal 0 0 0\nouter loop\n"
        + "".join(f"vertex {x} {y} {z}\n" for x, y, z in t)
        + "endloop\nendfacet\n"
        for t in triangles
    )
    ascii_file.write_text(f"solid box\n{body}endsolid box\n")
    np.testing.assert_allclose(read_stl(ascii_file), triangles)
    (tmp_path / "bad.stl").write_text("not a mesh")
    with pytest.raises(DataFileError, match="not a readable STL"):
        read_stl(tmp_path / "bad.stl")


@pytest.mark.shared_data
def test_babbitt_wireframe_flags_a_closed_volume(shared_data):
    triangles = read_stl(shared_data / "drillholes" / "babbitt_cu_ni" / "Mpz.stl")
    assert triangles.shape == (63_749, 3, 3)
    coarse = BlockGrid.covering(triangles.reshape(-1, 3), (100.0, 100.0, 50.0))
    fine = BlockGrid.covering(triangles.reshape(-1, 3), (50.0, 50.0, 25.0))
    volume_coarse = inside_wireframe(coarse, triangles).sum() * coarse.block_volume
    volume_fine = inside_wireframe(fine, triangles).sum() * fine.block_volume
    # A closed solid: the flagged volume converges as blocks shrink (feet^3 here).
    assert volume_fine > 0
    assert volume_coarse == pytest.approx(volume_fine, rel=0.05)


class _Trend:
    """A stand-in estimator: estimate = easting, variance = 1 / (1 + northing)."""

    def __init__(self):
        self.calls = 0

    def predict(self, targets):
        self.calls += 1
        return pd.DataFrame({"estimate": targets[:, 0], "variance": 1 / (1 + targets[:, 1])})


def test_estimation_driver_chunks_masks_and_threads():
    grid = BlockGrid((0.0, 0.0, 0.0), (1.0, 1.0, 1.0), (10, 7, 3))
    mask = np.zeros(grid.shape, dtype=bool)
    mask[2:8] = True
    estimator = _Trend()
    model = estimate_blocks(grid, estimator, mask=mask, chunk_blocks=25, prefix="cu_")
    assert estimator.calls == -(-mask.sum() // 25)
    np.testing.assert_allclose(model["cu_estimate"].values[mask], grid.centroids(mask)[:, 0])
    assert np.isnan(model["cu_estimate"].values[~mask]).all()
    threaded = estimate_blocks(grid, _Trend(), mask=mask, chunk_blocks=25, prefix="cu_", n_jobs=2)
    np.testing.assert_array_equal(model["cu_variance"].values, threaded["cu_variance"].values)


def test_estimation_driver_runs_chunks_on_another_executor():
    """Chunks sent to worker processes (as a Dask cluster's executor would receive them)
    give the same block model as local threads: the estimator pickles with its search."""
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    from bornite.geostats import (  # noqa: PLC0415
        OrdinaryKriging,
        SearchNeighbourhood,
        Structure,
        VariogramModel,
    )

    rng = np.random.default_rng(1)
    xyz = rng.uniform(0, 100, (300, 3))
    kriging = OrdinaryKriging(
        VariogramModel(0.1, (Structure("spherical", 1.0, 40.0),)),
        neighbourhood=SearchNeighbourhood(50.0, max_samples=12),
        block_size=(10.0, 10.0, 10.0),
    ).fit(xyz, np.sin(xyz[:, 0] / 20) + rng.normal(0, 0.1, 300))
    grid = BlockGrid((0.0, 0.0, 0.0), (10.0, 10.0, 10.0), (10, 10, 10))
    local = estimate_blocks(grid, kriging, chunk_blocks=150)
    with ProcessPoolExecutor(max_workers=2) as pool:
        remote = estimate_blocks(grid, kriging, chunk_blocks=150, executor=pool)
    # Another process may load another BLAS or thread count: equal to rounding (1e-12
    # relative), which a block estimated from other samples would exceed by far.
    for name in ("estimate", "variance", "slope_of_regression"):
        np.testing.assert_allclose(local[name].values, remote[name].values, rtol=1e-12, atol=1e-14)


def test_classification_and_grade_tonnage_by_class():
    grid = BlockGrid((0.0, 0.0, 0.0), (10.0, 10.0, 10.0), (4, 1, 1))
    model = grid.dataset(cu_pct=[0.2, 0.5, 0.8, 1.1], variance=[0.1, 0.4, 0.7, 1.2])
    model["category"] = classify(model, "variance", (0.3, 0.6, 0.9), higher_is_better=False)
    assert model["category"].values.ravel().tolist() == [1, 2, 3, 0]
    assert "探明 (measured)" in model["category"].attrs["names"]["gbt17766"]
    curve = grade_tonnage_curve(model, "cu_pct", [0.0, 0.4, 0.7], density=2.0)
    assert curve["tonnes"].tolist() == [8000.0, 6000.0, 4000.0]
    np.testing.assert_allclose(curve["metal_t"], curve["tonnes"] * curve["grade"] / 100)
    assert curve["tonnes"].is_monotonic_decreasing
    by_class = grade_tonnage_curve(model, "cu_pct", [0.0], density=2.0, by="category")
    assert by_class["category"].tolist() == [1, 2, 3]
    assert by_class["tonnes"].sum() == 6000.0
    with pytest.raises(ValidationError, match="decreasing thresholds"):
        classify(model, "variance", (0.3, 0.6, 0.9))
    shell = grade_shell(model, "cu_pct", 0.7)
    assert shell.values.ravel().tolist() == [False, False, True, True]


def test_swath_and_exports(tmp_path):
    grid = BlockGrid((0.0, 0.0, 0.0), (10.0, 10.0, 10.0), (3, 2, 1))
    model = grid.dataset(cu_pct=np.array([[0.1, 0.2], [0.3, 0.4], [0.5, np.nan]]).reshape(3, 2, 1))
    table = swath(model, "cu_pct", [[5, 5, 5], [25, 5, 5], [26, 8, 5]], [0.2, 0.4, 0.6])
    assert table["estimate_mean"].tolist() == pytest.approx([0.15, 0.35, 0.5])
    assert table["samples"].tolist() == [1, 0, 2]
    assert table["sample_mean"].iloc[2] == pytest.approx(0.5)
    assert len(block_table(model)) == 5
    write_block_model(model, tmp_path / "bm.parquet")
    assert len(pd.read_parquet(tmp_path / "bm.parquet")) == 5
    vtk = write_block_model(model, tmp_path / "bm.vtk").read_text().splitlines()
    assert vtk[4] == "DIMENSIONS 4 3 2"
    assert "CELL_DATA 6" in vtk
    values = " ".join(vtk[vtk.index("LOOKUP_TABLE default") + 1 :]).split()
    # x fastest: (0,0), (1,0), (2,0), (0,1), (1,1), (2,1)
    assert values == ["0.1", "0.3", "0.5", "0.2", "0.4", "nan"]


def test_density_by_domain_feeds_the_tonnage():
    from bornite.blockmodel import density_by_domain  # noqa: PLC0415

    grid = BlockGrid((0.0, 0.0, 0.0), (10.0, 10.0, 10.0), (4, 1, 1))
    model = grid.dataset(cu_pct=[0.5, 0.5, 0.5, 0.5], rock=[1, 1, 2, 3])
    model["density"] = density_by_domain(model, "rock", {1: 2.6, 2: 3.0}, default=2.0)
    curve = grade_tonnage_curve(model, "cu_pct", [0.0], density="density")
    assert curve.loc[0, "tonnes"] == pytest.approx(1000.0 * (2.6 + 2.6 + 3.0 + 2.0))
    with pytest.raises(ValidationError, match=r"no density for domain code\(s\) \[3\]"):
        density_by_domain(model, "rock", {1: 2.6, 2: 3.0})
