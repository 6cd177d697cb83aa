"""Readers for MapWizard's deposit-density, pmf and correlation files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bornite.assessment.aggregation import aggregate_pmfs, rank_correlation_check
from bornite.assessment.deposit_density import DepositDensityModel
from bornite.errors import DataFileError
from bornite.io.mapwizard import (
    read_control_tracts,
    read_correlation_matrix,
    read_deposit_density_coefficients,
    read_pmf_csv,
    read_tract_pmfs,
)

HEADER = (
    "a;b;c;t10,N-3;sy|x;N;MeanLogArea;MeanLogMedTons;sLogArea;sLogMedTons;Bibliographic information"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------- deposit density
@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("PorphyryCu", (-1.041858, 0.430677, 0.0, 1.309, 0.2444, 33, 2.622, 0.2912)),
        ("PodiformCr", (0.215, 0.47, 0.0, 1.314972, 0.359, 28, 2.075, 0.199)),
        ("VMS", (-0.585, 0.385, 0.0, 1.306, 0.338, 38, 2.637, 0.526)),
        ("General", (-0.77, 0.491, -0.227, 1.29, 0.348, 109, 3.173, 1.188)),
    ],
)
def test_reads_every_mapwizard_density_model(mapwizard_data, stem, expected):
    model = read_deposit_density_coefficients(
        mapwizard_data / "deposit_density" / f"{stem}_data.csv"
    )
    got = (
        model.a,
        model.b,
        model.c,
        model.t_value,
        model.s_yx,
        model.n_tracts,
        model.mean_log_area,
        model.var_log_area,
    )
    assert got == expected
    assert "Singer" in model.citation
    if stem == "General":
        assert (model.mean_log_tonnage, model.var_log_tonnage) == (-0.329, 2.615)
    else:
        assert model.mean_log_tonnage is None
    assert model.min_area_km2 is None


def test_density_file_options_and_errors(tmp_path):
    line = "-1;0.4;;1.3;0.25;30;4.5;;0.5;;Someone 2024; a report"
    path = write(tmp_path, "Mine_data.csv", f"{HEADER}\n{line}\n")
    model = read_deposit_density_coefficients(path)
    assert model.deposit_type == "Mine"
    assert model.citation == "Someone 2024; a report"
    assert read_deposit_density_coefficients(path, spread="sd").var_log_area == 0.25
    assert isinstance(model, DepositDensityModel)

    bad = write(tmp_path, "bad.csv", f"{HEADER}\n-1;0.4;;1.3;zero;30;4.5;;0.5;;x\n")
    with pytest.raises(DataFileError, match=r"bad\.csv, row 2: column 'sy\|x' 'zero'"):
        read_deposit_density_coefficients(bad)
    short = write(tmp_path, "short.csv", "a;b;N\n-1;0.4;30\n")
    with pytest.raises(
        DataFileError, match=r"row 2: missing value\(s\) for t10,N-3, sy\|x, MeanLogArea, sLogArea;"
    ):
        read_deposit_density_coefficients(short)
    invalid = write(tmp_path, "invalid.csv", f"{HEADER}\n-1;0.4;;1.3;0.25;30;4.5;;0;;x\n")
    with pytest.raises(DataFileError, match="var_log_area must be > 0"):
        read_deposit_density_coefficients(invalid)
    with pytest.raises(DataFileError, match="file not found"):
        read_deposit_density_coefficients(tmp_path / "missing.csv")


def test_reads_the_control_tract_layouts(mapwizard_data: Path):
    folder = mapwizard_data / "deposit_density"
    porphyry = read_control_tracts(folder / "IndataPorCu.csv")
    assert list(porphyry.columns) == ["deposit_type", "tract", "area_km2", "n_deposits"]
    assert len(porphyry) == 33
    yulong = porphyry[porphyry["tract"].str.startswith("Yulong")].iloc[0]
    assert (yulong["area_km2"], yulong["n_deposits"]) == (93_400.0, 8)
    assert porphyry["n_deposits"].sum() == 391  # awk -F";" "{s += $4}"
    chromite = read_control_tracts(folder / "IndataPodiformCr.csv")
    assert chromite.loc[chromite["tract"] == "Trinity, USCA", "area_km2"].item() == 1_034.0
    assert set(chromite["type_id"]) == {1}
    general = read_control_tracts(folder / "IndataGeneral.csv")
    assert len(general) == 109
    assert general["type_id"].value_counts()[4] == 33  # the porphyry copper tracts
    assert general.iloc[0]["tract"] == "Amador, USCA"


def test_control_tract_errors_name_the_row(tmp_path):
    path = write(tmp_path, "tracts.csv", "Porphyry;A;1 000;3\nPorphyry;B;12 x00;4\n")
    with pytest.raises(DataFileError, match=r"tracts\.csv, row 2: area '12 x00'"):
        read_control_tracts(path)
    path = write(tmp_path, "tracts.csv", "Porphyry;A;1 000;3\nPorphyry;B;0;4\n")
    with pytest.raises(DataFileError, match="row 2: area must be > 0"):
        read_control_tracts(path)
    path = write(tmp_path, "tracts.csv", "Porphyry;A;1 000\n")
    with pytest.raises(DataFileError, match="4 or 5"):
        read_control_tracts(path)


# ------------------------------------------------------------------------------------ pmfs
def test_reads_a_mapmark4_pmf(mapwizard_data: Path):
    path = mapwizard_data / "tract_aggregation_test" / "Conduit1_03_PMF_Probs1.csv"
    pmf = read_pmf_csv(path)
    raw = pd.read_csv(path)
    assert (pmf.support_min, pmf.support_max) == (0, 18)
    np.testing.assert_allclose(pmf.probabilities, raw["RelProbs"] / raw["RelProbs"].sum())
    assert pmf.mean == pytest.approx(5.689521, abs=1e-6)
    assert pmf.description == "Conduit1_03_PMF_Probs1.csv"


@pytest.mark.parametrize("name", ["MyData.csv", "CorresondingEstimates.csv"])
def test_reads_several_tract_pmfs_from_one_table(mapwizard_data, name):
    folder = mapwizard_data / "tract_aggregation_test"
    pmfs = read_tract_pmfs(folder / name)
    assert list(pmfs) == [f"T{i}" for i in range(1, 8)]
    single = read_pmf_csv(folder / "Conduit1_03_PMF_Probs3.csv")
    np.testing.assert_allclose(pmfs["T3"].probabilities, single.probabilities, atol=1e-9)


def test_pmf_errors_name_the_row(tmp_path):
    path = write(tmp_path, "pmf.csv", '"","NDeposits","RelProbs"\n"1",0,0.5\n"2",1,x\n')
    with pytest.raises(DataFileError, match=r"pmf\.csv, row 3"):
        read_pmf_csv(path)
    path = write(tmp_path, "pmf.csv", "NDeposits,RelProbs\n0,0.5\n2,0.3\n1,0.2\n")
    with pytest.raises(DataFileError, match="row 4: NDeposits must increase"):
        read_pmf_csv(path)
    path = write(tmp_path, "pmf.csv", "N,P\n0,1\n")
    with pytest.raises(DataFileError, match="no column 'NDeposits'"):
        read_pmf_csv(path)


# ------------------------------------------------------------------------ correlation matrix
def test_reads_the_lower_triangular_correlation_table(mapwizard_data: Path):
    path = mapwizard_data / "tract_aggregation_test" / "CorrelationTab.csv"
    matrix = read_correlation_matrix(path)
    expected = np.full((7, 7), 0.75)
    np.fill_diagonal(expected, 1.0)
    np.testing.assert_array_equal(matrix, expected)
    labelled = read_correlation_matrix(path, labelled=True)
    assert list(labelled.index) == list(labelled.columns) == [f"T{i}" for i in range(1, 8)]


def test_correlation_file_errors(tmp_path):
    path = write(tmp_path, "c.csv", ",A,B,C\nA,1,,\nB,0.9,1,\nC,-0.9,0.9,1\n")
    with pytest.raises(DataFileError, match=r"c\.csv: correlation is not positive semi-definite"):
        read_correlation_matrix(path)
    raw = read_correlation_matrix(path, validate=False)
    assert raw[0, 2] == raw[2, 0] == -0.9
    path = write(tmp_path, "c.csv", ",A,B\nA,1,\nC,0.5,1\n")
    with pytest.raises(DataFileError, match="differ from column names"):
        read_correlation_matrix(path)
    path = write(tmp_path, "c.csv", ",A,B\nA,1,\nB,high,1\n")
    with pytest.raises(DataFileError, match="row 3: correlation with A 'high'"):
        read_correlation_matrix(path)
    path = write(tmp_path, "c.csv", ",A,B,C\nA,1,,\nB,0.5,1,\n")
    with pytest.raises(DataFileError, match="square"):
        read_correlation_matrix(path)


def test_mapwizard_aggregation_inputs_end_to_end(mapwizard_data: Path):
    folder = mapwizard_data / "tract_aggregation_test"
    pmfs = read_tract_pmfs(folder / "CorresondingEstimates.csv")
    correlation = read_correlation_matrix(folder / "CorrelationTab.csv", labelled=True)
    total, trials = aggregate_pmfs(pmfs, correlation, n_trials=20_000, seed=1)
    check = rank_correlation_check(trials[list(pmfs)], correlation)
    assert len(check) == 21
    assert check["achieved"].between(0.72, 0.77).all()
    assert total.mean == pytest.approx(7 * 5.689521, abs=0.5)
