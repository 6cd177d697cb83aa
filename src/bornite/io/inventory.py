"""Inventory files: deposit and statement tables (CSV, Excel, Parquet), JSON, GeoPackage, and
the USGS 2008 porphyry copper table read as deposits with one compilation statement each.

The columns are :data:`bornite.inventory.DEPOSIT_COLUMNS` and
:data:`bornite.inventory.STATEMENT_COLUMNS` (with grade and metal columns); ``docs/inventory.md``
documents them. Rows are labelled by their 1-based data row, so that messages point at the
file.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from bornite.errors import DataFileError
from bornite.io.grade_tonnage import read_table
from bornite.io.outputs import atomic_path, to_jsonable, write_table, write_text

__all__ = [
    "USGS2008_CITATION",
    "InventoryTables",
    "read_inventory",
    "read_usgs2008_inventory",
    "write_inventory",
]

logger = logging.getLogger(__name__)

#: The citation of every statement read from the USGS 2008 table.
USGS2008_CITATION: Final[str] = (
    "Singer, D.A., Berger, V.I., and Moring, B.C., 2008, Porphyry copper deposits of the "
    "world: database and grade and tonnage models, 2008: U.S. Geological Survey Open-File "
    "Report 2008-1155"
)
#: The effective date given to the USGS 2008 figures (the compilation's year; the table gives
#: no date per deposit).
USGS2008_DATE: Final[str] = "2008-01-01"
#: Cox & Singer model numbers of the table's ``deptype``.
USGS2008_TYPES: Final[dict[str, str]] = {
    "17": "porphyry Cu",
    "20c": "porphyry Cu-Au",
    "21a": "porphyry Cu-Mo",
}
_STATEMENT_KEYS = ("deposit_id", "effective_date")
_DEPOSIT_KEYS = ("id", "name")


@dataclass(frozen=True)
class InventoryTables:
    """What an inventory file holds: deposits, statements, or both (raw, not yet checked)."""

    deposits: pd.DataFrame | None
    statements: pd.DataFrame | None
    layout: str


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="row")
    return frame


def read_usgs2008_inventory(path: str | Path) -> InventoryTables:
    """The USGS 2008 porphyry copper table as deposits and compilation statements.

    Every row becomes a deposit ``usgs2008-<rec_id>`` (name, ``altname`` and ``includes`` as
    aliases, longitude/latitude in EPSG:4326, Cox & Singer type, province as region,
    country, discovery year where ``discdate`` is a year). Each row with a tonnage gets one
    ``compilation`` statement, category ``unclassified``, dated 2008-01-01: ``oreton`` Mt as
    ``ore_t``, ``cugrd``/``mogrd`` % and ``augrd``/``aggrd`` g/t. A zero Mo, Au or Ag grade is
    read as not reported; a zero Cu grade stays zero. Rows without a tonnage are
    ``prospect`` deposits without a statement.
    """
    raw = read_table(path)
    lower = raw.rename(columns=lambda c: str(c).strip().lower())
    needed = {"rec_id", "depname", "country", "oreton", "cugrd", "latitude", "longitude"}
    missing = sorted(needed - set(lower.columns))
    if missing:
        msg = f"{path}: not the USGS 2008 layout (no {', '.join(missing)} column)"
        raise DataFileError(msg)
    lower = _labelled(lower)

    def text(column: str) -> pd.Series:
        if column not in lower:
            return pd.Series("", index=lower.index)
        values = lower[column].astype("string").fillna("").str.replace(r"\s+", " ", regex=True)
        return values.str.strip().astype(object)

    ids = "usgs2008-" + text("rec_id")
    aliases = (text("altname") + ";" + text("includes")).str.strip(";").str.replace(";;", ";")
    ore = pd.to_numeric(lower["oreton"], errors="coerce") * 1e6
    has_ore = ore.notna() & (ore > 0)
    year = pd.to_numeric(text("discdate").str.extract(r"^(\d{4})$")[0], errors="coerce")
    deposits = pd.DataFrame(
        {
            "id": ids,
            "name": text("depname"),
            "aliases": aliases,
            "easting": pd.to_numeric(lower["longitude"], errors="coerce"),
            "northing": pd.to_numeric(lower["latitude"], errors="coerce"),
            "crs": "EPSG:4326",
            "deposit_type": text("deptype").map(lambda c: USGS2008_TYPES.get(c, c)),
            "region": text("stprov"),
            "country": text("country"),
            "status": np.where(has_ore, "resource", "prospect"),
            "discovery_year": year.astype("Int64"),
            "sources": "USGS OFR 2008-1155",
        },
        index=lower.index,
    )
    rows = lower[has_ore]
    statements = pd.DataFrame(
        {
            "deposit_id": ids[has_ore],
            "effective_date": USGS2008_DATE,
            "code": "compilation",
            "category": "unclassified",
            "ore_t": ore[has_ore],
            "cu_pct": pd.to_numeric(rows["cugrd"], errors="coerce"),
            "cutoff": "",
            "inclusive_of_reserves": True,
            "citation": USGS2008_CITATION,
        },
        index=rows.index,
    )
    for column, name in (("mogrd", "mo_pct"), ("augrd", "au_gt"), ("aggrd", "ag_gt")):
        if column in rows:
            values = pd.to_numeric(rows[column], errors="coerce")
            statements[name] = values.where(values > 0)
    return InventoryTables(deposits, statements, "usgs2008")


def _read_json(path: Path) -> InventoryTables:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        msg = f"{path}: cannot read it as JSON ({error})"
        raise DataFileError(msg) from error
    if not isinstance(data, dict) or not ({"deposits", "statements"} & set(data)):
        msg = f'{path}: expected a JSON object with "deposits" and/or "statements" lists'
        raise DataFileError(msg)
    tables: dict[str, pd.DataFrame | None] = {}
    for key in ("deposits", "statements"):
        rows = data.get(key)
        if rows is not None and not isinstance(rows, list):
            msg = f'{path}: "{key}" must be a list of objects, one per {key[:-1]}'
            raise DataFileError(msg)
        tables[key] = _labelled(pd.DataFrame(rows)) if rows else None
    return InventoryTables(tables["deposits"], tables["statements"], "json")


def _read_geopackage(path: Path) -> InventoryTables:
    try:
        import geopandas as gpd  # noqa: PLC0415 (optional dependency)
        import pyogrio  # noqa: PLC0415
    except ImportError:
        msg = f"{path}: reading GeoPackages needs the geo extra (pip install 'bornite[geo]')"
        raise DataFileError(msg) from None
    layers = {str(name) for name, *_ in pyogrio.list_layers(path)}
    if "deposits" not in layers and "statements" not in layers:
        msg = f"{path}: no layer named deposits or statements (found {', '.join(sorted(layers))})"
        raise DataFileError(msg)
    deposits = statements = None
    if "deposits" in layers:
        frame = gpd.read_file(path, layer="deposits")
        points = frame.geometry
        table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        located = frame.crs is not None and bool(points.notna().any())
        # Attribute coordinates (bornite's exports keep them, local grids included) win over
        # the points; a GeoPackage of points alone gives its geometry and CRS.
        if located and not {"easting", "northing"} <= set(table.columns):
            table["easting"] = points.x.where(points.notna())
            table["northing"] = points.y.where(points.notna())
            table["crs"] = np.where(points.notna(), frame.crs.to_string(), "")
        deposits = _labelled(table)
    if "statements" in layers:
        table = pd.DataFrame(gpd.read_file(path, layer="statements"))
        statements = _labelled(table.drop(columns=["geometry"], errors="ignore"))
    return InventoryTables(deposits, statements, "geopackage")


def read_inventory(path: str | Path, *, layout: str = "auto") -> InventoryTables:
    """Read an inventory file.

    Parameters
    ----------
    path : str or Path
        A deposit or statement table (CSV, Excel, Parquet), a JSON file as written by
        :func:`write_inventory`, a GeoPackage with ``deposits`` (points) and/or
        ``statements`` layers, or the USGS 2008 porphyry copper table.
    layout : {"auto", "deposits", "statements", "usgs2008", "json", "geopackage"}
        Told from the suffix and the header by default.

    Raises
    ------
    DataFileError
        When the file cannot be read or its layout is none of these.
    """
    path = Path(path)
    if not path.is_file():
        msg = f"{path}: no such file"
        raise DataFileError(msg)
    suffix = path.suffix.lower()
    if layout == "json" or (layout == "auto" and suffix == ".json"):
        return _read_json(path)
    if layout == "geopackage" or (layout == "auto" and suffix == ".gpkg"):
        return _read_geopackage(path)
    if layout == "usgs2008":
        return read_usgs2008_inventory(path)
    table = read_table(path, dtype=str, keep_default_na=False, na_values=[""])
    columns = {str(c).strip() for c in table.columns}
    if layout == "auto":
        if {"oreton", "cugrd", "depname"} <= {c.lower() for c in columns}:
            return read_usgs2008_inventory(path)
        if set(_STATEMENT_KEYS) <= columns:
            layout = "statements"
        elif set(_DEPOSIT_KEYS) <= columns:
            layout = "deposits"
        else:
            msg = (
                f"{path}: neither a deposit table (id, name, ...) nor a statement table "
                "(deposit_id, effective_date, code, category, ...) nor the USGS 2008 table; "
                "see docs/inventory.md for the columns"
            )
            raise DataFileError(msg)
    table = _labelled(table.rename(columns=lambda c: str(c).strip()))
    if layout == "deposits":
        return InventoryTables(table, None, "deposits")
    if layout == "statements":
        return InventoryTables(None, table, "statements")
    msg = (
        f"unknown inventory layout {layout!r}; use auto, deposits, statements, usgs2008, json "
        "or geopackage"
    )
    raise DataFileError(msg)


def _export_statements(statements: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = statements[[c for c in columns if c in statements.columns]].copy()
    out["effective_date"] = out["effective_date"].dt.strftime("%Y-%m-%d")
    return out


def write_inventory(
    deposits: pd.DataFrame,
    statements: pd.DataFrame,
    destination: str | Path,
    statement_columns: list[str],
) -> list[Path]:
    """Write an inventory so that :func:`read_inventory` reads it back.

    ``destination`` ending ``.json`` gets one JSON file; ``.gpkg`` a GeoPackage with a
    ``deposits`` point layer (in EPSG:4326; deposits without coordinates get an empty
    geometry) and a ``statements`` table; anything else is a folder that gets
    ``deposits.csv`` and ``statements.csv``. Statements are written with the import columns
    only (``statement_columns``): their supersession follows from their dates again.
    """
    destination = Path(destination)
    statements = _export_statements(statements, statement_columns)
    suffix = destination.suffix.lower()
    if suffix == ".json":
        data = {
            "deposits": deposits.to_dict(orient="records"),
            "statements": statements.to_dict(orient="records"),
        }
        write_text(json.dumps(to_jsonable(data), indent=1, ensure_ascii=False), destination)
        return [destination]
    if suffix == ".gpkg":
        _write_geopackage(deposits, statements, destination)
        return [destination]
    destination.mkdir(parents=True, exist_ok=True)
    write_table(deposits, destination / "deposits.csv")
    write_table(statements, destination / "statements.csv")
    return [destination / "deposits.csv", destination / "statements.csv"]


def _write_geopackage(deposits: pd.DataFrame, statements: pd.DataFrame, path: Path) -> None:
    try:
        import geopandas as gpd  # noqa: PLC0415 (optional dependency)
        import pyogrio  # noqa: PLC0415
        from pyproj import Transformer  # noqa: PLC0415
        from pyproj.exceptions import CRSError  # noqa: PLC0415
    except ImportError:
        msg = f"{path}: writing GeoPackages needs the geo extra (pip install 'bornite[geo]')"
        raise DataFileError(msg) from None
    lon = np.full(len(deposits), np.nan)
    lat = np.full(len(deposits), np.nan)
    for crs, rows in deposits.groupby("crs"):
        if not crs:
            continue
        where = deposits.index.get_indexer(rows.index)
        try:
            transform = Transformer.from_crs(str(crs), "EPSG:4326", always_xy=True)
        except CRSError:
            # A local grid (a mine's, or the demo's synthetic one) has no place on the globe:
            # its coordinates stay in the attribute table, without a point.
            logger.warning(
                "%s: %d deposit(s) in CRS %r, which pyproj does not know, written without "
                "points (their easting/northing are kept as attributes)",
                path,
                len(rows),
                crs,
            )
            continue
        lon[where], lat[where] = transform.transform(rows["easting"], rows["northing"])
    points = gpd.points_from_xy(lon, lat)
    located = ~np.isnan(lon)
    geometry = gpd.GeoSeries([p if ok else None for p, ok in zip(points, located, strict=True)])
    # Points are in EPSG:4326; the coordinates as stored stay as attributes, so that a local
    # grid survives the round trip.
    layer = gpd.GeoDataFrame(
        deposits.reset_index(drop=True),
        geometry=geometry,
        crs="EPSG:4326",
    )
    layer["discovery_year"] = layer["discovery_year"].astype("float")
    with atomic_path(path, suffix=".gpkg") as staged:
        layer.to_file(staged, layer="deposits", driver="GPKG")
        pyogrio.write_dataframe(
            statements.reset_index(drop=True),
            staged,
            layer="statements",
            driver="GPKG",
            append=True,
        )
