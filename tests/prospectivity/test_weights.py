"""Weights of evidence: Geoscience Australia's Cloncurry IOCG tables, and synthetic truth."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from bornite.errors import BorniteWarning, ValidationError
from bornite.prospectivity.weights import (
    WEIGHTS_COLUMNS,
    WeightsSpec,
    class_frequencies,
    conditional_independence_test,
    posterior_probability,
    weights_from_counts,
    weights_of_evidence,
    weights_raster,
)

GA = "prospectivity/ga_mpm_wofe_cloncurry_iocg"

#: GA's column names -> bornite's.
GA_COLUMNS = {
    "CLASS": "class",
    "CLASS_AREA": "class_area_km2",
    "AREA_SQ_KM": "area_km2",
    "AREA_UNITS": "area_units",
    "NO_POINTS": "points",
    "WPLUS": "wplus",
    "S_WPLUS": "s_wplus",
    "WMINUS": "wminus",
    "S_WMINUS": "s_wminus",
    "CONTRAST": "contrast",
    "S_CONTRAST": "s_contrast",
    "STUDC": "stud_contrast",
    "GEN_CLASS": "gen_class",
    "WEIGHT": "weight",
    "W_STD": "w_std",
}


def _printed_digits_mismatches(reference: pd.DataFrame, table: pd.DataFrame) -> list[str]:
    """Compare after rounding to the digits R printed (15 significant, trailing zeros cut)."""
    bad = []
    for ga_name, name in GA_COLUMNS.items():
        for i, (text, value) in enumerate(zip(reference[ga_name], table[name], strict=True)):
            if float(f"{value:.15g}") != float(text):
                bad.append(f"row {i + 1} {ga_name}: GA {text}, bornite {value!r}")
    return bad


@pytest.fixture(scope="module")
def ga_data(shared_data):
    folder = shared_data / GA
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    return folder


@pytest.fixture(scope="module")
def ga_deposits(ga_data):
    pytest.importorskip("geopandas")
    from bornite.io.vector import read_points  # noqa: PLC0415

    return read_points(ga_data / "deposits" / "IOCG_Deposits.shp")


def _layer(folder, tool, name, points):
    pytest.importorskip("rasterio")
    from bornite.io.raster import read_raster  # noqa: PLC0415
    from bornite.io.vector import points_to_cells  # noqa: PLC0415

    grid = read_raster(folder / tool / f"{name}.tif")
    return grid, points_to_cells(points, grid)


# ----------------------------------------------------------------------------- reference


@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("name", "weights_type", "csv"),
    [
        ("FaultDensity", "descending", "FaultDensity_CD.csv"),
        ("Dist2Breccia", "ascending", "Dist2Breccia_CA.csv"),
        ("StratNo", "categorical", "StratNo_CT.csv"),
    ],
)
def test_reproduces_ga_calculate_weights_to_every_printed_digit(
    ga_data, ga_deposits, name, weights_type, csv
):
    grid, deposits = _layer(ga_data, "CalculateWeights", name, ga_deposits)
    table = weights_of_evidence(grid, deposits, weights_type=weights_type, unit_area_km2=1.0)
    reference = pd.read_csv(ga_data / "CalculateWeights" / csv, dtype=str)
    assert len(table) == len(reference)
    assert _printed_digits_mismatches(reference, table) == []
    # Six deposits share a cell with another one; every deposit still counts (258).
    assert deposits.attrs["shared_cells"] == 6
    assert table.attrs["n_deposits"] == 258


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["Dist2Breccia", "Dist2Fault", "FaultDensity", "StratNo"])
def test_reproduces_ga_binary_response_tables(ga_data, ga_deposits, name):
    grid, deposits = _layer(ga_data, "CalculateResponse", name, ga_deposits)
    table = weights_of_evidence(grid, deposits, weights_type="categorical")
    reference = pd.read_csv(ga_data / "CalculateResponse" / f"{name}_CT.csv", dtype=str)
    assert _printed_digits_mismatches(reference, table) == []


@pytest.mark.shared_data
def test_manual_categorical_pattern_equals_the_binary_map(ga_data, ga_deposits):
    # GA's binary StratNo map is these seven units; pooling them reproduces its weights.
    units = (76890, 42515, 31441, 26091, 12754, 11361, 7245)
    grid, deposits = _layer(ga_data, "CalculateWeights", "StratNo", ga_deposits)
    table = weights_of_evidence(
        grid, deposits, weights_type="categorical", generalisation="manual", pattern_classes=units
    )
    inside = table[table["gen_class"] == 2]
    assert len(inside) == 7
    assert inside["weight"].iat[0] == pytest.approx(1.33464258007767, rel=1e-13)
    assert table[table["gen_class"] == 1]["weight"].iat[0] == pytest.approx(
        -0.126793936032072, rel=1e-13
    )


@pytest.mark.shared_data
def test_reproduces_ga_posterior_probability_rasters(ga_data, ga_deposits):
    from bornite.io.raster import read_raster  # noqa: PLC0415

    layers = []
    for name in ("Dist2Breccia", "Dist2Fault", "FaultDensity", "StratNo"):
        grid, deposits = _layer(ga_data, "CalculateResponse", name, ga_deposits)
        layers.append((grid, weights_of_evidence(grid, deposits, weights_type="categorical")))
    post = posterior_probability(layers)
    assert post.attrs["prior"] == pytest.approx(258 / 31311.33, rel=1e-15)
    folder = ga_data / "CalculateResponse"
    for ours, file in (
        ("posterior", "PosteriorProbability.tif"),
        ("posterior_std", "PosteriorProbability_StdDev.tif"),
        ("confidence", "PosteriorProbability_Conf.tif"),
    ):
        theirs = read_raster(folder / file).values
        # Both are float32 rasters computed in double precision; another CPU's libm may round
        # the last bit differently, so allow 4 float32 ulps (5e-7 relative), far below any
        # wrong weight (GA's weights print 4 decimals).
        np.testing.assert_allclose(post[ours].values, theirs, rtol=4 * 2.0**-23, atol=0)
    ci = conditional_independence_test(
        post["posterior"], post["posterior_std"], 258, cell_area_km2=0.01
    )
    assert ci.expected_deposits == pytest.approx(390.6, abs=0.05)
    assert ci.ratio < 0.85  # the four GA test layers are not conditionally independent


# ----------------------------------------------------------------------------- synthetic


def _binary(pattern_cells=200, pattern_points=12, total_cells=2000, total_points=20):
    """A binary map (class 1 = pattern) with known counts, 1 km2 cells."""
    evidence = np.zeros(total_cells)
    evidence[:pattern_cells] = 1.0
    deposits = np.zeros(total_cells, dtype=np.int64)
    deposits[:pattern_points] = 1
    deposits[pattern_cells : pattern_cells + total_points - pattern_points] = 1
    return evidence.reshape(40, -1), deposits.reshape(40, -1)


def _textbook(b, db, s, ds):
    wp = math.log((db / ds) / ((b - db) / (s - ds)))
    wm = math.log(((ds - db) / ds) / ((s - b - ds + db) / (s - ds)))
    vp = 1 / db + 1 / (b - db)
    vm = 1 / (ds - db) + 1 / (s - b - ds + db)
    return wp, math.sqrt(vp), wm, math.sqrt(vm)


def test_binary_weights_match_the_textbook_formulas():
    evidence, deposits = _binary()
    table = weights_of_evidence(evidence, deposits, weights_type="categorical", cell_area_km2=1.0)
    row = table[table["class"] == 1.0].iloc[0]
    wp, sp, wm, sm = _textbook(200, 12, 2000, 20)
    assert (row["wplus"], row["s_wplus"], row["wminus"], row["s_wminus"]) == pytest.approx(
        (wp, sp, wm, sm), rel=1e-12
    )
    assert row["contrast"] == pytest.approx(wp - wm)
    assert row["stud_contrast"] == pytest.approx((wp - wm) / math.hypot(sp, sm))
    # The other class of a binary map is the complement: W+ and W- swap.
    other = table[table["class"] == 0.0].iloc[0]
    assert other["wplus"] == pytest.approx(wm)
    assert other["wminus"] == pytest.approx(wp)
    assert list(table.columns) == list(WEIGHTS_COLUMNS)


def test_unit_area_scales_areas_in_unit_cells():
    evidence, deposits = _binary()
    table = weights_of_evidence(
        evidence, deposits, weights_type="categorical", cell_size=(500.0, 500.0), unit_area_km2=0.5
    )
    # 500 m cells are 0.25 km2; a unit cell of 0.5 km2 holds two of them.
    assert table["area_km2"].sum() == pytest.approx(500.0)
    assert table["area_units"].sum() == pytest.approx(1000.0)
    wp, *_ = _textbook(100, 12, 1000, 20)
    assert table.loc[table["class"] == 1.0, "wplus"].iat[0] == pytest.approx(wp)
    assert table.attrs["prior"] == pytest.approx(20 / 1000)


def test_descending_is_ascending_of_the_negated_layer():
    rng = np.random.default_rng(5)
    evidence = rng.integers(0, 30, size=(60, 50)).astype(float)
    deposits = (rng.random((60, 50)) < 0.02).astype(int)
    kwargs = {"cell_area_km2": 1.0, "generalisation": "none"}
    down = weights_of_evidence(evidence, deposits, weights_type="descending", **kwargs)
    up = weights_of_evidence(-evidence, deposits, weights_type="ascending", **kwargs)
    for column in ("points", "area_units", "wplus", "wminus", "contrast", "stud_contrast"):
        np.testing.assert_allclose(down[column], up[column], rtol=1e-12, atol=0)


def test_cumulative_tables_accumulate_per_class_counts():
    rng = np.random.default_rng(1)
    evidence = rng.integers(1, 8, size=(50, 40))
    deposits = (rng.random((50, 40)) < 0.03).astype(int)
    table = weights_of_evidence(evidence, deposits, cell_area_km2=0.25, generalisation="none")
    np.testing.assert_array_equal(table["points"], np.cumsum(table["class_points"]))
    np.testing.assert_allclose(table["area_km2"], np.cumsum(table["class_cells"]) * 0.25)
    assert table["class"].is_monotonic_increasing
    # Each cumulative row is the binary map "class <= c".
    for _, row in table.iloc[:3].iterrows():
        binary = weights_of_evidence(
            (evidence <= row["class"]).astype(float),
            deposits,
            weights_type="categorical",
            cell_area_km2=0.25,
            generalisation="none",
        )
        inside = binary[binary["class"] == 1.0].iloc[0]
        assert inside["wplus"] == pytest.approx(row["wplus"], rel=1e-12)
        assert inside["wminus"] == pytest.approx(row["wminus"], rel=1e-12)


def test_edge_adjustments_when_a_class_holds_all_or_no_points():
    evidence = np.repeat([[1.0, 2.0, 3.0, 4.0]], 250, axis=0)
    deposits = np.zeros((250, 4), dtype=int)
    deposits[:10, 0] = 1
    table = weights_of_evidence(evidence, deposits, cell_area_km2=1.0)
    # Row 1 holds all ten: db -> ds - 0.99 keeps W- finite.
    wp, sp, wm, sm = _textbook(250, 10 - 0.99, 1000, 10)
    first = table.iloc[0]
    assert (first["wplus"], first["s_wplus"], first["wminus"], first["s_wminus"]) == pytest.approx(
        (wp, sp, wm, sm)
    )
    # The last row covers the whole area: b -> s + db - ds - 0.99 (GA).
    wp, *_ = _textbook(1000 + (10 - 0.99) - 10 - 0.99, 10 - 0.99, 1000, 10)
    assert table.iloc[-1]["wplus"] == pytest.approx(wp)
    arcsdm = weights_of_evidence(evidence, deposits, cell_area_km2=1.0, convention="arcsdm")
    wp, *_ = _textbook(1000 + (10 - 0.99) - 10 - 0.01, 10 - 0.99, 1000, 10)
    assert arcsdm.iloc[-1]["wplus"] == pytest.approx(wp)
    # A class without deposits gets zero weights (categorical).
    cat = weights_of_evidence(evidence, deposits, weights_type="categorical", cell_area_km2=1.0)
    empty = cat[cat["class"] == 2.0].iloc[0]
    assert empty[list(WEIGHTS_COLUMNS[7:14])].tolist() == [0.0] * 7
    assert np.isfinite(table[list(WEIGHTS_COLUMNS[7:])].to_numpy()).all()


def test_generalisation_choices():
    rng = np.random.default_rng(7)
    distance = np.tile(np.arange(20.0), (100, 1))
    deposits = (rng.random((100, 20)) < np.exp(-distance / 4) * 0.05).astype(int)
    table = weights_of_evidence(distance, deposits, cell_area_km2=1.0)
    row = table.attrs["pattern_row"]
    assert row == int(np.argmax(table["contrast"]))
    assert (table["gen_class"].iloc[: row + 1] == 2).all()
    assert (table["gen_class"].iloc[row + 1 :] == 1).all()
    assert table["weight"].iat[0] == table["wplus"].iat[row]
    assert table["weight"].iat[-1] == table["wminus"].iat[row]
    studc = weights_of_evidence(
        distance, deposits, cell_area_km2=1.0, generalisation="max_studentized_contrast"
    )
    assert studc.attrs["pattern_row"] == int(np.argmax(studc["stud_contrast"]))
    manual = weights_of_evidence(
        distance, deposits, cell_area_km2=1.0, generalisation="manual", threshold_class=3.0
    )
    assert manual.attrs["pattern_row"] == 3
    assert manual["weight"].iat[0] == manual["wplus"].iat[3]


def test_no_confident_class_warns_and_leaves_table_ungeneralised():
    evidence, deposits = _binary(pattern_points=2)
    with pytest.warns(BorniteWarning, match="studentized contrast of 50"):
        table = weights_of_evidence(
            evidence, deposits, weights_type="categorical", confidence=50.0, cell_area_km2=1.0
        )
    assert (table["gen_class"] == 999).all()
    assert (table["weight"] == 0).all()


def test_arcsdm_categorical_pools_classes_below_confidence():
    rng = np.random.default_rng(3)
    geology = rng.integers(1, 6, size=(100, 100)).astype(float)
    deposits = np.zeros((100, 100), dtype=int)
    hot = np.flatnonzero(geology.ravel() == 3.0)[:40]
    deposits.ravel()[hot] = 1
    deposits.ravel()[np.flatnonzero(geology.ravel() == 1.0)[:3]] = 1
    deposits.ravel()[np.flatnonzero(geology.ravel() == 5.0)[:2]] = 1
    ga = weights_of_evidence(geology, deposits, weights_type="categorical", cell_area_km2=1.0)
    assert ga["gen_class"].tolist() == ga["class"].tolist()
    arc = weights_of_evidence(
        geology, deposits, weights_type="categorical", cell_area_km2=1.0, convention="arcsdm"
    )
    pooled = arc[arc["gen_class"] == 99.0]
    assert set(pooled["class"]) == set(arc.loc[arc["stud_contrast"].abs() < 2, "class"])
    assert pooled["weight"].nunique() == 1
    kept = arc[arc["gen_class"] != 99.0]
    np.testing.assert_array_equal(kept["weight"], kept["wplus"])


def test_missing_value_class_is_left_out_of_totals():
    evidence, deposits = _binary()
    evidence = evidence.copy()
    evidence[-1, -10:] = -99.0
    table = weights_of_evidence(
        evidence, deposits, weights_type="descending", missing_value=-99.0, cell_area_km2=1.0
    )
    md = table[table["class"] == -99.0].iloc[0]
    assert md["gen_class"] == -99.0
    assert md["area_km2"] == pytest.approx(10.0)  # its own area, not accumulated
    assert md[["wplus", "wminus", "weight", "w_std"]].tolist() == [0.0] * 4
    assert table.attrs["total_area_km2"] == pytest.approx(1990.0)
    assert table["area_km2"].tolist()[:2] == pytest.approx([200.0, 1990.0])
    assert table["gen_class"].tolist() == [2.0, 1.0, -99.0]


def test_nan_and_nodata_cells_are_outside_the_study_area():
    evidence, deposits = _binary()
    with_nan = evidence.copy()
    with_nan[0, :5] = np.nan  # 5 cells outside, 5 deposits on them
    table = weights_of_evidence(with_nan, deposits, weights_type="categorical", cell_area_km2=1.0)
    assert table["class_cells"].sum() == 1995
    assert table["class_points"].sum() == 15
    assert table.attrs["n_deposits"] == 20  # GA: every deposit given
    arc = weights_of_evidence(
        with_nan, deposits, weights_type="categorical", cell_area_km2=1.0, convention="arcsdm"
    )
    assert arc.attrs["n_deposits"] == 15  # ArcSDM: deposits on classified cells
    coded = xr.DataArray(
        np.where(np.isnan(with_nan), 255, with_nan).astype(np.uint8),
        dims=("northing", "easting"),
        attrs={"nodata": 255, "cell_size": (1000.0, 1000.0)},
    )
    same = weights_of_evidence(coded, deposits, weights_type="categorical")
    pd.testing.assert_frame_equal(same, table, check_dtype=False, check_like=True)


def test_continuous_layer_equals_a_per_class_loop():
    rng = np.random.default_rng(11)
    values = np.round(rng.gamma(2.0, 3.0, size=(120, 90)), 1).astype(np.float32)
    deposits = (rng.random((120, 90)) < 0.01).astype(np.uint8) * 2  # two per occupied cell
    freq = class_frequencies(values, deposits)
    classes = np.unique(values)
    np.testing.assert_array_equal(freq["class"], classes.astype(np.float64))
    loop_cells = [int((values == c).sum()) for c in classes]
    loop_points = [int(deposits[values == c].sum()) for c in classes]
    assert freq["cells"].tolist() == loop_cells
    assert freq["points"].tolist() == loop_points
    assert freq["occupied_cells"].sum() == int((deposits > 0).sum())
    once = class_frequencies(values, deposits, one_per_cell=True)
    np.testing.assert_array_equal(once["points"], freq["occupied_cells"])


def test_integer_and_float_paths_agree_and_blocks_do_not_matter(monkeypatch):
    import bornite.prospectivity.weights as module  # noqa: PLC0415

    rng = np.random.default_rng(2)
    codes = rng.integers(-5, 3000, size=(80, 70))
    deposits = (rng.random((80, 70)) < 0.05).astype(bool)
    as_int = class_frequencies(codes, deposits)
    as_float = class_frequencies(codes.astype(np.float64), deposits)
    pd.testing.assert_frame_equal(as_int, as_float)
    monkeypatch.setattr(module, "_BLOCK_CELLS", 333)
    small_blocks = class_frequencies(codes.astype(np.float64), deposits)
    pd.testing.assert_frame_equal(as_int, small_blocks)


def test_dask_backed_layers_are_read_block_by_block():
    dask_array = pytest.importorskip("dask.array")
    evidence, deposits = _binary()
    lazy = xr.DataArray(
        dask_array.from_array(evidence, chunks=(10, 25)),
        dims=("northing", "easting"),
        attrs={"cell_size": (1000.0, 1000.0)},
    )
    eager = weights_of_evidence(evidence, deposits, weights_type="categorical", cell_area_km2=1.0)
    pd.testing.assert_frame_equal(
        weights_of_evidence(lazy, deposits, weights_type="categorical"), eager
    )


def test_weights_from_counts_accepts_a_frequency_table():
    freq = pd.DataFrame({"class": [2.0, 1.0], "cells": [1800, 200], "points": [8, 12]})
    table = weights_from_counts(freq, WeightsSpec(weights_type="categorical"), cell_area_km2=1.0)
    wp, *_ = _textbook(200, 12, 2000, 20)
    assert table.loc[table["class"] == 1.0, "wplus"].iat[0] == pytest.approx(wp)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"weights_type": "cumulative"}, "weights_type"),
        ({"unit_area_km2": 0.0}, "unit_area_km2"),
        ({"generalisation": "manual"}, "threshold_class"),
        ({"weights_type": "categorical", "generalisation": "manual"}, "pattern_classes"),
        ({"convention": "sdm"}, "convention"),
    ],
)
def test_spec_is_validated_on_construction(kwargs, match):
    with pytest.raises(ValidationError, match=match):
        WeightsSpec(**kwargs)


def test_clear_errors_for_bad_inputs():
    evidence, deposits = _binary()
    with pytest.raises(ValidationError, match="points_to_cells"):
        weights_of_evidence(evidence, deposits[:-1], cell_area_km2=1.0)
    with pytest.raises(ValidationError, match="no deposits"):
        weights_of_evidence(evidence, np.zeros_like(deposits), cell_area_km2=1.0)
    with pytest.raises(ValidationError, match="cell size"):
        weights_of_evidence(evidence, deposits)
    with pytest.raises(ValidationError, match="too large"):
        weights_of_evidence(evidence, deposits, cell_area_km2=1.0, unit_area_km2=150.0)
    with pytest.raises(ValidationError, match="threshold_class"):
        weights_of_evidence(
            evidence, deposits, cell_area_km2=1.0, generalisation="manual", threshold_class=7.0
        )


# ----------------------------------------------------------------------------- response


def _two_layers():
    rng = np.random.default_rng(21)
    a = (rng.random((100, 100)) < 0.3).astype(float)
    b = (rng.random((100, 100)) < 0.5).astype(float)
    p = 0.002 + 0.02 * a + 0.01 * b
    deposits = (rng.random((100, 100)) < p).astype(int)
    tables = [
        weights_of_evidence(layer, deposits, weights_type="categorical", cell_area_km2=1.0)
        for layer in (a, b)
    ]
    return [(a, tables[0]), (b, tables[1])], deposits


def test_posterior_is_the_logistic_of_prior_logit_plus_weights():
    layers, deposits = _two_layers()
    post = posterior_probability(layers, dtype=np.float64)
    prior = deposits.sum() / deposits.size
    assert post.attrs["prior"] == pytest.approx(prior)
    logit = math.log(prior / (1 - prior))
    for layer, table in layers:
        logit = logit + weights_raster(layer, table).values
    expected = 1 / (1 + np.exp(-logit))
    np.testing.assert_allclose(post["posterior"], expected, rtol=1e-12)
    variance = 1 / deposits.sum() + sum(
        weights_raster(layer, table, "w_std").values ** 2 for layer, table in layers
    )
    np.testing.assert_allclose(post["posterior_std"], expected * np.sqrt(variance), rtol=1e-12)
    np.testing.assert_allclose(post["confidence"], 1 / np.sqrt(variance), rtol=1e-12)


def test_posterior_nan_where_any_layer_is_nan_and_missing_data_variance():
    layers, _ = _two_layers()
    (a, ta), (b, tb) = layers
    b = b.copy()
    b[0, 0] = np.nan
    b[1, :] = -1.0  # missing evidence in row 1
    tb = tb.copy()
    tb.attrs = dict(tb.attrs, missing_value=-1.0)
    extra = tb.iloc[:1].copy()
    extra[["class", "gen_class", "weight", "w_std"]] = [-1.0, -1.0, 0.0, 0.0]
    tb = pd.concat([tb, extra], ignore_index=True)
    tb.attrs = dict(layers[1][1].attrs, missing_value=-1.0)
    post = posterior_probability([(a, ta), (b, tb)], missing_data_variance=True)
    assert np.isnan(post["posterior"].values[0, 0])
    md = post["missing_data_variance"].values
    assert (md[1] > 0).all()
    assert (md[2:] == 0).all()
    plain = posterior_probability([(a, ta), (b, tb)])
    assert (post["posterior_std"].values[1] > plain["posterior_std"].values[1]).all()


def test_posterior_refuses_mismatched_layers():
    layers, _ = _two_layers()
    with pytest.raises(ValidationError, match="align"):
        posterior_probability([layers[0], (layers[1][0][:50], layers[1][1])])
    with pytest.raises(ValidationError, match="at least one"):
        posterior_probability([])


def test_conditional_independence_of_an_independent_model_is_near_one():
    layers, deposits = _two_layers()
    post = posterior_probability(layers, dtype=np.float64)
    ci = conditional_independence_test(
        post["posterior"], post["posterior_std"], int(deposits.sum()), cell_area_km2=1.0
    )
    assert 0.85 < ci.ratio < 1.15
    assert ci.std_expected > 0
    assert 0.0 <= ci.probability <= 1.0
    assert set(ci.to_dict()) >= {"ratio", "z", "probability"}


def test_library_emits_no_warnings_on_clean_input():
    evidence, deposits = _binary()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weights_of_evidence(evidence, deposits, weights_type="descending", cell_area_km2=1.0)


def test_unique_tables_keep_their_classes_without_weights():
    evidence, deposits = _binary()
    table = weights_of_evidence(evidence, deposits, weights_type="unique", cell_area_km2=1.0)
    assert table["gen_class"].tolist() == table["class"].tolist()
    assert (table["weight"] == 0).all()
    categorical = weights_of_evidence(
        evidence, deposits, weights_type="categorical", cell_area_km2=1.0
    )
    np.testing.assert_array_equal(table["wplus"], categorical["wplus"])


def test_one_per_cell_counts_occupied_cells():
    evidence, deposits = _binary()
    doubled = deposits * 2
    once = weights_of_evidence(
        evidence, doubled, weights_type="categorical", cell_area_km2=1.0, one_per_cell=True
    )
    plain = weights_of_evidence(evidence, deposits, weights_type="categorical", cell_area_km2=1.0)
    pd.testing.assert_frame_equal(once, plain)


@pytest.mark.shared_data
def test_eis_toolkit_test_data(shared_data):
    pytest.importorskip("rasterio")
    pytest.importorskip("geopandas")
    from bornite.io.raster import read_raster  # noqa: PLC0415
    from bornite.io.vector import points_to_cells, read_points  # noqa: PLC0415

    folder = shared_data / "prospectivity" / "eis_toolkit_testdata" / "wofe"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    grid = read_raster(folder / "wofe_evidence_raster.tif")
    # The deposits' CRS (EUREF-FIN TM35FIN) is the raster's EPSG:25835 under another name.
    deposits = points_to_cells(read_points(folder / "wofe_deposits.shp"), grid)
    table = weights_of_evidence(grid, deposits, weights_type="ascending", generalisation="none")
    assert table["class"].tolist() == [1.0, 2.0, 3.0, 5.0, 6.0, 8.0, 10.0, 13.0]
    assert table["class_cells"].sum() == int(np.isfinite(grid.values).sum())
    assert table["points"].iat[-1] == 16
    assert table.attrs["total_area_km2"] == pytest.approx(table["class_cells"].sum() * 1.0)
    assert np.isfinite(table[list(WEIGHTS_COLUMNS[7:14])].to_numpy()).all()


def test_deposit_grids_must_hold_counts():
    evidence, deposits = _binary()
    bad = deposits.astype(float)
    bad[0, 0] = np.nan
    with pytest.raises(ValidationError, match="NaN or fractional"):
        class_frequencies(evidence, bad)
    with pytest.raises(ValidationError, match="negative"):
        class_frequencies(evidence, -deposits)


def test_an_all_nodata_layer_is_refused_clearly():
    evidence = np.full((6, 6), np.nan)
    deposits = np.zeros((6, 6))
    deposits[1, 1] = 1
    with pytest.raises(ValidationError, match="no classified cells"):
        weights_of_evidence(evidence, deposits, cell_size=(100.0, 100.0))
