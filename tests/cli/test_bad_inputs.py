"""A corpus of bad inputs, through the real command line: every one gives exit status 1 or 2
and one line that names the file, row, hole, table or key and says what to do; none gives a
traceback, a NumPy RuntimeWarning, or changes an earlier output folder.

Each case builds its inputs in a temporary folder from the bundled demo files and small
tables written here; runs that would compute for long must fail at validation first.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from bornite.cli import app

runner = CliRunner()


@dataclass(frozen=True)
class Case:
    """A bad input: the command line (built in a folder) and what its message must say."""

    id: str
    args: Callable[[Path], list[str]]
    expected: str
    code: int = 1


def _write(folder: Path, name: str, text: str | bytes) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------------------ assess
ELICITATION = "Name,Weight,N90,N50,N10\nann,1,1,3,6\nbob,1,2,4,8\n"
TRACT = """[tract]
name = "t"
[grade_tonnage]
{gt}
[deposit_count]
{dc}
[simulation]
trials = 200
seed = 1
{extra}
"""
GOOD_GT = 'synthetic = "porphyry"'
GOOD_DC = "counts = [1, 2, 4]"


def _tract(folder: Path, gt: str = GOOD_GT, dc: str = GOOD_DC, extra: str = "") -> list[str]:
    run = _write(folder, "tract.toml", TRACT.format(gt=gt, dc=dc, extra=extra))
    return ["assess", "run", run, "--out", str(folder / "out")]


def _tract_text(folder: Path, text: str | bytes) -> list[str]:
    return ["assess", "run", _write(folder, "tract.toml", text), "--out", str(folder / "out")]


def _tract_edit(folder: Path, old: str, new: str) -> list[str]:
    return _tract_text(folder, TRACT.format(gt=GOOD_GT, dc=GOOD_DC, extra="").replace(old, new))


def _pmf(folder: Path, text: str | bytes, name: str = "e.csv") -> list[str]:
    return ["assess", "pmf", _write(folder, name, text)]


def _gt_table(folder: Path, text: str) -> list[str]:
    _write(folder, "gt.csv", text)
    return _tract(folder, gt='path = "gt.csv"\nmin_deposits = 2')


def _aggregate(folder: Path, body: str) -> list[str]:
    for name in ("a", "b"):
        _write(folder, f"{name}.csv", "trial,n_deposits,ore_t,cu_t\n1,1,1e6,5e3\n2,0,0,0\n")
    run = _write(folder, "agg.toml", body)
    return ["assess", "aggregate", run, "--out", str(folder / "out")]


AGG = '[aggregate]\nname = "x"\ncorrelation = {corr}\n'
TWO = '[[tracts]]\nname = "a"\ntotals = "a.csv"\n[[tracts]]\nname = "{second}"\ntotals = "b.csv"\n'


def _filter(folder: Path, body: str) -> list[str]:
    _write(folder, "deps.csv", "trial,ore_t,cu_pct\n1,1e7,0.5\n")
    _write(folder, "notdeps.csv", "a,b\n1,2\n")
    run = _write(folder, "filter.toml", body)
    return ["assess", "filter", run, "--out", str(folder / "out")]


INTERVALS = "[economic_filter]\ndepth_intervals = [[0, 500, 1.0]]\n"

# ------------------------------------------------------------------------- drill holes
COLLAR = "HOLEID,EAST,NORTH,RL,DEPTH\nA,0,0,100,50\n"
SURVEY = "HOLEID,AT,AZ,DIP\nA,0,0,-90\n"
ASSAY = "HOLEID,FROM,TO,CU\nA,0,10,0.5\n"


def _holes(folder: Path, collar=COLLAR, survey=SURVEY, assay=ASSAY, *extra: str) -> list[str]:
    files = []
    for name, text in (("collar.csv", collar), ("survey.csv", survey), ("assay.csv", assay)):
        files.append(_write(folder, name, text) if text is not None else str(folder / name))
    return ["drillholes", "validate", *files, *extra]


ESTIMATE = """name = "e"
[drillholes]
synthetic_seed = 1
{drill}
[grid]
block_size = [50.0, 50.0, 25.0]
{grid}
{extra}
"""


def _estimate(folder: Path, drill: str = "", grid: str = "", extra: str = "") -> list[str]:
    run = _write(folder, "est.toml", ESTIMATE.format(drill=drill, grid=grid, extra=extra))
    return ["estimate", run, "--out", str(folder / "out")]


def _estimate_files(folder: Path, assay: str, extra: str = "") -> list[str]:
    _write(folder, "collar.csv", "HOLEID,EAST,NORTH,RL,DEPTH\nA,0,0,100,50\nA,0,0,100,50\n")
    _write(folder, "survey.csv", SURVEY)
    _write(folder, "assay.csv", assay)
    run = _write(
        folder,
        "est.toml",
        '[drillholes]\ncollar = "collar.csv"\nsurvey = "survey.csv"\nassay = "assay.csv"\n' + extra,
    )
    return ["estimate", run, "--out", str(folder / "out")]


# ------------------------------------------------------------------------------- pit
def _minelib(
    folder: Path, upit: str, prec: str, blocks: str | None = "0 0 0 1\n1 0 0 0\n"
) -> list[str]:
    _write(folder, "toy.upit", upit)
    if prec is not None:
        _write(folder, "toy.prec", prec)
    if blocks is not None:
        _write(folder, "toy.blocks", blocks)
    return ["pit", "minelib", str(folder / "toy")]


UPIT = "NAME: toy\nTYPE: UPIT\nNBLOCKS: 2\nOBJECTIVE_FUNCTION:\n0 -1\n1 3\n"
PIT = """name = "p"
[model]
block_model = "{block_model}"
{model}
[economics]
prices = {{ cu = 9000.0 }}
{economics}
[shells]
{shells}
"""


def _pit(
    folder: Path,
    model: str = "block_size = [10.0, 10.0, 10.0]",
    economics: str = "",
    shells: str = "",
    table: str | None = None,
    block_model: str = "bm.csv",
) -> list[str]:
    _write(
        folder,
        "bm.csv",
        table
        if table is not None
        else "easting,northing,elevation,cu_pct\n5,5,-5,0.5\n15,5,-5,0.2\n5,5,-15,0.8\n",
    )
    text = PIT.format(model=model, economics=economics, shells=shells, block_model=block_model)
    run = _write(folder, "pit.toml", text)
    return ["pit", "shells", run, "--out", str(folder / "out")]


# --------------------------------------------------------------------------- prospect
def _rasters(folder: Path, second_crs: str = "EPSG:32645") -> None:
    pytest.importorskip("rasterio")
    from bornite.io import raster_template, write_raster  # noqa: PLC0415

    for name, crs in (("a.tif", "EPSG:32645"), ("b.tif", second_crs)):
        grid = raster_template(0.0, 10_000.0, 500.0, (20, 20), crs=crs)
        grid.values[:] = np.tile(np.arange(20.0), (20, 1))
        write_raster(grid.astype(np.int16).assign_attrs(grid.attrs), folder / name)


def _points(folder: Path, name: str = "deps.gpkg") -> str:
    gpd = pytest.importorskip("geopandas")
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([250.0, 1250.0, 3250.0], [9750.0, 8750.0, 5750.0]),
        crs="EPSG:32645",
    )
    path = folder / name
    points.to_file(path)
    return str(path)


def _wofe(folder: Path, evidence: str | None = None, deposits: str | None = None,
          *extra: str) -> list[str]:  # fmt: skip
    _rasters(folder)
    evidence = evidence or str(folder / "a.tif")
    deposits = deposits or _points(folder)
    return ["prospect", "wofe", "--evidence", evidence, "--deposits", deposits, *extra]


def _shapefile_without_shx(folder: Path) -> list[str]:
    _rasters(folder)
    shp = _points(folder, "deps.shp")
    (folder / "deps.shx").unlink()
    return ["prospect", "wofe", "--evidence", str(folder / "a.tif"), "--deposits", shp]


def _prospect(folder: Path, body: str, second_crs: str = "EPSG:32645") -> list[str]:
    _rasters(folder, second_crs)
    _points(folder)
    run = _write(folder, "region.toml", body)
    return ["prospect", "run", run, "--out", str(folder / "out")]


REGION = """[evidence]
layers = {{ a = "a.tif", b = "b.tif" }}
[deposits]
path = "deps.gpkg"
[model]
{model}
"""
WOFE_MODEL = 'method = "wofe"\nweights = { a = "ascending", b = "ascending" }'


CASES = [
    # ---- assess pmf
    Case("pmf-missing-file", lambda d: ["assess", "pmf", str(d / "nope.csv")], "nope.csv"),
    Case("pmf-directory", lambda d: ["assess", "pmf", str(d)], "is a folder"),
    Case("pmf-empty-file", lambda d: _pmf(d, ""), "e.csv"),
    Case("pmf-header-only", lambda d: _pmf(d, "Name,Weight,N90,N50,N10\n"), "e.csv"),
    Case("pmf-decreasing", lambda d: _pmf(d, "Name,Weight,N90,N50,N10\nann,1,9,5,3\n"), "ann"),
    Case("pmf-text-count", lambda d: _pmf(d, "Name,Weight,N90,N50,N10\nann,1,1,x,3\n"), "N50"),
    Case(
        "pmf-negative-weight",
        lambda d: _pmf(d, "Name,Weight,N90,N50,N10\nann,-1,1,2,3\n"),
        "Weight",
    ),
    Case("pmf-bom-bad", lambda d: _pmf(d, "\ufeffName,Weight,N90,N50\nann,1,1,2\n"), "N10"),
    Case("pmf-latin1-bad", lambda d: _pmf(d, "Nom,Poids\né,1\n".encode("latin-1")), "e.csv"),
    Case(
        "pmf-counts-letters", lambda d: ["assess", "pmf", "--counts", "1", "x", "4"], "--counts", 2
    ),
    Case(
        "pmf-unknown-method",
        lambda d: ["assess", "pmf", "--counts", "1", "2", "4", "-m", "gamma"],
        "gamma",
    ),
    # ---- assess run
    Case(
        "run-missing-file",
        lambda d: ["assess", "run", str(d / "no.toml"), "--out", str(d / "o")],
        "no.toml",
    ),
    Case(
        "run-directory", lambda d: ["assess", "run", str(d), "--out", str(d / "o")], "is a folder"
    ),
    Case("run-bad-toml", lambda d: _tract_text(d, "[tract\nname = 1\n"), "not valid TOML"),
    Case("run-not-utf8", lambda d: _tract_text(d, b"\xff\xfe[tract]\n"), "tract.toml"),
    Case("run-unknown-table", lambda d: _tract(d, extra="[simulaton]\ntrials = 5"), "simulaton"),
    Case("run-unknown-key", lambda d: _tract(d, gt=GOOD_GT + '\ntonage_pdf = "kde"'), "tonage_pdf"),
    Case(
        "run-bool-type",
        lambda d: _tract(d, gt=GOOD_GT + '\njoint = "yes"'),
        "joint must be true or false",
    ),
    Case(
        "run-float-trials",
        lambda d: _tract_edit(d, "trials = 200", "trials = 2.5"),
        "trials must be a whole number",
    ),
    Case(
        "run-negative-trials",
        lambda d: _tract_edit(d, "trials = 200", "trials = -5"),
        "trials must be >= 1",
    ),
    Case("run-list-items", lambda d: _tract(d, dc='counts = [1, "two", 4]'), "counts item 2"),
    Case("run-missing-name", lambda d: _tract_edit(d, 'name = "t"', ""), "missing key(s) name"),
    Case(
        "run-missing-table",
        lambda d: _tract_text(d, '[tract]\nname = "t"\n[grade_tonnage]\nsynthetic = "porphyry"\n'),
        "deposit_count",
    ),
    Case("run-gt-missing-file", lambda d: _tract(d, gt='path = "gone.csv"'), "gone.csv"),
    Case(
        "run-gt-negative-tonnage",
        lambda d: _gt_table(d, "name,ore_t,cu_pct\na,1e6,0.5\nb,-2e6,0.4\nc,3e6,0.3\n"),
        "row 2",
    ),
    Case(
        "run-gt-zero-tonnage",
        lambda d: _gt_table(d, "name,ore_t,cu_pct\na,0,0.5\nb,0,0.4\nc,3e6,0.3\n"),
        "1 deposits, fewer than the 2 needed",
    ),
    Case(
        "run-gt-infinite-tonnage",
        lambda d: _gt_table(d, "name,ore_t,cu_pct\na,inf,0.5\nb,2e6,0.4\nc,3e6,0.3\n"),
        "row 1",
    ),
    Case(
        "run-gt-no-tonnage-column",
        lambda d: _gt_table(d, "name,tons,cu_pct\na,1e6,0.5\n"),
        "gt.csv",
    ),
    Case("run-gt-empty", lambda d: _gt_table(d, ""), "gt.csv"),
    Case(
        "run-custom-sum",
        lambda d: _tract(
            d, dc='method = "custom"\nn_deposits = [0, 1, 2]\nprobabilities = [0.3, 0.3, 0.3]'
        ),
        "sum to 0.9",
    ),
    Case(
        "run-custom-order",
        lambda d: _tract(
            d, dc='method = "custom"\nn_deposits = [2, 1]\nprobabilities = [0.5, 0.5]'
        ),
        "strictly increasing",
    ),
    Case("run-density-no-area", lambda d: _tract(d, dc='method = "deposit-density"'), "area_km2"),
    Case("run-elicitation-missing", lambda d: _tract(d, dc='elicitation = "gone.csv"'), "gone.csv"),
    Case(
        "run-econ-overlap",
        lambda d: _tract(
            d, extra="[economic_filter]\ndepth_intervals = [[0, 300, 0.5], [200, 500, 0.5]]"
        ),
        "overlap",
    ),
    Case(
        "run-econ-sum",
        lambda d: _tract(
            d, extra="[economic_filter]\ndepth_intervals = [[0, 300, 0.5], [301, 500, 0.4]]"
        ),
        "sum to 0.9",
    ),
    Case("run-econ-unknown-key", lambda d: _tract(d, extra=INTERVALS + "mil = 'x'"), "mil"),
    Case(
        "run-econ-liner",
        lambda d: _tract(d, extra=INTERVALS + "tailings_pond = false"),
        "tailings_pond = true",
    ),
    # ---- assess aggregate
    Case(
        "agg-one-tract",
        lambda d: _aggregate(
            d, AGG.format(corr=0.5) + '[[tracts]]\nname = "a"\ntotals = "a.csv"\n'
        ),
        "at least two",
    ),
    Case(
        "agg-duplicate-names",
        lambda d: _aggregate(d, AGG.format(corr=0.5) + TWO.format(second="a")),
        "unique",
    ),
    Case(
        "agg-correlation-range",
        lambda d: _aggregate(d, AGG.format(corr=1.5) + TWO.format(second="b")),
        "(-1, 1]",
    ),
    Case(
        "agg-correlation-shape",
        lambda d: _aggregate(
            d,
            AGG.format(corr="[[1, 0.2, 0.1], [0.2, 1, 0.1], [0.1, 0.1, 1]]")
            + TWO.format(second="b"),
        ),
        "2 x 2",
    ),
    Case(
        "agg-not-totals",
        lambda d: _aggregate(
            d,
            AGG.format(corr=0.5)
            + TWO.format(second="b").replace('totals = "b.csv"', 'totals = "agg.toml"'),
        ),
        "agg.toml",
    ),
    Case(
        "agg-both-sources",
        lambda d: _aggregate(
            d, AGG.format(corr=0.5) + TWO.format(second="b") + 'run_file = "x.toml"\n'
        ),
        "exactly one of run_file or totals",
    ),
    # ---- assess filter
    Case(
        "filter-no-parameters",
        lambda d: _filter(d, '[filter]\nsimulation = "deps.csv"\n'),
        "RAEF parameters",
    ),
    Case(
        "filter-both",
        lambda d: _filter(
            d, '[filter]\nsimulation = "deps.csv"\nparameters = "p.csv"\n' + INTERVALS
        ),
        "not both",
    ),
    Case(
        "filter-missing-simulation",
        lambda d: _filter(d, '[filter]\nsimulation = "gone.csv"\n' + INTERVALS),
        "gone.csv",
    ),
    Case(
        "filter-not-deposits",
        lambda d: _filter(d, '[filter]\nsimulation = "notdeps.csv"\n' + INTERVALS),
        "not a simulated-deposit table",
    ),
    Case(
        "filter-zero-trials",
        lambda d: _filter(d, '[filter]\nsimulation = "deps.csv"\nn_trials = 0\n' + INTERVALS),
        "n_trials must be >= 1",
    ),
    # ---- drillholes validate
    Case("holes-missing-assay", lambda d: _holes(d, COLLAR, SURVEY, None), "assay.csv"),
    Case("holes-no-columns", lambda d: _holes(d, "A,B\n1,2\n"), "collar table lacks column(s)"),
    Case("holes-empty-collar", lambda d: _holes(d, ""), "collar.csv"),
    Case(
        "holes-directory",
        lambda d: ["drillholes", "validate", str(d), str(d), str(d)],
        "is a folder",
    ),
    Case(
        "holes-problems",
        lambda d: _holes(d, COLLAR, SURVEY, "HOLEID,FROM,TO,CU\nA,10,5,0.5\n"),
        "--allow-problems",
    ),
    Case("holes-bad-units", lambda d: _holes(d, COLLAR, SURVEY, ASSAY, "--units", "yd"), "yd", 2),
    Case(
        "holes-bad-mapping",
        lambda d: _holes(d, COLLAR, SURVEY, ASSAY, "--mapping", _write(d, "m.toml", "[collar\n")),
        "m.toml",
    ),
    # ---- estimate
    Case(
        "estimate-huge-grid",
        lambda d: _estimate(d, grid="origin = [0.0, 0.0, 0.0]\nshape = [5000, 5000, 1000]"),
        "[grid]",
    ),
    Case(
        "estimate-block-size",
        lambda d: _estimate_text(d, "block_size = [50.0, 50.0, 25.0]", "block_size = [50.0]"),
        "block_size needs 3 values",
    ),
    Case("estimate-unknown-key", lambda d: _estimate(d, drill="sead = 3"), "sead"),
    Case(
        "estimate-no-grade", lambda d: _estimate(d, extra='[composites]\ngrade = "au_gt"'), "au_gt"
    ),
    Case("estimate-wireframe", lambda d: _estimate(d, grid='wireframe = "gone.stl"'), "gone.stl"),
    Case(
        "estimate-fix-key", lambda d: _estimate(d, drill='fix = { overlapp = "drop" }'), "overlapp"
    ),
    Case(
        "estimate-refused-holes", lambda d: _estimate_files(d, ASSAY), "bornite drillholes validate"
    ),
    # ---- pit minelib
    Case("minelib-no-prec", lambda d: _minelib(d, UPIT, None), "toy.prec"),
    Case(
        "minelib-truncated-upit",
        lambda d: _minelib(d, UPIT.replace("1 3\n", ""), "0 0\n1 1 0\n"),
        "toy.upit",
    ),
    Case("minelib-self-loop", lambda d: _minelib(d, UPIT, "0 0\n1 1 1\n"), "itself"),
    Case("minelib-cycle", lambda d: _minelib(d, UPIT, "0 1 1\n1 1 0\n"), "circle"),
    Case("minelib-text-field", lambda d: _minelib(d, UPIT, "0 0\n1 one 0\n"), "line 2"),
    Case(
        "minelib-count-mismatch",
        lambda d: _minelib(d, UPIT, "0 0\n1 2 0\n"),
        "declares 2 predecessors",
    ),
    # ---- pit shells
    Case(
        "shells-missing-model",
        lambda d: _pit(d, block_model="gone.parquet"),
        "gone.parquet",
    ),
    Case(
        "shells-factors",
        lambda d: _pit(d, shells="revenue_factors = [1.0, 0.5]"),
        "strictly increasing",
    ),
    Case("shells-unknown-key", lambda d: _pit(d, economics="royalti = 0.03"), "royalti"),
    Case("shells-no-block-size", lambda d: _pit(d, model=""), "block size is unknown"),
    Case(
        "shells-off-grid",
        lambda d: _pit(d, table="easting,northing,elevation,cu_pct\n5,5,-5,0.5\n12,5,-5,0.2\n"),
        "regular grid",
    ),
    Case(
        "shells-no-grade",
        lambda d: _pit(d, table="easting,northing,elevation,au_gt\n5,5,-5,0.5\n"),
        "cu",
    ),
    # ---- prospect wofe
    Case(
        "wofe-deposits-csv",
        lambda d: _wofe(d, deposits=_write(d, "deps.csv", "x,y\n250,9750\n")),
        "deps.csv",
    ),
    Case("wofe-missing-evidence", lambda d: _wofe(d, evidence=str(d / "gone.tif")), "gone.tif"),
    Case(
        "wofe-corrupt-tiff",
        lambda d: _wofe(d, evidence=_write(d, "bad.tif", b"II*\x00garbage")),
        "bad.tif",
    ),
    Case("wofe-shapefile-no-shx", _shapefile_without_shx, "deps.shp"),
    Case("wofe-bad-type", lambda d: _wofe(d, None, None, "--type", "sideways"), "sideways", 2),
    # ---- prospect run
    Case(
        "prospect-crs",
        lambda d: _prospect(d, REGION.format(model=WOFE_MODEL), "EPSG:32646"),
        "EPSG:32646",
    ),
    Case(
        "prospect-no-layers",
        lambda d: _prospect(d, "[evidence]\nlayers = {}\n[deposits]\npath = 'deps.gpkg'\n"),
        "layers is empty",
    ),
    Case("prospect-method", lambda d: _prospect(d, REGION.format(model='method = "svm"')), "svm"),
    Case(
        "prospect-weights-layer",
        lambda d: _prospect(
            d, REGION.format(model='method = "wofe"\nweights = { c = "ascending" }')
        ),
        "c",
    ),
    # ---- demo
    Case(
        "demo-out-is-file", lambda d: ["demo", "--out", _write(d, "file.txt", "x")], "not a folder"
    ),
    Case(
        "demo-few-trials",
        lambda d: ["demo", "--out", str(d / "o"), "--trials", "10"],
        "--trials",
        2,
    ),
]


def _estimate_text(folder: Path, old: str, new: str) -> list[str]:
    run = _write(folder, "est.toml", ESTIMATE.format(drill="", grid="", extra="").replace(old, new))
    return ["estimate", run, "--out", str(folder / "out")]


def test_the_corpus_covers_every_command():
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)
    prefixes = {c.id.split("-")[0] for c in CASES}
    assert prefixes >= {
        "pmf", "run", "agg", "filter", "holes", "estimate", "minelib", "shells", "wofe",
        "prospect", "demo",
    }  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_one_clear_line(tmp_path, case):
    args = case.args(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = runner.invoke(app, args)
    assert result.exit_code == case.code, result.output
    # no traceback: CliRunner keeps an uncaught exception in result.exception
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert not runtime, [str(w.message) for w in runtime]
    stderr = result.stderr
    assert "Traceback" not in stderr
    if case.code == 1:
        lines = [line for line in stderr.splitlines() if line.startswith("error:")]
        assert len(lines) == 1, stderr
        assert case.expected in lines[0], lines[0]
    else:
        assert case.expected in " ".join(stderr.split()), stderr


def test_a_failed_run_leaves_the_earlier_output_folder(tmp_path):
    out = tmp_path / "out"
    good = runner.invoke(app, _tract(tmp_path))
    assert good.exit_code == 0, good.output
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    bad = runner.invoke(app, [*_tract(tmp_path, dc="counts = [4, 2, 1]"), "--overwrite"])
    assert bad.exit_code == 1
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tract.toml"]
