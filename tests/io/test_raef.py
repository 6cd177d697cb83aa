"""RAEF parameter files and MapMark4 simulated-deposit files."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.assessment.economic_filter import economic_filter, summarize_economic
from bornite.errors import DataFileError
from bornite.io.raef import read_mapmark4_simulation, read_raef_parameters

MINE_METHOD = (
    '"20,Mine Method,""Mine Method is based on depth to the top of the deposit, if depth >= 80m:'
    ' Room and Pillar, if depth < 80m: Open Pit""",,'
)
PRESET = "\n".join(
    [
        ",A,B",
        "1,Date,Tue Dec 13 2018",
        "2,Time,8:54:14 ap.",
        "3,Econ Filter File,C:/Inputs/Porphyry_05_SIM_EF.csv",
        "4,Working Directory,C:/Temp",
        "5,Run Name,Test",
        "6,Number of Depth Intervals,{n}",
        "7,Min1,0",
        "8,Max1,{max1}",
        "9,Per1,{per1}",
        "10,Min2,{min2}",
        "11,Max2,1500",
        "12,Per2,{per2}",
        "13,Min3,0",
        "14,Max3,0",
        "15,Per3,0",
        "16,Min4,0",
        "17,Max4,0",
        "18,Per4,0",
        "19,Deposit Type,{deposit}",
        MINE_METHOD,
        "21,Mill Type 1 ,{mill}",
        "22,Mill Type 2 ,NA",
        "23,Days of Operation,{days}",
        "24,Environment Choice 1 ,{pond}",
        "25,Liner?,{liner}",
        "26,MSC,1.3",
        "27,Investment Rate of Return,0.1",
        "28,Cap Cost Inflation Factor,1.8",
        "29,Operating Cost Inflation Factor,1.4",
        "30,Area,2500",
        "31,User Define Mill Name (if applicable),Mine X",
        "32,User Define: Mill Capital Cost Constant,50000",
        "33,User Define: Mill Capital Cost Power log,0.7",
        "34,User Define: Mill Operating Cost Constant,100",
        "35,User Define: Mill Operating Cost Power log,-0.3",
        "36,Custom_Mill_Option1,{custom1}",
        "37,Custom_Mill_Option2,{custom2}",
        *(
            f"{k + 35},Custom_Mill_Option{k},No set custom mill option for commodity #{k}"
            for k in range(3, 7)
        ),
        "42,CV_Pb,600",
        "43,MRR_Pb,0.9",
        "44,CV_Zn,2000",
        "45,MRR_Zn,0.85",
    ]
)
DEFAULTS = {
    "n": 2,
    "max1": 250,
    "per1": 0.4,
    "min2": 251,
    "per2": 0.6,
    "deposit": "Flat-bedded/stratiform",
    "mill": "2 - Product Flotation",
    "days": 260,
    "pond": "Tailings Pond and Dam",
    "liner": "",
    "custom1": "No set",
    "custom2": "No set",
}


def _preset(tmp_path, **changes):
    path = tmp_path / "EF_01_Parameters_Test.csv"
    path.write_text(PRESET.format(**{**DEFAULTS, **changes}))
    return path


# ------------------------------------------------------------------------- parameters
@pytest.mark.shared_data
def test_reads_the_mapwizard_preset_file(mapwizard_data):
    spec = read_raef_parameters(mapwizard_data / "raef" / "RaefPreSetFile_example_batch_params.csv")
    assert spec.depth_intervals == ((0, 250, 0.2), (251, 500, 0.2), (501, 1000, 0.6))
    assert spec.deposit_type == "massive"
    assert spec.open_pit_max_depth_m == 61  # from the whole-row-quoted Mine Method line
    assert spec.mill == "3_product"
    assert spec.days_per_year == 350
    assert spec.tailings_pond
    assert spec.liner
    assert (spec.cost_index, spec.investment_rate) == (1.26, 0.15)
    assert (spec.capital_cost_factor, spec.operating_cost_factor) == (1.0, 1.0)
    assert dict(spec.recoveries) == {"cu": 0.91, "mo": 0.63, "au": 0.76, "ag": 0.8}
    for metal, value in {
        "cu": 3813.958,
        "mo": 23567.174,
        "au": 16557636.25,
        "ag": 257849.015,
    }.items():
        assert spec.prices[metal] == value


def test_reads_every_field_of_a_preset(tmp_path):
    spec = read_raef_parameters(_preset(tmp_path))
    assert spec.depth_intervals == ((0, 250, 0.4), (251, 1500, 0.6))
    assert spec.deposit_type == "flat_bedded"
    assert spec.open_pit_max_depth_m == 80
    assert spec.mill == "2_product"
    assert spec.days_per_year == 260
    assert spec.tailings_pond
    assert not spec.liner
    assert (spec.cost_index, spec.investment_rate) == (1.3, 0.1)
    assert (spec.capital_cost_factor, spec.operating_cost_factor) == (1.8, 1.4)
    assert (spec.prices["pb"], spec.prices["zn"]) == (600, 2000)
    assert dict(spec.recoveries) == {"pb": 0.9, "zn": 0.85}
    assert spec.user_mill_cost is None
    assert "EF_01_Parameters_Test.csv" in spec.price_source


def test_custom_and_user_defined_mills(tmp_path):
    spec = read_raef_parameters(
        _preset(tmp_path, mill="Customize Mill Options", custom1="2-Product", custom2="None")
    )
    assert spec.mill == "custom"
    assert dict(spec.commodity_mills) == {"pb": "2_product", "zn": "none"}
    spec = read_raef_parameters(
        _preset(tmp_path, mill="Customize Mill Options", custom1="User Define", custom2="CIP")
    )
    assert dict(spec.commodity_mills) == {"pb": "user", "zn": "cip"}
    assert spec.user_mill_cost == (50000, 0.7, 100, -0.3)
    spec = read_raef_parameters(
        _preset(tmp_path, mill="3-Product Flotation (Omit lowest value commodity)")
    )
    assert spec.mill == "3_product_omit_lowest"
    assert read_raef_parameters(_preset(tmp_path, mill="None")).mill == "none"


def test_no_pond_and_one_interval(tmp_path):
    spec = read_raef_parameters(
        _preset(
            tmp_path, n=1, max1=600, per1=1, pond="NA", liner="", deposit="Vein deposit / steep"
        )
    )
    assert spec.depth_intervals == ((0, 600, 1.0),)
    assert not spec.tailings_pond
    assert spec.deposit_type == "vein"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"per1": "abc"}, r"line 10 \(Per1\): expected a number, got 'abc'"),
        ({"per2": 0.5}, r"probabilities must sum to 1, but 0\.4, 0\.5 sum to 0\.9"),
        ({"n": 5}, r"line 7 \(Number of Depth Intervals\): expected a whole number from 1 to 4"),
        ({"deposit": "Porphyry"}, r"line 20 \(Deposit Type\): expected 'Flat-bedded"),
        ({"mill": "4 - Product Flotation"}, r"line 22 \(Mill Type 1\)"),
        ({"days": 300.5}, r"line 24 \(Days of Operation\): expected a whole number"),
        ({"liner": "maybe"}, r"line 26 \(Liner\?\)"),
        ({"liner": "Liner", "pond": ""}, "liner=True needs tailings_pond=True"),
        ({"mill": "Customize Mill Options", "custom1": "Magic"}, r"Custom_Mill_Option1"),
    ],
)
def test_bad_parameter_files_name_the_line(tmp_path, changes, message):
    path = _preset(tmp_path, **changes)
    with pytest.raises(DataFileError, match=message) as caught:
        read_raef_parameters(path)
    assert str(path) in str(caught.value)


def test_missing_rows_and_files(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text(",A,B\n1,Number of Depth Intervals,1\n2,Min1,0\n3,Max1,10\n4,Per1,1\n")
    with pytest.raises(DataFileError, match=r"no 'Deposit Type' row"):
        read_raef_parameters(path)
    with pytest.raises(DataFileError, match="file not found"):
        read_raef_parameters(tmp_path / "absent.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataFileError, match="no parameters found"):
        read_raef_parameters(empty)


# ------------------------------------------------------------------------ simulations
@pytest.mark.shared_data
def test_reads_the_mapmark4_simulation_file(mapwizard_data):
    deposits, n_trials = read_mapmark4_simulation(
        mapwizard_data / "raef_input" / "Run1_01234_05_SIM_EF.csv"
    )
    assert n_trials == 20_000
    assert len(deposits) == 22_208
    assert list(deposits.columns) == [
        "trial",
        "n_deposits",
        "deposit",
        "ore_t",
        "cu_pct",
        "mo_pct",
        "au_pct",
        "ag_pct",
        "cu_t",
        "mo_t",
        "au_t",
        "ag_t",
    ]
    first = deposits.iloc[0]
    assert (first["trial"], first["n_deposits"], first["deposit"]) == (1, 1, 1)
    assert first["ore_t"] == pytest.approx(616736156.2)
    assert first["cu_pct"] == pytest.approx(0.531690055)
    assert first["cu_t"] == pytest.approx(3279124.806)
    # Contained metal is grade times tonnage (to the file's printed precision).
    np.testing.assert_allclose(
        deposits["cu_t"], deposits["ore_t"] * deposits["cu_pct"] / 100, rtol=1e-6
    )
    # MapMark4 reports P(no deposit) = 0.2982 for this run (RAEF user guide, table 4).
    assert 1 - deposits["trial"].nunique() / n_trials == pytest.approx(0.2982)
    counts = deposits.groupby("trial")["deposit"].agg(["size", "max"])
    assert (counts["size"] == counts["max"]).all()


@pytest.mark.shared_data
def test_end_to_end_with_the_preset(mapwizard_data):
    """The MapWizard example: preset parameters on the tutorial simulation. With depth
    fractions 0.2/0.2/0.6 about 13 % of the simulated deposits are economic."""
    spec = read_raef_parameters(mapwizard_data / "raef" / "RaefPreSetFile_example_batch_params.csv")
    deposits, n_trials = read_mapmark4_simulation(
        mapwizard_data / "raef_input" / "Run1_01234_05_SIM_EF.csv"
    )
    out = economic_filter(deposits, spec, seed=2019)
    summary = summarize_economic(out, n_trials)
    assert 0.11 < out["economic"].mean() < 0.15
    assert 0.84 < summary.loc["cu_economic_t", "p0"] < 0.89
    assert summary.loc["cu_t", "p0"] == pytest.approx(0.2982)
    # Economic deposits are the big, rich or shallow ones.
    economic = out[out["economic"]]
    assert economic["ore_t"].median() > out["ore_t"].median()
    assert economic["depth_m"].median() < out["depth_m"].median()
    assert 0.15 < summary.loc["cu_economic_t", "fraction"] < 0.35


SIM = "\n".join(
    [
        (
            ",Simulation.Index,Number.of.Deposits,Sim.Deposit.Index,Ore_mT,Cu _pct,Au _pct,"
            "gangue,Cu _MetricTons,Au _MetricTons"
        ),
        "1,1,2,1,1e8,0.5,1e-4,99.5,5e5,100",
        "2,1,2,2,{ore},0.4,2e-4,99.6,8e4,40",
        "3,2,0,NA,NA,NA,NA,NA,NA,NA",
        "4,3,1,1,3e6,{grade},0,99.4,1.8e4,0",
    ]
)


def _sim(tmp_path, ore="2e7", grade="0.6", text=None):
    path = tmp_path / "Run_05_SIM_EF.csv"
    path.write_text(text if text is not None else SIM.format(ore=ore, grade=grade))
    return path


def test_reads_a_small_simulation(tmp_path):
    deposits, n_trials = read_mapmark4_simulation(_sim(tmp_path))
    assert n_trials == 3
    assert deposits["trial"].tolist() == [1, 1, 3]
    assert deposits["deposit"].tolist() == [1, 2, 1]
    assert deposits["n_deposits"].tolist() == [2, 2, 1]
    assert deposits["au_t"].tolist() == [100, 40, 0]
    assert deposits.attrs["source"].endswith("Run_05_SIM_EF.csv")


@pytest.mark.parametrize(
    ("ore", "grade", "message"),
    [
        ("-2e7", "0.6", r"'Ore_mT' is missing or out of range.*line 3 "),
        ("NA", "0.6", r"'Ore_mT' is missing or out of range.*line 3 "),
        ("2e7", "120", r"'Cu _pct' is missing or out of range \[0, 100\] on line 5 "),
    ],
)
def test_bad_deposit_rows_name_the_line(tmp_path, ore, grade, message):
    with pytest.raises(DataFileError, match=message):
        read_mapmark4_simulation(_sim(tmp_path, ore=ore, grade=grade))


def test_malformed_simulation_files(tmp_path):
    no_ore = SIM.format(ore="1", grade="1").replace("Ore_mT", "Tonnage")
    with pytest.raises(DataFileError, match=r"missing column.*ore_mt"):
        read_mapmark4_simulation(_sim(tmp_path, text=no_ore))
    lines = SIM.format(ore="2e7", grade="0.6").splitlines()
    truncated = "\n".join([lines[0], lines[1], lines[3], lines[4]])
    with pytest.raises(DataFileError, match=r"differs from Number\.of\.Deposits in trial\(s\) 1"):
        read_mapmark4_simulation(_sim(tmp_path, text=truncated))
    gap = SIM.format(ore="2e7", grade="0.6").replace("3,2,0,NA", "3,7,0,NA")
    with pytest.raises(DataFileError, match=r"should run 1\.\.3 .* reaches 7"):
        read_mapmark4_simulation(_sim(tmp_path, text=gap))
    with pytest.raises(DataFileError, match="file not found"):
        read_mapmark4_simulation(tmp_path / "absent.csv")
