"""Deposit-density models (Singer & Menzie 2010) and their MapWizard coefficient files."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bornite.assessment.deposit_counts import NegBinomialPmf
from bornite.assessment.deposit_density import DepositDensityModel
from bornite.errors import ExtrapolationWarning, ValidationError
from bornite.io.mapwizard import read_control_tracts, read_deposit_density_coefficients

YULONG_KM2 = 93_400.0  # Yulong, China: a porphyry Cu control tract with 8 deposits


def test_porphyry_copper_yulong_by_hand():
    model = DepositDensityModel.porphyry_copper()
    row = model.predict(YULONG_KM2).iloc[0]
    # By hand: x0 = log10(93 400) = 4.970347; mu = -1.041858 + 0.430677 x0 = 1.098756;
    # h = 1/33 + (4.970347 - 4.6305)^2 / (32 * 0.2912) = 0.030303 + 0.012394 = 0.042697;
    # sigma = 0.2444 sqrt(1.042697) = 0.249563; t sigma = 1.309 * 0.249563 = 0.326678.
    x0 = math.log10(YULONG_KM2)
    assert x0 == pytest.approx(4.970347, abs=1e-6)
    mu = -1.041858 + 0.430677 * x0
    h = 1 / 33 + (x0 - 4.6305) ** 2 / (32 * 0.2912)
    sigma = 0.2444 * math.sqrt(1 + h)
    assert (mu, h, sigma) == pytest.approx((1.098756, 0.042697, 0.249563), abs=1e-6)
    assert row["log10_n50"] == pytest.approx(mu, abs=1e-12)
    assert row["sd_log10"] == pytest.approx(sigma, abs=1e-12)
    assert row["n90"] == pytest.approx(5.91668, abs=1e-5)  # 10^(1.098756 - 0.326678)
    assert row["n50"] == pytest.approx(12.55325, abs=1e-5)  # 10^1.098756
    assert row["n10"] == pytest.approx(26.63386, abs=1e-5)  # 10^(1.098756 + 0.326678)
    # E[N] of a log-normal with log10 sd sigma: 10^(mu + ln(10) sigma^2 / 2).
    assert row["n_expected"] == pytest.approx(14.80678, abs=1e-5)
    assert (row["N90"], row["N50"], row["N10"]) == (6, 13, 27)


def test_interval_is_symmetric_in_log10_and_rounded_to_nearest():
    model = DepositDensityModel.porphyry_copper()
    table = model.predict([2_000, 18_000, 93_400, 250_000])
    half = np.log10(table["n10"]) - np.log10(table["n50"])
    np.testing.assert_allclose(np.log10(table["n50"]) - np.log10(table["n90"]), half)
    np.testing.assert_allclose(half, model.t_value * table["sd_log10"])
    for q in ("90", "50", "10"):
        np.testing.assert_array_equal(table[f"N{q}"], np.rint(table[f"n{q}"]).astype(int))
    # Larger tracts hold more deposits but fewer per km2 (b < 1).
    assert table["n50"].is_monotonic_increasing
    assert (table["n50"] / table["area_km2"]).is_monotonic_decreasing
    # Vectorised prediction equals one area at a time.
    single = pd.concat([model.predict(a) for a in table["area_km2"]], ignore_index=True)
    pd.testing.assert_frame_equal(single, table)


def test_prediction_interval_is_narrowest_at_the_mean_log_area():
    model = DepositDensityModel.porphyry_copper()
    centre = 10**model.mean_log_area
    sd = model.predict([centre / 5, centre, centre * 5])["sd_log10"].to_numpy()
    assert sd[1] == pytest.approx(model.s_yx * math.sqrt(1 + 1 / 33), rel=1e-12)
    assert sd[0] > sd[1]
    assert sd[2] > sd[1]


def test_known_deposits_are_taken_from_the_expected_number():
    model = DepositDensityModel.porphyry_copper()
    total = model.predict(YULONG_KM2).iloc[0]
    undiscovered = model.predict(YULONG_KM2, n_known=8).iloc[0]
    assert undiscovered["n_expected"] == pytest.approx(total["n_expected"] - 8, rel=1e-12)
    assert undiscovered["sd_log10"] == total["sd_log10"]
    shift = math.log(10) * total["sd_log10"] ** 2 / 2
    assert undiscovered["log10_n50"] == pytest.approx(math.log10(total["n_expected"] - 8) - shift)
    assert (undiscovered["N90"], undiscovered["N50"], undiscovered["N10"]) == (3, 6, 12)
    with pytest.raises(ValidationError, match="15 known deposits"):
        model.predict(YULONG_KM2, n_known=15)


def test_elicitation_layout_fits_a_negative_binomial():
    model = DepositDensityModel.porphyry_copper()
    table = model.elicitation(18_000, name="north", weight=2.0)
    assert list(table.columns) == ["Name", "Weight", "N90", "N50", "N10"]
    assert table.iloc[0].tolist() == ["north", 2.0, 3, 6, 13]
    pmf = NegBinomialPmf().fit(table).pmf_
    assert 3 < pmf.mean < 13
    assert pmf.exceedance(3)[()] > 0.8
    with pytest.raises(ValidationError, match="one tract"):
        model.elicitation([1_000, 2_000])  # type: ignore[arg-type]


def test_areas_are_checked():
    model = DepositDensityModel.porphyry_copper()
    for bad in (0.0, -5.0, float("nan")):
        with pytest.raises(ValidationError, match="positive number of km2"):
            model.predict(bad)
    with pytest.warns(ExtrapolationWarning, match="1,000 km2 is outside"):
        model.predict(1_000)
    with pytest.warns(ExtrapolationWarning, match="outside"):
        model.elicitation(400_000)


def test_model_validation():
    fields = {
        "a": -1.0,
        "b": 0.4,
        "t_value": 1.3,
        "s_yx": 0.25,
        "n_tracts": 30,
        "mean_log_area": 4.5,
        "var_log_area": 0.3,
    }
    DepositDensityModel(**fields)
    with pytest.raises(ValidationError, match="var_log_area"):
        DepositDensityModel(**fields | {"var_log_area": 0.0})
    with pytest.raises(ValidationError, match="n_tracts"):
        DepositDensityModel(**fields | {"n_tracts": 2})
    with pytest.raises(ValidationError, match="finite"):
        DepositDensityModel(**fields | {"a": float("nan")})
    with pytest.raises(ValidationError, match="mean_log_tonnage"):
        DepositDensityModel(**fields | {"c": -0.2})
    with pytest.raises(ValidationError, match="needs median_tonnage_t"):
        DepositDensityModel(
            **fields | {"c": -0.2, "mean_log_tonnage": 0.0, "var_log_tonnage": 1.0}
        ).predict(10_000)


def test_from_control_tracts_recovers_a_known_line():
    rng = np.random.default_rng(0)
    area = 10 ** rng.uniform(2, 5, 200)
    count = 10 ** (-0.5 + 0.45 * np.log10(area) + rng.normal(0, 0.05, 200))
    model = DepositDensityModel.from_control_tracts(area, count, probability=0.95)
    assert model.a == pytest.approx(-0.5, abs=0.03)
    assert model.b == pytest.approx(0.45, abs=0.01)
    assert model.s_yx == pytest.approx(0.05, rel=0.15)
    assert model.t_value == pytest.approx(1.6526, abs=1e-4)  # t(0.95, 198)
    assert (model.min_area_km2, model.max_area_km2) == (area.min(), area.max())
    with pytest.raises(ValidationError, match="must be > 0"):
        DepositDensityModel.from_control_tracts([10, 100, 1000], [1, 0, 3])


def test_two_predictor_model_and_its_leverage():
    model = DepositDensityModel(
        a=-0.77,
        b=0.491,
        c=-0.227,
        t_value=1.29,
        s_yx=0.348,
        n_tracts=109,
        mean_log_area=3.173,
        var_log_area=1.188,
        mean_log_tonnage=-0.329,
        var_log_tonnage=2.615,
    )
    row = model.predict(3_228, 0.5e6).iloc[0]  # MapWizard's unit test: 3228 km2, 0.5 Mt
    mu = -0.77 + 0.491 * math.log10(3_228) - 0.227 * math.log10(0.5)
    h = (
        1 / 109
        + ((math.log10(3_228) - 3.173) ** 2 / 1.188 + (math.log10(0.5) + 0.329) ** 2 / 2.615) / 108
    )
    assert row["log10_n50"] == pytest.approx(mu, abs=1e-12)
    assert row["sd_log10"] == pytest.approx(0.348 * math.sqrt(1 + h), abs=1e-12)
    assert (row["N90"], row["N50"], row["N10"]) == (4, 11, 30)
    # At the mean tonnage the two-predictor leverage reduces to the one-predictor one.
    at_mean = model.predict(1_000, 10**-0.329 * 1e6).iloc[0]
    h1 = 1 / 109 + (3 - 3.173) ** 2 / (108 * 1.188)
    assert at_mean["sd_log10"] == pytest.approx(0.348 * math.sqrt(1 + h1), abs=1e-12)


# ------------------------------------------------------------------------- MapWizard files
def test_control_tracts_reproduce_the_published_porphyry_regression(mapwizard_data: Path):
    tracts = read_control_tracts(mapwizard_data / "deposit_density" / "IndataPorCu.csv")
    fitted = DepositDensityModel.from_control_tracts(tracts["area_km2"], tracts["n_deposits"])
    published = DepositDensityModel.porphyry_copper()
    assert fitted.n_tracts == published.n_tracts == 33
    assert fitted.a == pytest.approx(published.a, abs=2e-4)  # -1.04195 vs -1.041858
    assert fitted.b == pytest.approx(published.b, abs=5e-5)  # 0.43070 vs 0.430677
    assert fitted.var_log_area == pytest.approx(published.var_log_area, abs=1e-4)  # 0.29123
    assert fitted.mean_log_area == pytest.approx(published.mean_log_area, abs=1e-4)  # 4.63047
    assert fitted.t_value == pytest.approx(published.t_value, abs=1e-3)  # t(0.9, 31) = 1.3095
    assert fitted.s_yx == pytest.approx(published.s_yx, rel=0.01)  # 0.24293 vs 0.2444
    assert (fitted.min_area_km2, fitted.max_area_km2) == (1_552.0, 255_700.0)


@pytest.mark.parametrize(
    ("stem", "control"), [("PodiformCr", "IndataPodiformCr"), ("VMS", "IndataVMS")]
)
def test_control_tracts_reproduce_the_other_mapwizard_models(mapwizard_data, stem, control):
    folder = mapwizard_data / "deposit_density"
    published = read_deposit_density_coefficients(folder / f"{stem}_data.csv")
    tracts = read_control_tracts(folder / f"{control}.csv")
    fitted = DepositDensityModel.from_control_tracts(tracts["area_km2"], tracts["n_deposits"])
    assert fitted.n_tracts == published.n_tracts
    assert fitted.a == pytest.approx(published.a, abs=1e-3)
    assert fitted.b == pytest.approx(published.b, abs=1e-3)
    assert fitted.mean_log_area == pytest.approx(published.mean_log_area, abs=1e-3)
    # sLogArea in these files is the variance of log10(area), not its standard deviation.
    assert fitted.var_log_area == pytest.approx(published.var_log_area, abs=1e-3)
    assert fitted.t_value == pytest.approx(published.t_value, abs=1e-3)  # t(0.9, N - 2)
    assert fitted.s_yx == pytest.approx(published.s_yx, rel=0.025)


def test_mapwizard_porphyry_file_differs_only_in_mean_log_area(mapwizard_data: Path):
    from_file = read_deposit_density_coefficients(
        mapwizard_data / "deposit_density" / "PorphyryCu_data.csv"
    )
    published = DepositDensityModel.porphyry_copper()
    for name in ("a", "b", "c", "t_value", "s_yx", "n_tracts", "var_log_area"):
        assert getattr(from_file, name) == getattr(published, name)
    assert from_file.mean_log_area == 2.622
    # MapWizard's numbers for Yulong: h = 1/33 + (2.622 - 4.970347)^2 / (32 * 0.2912) = 0.622114,
    # sigma = 0.2444 sqrt(1.622114) = 0.311273, so N90 = 4.91, N10 = 32.08 (rounded 5, 13, 32).
    with pytest.warns(ExtrapolationWarning, match=r"4\.4 standard deviations"):
        row = from_file.predict(YULONG_KM2).iloc[0]
    assert row["sd_log10"] == pytest.approx(0.311273, abs=1e-6)
    assert (row["n90"], row["n10"]) == pytest.approx((4.91246, 32.07841), abs=1e-5)
    assert (row["N90"], row["N50"], row["N10"]) == (5, 13, 32)
