"""``bornite db`` and ``bornite inventory``: the database from the command line, ``--db`` on
a workflow command, JSON rows with their documented keys, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bornite.cli import app
from bornite.datasets import demo_dir, synthetic_inventory
from bornite.store import Store

runner = CliRunner()
ROLLUP_KEYS = {"group", "deposits", "ore_t", "metal_t", "share"}
ADDITIONS_KEYS = {
    "group",
    "new_deposits",
    "new_metal_t",
    "grown_deposits",
    "growth_t",
    "net_change_t",
}


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def database(tmp_path: Path) -> str:
    db = str(tmp_path / "inventory.sqlite")
    assert invoke("db", "init", "--db", db).exit_code == 0
    deposits, statements = synthetic_inventory(30, 300, seed=8)
    deposits.to_csv(tmp_path / "deposits.csv", index=False)
    statements.to_csv(tmp_path / "statements.csv", index=False)
    for name in ("deposits.csv", "statements.csv"):
        result = invoke("db", "import", str(tmp_path / name), "--db", db)
        assert result.exit_code == 0, result.output
    return db


def test_init_twice_and_the_default_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("BORNITE_DB", raising=False)
    first = invoke("db", "init")
    assert first.exit_code == 0, first.output
    assert (tmp_path / "data" / "bornite" / "bornite.sqlite").is_file()
    assert "created" in first.output
    again = invoke("db", "init", "--json")
    assert json.loads(again.output)["results"]["created"] is False
    upgraded = invoke("db", "upgrade")
    assert upgraded.exit_code == 0
    assert f"schema {Store.head()} -> {Store.head()}" in upgraded.output


def test_rollup_json_rows_and_total(database: str) -> None:
    result = invoke("inventory", "rollup", "--by", "belt", "--db", database, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert all(set(row) == ROLLUP_KEYS for row in rows)
    assert rows[-1]["group"] == "total"
    assert sum(r["metal_t"] for r in rows[:-1]) == pytest.approx(rows[-1]["metal_t"], rel=1e-12)
    earlier = json.loads(
        invoke(
            "inventory",
            "rollup",
            "--by",
            "category",
            "--as-of",
            "2010-01-01",
            "--db",
            database,
            "--json",
        ).output
    )
    assert earlier[-1]["metal_t"] < rows[-1]["metal_t"]
    shown = invoke(
        "inventory", "rollup", "--by", "category", "--scheme", "gbt17766", "--db", database
    )
    assert "探明资源量" in shown.output
    assert "latest report" in shown.output


def test_additions_and_mckelvey(database: str) -> None:
    result = invoke(
        "inventory",
        "additions",
        "--since",
        "2015-01-01",
        "--by",
        "belt",
        "--db",
        database,
        "--json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert all(set(row) == ADDITIONS_KEYS for row in rows)
    assert rows[-1]["group"] == "total"
    box = invoke("inventory", "mckelvey", "--by", "belt", "--db", database, "--json")
    assert box.exit_code == 0, box.output
    assert {"identified_t", "undiscovered_q50_t", "total_mean_t"} <= set(json.loads(box.output)[0])


def test_db_on_a_workflow_command_stores_its_record(tmp_path: Path, database: str) -> None:
    out = tmp_path / "west"
    result = invoke(
        "assess",
        "run",
        str(demo_dir() / "west.toml"),
        "--out",
        str(out),
        "--trials",
        "1000",
        "--db",
        database,
        "--link",
        "region=Xizang",
    )
    assert result.exit_code == 0, result.output
    box = json.loads(
        invoke("inventory", "mckelvey", "--by", "belt", "--db", database, "--json").output
    )
    plateau = next(row for row in box if row["group"] == "Plateau belt")
    totals = pd.read_csv(out / "totals.csv")
    assert plateau["undiscovered_mean_t"] == pytest.approx(totals["cu_t"].mean(), rel=1e-12)
    assert plateau["undiscovered_q50_t"] == pytest.approx(totals["cu_t"].quantile(0.5), rel=1e-12)
    by_region = json.loads(
        invoke("inventory", "mckelvey", "--by", "region", "--db", database, "--json").output
    )
    assert any(row["group"] == "Xizang" and row["undiscovered_mean_t"] > 0 for row in by_region)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("inventory", "rollup", "--db", "{missing}"), "create it with `bornite db init`"),
        (("inventory", "rollup", "--as-of", "yesterday", "--db", "{db}"), "is not a date"),
        (("db", "import", "{tmp}/nothing.csv", "--db", "{db}"), "no such file"),
        (("assess", "pmf", "--counts", "1", "2", "4", "--db", "{missing}"), "bornite db init"),
        (("assess", "pmf", "--counts", "1", "2", "4", "--link", "belt=x"), "--link needs --db"),
        (("inventory", "rollup", "--db", "mysql://x/y"), "mysql databases are not supported"),
    ],
)
def test_errors_are_one_line(
    database: str, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    filled = [
        a.format(db=database, missing=tmp_path / "missing.sqlite", tmp=tmp_path) for a in args
    ]
    result = invoke(*filled)
    assert result.exit_code in {1, 2}
    assert message in result.output
    assert "Traceback" not in result.output
