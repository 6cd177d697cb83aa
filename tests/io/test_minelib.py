"""MineLib readers: exact values, the format's separators and comments, clear errors."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from bornite.errors import DataFileError
from bornite.io.minelib import (
    read_minelib,
    read_minelib_blocks,
    read_minelib_precedence,
    read_minelib_values,
)

UPIT = "NAME: toy\nTYPE: UPIT\nNBLOCKS: 3\nOBJECTIVE_FUNCTION:\n0 -1.5\n2 4\n1 0.25\nEOF\n"
PREC = "% a comment\n0 0\n1 1 0\n2:2\t0   1\n"
BLOCKS = "0 0 0 1 a 2.5\n1 1 0 1 b 3.5\n2 0 0 0 c 1.0\n"


def _write(folder, upit=UPIT, prec=PREC, blocks=BLOCKS):
    for suffix, text in (("upit", upit), ("prec", prec), ("blocks", blocks)):
        (folder / f"toy.{suffix}").write_text(text)
    return folder / "toy"


def test_reads_an_instance_with_exact_integer_values(tmp_path):
    instance = read_minelib(_write(tmp_path))
    assert instance.name == "toy"
    assert instance.scale == 100
    assert instance.values.tolist() == [-150, 25, 400]  # sorted by block id
    assert sorted(zip(instance.source.tolist(), instance.target.tolist(), strict=True)) == [
        (1, 0),
        (2, 0),
        (2, 1),
    ]
    assert instance.objective([True, True, True]) == Decimal("2.75")
    assert not instance.rounded
    assert instance.blocks is not None
    assert instance.blocks.columns.tolist() == ["id", "x", "y", "z", "col5", "col6"]
    assert instance.blocks["col6"].dtype.kind == "f"


def test_values_with_printing_artefacts_are_kept_exactly_when_they_fit(tmp_path):
    path = tmp_path / "a.upit"
    path.write_text("TYPE: UPIT\nNBLOCKS: 2\nOBJECTIVE_FUNCTION:\n0 4362.94593000001\n1 -2\n")
    _, values, scale, exact = read_minelib_values(path)
    assert scale == 10**11
    assert values.tolist() == [436294593000001, -200000000000]
    assert exact[0] == Decimal("4362.94593000001")


def test_header_line_of_the_kd_blocks_file(tmp_path):
    path = tmp_path / "kd.blocks"
    path.write_text("id x y z tonn cu\n0 1 2 3 100 0.5\n1 1 2 4 100 0.0\n")
    table = read_minelib_blocks(path)
    assert table.columns.tolist() == ["id", "x", "y", "z", "tonn", "cu"]
    np.testing.assert_allclose(table["cu"], [0.5, 0.0])


@pytest.mark.parametrize(
    ("suffix", "text", "message"),
    [
        ("upit", UPIT.replace("TYPE: UPIT", "TYPE: CPIT"), r"toy.upit, line 2: TYPE is CPIT"),
        ("upit", UPIT.replace("0.25", "abc"), r"toy.upit, line 7: block value must be a number"),
        ("upit", UPIT.replace("NBLOCKS: 3", "NBLOCKS: 4"), r"NBLOCKS is 4 but .* 3 lines"),
        ("upit", UPIT.replace("2 4\n", "0 4\n"), r"toy.upit, line 6: .*block 0 is repeated"),
        ("upit", "NAME: x\n", r"no OBJECTIVE_FUNCTION section"),
        ("upit", UPIT.replace("2 4", "2 4 5"), r"toy.upit, line 6: expected '<block id> <value>'"),
        ("prec", PREC.replace("1 1 0", "1 2 0"), r"toy.prec, line 3: block 1 declares 2 pred"),
        ("prec", PREC.replace("1 1 0", "1 1 7"), r"toy.prec, line 3: block 7 is outside 0..2"),
        ("prec", PREC + "1 0\n", r"toy.prec, line 5: block 1 already has a line \(line 3\)"),
        ("prec", PREC.replace("1 1 0", "1 1 x"), r"toy.prec, line 3: fields must be whole"),
        ("blocks", BLOCKS + "3 0 0\n", r"toy.blocks, line 4: expected 6 fields"),
        ("blocks", BLOCKS + "3 0 0 0 d 1\n", r"toy.blocks: 4 blocks, but .*toy.upit has 3"),
    ],
)
def test_bad_files_name_the_file_and_line(tmp_path, suffix, text, message):
    prefix = _write(tmp_path, **{suffix: text})
    with pytest.raises(DataFileError, match=message):
        read_minelib(prefix)


def test_missing_files_and_suffixes(tmp_path):
    prefix = _write(tmp_path)
    assert read_minelib(tmp_path / "toy.upit").n_blocks == 3  # a suffix is tolerated
    (tmp_path / "toy.prec").unlink()
    with pytest.raises(DataFileError, match=r"toy.prec: file not found"):
        read_minelib(prefix)
    with pytest.raises(DataFileError, match=r"none.prec: file not found"):
        read_minelib_precedence(tmp_path / "none.prec")
