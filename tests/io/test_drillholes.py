"""Reading drill-hole files, and the real Babbitt Cu-Ni data end to end."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bornite.drillholes import (
    FixPolicy,
    composite,
    desurvey_intervals,
    fix,
    validate,
)
from bornite.errors import DataFileError
from bornite.io.drillholes import BABBITT_MAPPING, FOOT, read_drillholes


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


@pytest.fixture
def files(tmp_path):
    return (
        _write(
            tmp_path,
            "collar.csv",
            "Hole_ID,Easting,Northing,Elevation,Depth\nA,10,20,30,40\nB,11,21,31,50\n",
        ),
        _write(
            tmp_path,
            "survey.csv",
            "hole_id,depth,Azimuth,Dip\nA,0,90,-60\nB,0,0,-90\nB,20,10,-85\n",
        ),
        _write(
            tmp_path,
            "assay.csv",
            "HOLE_ID,FROM,TO,Cu,Au_ppm,Lith,SampleID\n"
            "A,0,2,0.5,0.1,gr,S1\nA,2,4,<0.01,n.s.,gr,S2\nB,0,3,1.2,-99,bx,S3\n",
        ),
    )


def test_aliases_are_recognised_case_insensitively(files):
    db = read_drillholes(*files)
    assert list(db.collar.columns) == ["hole", "easting", "northing", "elevation", "length"]
    assert list(db.survey.columns) == ["hole", "depth", "azimuth", "dip"]
    assert list(db.intervals.columns) == ["hole", "from", "to", "cu", "au_ppm", "Lith", "SampleID"]
    assert db.grades == ("cu", "au_ppm")
    assert db.collar["length"].tolist() == [40.0, 50.0]
    assert db.survey["dip"].tolist() == [-60.0, -90.0, -85.0]  # already negative down
    assert db.metadata["dip_flipped"] is False
    assert db.metadata["length_from"] == "collar"
    assert db.intervals.index.tolist() == [1, 2, 3]
    # grades stay as read until validation
    assert db.intervals["au_ppm"].tolist() == ["0.1", "n.s.", "-99"]
    kinds = set(validate(db).problems["kind"])
    assert kinds == {"below_detection", "non_numeric_grade", "sentinel"}


def test_feet_and_positive_down_dips(tmp_path):
    c = _write(tmp_path, "c.csv", "BHID,XCOLLAR,YCOLLAR,ZCOLLAR\nA,1000,2000,100\n")
    s = _write(tmp_path, "s.csv", "BHID,AT,AZ,DIP\nA,0,0,90\nA,50,0,80\n")
    a = _write(tmp_path, "a.csv", "BHID,FROM,TO,CU\nA,0,10,1\nA,10,100,2\n")
    db = read_drillholes(c, s, a, units="ft")
    assert db.collar["easting"].iloc[0] == pytest.approx(1000 * FOOT)
    assert db.collar["length"].iloc[0] == pytest.approx(100 * FOOT)  # deepest interval
    assert db.intervals["to"].tolist() == pytest.approx([10 * FOOT, 100 * FOOT])
    assert db.survey["depth"].tolist() == pytest.approx([0.0, 50 * FOOT])
    assert db.survey["dip"].tolist() == [-90.0, -80.0]
    assert db.metadata["dip_flipped"] is True
    assert db.metadata["length_factor"] == FOOT
    assert db.metadata["length_from"] == "intervals"
    # forcing the convention overrides the detection
    kept = read_drillholes(c, s, a, dip_positive_down=False)
    assert kept.survey["dip"].tolist() == [90.0, 80.0]


def test_mapping_per_table_and_missing_columns(tmp_path):
    c = _write(tmp_path, "c.csv", "name,e,n,z\nA,0,0,0\n")
    s = _write(tmp_path, "s.csv", "name,md,az,dip\nA,0,0,-90\n")
    a = _write(tmp_path, "a.csv", "name,top,bottom,CU\nA,0,1,1\n")
    with pytest.raises(DataFileError, match="--mapping FILE"):
        read_drillholes(c, s, a)
    mapping = {
        "collar": {"name": "hole", "e": "easting", "n": "northing", "z": "elevation"},
        "survey": {"name": "hole", "md": "depth"},
        "assay": {"name": "hole", "top": "from", "bottom": "to", "CU": "cu_pct"},
    }
    db = read_drillholes(c, s, a, mapping=mapping)
    assert db.grades == ("cu_pct",)
    assert db.collar["length"].tolist() == [1.0]


def test_excel_files(tmp_path):
    pytest.importorskip("openpyxl")
    paths = []
    for name, frame in {
        "c": pd.DataFrame({"HOLEID": ["A"], "X": [0.0], "Y": [0.0], "Z": [5.0], "LENGTH": [9.0]}),
        "s": pd.DataFrame({"HOLEID": ["A"], "AT": [0.0], "AZIMUTH": [0.0], "DIP": [-90.0]}),
        "a": pd.DataFrame({"HOLEID": ["A"], "FROM": [0.0], "TO": [9.0], "CU": [0.7]}),
    }.items():
        path = tmp_path / f"{name}.xlsx"
        frame.to_excel(path, index=False)
        paths.append(path)
    db = read_drillholes(*paths)
    assert validate(db).problems.empty
    assert desurvey_intervals(db)["elevation"].tolist() == [0.5]


def test_numeric_hole_ids_match_across_tables(tmp_path):
    # the assay hole column holds a blank, so pandas reads it as float (1001.0)
    c = _write(tmp_path, "c.csv", "HOLE,X,Y,Z\n1001,0,0,0\n")
    s = _write(tmp_path, "s.csv", "HOLE,AT,AZ,DIP\n1001,0,0,-90\n")
    a = _write(tmp_path, "a.csv", "HOLE,FROM,TO,CU\n1001,0,1,1\n,1,2,1\n")
    db = read_drillholes(c, s, a)
    assert db.collar["hole"].tolist() == ["1001"]
    assert db.intervals["hole"].tolist()[0] == "1001"
    kinds = validate(db).problems[["row", "kind"]].to_numpy().tolist()
    assert kinds == [[2, "missing_hole"]]


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match="not found"):
        read_drillholes(tmp_path / "c.csv", tmp_path / "s.csv", tmp_path / "a.csv")


# ---------------------------------------------------------------- Babbitt (real data)


@pytest.fixture(scope="module")
def babbitt(shared_data):
    folder = shared_data / "drillholes" / "babbitt_cu_ni"
    if not folder.is_dir():
        pytest.skip(f"Babbitt data not found in {folder}")
    return read_drillholes(
        folder / "collar_BABBITT.csv",
        folder / "survey_BABBITT.csv",
        folder / "assay_BABBITT.csv",
        units="ft",
        mapping=BABBITT_MAPPING,
    )


@pytest.mark.shared_data
def test_babbitt_loads(babbitt):
    assert len(babbitt.collar) == 399
    assert len(babbitt.intervals) == 35_616
    assert len(babbitt.survey) == 2_628
    assert babbitt.grades == ("cu_pct", "ni_pct", "s_pct", "fe_pct")
    assert babbitt.metadata["dip_flipped"] is True
    assert (babbitt.survey["dip"] <= 0).all()
    assert babbitt.intervals["cu_pct"].notna().sum() == 23_685
    assert babbitt.intervals["cu_pct"].max() == pytest.approx(24.4, abs=0.01)


@pytest.mark.shared_data
def test_babbitt_validates_and_fixes(babbitt):
    report = validate(babbitt)
    # the only problems: 70 dummy survey stations at 90,000 ft, beyond every hole
    assert report.counts().to_dict() == {"beyond_length": 70}
    assert set(report.problems["table"]) == {"survey"}
    assert len(report.to_dict()["problems"]) == 70
    clean = fix(babbitt, FixPolicy())
    assert clean.metadata["fixes"] == {"survey_stations_clipped": 70}
    assert validate(clean).problems.empty
    # clipping is exact: positions inside the holes do not move
    raw = desurvey_intervals(babbitt)
    fixed = desurvey_intervals(clean)
    xyz = ["easting", "northing", "elevation"]
    np.testing.assert_allclose(fixed.loc[raw.index, xyz], raw[xyz], atol=1e-6)


@pytest.mark.shared_data
def test_babbitt_desurvey_and_composite_are_fast(babbitt):
    clean = fix(babbitt, FixPolicy())
    start = time.perf_counter()
    points = desurvey_intervals(clean)
    desurvey_s = time.perf_counter() - start
    start = time.perf_counter()
    comps = composite(clean, 10 * FOOT * 2)  # 20 ft = 6.096 m
    composite_s = time.perf_counter() - start
    assert desurvey_s < 2.0
    assert composite_s < 2.0
    assert points[["easting", "northing", "elevation"]].notna().all().all()
    # elevations of sample midpoints lie below their collars
    collar_z = points["hole"].map(clean.collar.set_index("hole")["elevation"])
    assert (points["elevation"] < collar_z).all()
    intervals = clean.intervals
    for grade in clean.grades:
        metal = np.nansum(intervals[grade] * (intervals["to"] - intervals["from"]))
        assert np.nansum(comps[grade] * comps[f"{grade}_length"]) == pytest.approx(metal)
    assert comps["length"].sum() == pytest.approx((intervals["to"] - intervals["from"]).sum())
