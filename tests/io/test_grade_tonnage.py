"""Deposit-table and elicitation readers."""

from __future__ import annotations

import pandas as pd
import pytest

from bornite.assessment import GradeTonnageModel
from bornite.errors import DataFileError, ElicitationError
from bornite.io import read_elicitation, read_grade_tonnage


@pytest.mark.shared_data
def test_usgs_2008_database_loads_directly(shared_data):
    path = shared_data / "assessment" / "usgs_porphyry_2008" / "porphyry_copper_deposits_2008.csv"
    table = read_grade_tonnage(path)
    assert table.attrs["layout"] == "usgs2008"
    assert len(table) == 422
    assert table.attrs["dropped_rows"] == 690 - 422
    assert list(table.columns[-5:]) == ["ore_t", "cu_pct", "mo_pct", "au_gt", "ag_gt"]
    # Published: median 241 Mt (242.5 in this release), Cu median 0.44 %.
    assert table["ore_t"].median() == pytest.approx(242.5e6)
    assert table["cu_pct"].median() == pytest.approx(0.44)
    assert "Agua Rica" in set(table["name"])
    # Mo, Au, Ag are zero where not reported: a log-ratio model must refuse and say why.
    with pytest.raises(ValueError, match=r"mo_pct is missing or zero for rows .*empirical=True"):
        GradeTonnageModel().fit(table)
    assert GradeTonnageModel(metals=["cu"]).fit(table).n_deposits_ == 422


@pytest.mark.shared_data
def test_mapmark4_layouts(mapmark4_data):
    synthetic = read_grade_tonnage(mapmark4_data / "ExampleGatm_synthetic71.csv")
    assert list(synthetic.columns) == ["id", "name", "ore_t", "cu_pct", "au_pct"]
    assert len(synthetic) == 71
    raw = read_grade_tonnage(mapmark4_data / "porphyry_CuAu_115_deposits_ExampleGatm_raw.csv")
    assert list(raw.columns) == ["name", "location", "ore_t", "cu_pct", "au_pct"]
    assert raw.loc[raw["name"] == "Afton", "ore_t"].item() == 134e6
    placer = read_grade_tonnage(mapmark4_data / "placer_PGE_Au_83_deposits_PreviousExampleGatm.csv")
    with pytest.raises(ValueError, match="au_pct is missing or zero"):
        GradeTonnageModel().fit(placer)


def test_explicit_mapping_and_bornite_layout(tmp_path):
    path = tmp_path / "deposits.csv"
    pd.DataFrame(
        {"Deposit": ["a", "b"], "Mt": [10.0, 20.0], "Cu": [0.5, 0.4], "Au": [0.2, 0.3]}
    ).to_csv(path, index=False)
    table = read_grade_tonnage(
        path, columns={"Mt": ("ore", "Mt"), "Cu": ("cu", "%"), "Au": ("au", "g/t")}
    )
    assert table["ore_t"].tolist() == [10e6, 20e6]
    assert list(table.columns) == ["ore_t", "cu_pct", "au_gt"]
    again = tmp_path / "again.csv"
    table.to_csv(again, index=False)
    assert read_grade_tonnage(again).attrs["layout"] == "bornite"


def test_unreadable_or_unknown_files_give_clear_errors(tmp_path):
    with pytest.raises(DataFileError, match="file not found"):
        read_grade_tonnage(tmp_path / "missing.csv")
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n")
    with pytest.raises(DataFileError, match=r"odd\.csv: unrecognised grade-tonnage layout"):
        read_grade_tonnage(odd)


def test_read_elicitation_names_the_file(tmp_path):
    path = tmp_path / "estimates.csv"
    path.write_text("Name,Weight,N90,N50,N10\nann,1,5,3,9\n")
    with pytest.raises(ElicitationError, match=r"estimates\.csv: counts must satisfy .* 1 \(ann\)"):
        read_elicitation(path)
