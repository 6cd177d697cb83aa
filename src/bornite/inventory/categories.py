"""Reporting codes and resource categories: CRIRSCO's and China's GB/T 17766-2020.

Every statement is stored under one canonical category key, the CRIRSCO name in lower case:
``measured``, ``indicated``, ``inferred`` (mineral resources), ``proved``, ``probable``
(ore reserves) and ``unclassified`` (a compilation's total that no code classifies). The
reported name (``探明资源量``, ``Measured``, ``tanming``) is kept beside it.

GB/T 17766-2020 (固体矿产资源储量分类, *Classification for resources and reserves of solid
mineral*) was written to line up with the CRIRSCO template, so the mapping is one to one:

============  ==========  ==========  ====================================
CRIRSCO       GB/T 17766  pinyin      kind
============  ==========  ==========  ====================================
Measured      探明资源量  tanming     resource
Indicated     控制资源量  kongzhi     resource
Inferred      推断资源量  tuiduan     resource
Proved        证实储量    zhengshi    reserve
Probable      可信储量    kexin       reserve
============  ==========  ==========  ====================================

The same one-to-one map is used by every roll-up: a GB/T 探明 tonnage and a JORC Measured
tonnage add up in the same ``measured`` row. As in the CRIRSCO template, a reserve is the
mineable part of measured and indicated resources (证实 from 探明, 可信 from 控制 or 探明):
whether a deposit's resources already include its reserves is a statement's
``inclusive_of_reserves`` flag, which the roll-ups use against double counting.

Examples
--------
>>> canonical_category("探明资源量")
'measured'
>>> canonical_category("Probable")
'probable'
>>> category_label("indicated", "gbt17766")
'控制资源量'
>>> canonical_code("NI 43-101")
'cim'
"""

from __future__ import annotations

from typing import Final

from bornite.errors import InventoryError

__all__ = [
    "CATEGORIES",
    "CATEGORY_KIND",
    "GBT17766_NAMES",
    "REPORTING_CODES",
    "SCHEMES",
    "canonical_category",
    "canonical_code",
    "category_label",
]

#: Canonical reporting codes and what each means.
REPORTING_CODES: Final[dict[str, str]] = {
    "jorc2012": "JORC Code 2012 (Australasia)",
    "cim": "CIM Definition Standards / NI 43-101 (Canada)",
    "samrec": "SAMREC Code 2016 (South Africa)",
    "gbt17766": "GB/T 17766-2020 (China)",
    "compilation": "no code: a compilation's figure (a survey's table, a database)",
}
_CODE_ALIASES: Final[dict[str, str]] = {
    "jorc": "jorc2012",
    "jorc 2012": "jorc2012",
    "jorc2012": "jorc2012",
    "cim": "cim",
    "ni43-101": "cim",
    "ni 43-101": "cim",
    "ni43101": "cim",
    "samrec": "samrec",
    "samrec2016": "samrec",
    "gbt17766": "gbt17766",
    "gb/t 17766": "gbt17766",
    "gb/t 17766-2020": "gbt17766",
    "gbt17766-2020": "gbt17766",
    "compilation": "compilation",
    "none": "compilation",
}

#: Canonical categories, most to least confident: resources, reserves, then unclassified.
CATEGORIES: Final[tuple[str, ...]] = (
    "measured",
    "indicated",
    "inferred",
    "proved",
    "probable",
    "unclassified",
)
#: Whether each category is a resource or a reserve.
CATEGORY_KIND: Final[dict[str, str]] = {
    "measured": "resource",
    "indicated": "resource",
    "inferred": "resource",
    "proved": "reserve",
    "probable": "reserve",
    "unclassified": "resource",
}
#: The GB/T 17766-2020 name of each CRIRSCO category (the one-to-one map of the module notes).
GBT17766_NAMES: Final[dict[str, str]] = {
    "measured": "探明资源量",
    "indicated": "控制资源量",
    "inferred": "推断资源量",
    "proved": "证实储量",
    "probable": "可信储量",
    "unclassified": "未分类",
}
_PINYIN: Final[dict[str, str]] = {
    "measured": "tanming",
    "indicated": "kongzhi",
    "inferred": "tuiduan",
    "proved": "zhengshi",
    "probable": "kexin",
}
#: Label schemes for category names in roll-ups.
SCHEMES: Final[tuple[str, ...]] = ("crirsco", "gbt17766")


def _category_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for category in CATEGORIES:
        aliases[category] = category
        gbt = GBT17766_NAMES[category]
        aliases[gbt] = category
        # The short forms (探明, 可信) and the block model's labels ("探明 (measured)").
        aliases[gbt.removesuffix("资源量").removesuffix("储量")] = category
        aliases[f"{gbt.removesuffix('资源量').removesuffix('储量')} ({category})"] = category
    aliases.update({pinyin: category for category, pinyin in _PINYIN.items()})
    aliases.update({"proven": "proved", "total": "unclassified", "none": "unclassified"})
    return aliases


_CATEGORY_ALIASES: Final[dict[str, str]] = _category_aliases()


def canonical_code(code: str) -> str:
    """The canonical key of a reporting code (``jorc2012``, ``cim``, ``samrec``,
    ``gbt17766`` or ``compilation``); raise :class:`~bornite.errors.InventoryError` for
    others."""
    key = " ".join(str(code).strip().lower().split())
    if key in _CODE_ALIASES:
        return _CODE_ALIASES[key]
    msg = (
        f"unknown reporting code {code!r}; use one of {', '.join(REPORTING_CODES)} "
        "(JORC, NI 43-101 and GB/T 17766-2020 are understood too)"
    )
    raise InventoryError(msg)


def canonical_category(name: str) -> str:
    """The canonical category of a reported name in English, GB/T 17766 Chinese or pinyin.

    Raises
    ------
    InventoryError
        When the name is none of them.
    """
    text = str(name).strip()
    key = text.lower().removesuffix(" resource").removesuffix(" reserve").strip()
    found = _CATEGORY_ALIASES.get(key, _CATEGORY_ALIASES.get(text))
    if found is None:
        msg = (
            f"unknown resource category {name!r}; use measured, indicated, inferred, proved, "
            "probable or unclassified, or the GB/T 17766-2020 names "
            f"{', '.join(GBT17766_NAMES[c] for c in CATEGORIES[:5])}"
        )
        raise InventoryError(msg)
    return found


def category_label(category: str, scheme: str = "crirsco") -> str:
    """The name of a canonical category in a scheme: ``crirsco`` (Measured) or ``gbt17766``
    (探明资源量)."""
    if category not in CATEGORY_KIND:
        msg = f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}"
        raise InventoryError(msg)
    if scheme == "crirsco":
        return category.capitalize()
    if scheme == "gbt17766":
        return GBT17766_NAMES[category]
    msg = f"unknown category scheme {scheme!r}; use {' or '.join(SCHEMES)}"
    raise InventoryError(msg)
