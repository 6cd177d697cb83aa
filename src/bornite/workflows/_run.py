"""The one seam of every run: a TOML run file in, a typed :class:`RunRecord` out.

* :func:`load_run_file` reads a run file made of TOML tables, each parsed into a frozen
  dataclass (a specification) with its keys and value types checked, paths resolved relative
  to the run file, and errors that name the file, the table and the key.
* :class:`RunRecord` is what every workflow returns: the kind of run, its inputs with their
  SHA-256, its parameters and seed, the bornite and Python versions, when it ran, the files it
  wrote, its headline figures and tables (each with units and whether it is in-sample or
  out-of-fold), and the full results. The CLI renders it, the report prints its provenance,
  and ``run.json`` in every output folder holds it.
* :func:`run_to_dir` runs a workflow into an output folder through
  :func:`bornite.io.staged_folder`, so an interrupted run leaves the previous folder as it was
  (or a folder marked incomplete), and never clobbers or deletes files bornite did not write.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import platform
import re
import tomllib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from bornite._version import __version__
from bornite.errors import DataFileError, RunConfigError
from bornite.io import (
    MANIFEST,
    list_files,
    sha256_file,
    staged_folder,
    to_jsonable,
    write_bytes,
    write_json,
    write_text,
)
from bornite.report import (
    Report,
    Section,
    figure_to_png_base64,
    figure_to_svg,
    format_quantity,
    format_table,
    write_report,
)

__all__ = [
    "Headline",
    "InputFile",
    "OutputFile",
    "RecordTable",
    "RunRecord",
    "TableSchema",
    "as_toml",
    "finish_stage",
    "input_files",
    "load_run_file",
    "load_toml",
    "plain",
    "resolve_path",
    "run_to_dir",
    "utc_now",
    "write_figures",
    "write_run_report",
]

T = TypeVar("T")


# =============================================================================== run files
@dataclass(frozen=True)
class TableSchema:
    """How one TOML table of a run file becomes a specification.

    Parameters
    ----------
    spec : type
        The frozen dataclass the table's keys fill (its fields are the allowed keys; fields
        without a default are required keys).
    required : bool
        The table must be present.
    array : bool
        An array of tables (``[[tracts]]``): a tuple of specifications.
    optional : bool
        An absent table gives ``None`` (else it is built from no keys: the defaults).
    paths : tuple of str
        Keys whose string values are file paths, resolved relative to the run file.
    path_tables : tuple of str
        Keys whose values are tables of file paths (``layers = { a = "a.tif" }``).
    """

    spec: type
    required: bool = False
    array: bool = False
    optional: bool = False
    paths: tuple[str, ...] = ()
    path_tables: tuple[str, ...] = ()


def load_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file; errors name the file and the line.

    Raises
    ------
    DataFileError
        When the file is missing or is a folder.
    RunConfigError
        When it is not valid TOML.
    """
    path = Path(path)
    if path.is_dir():
        msg = f"{path}: is a folder; give the run file (.toml) inside it"
        raise DataFileError(msg)
    if not path.is_file():
        msg = f"{path}: run file not found; check the path"
        raise DataFileError(msg)
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except UnicodeDecodeError as error:
        msg = f"{path}: is not UTF-8 text (byte {error.start}); save the run file as UTF-8"
        raise RunConfigError(msg) from error
    except tomllib.TOMLDecodeError as error:
        msg = f"{path}: not valid TOML ({error}); fix the file"
        raise RunConfigError(msg) from error
    except OSError as error:
        msg = f"{path}: cannot read the run file ({error})"
        raise DataFileError(msg) from error


def resolve_path(value: str | Path, base: Path) -> Path:
    """A path from a run file, relative to the run file's folder unless absolute."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


def _check_keys(
    table: Any,
    allowed: set[str],
    where: str,
    required: set[str] | frozenset[str] = frozenset(),
    what: str = "key",
) -> dict[str, Any]:
    """``table`` as a dict after checking its keys (catches typos in run files)."""
    if not isinstance(table, Mapping):
        msg = f"{where}: expected a table of keys, got {_shown(table)}"
        raise RunConfigError(msg)
    unknown = sorted(set(table) - allowed)
    if unknown:
        msg = (
            f"{where}: unknown {what}(s) {', '.join(unknown)}; allowed {what}s are "
            f"{', '.join(sorted(allowed))}"
        )
        raise RunConfigError(msg)
    missing = sorted(required - set(table))
    if missing:
        msg = f"{where}: missing {what}(s) {', '.join(missing)}"
        raise RunConfigError(msg)
    return dict(table)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_NAMES = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "a string",
    list: "a list [...]",
    dict: "a table {...}",
}


def _kinds(annotation: Any) -> tuple[set[type], Any]:
    """The TOML value types an annotation admits (empty: no check), and the type of the
    items of a list (``None``: not a list or unchecked)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        kinds: set[type] = set()
        item = None
        for arg in args:
            if arg is type(None):
                continue
            more, inner = _kinds(arg)
            if not more:  # an arm bornite does not check: check none
                return set(), None
            kinds |= more
            item = inner if inner is not None else item
        return kinds, item
    if annotation in (bool, int, float, str):
        return {annotation}, None
    if annotation is Path:
        return {str}, None
    if origin in (tuple, list, Sequence) or annotation in (tuple, list):
        inner = args[0] if args and (len(args) == 1 or args[1] is Ellipsis) else None
        return {list}, inner
    if origin in (dict, Mapping) or annotation is dict:
        return {dict}, None
    return set(), None


def _is(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is list:
        return isinstance(value, list | tuple)
    if kind is dict:
        return isinstance(value, Mapping)
    return isinstance(value, kind)


def check_type(value: Any, annotation: Any, where: str, key: str) -> None:
    """Refuse a TOML value of the wrong type for ``key`` (``joint = "yes"``, ``trials = 2.5``,
    ``cutoffs = ["a"]``).

    Examples
    --------
    >>> check_type(3, int | None, "run.toml [simulation]", "trials")
    >>> check_type("yes", bool, "run.toml [grade_tonnage]", "joint")
    Traceback (most recent call last):
    ...
    bornite.errors.RunConfigError: run.toml [grade_tonnage]: joint must be true or false, got 'yes'
    """
    kinds, item = _kinds(annotation)
    if not kinds or value is None:
        return
    if not any(_is(value, kind) for kind in kinds):
        expected = " or ".join(
            dict.fromkeys(_NAMES[k] for k in sorted(kinds, key=lambda k: k.__name__))
        )
        msg = f"{where}: {key} must be {expected}, got {_shown(value)}"
        raise RunConfigError(msg)
    if item is not None and isinstance(value, list | tuple):
        for k, entry in enumerate(value, start=1):
            check_type(entry, item, where, f"{key} item {k}")


def _build(
    cls: type[T], table: Any, where: str, schema: TableSchema | None = None, base: Path = Path()
) -> T:
    """The frozen dataclass ``cls`` from a TOML table, naming bad keys and values (paths of
    ``schema`` resolved relative to ``base`` once their type is checked)."""
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError):
        hints = {}
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    required = {
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    values = _check_keys(table, {f.name for f in fields}, where, required)
    for key, value in values.items():
        check_type(value, hints.get(key), where, key)
    if schema is not None:
        values = _resolved(values, schema, base)
    try:
        return cls(**values)
    except (TypeError, ValueError) as error:
        msg = f"{where}: {as_toml(str(error))}"
        raise RunConfigError(msg) from error


_PYTHON_VALUE = re.compile(r"\b([a-z_][a-z0-9_]*)=(True|False|None|'[^']*'|\"[^\"]*\"|-?[\d.]+)")


def as_toml(message: str) -> str:
    """A message about Python arguments in the words of a run file: ``liner=True`` becomes
    ``liner = true`` and ``engine='auto'`` becomes ``engine = "auto"``.

    Specifications refuse values with the names of their fields, which are the run file's
    keys; only the way a value is written differs.

    Examples
    --------
    >>> as_toml("liner=True needs tailings_pond=True; set liner=False or mill='3_product'")
    'liner = true needs tailings_pond = true; set liner = false or mill = "3_product"'
    """

    def toml(match: re.Match[str]) -> str:
        key, value = match.groups()
        if value in ("True", "False"):
            value = value.lower()
        elif value == "None":
            return f"no {key}"
        elif value[0] in "'\"":
            value = '"' + value[1:-1] + '"'
        return f"{key} = {value}"

    return _PYTHON_VALUE.sub(toml, message)


def _resolved(values: dict[str, Any], schema: TableSchema, base: Path) -> dict[str, Any]:
    for key in schema.paths:
        if isinstance(values.get(key), str):
            values[key] = resolve_path(values[key], base)
    for key in schema.path_tables:
        value = values.get(key)
        if isinstance(value, Mapping):
            values[key] = {
                k: resolve_path(v, base) if isinstance(v, str) else v for k, v in value.items()
            }
    return values


def load_run_file(
    path: str | Path, tables: Mapping[str, TableSchema], *, named: bool = True
) -> tuple[dict[str, Any], str]:
    """Parse a run file made of one TOML table per specification.

    Parameters
    ----------
    path : str or Path
        The run file.
    tables : mapping of table name to TableSchema
        The tables the file may hold.
    named : bool
        The file may give a top-level ``name`` (default: the file's stem).

    Returns
    -------
    (dict, str)
        The specification of each table (built from an empty table when absent, ``None`` for
        an absent optional one, an empty tuple for an absent array) and the run's name.

    Raises
    ------
    RunConfigError
        Naming the file, the table and the key: unknown or missing tables and keys, values of
        the wrong type, values the specification refuses.
    """
    path = Path(path)
    allowed = {*tables, "name"} if named else set(tables)
    required = {name for name, schema in tables.items() if schema.required}
    data = _check_keys(load_toml(path), allowed, str(path), required, "table")
    parts: dict[str, Any] = {}
    for table, schema in tables.items():
        where = f"{path} [{table}]"
        if schema.array:
            entries = data.get(table, [])
            if not isinstance(entries, list):
                msg = f"{where}: expected an array of tables [[{table}]], got {_shown(entries)}"
                raise RunConfigError(msg)
            parts[table] = tuple(
                _build(schema.spec, entry, f"{path} [[{table}]] {k}", schema, path.parent)
                for k, entry in enumerate(entries, start=1)
            )
            continue
        if schema.optional and table not in data:
            parts[table] = None
            continue
        parts[table] = _build(schema.spec, data.get(table, {}), where, schema, path.parent)
    name = data.get("name", path.stem)
    check_type(name, str, str(path), "name")
    return parts, str(name)


def plain(spec: Any) -> Any:
    """A specification as JSON-ready data (paths as text, absent values left out)."""
    if dataclasses.is_dataclass(spec) and not isinstance(spec, type):
        return {
            f.name: plain(getattr(spec, f.name))
            for f in dataclasses.fields(spec)
            if getattr(spec, f.name) is not None and f.compare
        }
    if isinstance(spec, Mapping):
        return {str(k): plain(v) for k, v in spec.items()}
    if isinstance(spec, list | tuple):
        return [plain(v) for v in spec]
    return to_jsonable(spec)


# ================================================================================ records
def utc_now() -> str:
    """The time now, UTC, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class InputFile:
    """A file a run read: its role (``run_file``, ``collar``, ...), path, size and SHA-256."""

    role: str
    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class OutputFile:
    """A file a run wrote: path relative to the output folder, size and SHA-256."""

    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Headline:
    """One headline figure of a run.

    Parameters
    ----------
    key : str
        Machine name (``cu_t_q50``).
    label : str
        What it is, in words (``median undiscovered Cu``).
    value : number, str or None
    unit : str
        ``t``, ``%``, ``g/t``, ``km2``, ``USD``, ``m``, ``probability``, ``count`` or ``""``.
    basis : str
        How it was obtained when that matters to its meaning: ``out-of-fold`` or
        ``in-sample`` (prospectivity), ``simulated`` or ``analytic`` (totals).
    """

    key: str
    label: str
    value: float | int | str | None
    unit: str = ""
    basis: str = ""

    def text(self) -> str:
        """The value with its unit, in bornite's number style (``12.3 Mt``)."""
        return format_quantity(self.value, self.unit)


@dataclass(frozen=True)
class RecordTable:
    """A small table of a record (shown by the CLI), with units by column.

    ``basis`` says whether its figures are ``out-of-fold`` or ``in-sample`` where that
    matters; ``shown`` is how many rows the CLI prints (all of them are kept).
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    units: Mapping[str, str] = field(default_factory=dict)
    basis: str = ""
    shown: int = 20

    @classmethod
    def from_frame(
        cls,
        title: str,
        frame: pd.DataFrame,
        *,
        units: Mapping[str, str] | None = None,
        basis: str = "",
        shown: int = 20,
    ) -> RecordTable:
        """A record table from a DataFrame (units: ``frame.attrs["units"]`` or ``units``)."""
        merged = {**frame.attrs.get("units", {}), **(units or {})}
        rows = tuple(
            tuple(to_jsonable(v) for v in row) for row in frame.itertuples(index=False, name=None)
        )
        return cls(
            title,
            tuple(str(c) for c in frame.columns),
            rows,
            {str(k): str(v) for k, v in merged.items() if k in frame.columns},
            basis,
            shown,
        )

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame (units in ``attrs["units"]``)."""
        out = pd.DataFrame(list(self.rows), columns=list(self.columns))
        out.attrs["units"] = dict(self.units)
        return out

    def formatted(self) -> tuple[list[str], list[list[str]]]:
        """Headers (with units) and cells of the shown rows, in bornite's number style."""
        head = self.frame().head(self.shown)
        return format_table(head, units=self.units)


@dataclass(frozen=True)
class RunRecord:
    """What a run was and what it produced: the one object every face reads.

    Attributes
    ----------
    kind : str
        ``tract``, ``aggregate``, ``filter``, ``pmf``, ``estimate``, ``pit``, ``minelib``,
        ``prospect``, ``wofe`` or ``demo``.
    name : str
        The run's name (the run file's ``name``, or its stem).
    inputs : tuple of InputFile
        Every file read, with its SHA-256; :attr:`inputs_sha256` hashes them all.
    parameters : mapping
        The specification as run (JSON-ready).
    seed : int or None
        The seed that repeats the run (``None``: nothing random).
    started, finished : str
        UTC, ISO 8601.
    bornite_version, python : str
    illustrative : bool
        Demonstration inputs, not an assessment.
    headline : tuple of Headline
    tables : mapping of str to RecordTable
    results : mapping
        Everything the run computed that a script may want, JSON-ready (the content of the
        run's summary file).
    outputs : tuple of OutputFile
        Files written (empty for runs that write none).
    folder : str or None
        The output folder.
    children : tuple of RunRecord
        The stages of a run made of runs (the demo, an aggregation's tracts).
    links : mapping of str to str
        What the run is about, for the inventory: ``deposit`` (an inventory id), ``belt``,
        ``region`` (from a tract's run file or ``--link``).
    """

    kind: str
    name: str
    inputs: tuple[InputFile, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    seed: int | None = None
    started: str = field(default_factory=utc_now)
    finished: str = field(default_factory=utc_now)
    bornite_version: str = __version__
    python: str = field(default_factory=platform.python_version)
    illustrative: bool = False
    headline: tuple[Headline, ...] = ()
    tables: Mapping[str, RecordTable] = field(default_factory=dict)
    results: Mapping[str, Any] = field(default_factory=dict)
    outputs: tuple[OutputFile, ...] = ()
    folder: str | None = None
    children: tuple[RunRecord, ...] = ()
    links: Mapping[str, str] = field(default_factory=dict)

    @property
    def inputs_sha256(self) -> str:
        """One SHA-256 of all the inputs (of their roles and digests, in order)."""
        digest = hashlib.sha256()
        for item in sorted(self.inputs, key=lambda i: (i.role, i.path)):
            digest.update(f"{item.role}\t{item.sha256}\n".encode())
        return digest.hexdigest()

    def figure(self, key: str) -> Headline:
        """The headline figure ``key``."""
        for item in self.headline:
            if item.key == key:
                return item
        msg = f"run {self.name!r} has no headline figure {key!r}"
        raise KeyError(msg)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (what ``run.json`` holds and ``--json`` prints)."""
        data = {
            "kind": self.kind,
            "name": self.name,
            "illustrative": self.illustrative,
            "bornite_version": self.bornite_version,
            "python": self.python,
            "started": self.started,
            "finished": self.finished,
            "seed": self.seed,
            "inputs_sha256": self.inputs_sha256,
            "inputs": [dataclasses.asdict(i) for i in self.inputs],
            "parameters": to_jsonable(dict(self.parameters)),
            "headline": [dataclasses.asdict(h) for h in self.headline],
            "tables": {
                k: {
                    "title": t.title,
                    "columns": list(t.columns),
                    "rows": [list(r) for r in t.rows],
                    "units": dict(t.units),
                    "basis": t.basis,
                    "shown": t.shown,
                }
                for k, t in self.tables.items()
            },
            "results": to_jsonable(dict(self.results)),
            "folder": self.folder,
            "outputs": [dataclasses.asdict(o) for o in self.outputs],
            "children": [c.to_dict() for c in self.children],
            "links": dict(self.links),
        }
        return typing.cast(dict[str, Any], to_jsonable(data))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunRecord:
        """The record of :meth:`to_dict` (as read back from ``run.json``)."""
        try:
            return cls(
                kind=str(data["kind"]),
                name=str(data["name"]),
                inputs=tuple(InputFile(**i) for i in data.get("inputs", [])),
                parameters=dict(data.get("parameters", {})),
                seed=data.get("seed"),
                started=str(data["started"]),
                finished=str(data["finished"]),
                bornite_version=str(data["bornite_version"]),
                python=str(data["python"]),
                illustrative=bool(data.get("illustrative", False)),
                headline=tuple(Headline(**h) for h in data.get("headline", [])),
                tables={
                    k: RecordTable(
                        t["title"],
                        tuple(t["columns"]),
                        tuple(tuple(r) for r in t["rows"]),
                        dict(t.get("units", {})),
                        t.get("basis", ""),
                        int(t.get("shown", 20)),
                    )
                    for k, t in data.get("tables", {}).items()
                },
                results=dict(data.get("results", {})),
                outputs=tuple(OutputFile(**o) for o in data.get("outputs", [])),
                folder=data.get("folder"),
                children=tuple(cls.from_dict(c) for c in data.get("children", [])),
                links={str(k): str(v) for k, v in data.get("links", {}).items()},
            )
        except (KeyError, TypeError, ValueError) as error:
            msg = f"not a bornite run record ({type(error).__name__}: {error})"
            raise DataFileError(msg) from error

    def provenance(self) -> dict[str, Any]:
        """What the report prints to repeat the run."""
        out: dict[str, Any] = {
            "run": f"{self.kind} {self.name!r}",
            "bornite version": self.bornite_version,
            "python": self.python,
            "started (UTC)": self.started,
            "seed": "none (nothing random)" if self.seed is None else self.seed,
            "inputs sha256": self.inputs_sha256,
        }
        if self.inputs:
            out["inputs"] = {i.role: f"{i.path} (sha256 {i.sha256[:12]})" for i in self.inputs}
        if self.parameters:
            out["parameters"] = dict(self.parameters)
        return out


def input_files(
    files: Mapping[str, Path | str | Sequence[Path | str] | None], *, within: Path | None = None
) -> tuple[InputFile, ...]:
    """:class:`InputFile` entries of the files that exist among ``files`` (by role; a role may
    name several files). Paths inside ``within`` (an output folder) are kept relative to it,
    so a record names inputs that moved with the folder; others are made absolute."""
    out = []
    for role, value in files.items():
        if value is None:
            continue
        paths = [value] if isinstance(value, str | Path) else list(value)
        for k, entry in enumerate(paths):
            path = Path(entry)
            if not path.is_file():
                continue
            shown = path.absolute()
            if within is not None and shown.is_relative_to(within.absolute()):
                shown = shown.relative_to(within.absolute())
            label = role if len(paths) == 1 else f"{role}[{k}]"
            out.append(InputFile(label, shown.as_posix(), sha256_file(path), path.stat().st_size))
    return tuple(out)


# ============================================================================ output folder
def write_run_report(
    folder: Path, record: RunRecord, sections: Sequence[Section], *, title: str, subtitle: str
) -> Path:
    """``folder/report.html``: the sections, with the record's provenance."""
    report = Report(
        title=title, subtitle=subtitle, sections=list(sections), provenance=record.provenance()
    )
    return write_report(report, folder / "report.html", overwrite=True)


def write_figures(figures: Mapping[str, Any], folder: Path) -> list[Path]:
    """Write figures into ``folder``: SVG, or PNG for scatter-heavy ones (``*marginals*``)."""
    paths = []
    for stem, figure in figures.items():
        if "marginals" in stem:
            data = base64.b64decode(figure_to_png_base64(figure))
            paths.append(write_bytes(data, folder / f"{stem}.png"))
        else:
            paths.append(write_text(figure_to_svg(figure), folder / f"{stem}.svg"))
    return paths


def run_to_dir(
    out: str | Path, write: Callable[[Path], RunRecord], *, overwrite: bool = False
) -> RunRecord:
    """Run ``write`` into the output folder ``out``; return its record with the outputs.

    ``write(folder)`` computes, writes its files into ``folder`` and returns the run's
    record. The folder is staged (:func:`bornite.io.staged_folder`): ``out`` is refused when
    it holds files and ``overwrite`` is false; an interrupted or failed run leaves ``out`` as
    it was, or marked incomplete; only files bornite wrote are ever replaced or removed. The
    record, with every output's SHA-256, is written to ``run.json``.
    """
    started = utc_now()
    with staged_folder(out, overwrite=overwrite) as folder:
        record = write(folder.path)
        outputs = _outputs(folder.path, folder.files())
        record = dataclasses.replace(
            record,
            started=started,
            finished=utc_now(),
            outputs=outputs,
            folder=str(folder.final),
        )
        write_json(record.to_dict(), folder.path / MANIFEST)
    return record


def _outputs(root: Path, files: Sequence[str]) -> tuple[OutputFile, ...]:
    return tuple(
        OutputFile(rel, sha256_file(root / rel), (root / rel).stat().st_size) for rel in files
    )


def finish_stage(record: RunRecord, root: Path, stage: str) -> RunRecord:
    """Record the files of a stage of a larger run (``root/stage``) and write its
    ``run.json``; the record's folder is ``stage`` (relative to the larger run's folder)."""
    folder = root / stage
    files = [rel for rel in list_files(folder) if rel != MANIFEST]
    record = dataclasses.replace(
        record, finished=utc_now(), outputs=_outputs(folder, files), folder=stage
    )
    write_json(record.to_dict(), folder / MANIFEST)
    return record
