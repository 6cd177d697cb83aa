"""Inventory files in and out: CSV, JSON and GeoPackage round trips, and the USGS 2008
porphyry copper table as deposits with one compilation statement each."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bornite.datasets import synthetic_inventory
from bornite.errors import DataFileError, InventoryError
from bornite.io import read_table
from bornite.store import Store
from bornite.workflows import export_inventory, import_inventory


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path]:
    deposits, statements = synthetic_inventory(40, 400, seed=4)
    deposits.loc[0, "name"] = '驱龙 Qulong, "the big one"'
    deposits.loc[1, "aliases"] = "Yulong;玉龙"
    deposits.loc[2, "crs"] = "local mine grid (m)"  # no place on the globe: kept as attributes
    deposit_file, statement_file = tmp_path / "deposits.csv", tmp_path / "statements.csv"
    deposits.to_csv(deposit_file, index=False)
    statements.to_csv(statement_file, index=False)
    return deposit_file, statement_file


def _same(a: Store, b: Store) -> None:
    for by in ("belt", "category", "deposit"):
        for as_of in (None, "2012-01-01"):
            pd.testing.assert_frame_equal(
                a.rollup(by, as_of=as_of), b.rollup(by, as_of=as_of), check_exact=False, rtol=1e-12
            )
    columns = ["deposit_id", "effective_date", "category", "superseded_on", "cu_t", "au_t"]
    key = ["deposit_id", "effective_date", "category", "domain"]
    left = a.statements().sort_values(key)[columns].reset_index(drop=True)
    right = b.statements().sort_values(key)[columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right, check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(
        a.deposits().drop(columns="version"),
        b.deposits().drop(columns="version"),
        check_exact=False,
        rtol=1e-12,
    )


@pytest.mark.parametrize("form", ["folder", "json", "gpkg"])
def test_exports_import_back_to_the_same_inventory(store_url, small, tmp_path, form) -> None:
    deposit_file, statement_file = small
    import_inventory(deposit_file, store_url)
    record = import_inventory(statement_file, store_url)
    assert record.results["imports"][0]["added"] == 400
    destination = {
        "folder": tmp_path / "out",
        "json": tmp_path / "inv.json",
        "gpkg": tmp_path / "inv.gpkg",
    }[form]
    if form == "gpkg":
        pytest.importorskip("geopandas")
    export_inventory(destination, store_url)
    copy = Store(tmp_path / "copy.sqlite")
    copy.init()
    if form == "folder":
        import_inventory(destination / "deposits.csv", copy.url)
        import_inventory(destination / "statements.csv", copy.url)
    else:
        import_inventory(destination, copy.url)
    _same(Store(store_url), copy)
    # Importing the export again changes nothing.
    again = import_inventory(
        destination if form != "folder" else destination / "deposits.csv", copy.url
    )
    assert all(item["added"] == 0 for item in again.results["imports"])


def test_a_bad_file_names_file_and_row_and_imports_nothing(store_url, small, tmp_path) -> None:
    deposit_file, statement_file = small
    import_inventory(deposit_file, store_url)
    table = pd.read_csv(statement_file)
    table.loc[7, "effective_date"] = "2020-13-01"
    bad = tmp_path / "bad.csv"
    table.to_csv(bad, index=False)
    with pytest.raises(
        InventoryError,
        match=r"bad.csv: row 8: effective_date is not an ISO date.*nothing was imported",
    ):
        import_inventory(bad, store_url)
    assert Store(store_url).counts()["statements"] == 0
    other = tmp_path / "other.csv"
    pd.DataFrame({"x": [1]}).to_csv(other, index=False)
    with pytest.raises(DataFileError, match="neither a deposit table"):
        import_inventory(other, store_url)


def test_usgs_2008_table_imports_with_country_totals_equal_to_the_csv(
    shared_data: Path, tmp_path
) -> None:
    path = shared_data / "assessment" / "usgs_porphyry_2008" / "porphyry_copper_deposits_2008.csv"
    url = str(tmp_path / "usgs.sqlite")
    Store(url).init()
    record = import_inventory(path, url)
    raw = read_table(path)
    with_ore = raw[pd.to_numeric(raw["oreton"], errors="coerce") > 0]
    assert [i["added"] for i in record.results["imports"]] == [len(raw), len(with_ore)]
    store = Store(url)
    table = store.rollup("country").set_index("group")
    expected = (
        (with_ore["oreton"] * 1e6 * with_ore["cugrd"] / 100).groupby(with_ore["country"]).sum()
    )
    ore = (with_ore["oreton"] * 1e6).groupby(with_ore["country"]).sum()
    for country, metal in expected.items():
        assert table.loc[country, "metal_t"] == pytest.approx(metal, rel=1e-12)
        assert table.loc[country, "ore_t"] == pytest.approx(ore[country], rel=1e-12)
    assert table.loc["total", "deposits"] == len(with_ore)
    statements = store.statements()
    assert set(statements["code"]) == {"compilation"}
    assert set(statements["category"]) == {"unclassified"}
    deposits = store.deposits().set_index("id")
    qulong = deposits[deposits["name"] == "Qulong"].iloc[0]
    assert qulong["country"] == "China"
    assert qulong["crs"] == "EPSG:4326"
    assert set(deposits["status"]) == {"resource", "prospect"}
    # The same table again adds nothing.
    assert [i["added"] for i in import_inventory(path, url).results["imports"]] == [0, 0]
