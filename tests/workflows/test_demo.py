"""The demo and tract workflows, on bundled inputs and on the real USGS 2008 table."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from bornite.datasets import demo_dir, porphyry_grade_tonnage
from bornite.errors import NotFoundError, OutputExistsError, RunConfigError
from bornite.store import Store
from bornite.workflows import (
    GradeTonnageSpec,
    RunRecord,
    load_aggregation_spec,
    load_tract_spec,
    run_demo,
    run_tract,
)
from bornite.workflows.dashboard import (
    grade_tonnage_curve,
    prospectivity_layer,
    run_file,
    shell_table,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, run_demo(out, trials=3000)


def _child(record, folder):
    return next(c for c in record.children if c.folder == folder)


def test_demo_writes_report_summary_records_and_inputs(demo):
    out, record = demo
    assert record.kind == "demo"
    assert record.illustrative
    assert [c.folder for c in record.children[:6]] == [
        "deposit",
        "pit",
        "region",
        "west",
        "east",
        "north",
    ]
    assert all(c.illustrative for c in record.children)
    on_disk = json.loads((out / "summary.json").read_text())
    assert on_disk == json.loads(json.dumps(record.to_dict()["results"]))
    manifest = json.loads((out / "run.json").read_text())
    assert manifest == json.loads(json.dumps(record.to_dict()))
    assert RunRecord.from_dict(manifest).to_dict() == manifest
    for tract in ("west", "east", "north"):
        child = _child(record, tract)
        assert {"q05", "q50", "q95", "mean", "p0", "analytic_mean", "analytic_sd"} <= set(
            child.results["cu_t"]
        )
        economic = child.figure("cu_economic_t_mean").value
        assert 0 < economic < child.results["cu_t"]["mean"]
        stage = RunRecord.from_dict(json.loads((out / tract / "run.json").read_text()))
        assert stage.folder == tract
        assert {o.path for o in stage.outputs} >= {"summary.json", "report.html"}
        assert len(list((out / tract / "figures").glob("*.svg"))) >= 3
    # The mean of a sum is the sum of the means: aggregation reorders, never changes, trials.
    total = sum(_child(record, t).results["cu_t"]["mean"] for t in ("west", "east", "north"))
    assert on_disk["aggregate"]["cu_t"]["mean"] == pytest.approx(total, rel=1e-12)
    # Every file of the folder is in the record, with its digest.
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert written - {"run.json"} == {o.path for o in record.outputs}
    html = (out / "report.html").read_text()
    assert html.count("Plateau belt") >= 3
    assert "illustrative" in html.lower()
    assert "inputs sha256" in html
    assert "https://" not in html.replace('xmlns="http', "")
    assert (out / "inputs" / "west.toml").is_file()
    assert {i.path for i in record.inputs} >= {"inputs/west.toml", "inputs/region.toml"}


def test_demo_database_holds_its_inventory_and_every_run(demo):
    out, record = demo
    store = Store(out / "bornite.sqlite")
    assert not list(out.glob("bornite.sqlite-*"))  # closed: no WAL left beside it
    runs = store.runs()
    assert len(runs) == 1 + len(record.children)
    assert set(runs["kind"]) == {"demo", "estimate", "pit", "prospect", "tract", "aggregate"}
    assert store.run(runs.loc[runs["kind"] == "demo", "id"].iloc[0])["name"] == record.name
    pit = _child(record, "pit")
    classified = [r for r in pit.results["resource"] if not r["class"].startswith("total")]
    table = store.rollup("category").set_index("group")
    assert table.loc["total", "metal_t"] == pytest.approx(
        sum(r["metal_t"] for r in classified), rel=1e-12
    )
    box = store.mckelvey("belt").set_index("group")
    aggregate = _child(record, "aggregate").results["cu_t"]
    assert box.loc["Plateau belt", "undiscovered_mean_t"] == pytest.approx(
        aggregate["mean"], rel=1e-12
    )
    assert box.loc["Plateau belt", "undiscovered_q50_t"] == pytest.approx(
        aggregate["q50"], rel=1e-12
    )
    deposits = store.deposits()
    assert len(deposits) == 1 + record.children[2].results["deposits"]
    store.close()


def test_demo_deposit_stage_estimates_against_the_truth(demo):
    out, record = demo
    deposit = _child(record, "deposit").results
    assert deposit["illustrative"] is True
    assert deposit["scheme"] == "gbt17766"
    truth = {row["cutoff"]: row["metal_t"] for row in deposit["truth"]}
    total = {row["cutoff"]: row for row in deposit["total"]}
    for cutoff in (0.2, 0.4):
        assert total[cutoff]["metal_t"] == pytest.approx(truth[cutoff], rel=0.12)
    assert {row["class"] for row in deposit["resource"]} <= {
        "探明 (measured)",
        "控制 (indicated)",
        "推断 (inferred)",
    }
    for name in ("block_model.parquet", "resource.json", "report.html", "figures/swaths.svg"):
        assert (out / "deposit" / name).is_file()
    html = (out / "report.html").read_text()
    assert "Deposit resource: Synthetic porphyry" in html
    assert "Estimate against the known truth" in html
    assert (out / "inputs" / "deposit.toml").is_file()


def test_demo_pit_and_region_stages_feed_the_report_and_the_north_tract(demo):
    out, record = demo
    pit = _child(record, "pit").results
    assert pit["ultimate_pit"]["blocks"] > 0
    resource = {row["class"]: row for row in pit["resource"]}
    assert resource["total (classified)"]["metal_t"] > 0
    # The pit-constrained resource is part of the estimate's resource above cutoff 0.
    deposit = _child(record, "deposit").results
    total_metal = next(r["metal_t"] for r in deposit["total"] if r["cutoff"] == 0)
    assert resource["total (classified)"]["metal_t"] <= total_metal
    region = _child(record, "region")
    assert region.figure("cv_auc_blocks").basis == "out-of-fold"
    assert region.figure("success_rate_auc").basis == "in-sample"
    assert region.results["cross_validation"]["blocks"]["auc"] > 0.7
    permissive = region.results["permissive"]
    assert 0 < permissive["area_km2"] < permissive["total_area_km2"]
    assert permissive["basis"] == "out-of-fold"
    # The north tract's deposit-density estimate uses the permissive tract's area and the
    # known deposits inside it, and the copy of its run file says so (rerunning it gives the
    # demo's numbers).
    north = load_tract_spec(out / "inputs" / "north.toml")
    assert north.deposit_count.area_km2 == pytest.approx(permissive["area_km2"], abs=0.05)
    assert north.deposit_count.n_known == permissive["known_deposits"]
    assert 1 <= permissive["known_deposits"] <= region.results["known_deposits"]
    north_record = _child(record, "north")
    assert north_record.figure("expected_deposits").value == pytest.approx(
        north.deposit_count.fit().mean, rel=1e-12
    )
    for name in (
        "pit/shells.csv",
        "pit/report.html",
        "region/prospectivity.tif",
        "region/targets.gpkg",
        "region/capture_oof.csv",
        "region/report.html",
    ):
        assert (out / name).is_file(), name
    html = (out / "report.html").read_text()
    assert "Prospectivity: Synthetic region" in html
    assert "out-of-fold" in html


def test_demo_copy_of_inputs_reruns(demo):
    out, record = demo
    spec = load_tract_spec(out / "inputs" / "west.toml")
    result = run_tract(spec, trials=3000)
    west = _child(record, "west").results
    assert result.simulation.summary().loc["cu_t", "mean"] == pytest.approx(
        west["cu_t"]["mean"], rel=1e-12
    )


def test_demo_refuses_to_overwrite(demo):
    out, _ = demo
    before = (out / "run.json").read_bytes()
    with pytest.raises(OutputExistsError, match="--overwrite"):
        run_demo(out, trials=3000)
    assert (out / "run.json").read_bytes() == before


def test_deposit_density_tract_uses_the_area():
    spec = load_tract_spec(demo_dir() / "north.toml")
    pmf = spec.deposit_count.fit()
    assert "18000 km2" in pmf.description
    assert 4 < pmf.mean < 12
    bigger = dataclasses.replace(spec.deposit_count, area_km2=180_000).fit()
    assert bigger.mean > pmf.mean


def test_aggregation_spec_correlation_forms(tmp_path):
    spec = load_aggregation_spec(demo_dir() / "aggregate.toml")
    np.testing.assert_allclose(spec.correlation, [[1, 0.5, 0.5], [0.5, 1, 0.5], [0.5, 0.5, 1]])
    bad = tmp_path / "agg.toml"
    bad.write_text(
        '[aggregate]\nname = "x"\ncorrelation = [[1, 0.2], [0.2, 1]]\n'
        '[[tracts]]\nname = "a"\ntotals = "a.csv"\n[[tracts]]\nname = "b"\n'
        'totals = "b.csv"\n[[tracts]]\nname = "c"\ntotals = "c.csv"\n'
    )
    with pytest.raises(RunConfigError, match="3 x 3 for 3 tracts"):
        load_aggregation_spec(bad)


def test_grade_tonnage_spec_needs_one_source():
    with pytest.raises(RunConfigError, match="exactly one of path"):
        GradeTonnageSpec()


@pytest.mark.shared_data
def test_demo_tracts_on_the_real_usgs_2008_table(shared_data):
    """The demo's tracts with the real USGS 2008 porphyry table instead of the generator.

    The generator is parametrised from the published statistics of the same 422 deposits, so
    the copper totals must agree closely; the real table also carries Mo, Au and Ag, which the
    empirical mode resamples (zeros where a deposit reports none).
    """
    path = shared_data / "assessment" / "usgs_porphyry_2008" / "porphyry_copper_deposits_2008.csv"
    synthetic = porphyry_grade_tonnage()
    for name in ("west.toml", "east.toml", "north.toml"):
        spec = load_tract_spec(demo_dir() / name)
        real_cu = dataclasses.replace(
            spec, grade_tonnage=GradeTonnageSpec(path=path, metals=("cu",)), economic=None
        )
        result = run_tract(real_cu, trials=20_000)
        real = result.simulation.summary()
        assert len(result.deposits) == 422
        model = spec.grade_tonnage.model().fit(synthetic)
        expected = spec.deposit_count.fit().mean * model.moments().mean[1]
        assert real.loc["cu_t", "analytic_mean"] == pytest.approx(expected, rel=0.35)
        se = real.loc["cu_t", "analytic_sd"] / np.sqrt(20_000)
        assert abs(real.loc["cu_t", "mean"] - real.loc["cu_t", "analytic_mean"]) < 4 * se
        all_metals = dataclasses.replace(
            spec, grade_tonnage=GradeTonnageSpec(path=path, empirical=True), economic=None
        )
        summary = run_tract(all_metals, trials=5_000).simulation.summary()
        assert list(summary.index) == ["ore_t", "cu_t", "mo_t", "au_t", "ag_t"]
        assert (summary["mean"] > 0).all()


def test_the_demo_database_serves_its_files_and_prospectivity_map(demo):
    out, _record = demo
    store = Store(out / "bornite.sqlite")
    runs = store.runs().set_index("kind")
    # Stored with the folders they have after the staged output moved into place.
    assert runs.loc["estimate", "folder"] == str((out / "deposit").resolve())
    assert runs.loc["demo", "folder"] == str(out.resolve())
    estimate = runs.loc["estimate", "id"]
    assert (
        run_file(store, estimate, "figures/variogram.svg")
        == (out / "deposit" / "figures" / "variogram.svg").resolve()
    )
    for name in ("block_model.parquet", "../run.json", "run.json", "/etc/passwd"):
        with pytest.raises(NotFoundError):
            run_file(store, estimate, name)
    curve = grade_tonnage_curve(store, estimate)
    assert curve.equals(pd.read_csv(out / "deposit" / "grade_tonnage.csv"))
    assert shell_table(store, runs.loc["pit", "id"])["shell"].iloc[0] == 1
    layer = prospectivity_layer(store)
    assert layer["run_id"] == runs.loc["prospect", "id"]
    assert len(layer["northing"]) == len(layer["probability"]) == 160
    assert len(layer["easting"]) == len(layer["probability"][0]) == 160
    targets = pd.read_csv(out / "region" / "targets.csv")
    assert [t["rank"] for t in layer["targets"]] == targets["rank"].tolist()
    coarse = prospectivity_layer(store, max_cells=50)
    assert len(coarse["easting"]) == 40  # every 4th cell of 160
    assert layer["threshold"] == pytest.approx(
        store.run(layer["run_id"])["results"]["permissive"]["threshold"], rel=1e-12
    )
    store.close()
