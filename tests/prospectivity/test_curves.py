"""Success-rate / prediction-rate curves, their areas and ROC AUC."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.errors import ValidationError
from bornite.prospectivity.curves import (
    capture_table,
    curve_auc,
    prediction_rate_curve,
    roc_auc_map,
    success_rate_curve,
)

GA = "prospectivity/ga_mpm_wofe_cloncurry_iocg"


def _brute_force_auc(score, deposits, absences_only):
    """P(deposit cell outranks a cell) + ties / 2, by explicit pairs."""
    s = score.ravel()
    d = deposits.ravel()
    ok = ~np.isnan(s)
    s, d = s[ok], d[ok]
    presences = np.repeat(s, d)
    background = s[d == 0] if absences_only else s
    greater = (presences[:, None] > background[None, :]).sum()
    ties = (presences[:, None] == background[None, :]).sum()
    return (greater + 0.5 * ties) / (presences.size * background.size)


@pytest.fixture
def synthetic():
    rng = np.random.default_rng(8)
    score = np.round(rng.random((40, 30)), 2)  # many ties
    score[0, :4] = np.nan
    deposits = (rng.random((40, 30)) < 0.1 * score.clip(0, 1)).astype(int)
    deposits[5, 5] = 3  # several deposits in one cell
    return score, deposits


def test_curve_area_equals_pairwise_probability_with_ties(synthetic):
    score, deposits = synthetic
    curve = success_rate_curve(score, deposits)
    assert curve.attrs["auc"] == pytest.approx(_brute_force_auc(score, deposits, False), rel=1e-12)
    assert curve_auc(curve) == curve.attrs["auc"]
    assert roc_auc_map(score, deposits) == pytest.approx(
        _brute_force_auc(score, deposits, True), rel=1e-12
    )


def test_curve_shape(synthetic):
    score, deposits = synthetic
    curve = success_rate_curve(score, deposits)
    assert curve.iloc[0][["area_fraction", "deposit_fraction"]].tolist() == [0.0, 0.0]
    assert curve.iloc[-1][["area_fraction", "deposit_fraction"]].tolist() == [1.0, 1.0]
    assert curve["area_fraction"].is_monotonic_increasing
    assert curve["deposit_fraction"].is_monotonic_increasing
    assert curve["threshold"].iloc[1:].is_monotonic_decreasing
    assert curve.attrs["n_cells"] == int(np.isfinite(score).sum())
    low_first = success_rate_curve(-score, deposits, higher_is_better=False)
    assert low_first.attrs["auc"] == pytest.approx(curve.attrs["auc"])
    assert prediction_rate_curve(score, deposits).attrs["auc"] == curve.attrs["auc"]


def test_perfect_and_uninformative_maps():
    score = np.arange(1000.0).reshape(25, 40)
    deposits = np.zeros((25, 40), dtype=int)
    deposits.ravel()[-10:] = 1
    assert roc_auc_map(score, deposits) == 1.0
    assert success_rate_curve(score, deposits).attrs["auc"] == pytest.approx(1 - 0.01 / 2)
    flat = np.ones((25, 40))
    assert roc_auc_map(flat, deposits) == 0.5
    assert success_rate_curve(flat, deposits).attrs["auc"] == 0.5


def test_capture_table_reads_the_curve():
    score = np.arange(100.0).reshape(10, 10)
    deposits = np.zeros((10, 10), dtype=int)
    deposits.ravel()[[99, 98, 97, 96, 50]] = 1
    table = capture_table(
        success_rate_curve(score, deposits), area_fractions=[0.04, 0.5], deposit_fractions=[0.8]
    )
    by_area = table[table["given"] == "area"].set_index("area_pct")["deposits_pct"]
    assert by_area[4.0] == pytest.approx(80.0)
    assert by_area[50.0] == pytest.approx(100.0)
    assert table[table["given"] == "deposits"]["area_pct"].iat[0] == pytest.approx(4.0)
    with pytest.raises(ValidationError, match="between 0 and 1"):
        capture_table(success_rate_curve(score, deposits), area_fractions=[5])


def test_clear_errors():
    score = np.ones((3, 3))
    with pytest.raises(ValidationError, match="no deposit"):
        success_rate_curve(score, np.zeros((3, 3), dtype=int))
    with pytest.raises(ValidationError, match="presences and absences"):
        roc_auc_map(score, np.ones((3, 3), dtype=int))
    with pytest.raises(ValidationError, match="no finite"):
        success_rate_curve(np.full((3, 3), np.nan), np.ones((3, 3), dtype=int))


@pytest.mark.shared_data
def test_reproduces_ga_calculate_auc(shared_data):
    pytest.importorskip("rasterio")
    pytest.importorskip("geopandas")
    import pandas as pd  # noqa: PLC0415

    from bornite.io.raster import read_raster  # noqa: PLC0415
    from bornite.io.vector import points_to_cells, read_points  # noqa: PLC0415
    from bornite.prospectivity.weights import (  # noqa: PLC0415
        posterior_probability,
        weights_of_evidence,
    )

    folder = shared_data / GA
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    reported = pd.read_csv(folder / "CalculateAUC" / "IOCG_PostProb_AUC.csv")
    reported_auc = float(reported["AUC"].iat[0])
    # A check on the input file (the issue quotes 0.7145), not on bornite.
    assert f"{reported_auc:.4f}" == "0.7145"
    points = read_points(folder / "deposits" / "IOCG_Deposits.shp")
    posterior = read_raster(folder / "CalculateResponse" / "PosteriorProbability.tif")
    deposits = points_to_cells(points, posterior)
    # modEvA's rank AUC to 1e-13 relative: the 15 digits GA printed, less the last one, which
    # a sum of ranks rounds differently on another CPU (one deposit moved by one rank would
    # change the AUC by about 4e-6).
    assert roc_auc_map(posterior, deposits) == pytest.approx(reported_auc, rel=1e-13)
    # The success-rate curve's area (all cells as background) agrees to four digits.
    curve = success_rate_curve(posterior, deposits)
    assert round(curve.attrs["auc"], 4) == 0.7145
    assert curve.attrs["n_cells"] + 258 - 252 == int(reported["N"].iat[0])
    # Our own posterior from the generalised binary maps gives the same AUC.
    layers = []
    for name in ("Dist2Breccia", "Dist2Fault", "FaultDensity", "StratNo"):
        grid = read_raster(folder / "CalculateResponse" / f"{name}.tif")
        layers.append((grid, weights_of_evidence(grid, deposits, weights_type="categorical")))
    ours = posterior_probability(layers, confidence=False)["posterior"]
    assert roc_auc_map(ours, deposits) == pytest.approx(reported_auc, abs=1e-15)
