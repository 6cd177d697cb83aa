"""Pit run files -> nested shells, reporting shell and pit-constrained resource."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bornite.errors import RunConfigError
from bornite.workflows.pit import load_pit_spec, pit_record, run_pit, run_pit_to_dir

RUN = """
name = "toy porphyry"
[model]
block_model = "block_model.parquet"
{size}
density = 2.7
[economics]
prices = {{ cu = 9000.0 }}
recovery = 0.88
mining_cost = 2.0
mining_cost_increment = 0.004
processing_cost = 9.0
selling_cost = 600.0
royalty = 0.03
dilution = 0.05
mining_recovery = 0.95
[slopes]
sectors = [[0, 45], [180, 40]]
n_benches = 4
[shells]
revenue_factors = [0.4, 0.6, 0.8, 1.0, 1.2]
select_factor = 1.0
n_jobs = 2
"""


def _model(folder, *, with_json=True):
    """A 20 x 20 x 10 block model (25 x 25 x 12.5 m) of a blob of copper, as estimate writes."""
    shape = (20, 20, 10)
    i, j, k = np.meshgrid(*(np.arange(n) for n in shape), indexing="ij")
    r = np.sqrt(((i - 10) / 4.0) ** 2 + ((j - 10) / 3.0) ** 2 + ((k - 5) / 3.0) ** 2)
    table = pd.DataFrame(
        {
            "easting": 500.0 + 25.0 * (i.ravel() + 0.5),
            "northing": 800.0 + 25.0 * (j.ravel() + 0.5),
            "elevation": -200.0 + 12.5 * (k.ravel() + 0.5),
            "cu_pct": 0.9 * np.exp(-(r.ravel() ** 2)),
            "category": np.where(r < 1.0, 1, np.where(r < 1.6, 2, 3)).ravel(),
        }
    )
    table = table[table["cu_pct"] > 1e-3]  # estimate writes only estimated blocks
    table.to_parquet(folder / "block_model.parquet", index=False)
    if with_json:
        (folder / "resource.json").write_text(
            json.dumps({"grid": {"block_size": [25.0, 25.0, 12.5]}, "scheme": "cim"})
        )
    return table


def _run_file(folder, size=""):
    path = folder / "pit.toml"
    path.write_text(RUN.format(size=size))
    return path


def test_shells_run_writes_nested_shells_resource_and_report(tmp_path):
    _model(tmp_path)
    record = run_pit_to_dir(_run_file(tmp_path), tmp_path / "out")
    names = {o.path for o in record.outputs}
    assert {"shells.csv", "resource.csv", "slopes.csv", "pit.json", "report.html"} <= names
    assert {"figures/pit_by_pit.svg", "figures/section.svg"} <= names
    assert (tmp_path / "out" / "run.json").is_file()
    shells = pd.read_csv(tmp_path / "out" / "shells.csv")
    assert shells["blocks"].is_monotonic_increasing
    assert shells["ore_t"].iloc[-1] > 0
    assert record.figure("selected_shell").value == 4  # factor 1.0
    strip = record.figure("strip_ratio").value
    assert strip == pytest.approx(shells["strip_ratio"].iloc[3], rel=1e-12)
    resource = pd.read_csv(tmp_path / "out" / "resource.csv")
    assert resource["class"].tolist()[:3] == ["Measured", "Indicated", "Inferred"]
    total = resource.iloc[-1]
    assert total["ore_t"] == pytest.approx(resource["ore_t"].iloc[:3].sum())
    assert total["ore_t"] == pytest.approx(shells["ore_t"].iloc[3])
    blocks = pd.read_csv(tmp_path / "out" / "pit_blocks.csv")
    assert (blocks["in_reporting_shell"] == (blocks["shell"] <= 4)).all()
    html = (tmp_path / "out" / "report.html").read_text()
    assert "Pit-constrained resource by class" in html
    summary = json.loads((tmp_path / "out" / "pit.json").read_text())
    assert summary["ultimate_pit"]["blocks"] > 0
    assert summary["grid"]["block_size"] == [25.0, 25.0, 12.5]


def test_ultimate_pit_equals_the_factor_one_shell_value(tmp_path):
    _model(tmp_path)
    result = run_pit(load_pit_spec(_run_file(tmp_path)))
    one = result.table[result.table["revenue_factor"] == 1.0].iloc[0]
    ultimate = float(result.values["value_usd"].values.ravel()[result.ultimate.mask].sum())
    # integer USD per block for the exact solve: at most half a dollar per block apart
    assert one["value_usd"] == pytest.approx(ultimate, abs=result.ultimate.mask.size)
    assert result.slopes["angle"].tolist() == [45.0, 40.0]


def test_a_grade_column_named_estimate_is_mapped(tmp_path):
    table = _model(tmp_path)
    table.rename(columns={"cu_pct": "estimate"}).to_parquet(tmp_path / "block_model.parquet")
    path = _run_file(tmp_path, size='grade = "estimate"\ngrade_unit = "%"')
    result = run_pit(load_pit_spec(path))
    assert "cu_pct" in result.model
    assert result.table["ore_t"].iloc[-1] > 0
    path.write_text(RUN.format(size='grade = "grade"'))
    with pytest.raises(RunConfigError, match="grade = 'grade' is not a column"):
        run_pit(load_pit_spec(path))


def test_domains_set_recovery_and_slopes(tmp_path):
    table = _model(tmp_path)
    table["domain"] = np.where(table["elevation"] < -120.0, "oxide", "sulphide")
    table.to_parquet(tmp_path / "block_model.parquet", index=False)
    path = tmp_path / "pit.toml"
    text = RUN.format(size='domain = "domain"').replace(
        "recovery = 0.88", "recovery = 0.88\ndomain_recovery = { oxide = { cu = 0.3 } }"
    )
    path.write_text(text + "[slopes.domains]\noxide = 35\n")
    result = run_pit(load_pit_spec(path))
    assert result.slopes["domain"].tolist() == ["(default)", "(default)", "oxide"]
    assert result.slopes["angle"].tolist() == [45.0, 40.0, 35.0]
    oxide = np.asarray(result.model["domain"].values == "oxide")
    revenue = result.values["revenue_usd"].values
    metal = result.values["cu_t"].values
    rich = metal > 0
    ratio = revenue[rich] / metal[rich]
    np.testing.assert_allclose(ratio[oxide[rich]], 0.3 * 8400.0 * 0.97)
    np.testing.assert_allclose(ratio[~oxide[rich]], 0.88 * 8400.0 * 0.97)
    # shallower oxide slopes and lower recovery: a different, still closed, pit
    plain = run_pit(load_pit_spec(_run_file(tmp_path)))
    assert result.arcs != plain.arcs


def test_run_file_errors_name_the_table_and_key(tmp_path):
    _model(tmp_path, with_json=False)
    with pytest.raises(RunConfigError, match=r"block size is unknown"):
        run_pit(load_pit_spec(_run_file(tmp_path)))
    path = _run_file(tmp_path, size="block_size = [25.0, 25.0]")
    with pytest.raises(RunConfigError, match=r"\[model\]: block_size must be three"):
        load_pit_spec(path)
    path.write_text(RUN.format(size="").replace("royalty = 0.03", "royalti = 0.03"))
    with pytest.raises(RunConfigError, match=r"\[economics\]: unknown key\(s\) royalti"):
        load_pit_spec(path)
    path.write_text(RUN.format(size="").replace("[0, 45]", "[0, 95]"))
    with pytest.raises(RunConfigError, match=r"\[slopes\]: .*between 0 and 90"):
        load_pit_spec(path)
    path.write_text(RUN.format(size="").replace("0.4, 0.6", "0.6, 0.4"))
    with pytest.raises(RunConfigError, match=r"\[shells\]: revenue_factors must be strictly"):
        load_pit_spec(path)
    path.write_text(RUN.format(size="").replace("n_jobs = 2", "n_jobs = 0"))
    with pytest.raises(RunConfigError, match=r"\[shells\]: n_jobs must be >= 1"):
        load_pit_spec(path)


def test_integer_domain_codes_match_run_file_labels(tmp_path):
    """Codes 1 and 2 in the block model are read back as floats; "1" in the run file must
    still match them, for recovery and for slopes."""
    table = _model(tmp_path)
    table["rock"] = np.where(table["elevation"] < -120.0, 1, 2)
    table.to_parquet(tmp_path / "block_model.parquet", index=False)
    path = tmp_path / "pit.toml"
    text = RUN.format(size='domain = "rock"').replace(
        "recovery = 0.88", "recovery = 0.88\ndomain_recovery = { 1 = { cu = 0.3 } }"
    )
    path.write_text(text + "[slopes.domains]\n1 = 35\n")
    result = run_pit(load_pit_spec(path))
    assert "1" in result.slopes["domain"].tolist()
    low = np.asarray(result.model["rock"].values == 1)
    metal = result.values["cu_t"].values
    rich = (metal > 0) & low
    np.testing.assert_allclose(
        result.values["revenue_usd"].values[rich] / metal[rich], 0.3 * 8400.0 * 0.97
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[slopes.domains]\noxide = 35\n", r"\[slopes\]: domains needs \[model\] domain"),
        (None, r"\[economics\]: domain_recovery needs \[model\] domain"),
    ],
)
def test_domain_keys_without_a_domain_column_are_refused(tmp_path, extra, message):
    _model(tmp_path)
    text = RUN.format(size="")
    if extra is None:
        text = text.replace(
            "recovery = 0.88", "recovery = 0.88\ndomain_recovery = { oxide = { cu = 0.3 } }"
        )
    else:
        text += extra
    (tmp_path / "pit.toml").write_text(text)
    with pytest.raises(RunConfigError, match=message):
        load_pit_spec(tmp_path / "pit.toml")


def test_unknown_domain_labels_are_refused(tmp_path):
    table = _model(tmp_path)
    table["domain"] = "sulphide"
    table.to_parquet(tmp_path / "block_model.parquet", index=False)
    text = RUN.format(size='domain = "domain"').replace(
        "recovery = 0.88", "recovery = 0.88\ndomain_recovery = { oxyde = { cu = 0.3 } }"
    )
    (tmp_path / "pit.toml").write_text(text)
    with pytest.raises(RunConfigError, match="names domain"):
        run_pit(load_pit_spec(tmp_path / "pit.toml"))


def test_topography_and_padding_make_the_walls_reach_the_ground(tmp_path):
    _model(tmp_path)
    (tmp_path / "topo.csv").write_text(
        # a slope from -120 m in the west to -40 m in the east, over the model (top -75 m)
        "easting,northing,elevation\n400,700,-120\n1200,700,-40\n400,1400,-120\n1200,1400,-40\n"
    )
    path = _run_file(tmp_path, size='topography = "topo.csv"\npad = 50.0')
    result = run_pit(load_pit_spec(path))
    fraction = result.model["below_surface"].values
    assert (fraction == 0).any()  # air above the ground
    assert ((fraction > 0) & (fraction < 1)).any()  # blocks the ground cuts
    tonnes = result.values["tonnes"].values
    assert (tonnes[fraction == 0] == 0).all()
    flat = run_pit(load_pit_spec(_run_file(tmp_path)))
    # 50 m of padding: two 25 m blocks on each side
    assert result.model.sizes["easting"] == flat.model.sizes["easting"] + 4
    record = pit_record(result)
    assert "topography" in {i.role for i in record.inputs}
    both = _run_file(tmp_path, size='topography = "topo.csv"\nsurface = 10.0')
    with pytest.raises(RunConfigError, match="not both"):
        load_pit_spec(both)
