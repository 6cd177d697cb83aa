"""``bornite`` command line: interfaces, JSON keys, exit codes, overwrite refusal."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bornite import __version__
from bornite.cli import app
from bornite.datasets import demo_dir

runner = CliRunner()
PMF_KEYS = {
    "method",
    "support_min",
    "support_max",
    "probabilities",
    "mean",
    "variance",
    "mode",
    "entropy",
}
SUMMARY_KEYS = {
    "q05",
    "q10",
    "q25",
    "q50",
    "q75",
    "q90",
    "q95",
    "mean",
    "p0",
    "p_gt_mean",
    "analytic_mean",
    "analytic_sd",
}


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_version_and_show_versions():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"bornite {__version__}"
    result = invoke("--show-versions")
    assert result.exit_code == 0
    assert "numpy" in result.stdout
    assert "scipy" in result.stdout


@pytest.mark.shared_data
def test_pmf_json_reproduces_mapmark4(mapmark4_data):
    result = invoke("assess", "pmf", str(mapmark4_data / "ExampleDepEst1.csv"), "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["kind"] == "pmf"
    data = record["results"]
    assert set(data) >= PMF_KEYS
    assert data["method"] == "negbinomial"
    assert (data["support_min"], data["support_max"]) == (0, 42)
    assert len(data["probabilities"]) == 43
    assert round(data["mean"], 4) == 10.6613
    assert data["mode"] == 7


@pytest.mark.parametrize("method", ["mark3", "singer-menzie"])
def test_pmf_from_counts(method):
    result = invoke("assess", "pmf", "--counts", "1", "2", "4", "--method", method, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["results"]
    assert data["method"] == method
    assert [round(p, 3) for p in data["probabilities"]] == [0.067, 0.233, 0.3, 0.2, 0.2]


def test_pmf_with_five_counts_and_human_output():
    result = invoke(
        "assess", "pmf", "--counts", "1", "2", "4", "6", "9", "--method", "singer-menzie"
    )
    assert result.exit_code == 0, result.output
    assert "singer-menzie pmf" in result.stdout
    assert "expected number of deposits" in result.stdout
    assert "P(N >= n)" in result.stdout


def test_pmf_errors_are_one_clear_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Weight,N90,N50,N10\nann,1,9,5,3\n")
    result = invoke("assess", "pmf", str(bad))
    assert result.exit_code == 1
    assert "error:" in result.stderr
    assert "1 (ann)" in result.stderr
    assert "Traceback" not in result.output
    missing = invoke("assess", "pmf", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1
    assert "file not found" in missing.stderr
    usage = invoke("assess", "pmf", "--counts", "1", "x", "4")
    assert usage.exit_code == 2
    unknown = invoke("assess", "pmf", "--counts", "1", "2", "4", "--method", "gamma")
    assert unknown.exit_code == 1
    assert "unknown pmf method" in unknown.stderr


def test_run_writes_outputs_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "west"
    run_file = demo_dir() / "west.toml"
    result = invoke(
        "assess",
        "run",
        str(run_file),
        "--out",
        str(out),
        "--trials",
        "3000",
        "--seed",
        "5",
        "--json",
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["kind"] == "tract"
    assert record["seed"] == 5
    assert len(record["inputs_sha256"]) == 64
    assert {i["role"] for i in record["inputs"]} == {"run_file", "elicitation"}
    summary = record["results"]
    for quantity in ("ore_t", "cu_t"):
        assert set(summary[quantity]) >= SUMMARY_KEYS
    assert summary["n_trials"] == 3000
    on_disk = json.loads((out / "summary.json").read_text())
    assert on_disk["cu_t"] == summary["cu_t"]
    assert json.loads((out / "run.json").read_text()) == record
    for name in (
        "report.html",
        "totals.csv",
        "totals.parquet",
        "deposits.parquet",
        "pmf.csv",
        "figures/pmf.svg",
        "figures/totals_ccdf.svg",
    ):
        assert (out / name).is_file(), name
    before = (out / "summary.json").read_bytes()
    again = invoke("assess", "run", str(run_file), "--out", str(out), "--trials", "3000")
    assert again.exit_code == 1
    assert "--overwrite" in again.stderr
    assert (out / "summary.json").read_bytes() == before
    replaced = invoke(
        "assess",
        "run",
        str(run_file),
        "--out",
        str(out),
        "--trials",
        "3000",
        "--seed",
        "5",
        "--overwrite",
        "--json",
    )
    assert replaced.exit_code == 0
    # same seed, same numbers
    assert json.loads(replaced.stdout)["results"]["cu_t"] == summary["cu_t"]


def test_run_file_typos_are_named(tmp_path):
    run_file = tmp_path / "tract.toml"
    run_file.write_text(
        '[tract]\nname = "t"\n[grade_tonnage]\nsynthetic = "porphyry"\ntonage_pdf = "kde"\n'
        "[deposit_count]\ncounts = [1, 2, 4]\n"
    )
    result = invoke("assess", "run", str(run_file), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "unknown key(s) tonage_pdf" in result.stderr
    assert "[grade_tonnage]" in result.stderr


def test_aggregate_and_filter(tmp_path):
    out = tmp_path / "tract"
    assert (
        invoke(
            "assess", "run", str(demo_dir() / "west.toml"), "--out", str(out), "--trials", "2000"
        ).exit_code
        == 0
    )
    out2 = tmp_path / "tract2"
    assert (
        invoke(
            "assess", "run", str(demo_dir() / "east.toml"), "--out", str(out2), "--trials", "2000"
        ).exit_code
        == 0
    )
    aggregate = tmp_path / "aggregate.toml"
    aggregate.write_text(
        '[aggregate]\nname = "two"\ncorrelation = 0.5\nseed = 1\n'
        f'[[tracts]]\nname = "w"\ntotals = "{out / "totals.parquet"}"\n'
        f'[[tracts]]\nname = "e"\ntotals = "{out2 / "totals.csv"}"\n'
    )
    result = invoke("assess", "aggregate", str(aggregate), "--out", str(tmp_path / "agg"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["results"]
    west = json.loads((out / "summary.json").read_text())
    east = json.loads((out2 / "summary.json").read_text())
    # Aggregation reorders trials; the mean of the sum is the sum of the means.
    assert data["cu_t"]["mean"] == pytest.approx(
        west["cu_t"]["mean"] + east["cu_t"]["mean"], rel=1e-12
    )
    (pair,) = data["rank_correlation"]
    assert pair["target"] == 0.5
    assert pair["achieved"] == pytest.approx(0.5, abs=0.05)
    assert (tmp_path / "agg" / "rank_correlation.csv").is_file()
    filter_file = tmp_path / "filter.toml"
    filter_file.write_text(
        f'[filter]\nsimulation = "{out / "deposits.parquet"}"\nn_trials = 2000\nseed = 3\n'
        "[economic_filter]\ndepth_intervals = [[0, 250, 0.5], [251, 1000, 0.5]]\n"
    )
    result = invoke("assess", "filter", str(filter_file), "--out", str(tmp_path / "econ"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["results"]
    assert 0 < data["fraction_economic"] < 1
    assert data["totals"]["cu_economic_t"]["mean"] < data["totals"]["cu_t"]["mean"]


def test_shipped_aggregate_prints_a_table(tmp_path):
    """The demo's aggregate.toml through the human-readable path (no --json)."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for path in demo_dir().iterdir():
        if path.suffix in {".toml", ".csv"}:
            text = path.read_text().replace("trials = 20000", "trials = 2000")
            (inputs / path.name).write_text(text)
    result = invoke(
        "assess", "aggregate", str(inputs / "aggregate.toml"), "--out", str(tmp_path / "agg")
    )
    assert result.exit_code == 0, result.output
    assert "aggregated totals" in result.stdout
    summary = json.loads((tmp_path / "agg" / "summary.json").read_text())
    assert {"q05", "q50", "q95", "mean", "sd", "p0"} <= set(summary["cu_t"])


@pytest.mark.parametrize(
    ("section", "line", "message"),
    [
        ("grade_tonnage", 'joint = "yes"', "joint must be true or false, got 'yes'"),
        ("grade_tonnage", 'min_deposits = "x"', "min_deposits must be a whole number"),
        ("grade_tonnage", 'metals = "cu"', "metals must be a list"),
        ("simulation", "trials = 2.5", "trials must be a whole number, got 2.5"),
        ("simulation", "trials = -5", "trials must be >= 1"),
    ],
)
def test_wrong_types_in_run_files_are_named(tmp_path, section, line, message):
    tables = {
        "tract": 'name = "t"',
        "grade_tonnage": 'synthetic = "porphyry"',
        "deposit_count": "counts = [1, 2, 4]",
        "simulation": "seed = 1",
    }
    tables[section] += f"\n{line}"
    run_file = tmp_path / "tract.toml"
    run_file.write_text("".join(f"[{name}]\n{body}\n" for name, body in tables.items()))
    result = invoke("assess", "run", str(run_file), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert f"[{section}]" in result.stderr
    assert "Traceback" not in result.output


def test_unreadable_inputs_never_print_a_traceback(tmp_path):
    binary = tmp_path / "nonutf.toml"
    binary.write_bytes(b"\xff\xfe[tract]\n")
    result = invoke("assess", "run", str(binary), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "nonutf.toml" in result.stderr
    assert "Traceback" not in result.output
    deposits = tmp_path / "deposits.csv"
    deposits.write_text(
        "name,ore_t,cu_pct\n"
        + "".join(f"d{i},{1e8 * (i + 1)},{0 if i == 4 else 0.5}\n" for i in range(25))
    )
    run_file = tmp_path / "tract.toml"
    run_file.write_text(
        '[tract]\nname = "t"\n[grade_tonnage]\npath = "deposits.csv"\n'
        "[deposit_count]\ncounts = [1, 2, 4]\n"
    )
    result = invoke("assess", "run", str(run_file), "--out", str(tmp_path / "o2"))
    assert result.exit_code == 1
    # The fifth data row of the file, named as such, with the file.
    assert "deposits.csv: cu_pct is missing or zero for row 5 (d4)" in result.stderr
