"""The estimate workflow: run-file specs, the synthetic deposit against its truth, and the
real Babbitt holes through to a block model inside the Mpz wireframe."""

from __future__ import annotations

import numpy as np
import pytest

from bornite.errors import RunConfigError
from bornite.report import Report, render_report
from bornite.workflows.estimate import (
    estimate_record,
    estimate_section,
    load_estimate_spec,
    run_estimate,
)

SYNTHETIC = """
name = "synthetic porphyry"
[drillholes]
synthetic_seed = 5
[composites]
length = 10.0
[variogram]
directional = true
lag = 40.0
n_lags = 10
kinds = ["spherical", "spherical"]
downhole_lag = 10.0
[grid]
block_size = [50.0, 50.0, 25.0]
[kriging]
max_per_hole = 6
[resource]
cutoffs = [0.0, 0.2, 0.4]
"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("estimate")
    (folder / "run.toml").write_text(SYNTHETIC)
    return run_estimate(load_estimate_spec(folder / "run.toml"))


def test_synthetic_estimate_tracks_the_truth(synthetic):
    estimate = synthetic.curve.set_index("cutoff")
    truth = synthetic.truth_curve.set_index("cutoff")
    # Stated tolerance for 80 m drilling and 50 x 50 x 25 m blocks: contained metal above
    # 0.2 and 0.4 % Cu within 12 % of the block-support truth over the estimated blocks.
    for cutoff in (0.2, 0.4):
        assert estimate.loc[cutoff, "metal_t"] == pytest.approx(
            truth.loc[cutoff, "metal_t"], rel=0.12
        )
    # The same blocks are compared: at cutoff 0 the tonnages are equal (the few negative
    # ordinary-kriging estimates are set to zero, and counted).
    # (one block of 2,904 would be 3e-4 of the tonnage; 1e-12 is rounding of the sums)
    assert estimate.loc[0.0, "tonnes"] == pytest.approx(truth.loc[0.0, "tonnes"], rel=1e-12)
    assert float(synthetic.blocks["cu_pct"].min()) >= 0
    assert synthetic.blocks.attrs["negative_estimates_set_to_zero"] >= 0


def test_validation_global_mean_and_swaths(synthetic):
    check = synthetic.global_mean
    assert check["samples"] > 1000
    assert abs(check["relative_difference"]) < 0.15
    # Declustering lowers the mean of a campaign that samples the rich centre densely.
    assert synthetic.declustering.mean < synthetic.declustering.naive_mean
    for table in synthetic.swaths.values():
        both = table.dropna(subset=["estimate_mean", "truth_mean"])
        assert len(both) >= 5
        assert np.corrcoef(both["estimate_mean"], both["truth_mean"])[0, 1] > 0.9


def test_variogram_and_search_follow_the_spec(synthetic):
    assert set(synthetic.experimentals) == {
        "down-hole",
        "major (0/0)",
        "semi-major (90/0)",
        "minor (0/-90)",
    }
    assert synthetic.experimentals["down-hole"]["n_pairs"].iloc[0] > 1000
    assert len(synthetic.variogram.structures) == 2
    ranges = estimate_record(synthetic).results["variogram"]["structures"][1]["ranges"]
    assert len(ranges) == 3
    assert all(r > 0 for r in ranges)


def test_record_and_report_section(synthetic):
    record = estimate_record(synthetic)
    assert record.kind == "estimate"
    assert record.illustrative
    assert record.seed == 5
    results = record.results
    estimated = int(np.isfinite(synthetic.blocks["cu_pct"]).sum())
    assert results["estimated_blocks"] == estimated
    assert record.figure("estimated_blocks").value == estimated
    # The headline reports the lowest positive cutoff, 0.2 % Cu, in all classes.
    total = synthetic.curve.set_index("cutoff").loc[0.2]
    assert record.figure("metal_t").value == pytest.approx(total["metal_t"], rel=1e-12)
    assert record.figure("grade").unit == "%"
    for row in results["resource"]:
        assert row["metal_t"] == pytest.approx(row["tonnes"] * row["grade"] / 100, rel=1e-12)
    classes = {row["class"] for row in results["resource"]}
    assert classes <= {"Measured", "Indicated", "Inferred"}
    headers, rows = record.tables["resource"].formatted()
    assert headers[:3] == ["cutoff", "class", "tonnes (Mt)"]
    assert not [c for row in rows for c in row if "e-" in c or "e+" in c]
    page = render_report(Report("estimate", sections=[estimate_section(synthetic)]))
    assert "Estimate against the known truth" in page
    assert page.count("<svg") >= 4


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("lag = 40.0", "lag = 40.0\nwidth = 3", r"\[variogram\]: unknown key\(s\) width"),
        ("kinds = [", "ratios = [0.5]\nkinds = [", "ratios needs 2 values"),
        ("[grid]", "[grid]\norigin = [0.0, 0.0, 0.0]", "give both origin and shape"),
        ("[grid]", '[grid]\nwireframe_units = "yd"', "wireframe_units must be"),
        ("length = 10.0", 'length = "ten"', r"\[composites\]: length must be a number"),
        ("[resource]", '[classification]\nscheme = "sec"\n[resource]', "scheme must be one of"),
        ("synthetic_seed = 5", 'collar = "c.csv"', "give collar, survey and assay"),
        (
            "synthetic_seed = 5",
            'synthetic_seed = 5\nfix = { overlapp = "drop" }',
            "fix: unknown key",
        ),
        (
            "synthetic_seed = 5",
            'synthetic_seed = 5\nfix = { overlap = "merge" }',
            'overlap = "merge"',
        ),
        ("synthetic_seed = 5", 'synthetic_seed = 5\nfix = "yes"', "fix must be true or false or"),
    ],
)
def test_run_file_errors_name_the_table_and_key(tmp_path, old, new, message):
    run_file = tmp_path / "run.toml"
    run_file.write_text(SYNTHETIC.replace(old, new, 1))
    with pytest.raises(RunConfigError, match=message):
        load_estimate_spec(run_file)


BABBITT = """
name = "Babbitt Cu-Ni"
[drillholes]
collar = "{folder}/collar_BABBITT.csv"
survey = "{folder}/survey_BABBITT.csv"
assay = "{folder}/assay_BABBITT.csv"
mapping = {{ CU = "cu_pct", NI = "ni_pct" }}
units = "ft"
fix = true
[composites]
length = 6.0
[variogram]
lag = 50.0
n_lags = 12
downhole_lag = 6.0
[grid]
block_size = [100.0, 100.0, 30.0]
wireframe = "{folder}/Mpz.stl"
wireframe_units = "ft"
[resource]
cutoffs = [0.0, 0.2]
density = 2.9
"""


@pytest.mark.slow
def test_babbitt_whole_pipeline(shared_data, tmp_path):
    """Real holes (feet, dips positive down, 70 survey stations beyond the hole length,
    repaired by the fix policy) through composites, variograms and kriging to a resource
    inside the Mpz wireframe (also in feet)."""
    folder = shared_data / "drillholes" / "babbitt_cu_ni"
    run_file = tmp_path / "babbitt.toml"
    run_file.write_text(BABBITT.format(folder=folder.as_posix()))
    result = run_estimate(load_estimate_spec(run_file))
    assert result.validation.holes == 399
    assert len(result.composites) > 10_000
    assert int(np.isfinite(result.blocks["cu_pct"].values).sum()) > 2_000
    # Blocks inside the wireframe only: every estimated block lies within its bounds (m).
    estimated = np.isfinite(result.blocks["cu_pct"].values)
    assert estimated.sum() < result.grid.n_blocks
    total = result.curve.set_index("cutoff")
    assert total.loc[0.2, "tonnes"] > 1e9
    assert 0.2 < total.loc[0.2, "grade"] < 0.6
    assert abs(result.global_mean["relative_difference"]) < 0.2
    assert result.variogram.nugget >= 0


def test_inline_mapping_is_not_taken_for_paths(tmp_path):
    """``mapping`` is a file or an inline table of column names; only a file is resolved
    against the run file's folder (a refactor once resolved the column names too)."""
    run_file = tmp_path / "run.toml"
    text = 'collar = "c.csv"\nsurvey = "s.csv"\nassay = "a.csv"\n'
    run_file.write_text(
        SYNTHETIC.replace("synthetic_seed = 5", text + 'mapping = { CU = "cu_pct" }')
    )
    spec = load_estimate_spec(run_file)
    assert spec.drillholes.mapping == {"CU": "cu_pct"}
    assert spec.drillholes.collar == tmp_path / "c.csv"
    run_file.write_text(SYNTHETIC.replace("synthetic_seed = 5", text + 'mapping = "map.toml"'))
    assert load_estimate_spec(run_file).drillholes.mapping == tmp_path / "map.toml"


def test_a_fix_policy_chosen_in_the_run_file(tmp_path):
    run_file = tmp_path / "run.toml"
    run_file.write_text(
        SYNTHETIC.replace(
            "synthetic_seed = 5", 'synthetic_seed = 5\nfix = { overlap = "truncate" }'
        )
    )
    policy = load_estimate_spec(run_file).drillholes.policy()
    assert policy is not None
    assert (policy.overlap, policy.gap) == ("truncate", "keep")
