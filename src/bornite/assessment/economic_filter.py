"""The economic filter: which simulated undiscovered deposits would pay to mine (RAEF).

A three-part assessment ends with simulated deposits -- ore tonnage and grades per deposit, per
Monte Carlo trial. The economic filter asks of each one whether a mine and mill sized for it would
return its capital at a required rate of return, with the simple engineering cost models of the
U.S. Bureau of Mines (Camm 1991) applied as the USGS Resource Assessment Economic Filter (RAEF;
Shapiro and Robinson 2019) applies them, following Robinson and Menzie (2012). Deposits with a
positive net present value are *economic*; their recovered metal is the potentially recoverable
resource of the tract.

* :class:`EconomicFilterSpec` -- the frozen, validated parameters (depth profile, deposit
  geometry, mine and mill choice, days of operation, tailings, rate of return, cost index,
  commodity prices and metallurgical recoveries).
* :func:`economic_filter` -- the per-deposit evaluation, vectorised over the whole table.
* :func:`economic_totals` and :func:`summarize_economic` -- per-trial totals of contained and
  economic metal and their quantiles.

The cost equations are in U.S. short tons (2000 lb, 0.90718474 t) and in dollars of the year of
Camm's cost curves (1989), brought to the base year of the prices by the cost index; the module
constants below hold their coefficients.

References
----------
Camm, T.W., 1991, Simplified cost models for prefeasibility mineral evaluations: U.S. Bureau of
Mines Information Circular 9298, 35 p.

Smith, C.R., 1992, PREVAL: Prefeasibility software program for evaluating mineral properties:
U.S. Bureau of Mines Information Circular 9307, 35 p.

Robinson, G.R., Jr., and Menzie, W.D., 2012, Economic filters for evaluating porphyry copper
deposit resource assessments using grade-tonnage deposit models, with examples from the U.S.
Geological Survey global mineral resource assessment: USGS Scientific Investigations Report
2010-5090-H, 21 p.

Shapiro, J.L., and Robinson, G.R., Jr., 2019, Resource Assessment Economic Filter (RAEF) -- A
graphical user interface supporting implementation of simple engineering mine cost analyses of
quantitative mineral resource assessment simulations: USGS user guide (RAEF 2.6.19) and
variable glossary.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from bornite.assessment.simulation import summarize_totals
from bornite.core.random import SeedLike, as_generator
from bornite.core.validation import format_rows, require_columns
from bornite.errors import RunConfigError, ValidationError

__all__ = [
    "COMMODITY_VALUES_2008",
    "COMMODITY_VALUES_SOURCE",
    "DEPOSIT_TYPES",
    "MARSHALL_SWIFT_1989_TO_2008",
    "MILL_CAPITAL_COST",
    "MILL_OPERATING_COST",
    "MILL_RECOVERY",
    "MILL_TYPES",
    "MINE_CAPITAL_COST",
    "MINE_DILUTION",
    "MINE_METHODS",
    "MINE_OPERATING_COST",
    "MINE_RECOVERY",
    "OPEN_PIT_LARGE_CAPACITY_ST",
    "OPEN_PIT_STRIP_COEFFICIENT",
    "ORE_BODY_DEPTH",
    "ROOM_AND_PILLAR_MIN_DEPTH_YD",
    "SHORT_TON_T",
    "SMELTING_COST_PER_LB",
    "TAILINGS_ACRES_PER_KST",
    "TAILINGS_DAM_COST_PER_FT",
    "TAILINGS_LINER_COST",
    "TAILINGS_POND_COST",
    "TAYLOR_COEFFICIENT",
    "TAYLOR_EXPONENT",
    "UNDERGROUND_ACCESS_CAPITAL",
    "UNDERGROUND_ACCESS_OPERATING",
    "EconomicFilterSpec",
    "PowerLaw",
    "economic_filter",
    "economic_totals",
    "present_value_factor",
    "summarize_economic",
    "taylor_capacity",
    "taylor_mine_life",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]


class PowerLaw(NamedTuple):
    """A cost curve ``y = coefficient * x ** exponent`` (Camm 1991's form).

    Examples
    --------
    >>> round(float(PowerLaw(83600.0, 0.708)(1000.0)))
    11122599
    """

    coefficient: float
    exponent: float

    def __call__(self, x: Any) -> Any:
        """Evaluate the curve at ``x`` (a number or an array)."""
        return self.coefficient * np.power(x, self.exponent)


# ----------------------------------------------------------------------------- unit constants
#: Tonnes in one U.S. short ton (exact). RAEF rounds it to 0.907185 for tonnage and 0.90715
#: for ore value; the differences are below 0.005 %.
SHORT_TON_T = 0.90718474
#: Yards in one metre (exact: 1 / 0.9144). RAEF uses 1.0936.
_YARDS_PER_METRE = 1.0 / 0.9144
_FEET_PER_YARD = 3.0
_POUNDS_PER_SHORT_TON = 2000.0
_SQUARE_FEET_PER_ACRE = 43560.0

# ------------------------------------------------------------------ Taylor's rule (Camm 1991)
#: Taylor's rule, mine life in years = 0.2 * (tonnage in short tons) ** 0.25 (Taylor 1977, as
#: used by Camm 1991, p. 4, and Robinson and Menzie 2012, p. 5).
TAYLOR_COEFFICIENT = 0.2
TAYLOR_EXPONENT = 0.25

# --------------------------------------------------------------------------- mining methods
#: Mining methods RAEF offers, in the order of their integer codes.
MINE_METHODS: tuple[str, ...] = (
    "open_pit",
    "block_caving",
    "room_and_pillar",
    "vertical_crater_retreat",
)
#: Ore-body geometry classes and the (shallow, deep) mining methods RAEF assigns to them after
#: Smith (1992, p. 6): open pit above the depth limit, underground below; veins are mined by
#: vertical crater retreat at any depth.
DEPOSIT_TYPES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "massive": ("open_pit", "block_caving"),
        "flat_bedded": ("open_pit", "room_and_pillar"),
        "vein": ("vertical_crater_retreat", "vertical_crater_retreat"),
    }
)
#: Dilution (fraction of waste mixed into ore) per mining method (Camm 1991, p. 4; RAEF).
MINE_DILUTION: Mapping[str, float] = MappingProxyType(
    {
        "open_pit": 0.05,
        "block_caving": 0.15,
        "room_and_pillar": 0.05,
        "vertical_crater_retreat": 0.10,
    }
)
#: Mining recovery (fraction of the ore extracted) per mining method (Camm 1991, p. 4; RAEF).
MINE_RECOVERY: Mapping[str, float] = MappingProxyType(
    {
        "open_pit": 0.90,
        "block_caving": 0.95,
        "room_and_pillar": 0.85,
        "vertical_crater_retreat": 0.90,
    }
)
#: Depth of the ore body below its top, in yards per (short ton) ** (1/3), per mining method:
#: RAEF's ore-body shape models (open pit and block caving 0.3772, the "half-sphere model";
#: room and pillar 0.0243, a flat body; vertical crater retreat 0.6853, a steep body).
ORE_BODY_DEPTH: Mapping[str, float] = MappingProxyType(
    {
        "open_pit": 0.3772,
        "block_caving": 0.3772,
        "room_and_pillar": 0.0243,
        "vertical_crater_retreat": 0.6853,
    }
)
#: Shallowest access depth of a room-and-pillar mine, yards (RAEF).
ROOM_AND_PILLAR_MIN_DEPTH_YD = 6.0
#: Open-pit strip ratio ``SR = 18.634 * D**3 / T - 1`` (D in yards, T in short tons); RAEF as
#: shipped with MapWizard, where ``SR = 0`` for a deposit at surface. (The RAEF 2.6.19 script
#: and glossary use 2.225 * 4.1 = 9.1225 with the same or a 0.48 shape factor.)
OPEN_PIT_STRIP_COEFFICIENT = 18.634
#: Open pits of at least this mine capacity (short tons of material per day) use the large-pit
#: cost curves of Camm (1991), smaller ones the small-pit curves.
OPEN_PIT_LARGE_CAPACITY_ST = 20_000.0

#: Mine capital cost, dollars of 1989, against mine capacity C in short tons per day (Camm 1991,
#: p. 28, as coded in RAEF). Underground methods add the access cost (see
#: ``UNDERGROUND_ACCESS_CAPITAL``).
MINE_CAPITAL_COST: Mapping[str, PowerLaw] = MappingProxyType(
    {
        "open_pit_small": PowerLaw(160_000.0, 0.515),
        "open_pit_large": PowerLaw(2_670.0, 0.917),
        "block_caving": PowerLaw(64_800.0, 0.759),
        "room_and_pillar": PowerLaw(97_600.0, 0.644),
        "vertical_crater_retreat": PowerLaw(45_200.0, 0.747),
    }
)
#: Mine operating cost, 1989 dollars per short ton mined, against mine capacity (Camm 1991,
#: p. 28, as coded in RAEF). Underground methods add the access cost.
MINE_OPERATING_COST: Mapping[str, PowerLaw] = MappingProxyType(
    {
        "open_pit_small": PowerLaw(71.0, -0.414),
        "open_pit_large": PowerLaw(5.14, -0.148),
        "block_caving": PowerLaw(48.4, -0.217),
        "room_and_pillar": PowerLaw(35.5, -0.171),
        "vertical_crater_retreat": PowerLaw(51.0, -0.206),
    }
)
#: Underground access (shaft) capital cost ``371 C + 180 D_ft C ** 0.404`` (C in short tons per
#: day, D_ft the depth to the ore body in feet), 1989 dollars (Camm 1991; RAEF).
UNDERGROUND_ACCESS_CAPITAL: tuple[float, float, float] = (371.0, 180.0, 0.404)
#: Underground access operating cost ``2343 / C + 0.44 D_ft / C + 0.00163 D_ft``, 1989 dollars
#: per short ton (Camm 1991; RAEF).
UNDERGROUND_ACCESS_OPERATING: tuple[float, float, float] = (2343.0, 0.44, 0.00163)

# ------------------------------------------------------------------------------------ mills
#: Mill capital cost, 1989 dollars, against mill capacity in short tons of ore per day
#: (Camm 1991, p. 28, as coded in RAEF).
MILL_CAPITAL_COST: Mapping[str, PowerLaw] = MappingProxyType(
    {
        "1_product": PowerLaw(92_600.0, 0.667),
        "2_product": PowerLaw(82_500.0, 0.702),
        "3_product": PowerLaw(83_600.0, 0.708),
        "sx_ew": PowerLaw(14_600.0, 0.596),
        "ccd": PowerLaw(414_000.0, 0.584),
        "cip": PowerLaw(372_000.0, 0.540),
        "au_heap_leach": PowerLaw(296_500.0, 0.512),
        "au_float_roast_leach": PowerLaw(481_000.0, 0.552),
    }
)
#: Mill operating cost, 1989 dollars per short ton of ore milled (Camm 1991, p. 28; RAEF).
MILL_OPERATING_COST: Mapping[str, PowerLaw] = MappingProxyType(
    {
        "1_product": PowerLaw(121.0, -0.336),
        "2_product": PowerLaw(149.0, -0.356),
        "3_product": PowerLaw(153.0, -0.344),
        "sx_ew": PowerLaw(3.0, -0.145),
        "ccd": PowerLaw(128.0, -0.300),
        "cip": PowerLaw(105.0, -0.303),
        "au_heap_leach": PowerLaw(31.5, -0.223),
        "au_float_roast_leach": PowerLaw(101.0, -0.246),
    }
)
#: Metallurgical recovery (fraction) of each commodity by mill type: RAEF's ``MillR.csv``, after
#: Smith (1992, p. 18-19). ``none`` is RAEF's ``AllR`` column (no mill: complete recovery).
MILL_RECOVERY: Mapping[str, Mapping[str, float]] = MappingProxyType(
    {
        mill: MappingProxyType(
            dict(
                zip(
                    ("cu", "mo", "au", "ag", "pb", "zn", "pt", "pd", "ni", "co"),
                    values,
                    strict=True,
                )
            )
        )
        for mill, values in {
            "ccd": (0, 0, 0.92, 0.74, 0, 0, 0, 0, 0, 0),
            "cip": (0, 0, 0.89, 0.5, 0, 0, 0, 0, 0, 0),
            "au_heap_leach": (0, 0, 0.7, 0.4, 0, 0, 0, 0, 0, 0),
            "au_float_roast_leach": (0, 0, 0.88, 0.65, 0, 0, 0, 0, 0, 0),
            "au_free_milling": (0, 0, 0.93, 0, 0, 0, 0, 0, 0, 0),
            "sx_ew": (0.45, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            "1_product": (0.91, 0.9, 0.76, 0.8, 0.9, 0.9, 0.91, 0.83, 0.75, 0),
            "2_product": (0.91, 0.63, 0.76, 0.8, 0.9, 0.9, 0.91, 0.83, 0.75, 0.65),
            "mvt_ore": (0, 0, 0, 0, 0.95, 0.76, 0, 0, 0, 0),
            "3_product": (0.91, 0.63, 0.76, 0.8, 0.9, 0.9, 0.91, 0.83, 0.75, 0.65),
            "pgm_ore": (0.75, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            "none": (1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        }.items()
    }
)
#: Mill choices: the mills with cost curves, ``3_product_omit_lowest`` (3-product flotation that
#: drops the commodity of lowest recoverable value in each deposit), ``user`` (a user-defined
#: curve), ``custom`` (one mill per commodity) and ``none`` (no mill, no mill or smelter costs,
#: complete recovery).
MILL_TYPES: tuple[str, ...] = (
    *MILL_CAPITAL_COST,
    "3_product_omit_lowest",
    "user",
    "custom",
    "none",
)

# --------------------------------------------------------------------- tailings (Camm 1991)
#: Tailings-pond area in acres per 1000 short tons per day of mill capacity, by mine life:
#: ``(life below, acres)`` (Robinson and Menzie 2012, p. 8; RAEF).
TAILINGS_ACRES_PER_KST: tuple[tuple[float, float], ...] = (
    (7.5, 17.0),
    (15.0, 32.0),
    (math.inf, 62.0),
)
#: Tailings pond ``146000 + 1783 A`` dollars (A in acres), dam ``161`` dollars per foot of dam,
#: liner ``5`` dollars per foot plus ``35790`` per acre; 1989 dollars (Camm 1991, p. 17).
TAILINGS_POND_COST: tuple[float, float] = (146_000.0, 1_783.0)
TAILINGS_DAM_COST_PER_FT = 161.0
TAILINGS_LINER_COST: tuple[float, float] = (5.0, 35_790.0)

# -------------------------------------------------------------------- prices and economics
#: Commodity values in 2008 US dollars per metric ton: 1989-2008 means adjusted to 2008 dollars
#: (RAEF ``CValues.csv``; Robinson and Menzie 2012).
COMMODITY_VALUES_2008: Mapping[str, float] = MappingProxyType(
    {
        "cu": 3_813.958,
        "mo": 23_567.174,
        "au": 16_557_636.25,
        "ag": 257_849.015,
        "pb": 584.15,
        "zn": 1_851.864,
        "pt": 25_364_421.0,
        "pd": 8_569_297.0,
        "ni": 14_475.0,
        "co": 54_806.356,
    }
)
#: Source of the default prices, carried into reports.
COMMODITY_VALUES_SOURCE = (
    "RAEF CValues.csv: 1989-2008 mean commodity values in 2008 US dollars per metric ton "
    "(Robinson and Menzie 2012)"
)
#: Marshall & Swift cost index bringing Camm's 1989 cost curves to 2008 dollars: the 1989-2008
#: mean index over the 1989 index (Robinson and Menzie 2012, p. 9; RAEF ``MSC``).
MARSHALL_SWIFT_1989_TO_2008 = 1.26
#: Smelting and refining charge, dollars per pound of recovered copper equivalent (RAEF).
SMELTING_COST_PER_LB = 0.26

_METAL = re.compile(r"^[a-z][a-z0-9]*$")
_GRADE = re.compile(r"^(?P<metal>[a-z][a-z0-9]*)_pct$")


# =============================================================================== helpers
def taylor_mine_life(tonnage_st: Any) -> Any:
    """Mine life in years by Taylor's rule, ``0.2 * T ** 0.25`` (T in short tons).

    Examples
    --------
    >>> float(taylor_mine_life(1e8))
    20.0
    """
    return TAYLOR_COEFFICIENT * np.power(tonnage_st, TAYLOR_EXPONENT)


def taylor_capacity(tonnage_st: Any, days_per_year: float = 350) -> Any:
    """Daily capacity in short tons that works out ``T`` short tons over Taylor's mine life.

    ``C = T / (life * days) = T ** 0.75 / (0.2 * days)``; RAEF writes ``T ** 0.75 / 70`` for
    350 days a year and ``T ** 0.75 / 52`` for 260.

    Examples
    --------
    >>> round(float(taylor_capacity(1e8, 350)), 6)
    14285.714286
    """
    return np.power(tonnage_st, 1.0 - TAYLOR_EXPONENT) / (TAYLOR_COEFFICIENT * days_per_year)


def present_value_factor(rate: float, years: Any) -> Any:
    """Present value of one dollar a year for ``years`` years at ``rate``: an ordinary annuity.

    ``(1 - (1 + rate) ** -years) / rate``, end-of-year payments; ``years`` need not be whole
    (RAEF uses Taylor's life as is). At ``rate = 0`` the factor is ``years``.

    Examples
    --------
    >>> round(float(present_value_factor(0.15, 10)), 6)
    5.018769
    """
    years = np.asarray(years, dtype=float)
    if rate == 0:
        return years
    return (1.0 - np.power(1.0 + rate, -years)) / rate


def _codes(labels: npt.NDArray[Any], names: tuple[str, ...]) -> npt.NDArray[np.int64]:
    """Position of each label in ``names`` (labels are known to be in ``names``)."""
    codes = np.zeros(labels.shape, dtype=np.int64)
    for k, name in enumerate(names):
        codes[labels == name] = k
    return codes


def _tailings_acres_per_kst(life: FloatArray) -> FloatArray:
    bounds = np.array([b for b, _ in TAILINGS_ACRES_PER_KST[:-1]])
    acres = np.array([a for _, a in TAILINGS_ACRES_PER_KST])
    return acres[np.searchsorted(bounds, life, side="right")]


# ================================================================================= spec
def _as_mapping(value: Mapping[str, float] | None, name: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, item in dict(value or {}).items():
        metal = str(key).strip().lower()
        if not _METAL.match(metal):
            msg = f"{name}: {key!r} is not a commodity symbol; use lower-case symbols like 'cu'"
            raise RunConfigError(msg)
        try:
            number = float(item)
        except (TypeError, ValueError) as error:
            msg = f"{name}[{metal!r}] must be a number, got {item!r}"
            raise RunConfigError(msg) from error
        out[metal] = number
    return out


def _check_depths(
    intervals: Iterable[Iterable[float]],
) -> tuple[tuple[float, float, float], ...]:
    try:
        rows = [tuple(float(x) for x in row) for row in intervals]
    except (TypeError, ValueError) as error:
        msg = (
            f"depth_intervals must be a list of (min_m, max_m, probability) rows, got {intervals!r}"
        )
        raise RunConfigError(msg) from error
    if not rows:
        msg = "depth_intervals is empty; give at least one (min_m, max_m, probability) row"
        raise RunConfigError(msg)
    for k, row in enumerate(rows, start=1):
        if len(row) != 3:
            msg = f"depth interval {k}: expected (min_m, max_m, probability), got {row}"
            raise RunConfigError(msg)
        low, high, prob = row
        if not all(np.isfinite(row)) or low < 0 or high < low:
            msg = f"depth interval {k}: need 0 <= min_m <= max_m, got {low:g}-{high:g} m"
            raise RunConfigError(msg)
        if low != round(low) or high != round(high):
            msg = (
                f"depth interval {k}: bounds must be whole metres (depths are drawn as "
                f"whole metres, as in RAEF), got {low:g}-{high:g} m"
            )
            raise RunConfigError(msg)
        if not 0 <= prob <= 1:
            msg = f"depth interval {k}: probability must lie in [0, 1], got {prob:g}"
            raise RunConfigError(msg)
    order = sorted(range(len(rows)), key=lambda k: rows[k][0])
    for a, b in itertools.pairwise(order):
        if rows[b][0] <= rows[a][1]:
            msg = (
                f"depth intervals {a + 1} ({rows[a][0]:g}-{rows[a][1]:g} m) and {b + 1} "
                f"({rows[b][0]:g}-{rows[b][1]:g} m) overlap; each depth belongs to one interval "
                f"(whole metres, bounds included: the next one starts at {rows[a][1] + 1:g} m)"
            )
            raise RunConfigError(msg)
    total = sum(row[2] for row in rows)
    if abs(total - 1.0) > 1e-6:
        listed = ", ".join(f"{r[2]:g}" for r in rows)
        msg = (
            f"depth_intervals: probabilities must sum to 1, but {listed} sum to {total:g}; "
            "rescale them"
        )
        raise RunConfigError(msg)
    return tuple((r[0], r[1], r[2]) for r in rows)


@dataclass(frozen=True, eq=False)
class EconomicFilterSpec:
    """Parameters of the RAEF economic filter, validated on construction.

    Parameters
    ----------
    depth_intervals : sequence of (min_m, max_m, probability)
        Depth to the top of the undiscovered deposits: each deposit falls in interval ``k``
        with the given probability and then at a whole-metre depth drawn uniformly from
        ``min_m .. max_m`` (both included), as RAEF does. Bounds are whole metres >= 0 and the
        probabilities sum to one. RAEF offers one to four intervals; any number is accepted.
    deposit_type : {"massive", "flat_bedded", "vein"}
        Ore-body geometry (RAEF: "Ore body massive / disseminated", "Flat-bedded/stratiform",
        "Vein deposit / steep"), which picks the mining methods (see ``DEPOSIT_TYPES``).
    mine_method : str, optional
        Force one of ``MINE_METHODS`` for every deposit instead of the depth rule.
    open_pit_max_depth_m : float
        Deposits whose top is shallower than this are mined by open pit, deeper ones
        underground (RAEF: 61 m, after Smith 1992, p. 6).
    mill : str
        One of ``MILL_TYPES`` (default ``"3_product"``, RAEF's "3 - Product Flotation").
    commodity_mills : mapping, optional
        With ``mill="custom"``: the mill of each commodity (``"none"`` withdraws it: no value,
        nothing recovered). The costs of every mill named are summed, as in RAEF.
    user_mill_cost : (capital coefficient, capital exponent, operating coefficient, operating \
exponent), optional
        The cost curves of the ``"user"`` mill, in 1989 dollars like Camm's.
    days_per_year : int
        Days of operation a year (RAEF: 350, or 260 for restricted operation).
    tailings_pond, liner : bool
        Include the tailings pond and dam, and the pond liner (which needs the pond).
    investment_rate : float
        Investment rate of return used to discount the cash flow (RAEF default 0.15).
    cost_index : float
        Cost index from Camm's 1989 dollars to the price base year (default 1.26, the Marshall &
        Swift index for 2008 dollars).
    capital_cost_factor, operating_cost_factor : float
        Inflation factors for a costly setting (RAEF's CCIF and OCIF; 1 for a typical mining
        district, about 1.8 and 1.4 for harsh or remote ones).
    smelting_cost_per_lb : float
        Smelting and refining charge per pound of recovered copper equivalent (default 0.26).
    prices : mapping, optional
        Commodity values in base-year dollars per metric ton; they update the defaults
        ``COMMODITY_VALUES_2008``.
    recoveries : mapping, optional
        Metallurgical recoveries (fractions) overriding the mill's values in ``MILL_RECOVERY``.
    commodities : sequence of str, optional
        Commodities to value; by default every ``<metal>_pct`` column of the deposit table.
        Commodities left out earn nothing and recover nothing.
    base_year : int
        Year of the dollars of the prices and of the updated costs.
    price_source : str
        Where the prices come from, for reports.

    Notes
    -----
    All money is in ``base_year`` dollars: Camm's cost curves are multiplied by ``cost_index``
    and by the capital or operating inflation factor, as in RAEF.

    Examples
    --------
    >>> spec = EconomicFilterSpec(depth_intervals=[(0, 250, 0.2), (251, 500, 0.2),
    ...                                            (501, 1000, 0.6)])
    >>> spec.price("cu"), spec.recovery("mo")
    (3813.958, 0.63)
    >>> spec.mining_method(np.array([10.0, 60.0, 61.0])).tolist()
    ['open_pit', 'open_pit', 'block_caving']
    """

    depth_intervals: tuple[tuple[float, float, float], ...]
    deposit_type: str = "massive"
    mine_method: str | None = None
    open_pit_max_depth_m: float = 61.0
    mill: str = "3_product"
    commodity_mills: Mapping[str, str] = field(default_factory=dict)
    user_mill_cost: tuple[float, float, float, float] | None = None
    days_per_year: int = 350
    tailings_pond: bool = True
    liner: bool = True
    investment_rate: float = 0.15
    cost_index: float = MARSHALL_SWIFT_1989_TO_2008
    capital_cost_factor: float = 1.0
    operating_cost_factor: float = 1.0
    smelting_cost_per_lb: float = SMELTING_COST_PER_LB
    prices: Mapping[str, float] = field(default_factory=dict)
    recoveries: Mapping[str, float] = field(default_factory=dict)
    commodities: tuple[str, ...] | None = None
    base_year: int = 2008
    price_source: str = COMMODITY_VALUES_SOURCE

    def __post_init__(self) -> None:
        object.__setattr__(self, "depth_intervals", _check_depths(self.depth_intervals))
        self._check_mining()
        self._check_mills()
        self._check_money()
        self._check_commodities()
        object.__setattr__(self, "base_year", int(self.base_year))

    def _check_mining(self) -> None:
        if self.deposit_type not in DEPOSIT_TYPES:
            msg = (
                f"deposit_type must be one of {', '.join(DEPOSIT_TYPES)}, got {self.deposit_type!r}"
            )
            raise RunConfigError(msg)
        if self.mine_method is not None and self.mine_method not in MINE_METHODS:
            msg = (
                f"mine_method must be one of {', '.join(MINE_METHODS)} or None (the depth "
                f"rule), got {self.mine_method!r}"
            )
            raise RunConfigError(msg)
        if not (np.isfinite(self.open_pit_max_depth_m) and self.open_pit_max_depth_m >= 0):
            msg = f"open_pit_max_depth_m must be a depth >= 0, got {self.open_pit_max_depth_m}"
            raise RunConfigError(msg)
        days = self.days_per_year
        if int(days) != days or not 0 < days <= 366:
            msg = (
                "days_per_year must be a whole number of days in 1..366 (RAEF: 350 or 260), "
                f"got {days}"
            )
            raise RunConfigError(msg)
        object.__setattr__(self, "days_per_year", int(days))
        if self.liner and not self.tailings_pond:
            msg = "liner=True needs tailings_pond=True (the liner lines the pond); set liner=False"
            raise RunConfigError(msg)

    def _check_mills(self) -> None:
        if self.mill not in MILL_TYPES:
            msg = f"mill must be one of {', '.join(MILL_TYPES)}, got {self.mill!r}"
            raise RunConfigError(msg)
        choices = [*MILL_CAPITAL_COST, "user", "none"]
        mills = {
            str(k).strip().lower(): str(v).strip().lower()
            for k, v in dict(self.commodity_mills).items()
        }
        for metal, mill in mills.items():
            if mill not in choices:
                msg = (
                    f"commodity_mills[{metal!r}] must be one of {', '.join(choices)}, got {mill!r}"
                )
                raise RunConfigError(msg)
        if self.mill == "custom" and not mills:
            msg = "mill='custom' needs commodity_mills, e.g. {'cu': '3_product', 'au': 'cip'}"
            raise RunConfigError(msg)
        if mills and self.mill != "custom":
            msg = f"commodity_mills is only used with mill='custom', but mill is {self.mill!r}"
            raise RunConfigError(msg)
        object.__setattr__(self, "commodity_mills", MappingProxyType(mills))
        if self.user_mill_cost is not None:
            cost = tuple(float(x) for x in self.user_mill_cost)
            if len(cost) != 4 or not all(np.isfinite(cost)) or cost[0] < 0 or cost[2] < 0:
                msg = (
                    "user_mill_cost must be four finite numbers (capital coefficient >= 0, "
                    "capital exponent, operating coefficient >= 0, operating exponent), got "
                    f"{self.user_mill_cost!r}"
                )
                raise RunConfigError(msg)
            object.__setattr__(self, "user_mill_cost", cost)
        elif self.mill == "user" or "user" in mills.values():
            msg = (
                "the 'user' mill needs user_mill_cost = (capital coefficient, capital exponent, "
                "operating coefficient, operating exponent), e.g. (83600, 0.708, 153, -0.344)"
            )
            raise RunConfigError(msg)

    def _check_money(self) -> None:
        if not (np.isfinite(self.investment_rate) and -1 < self.investment_rate <= 1):
            msg = f"investment_rate must lie in (-1, 1], e.g. 0.15; got {self.investment_rate}"
            raise RunConfigError(msg)
        for name in ("cost_index", "capital_cost_factor", "operating_cost_factor"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                msg = f"{name} must be a number > 0, got {value}"
                raise RunConfigError(msg)
        if not (np.isfinite(self.smelting_cost_per_lb) and self.smelting_cost_per_lb >= 0):
            msg = f"smelting_cost_per_lb must be >= 0, got {self.smelting_cost_per_lb}"
            raise RunConfigError(msg)
        prices = dict(COMMODITY_VALUES_2008)
        prices.update(_as_mapping(self.prices, "prices"))
        for metal, price in prices.items():
            if not (np.isfinite(price) and price >= 0):
                msg = f"prices[{metal!r}] must be a value >= 0 in dollars per tonne, got {price}"
                raise RunConfigError(msg)
        object.__setattr__(self, "prices", MappingProxyType(prices))
        recoveries = _as_mapping(self.recoveries, "recoveries")
        for metal, recovery in recoveries.items():
            if not 0 <= recovery <= 1:
                msg = f"recoveries[{metal!r}] must be a fraction in [0, 1], got {recovery}"
                raise RunConfigError(msg)
        object.__setattr__(self, "recoveries", MappingProxyType(recoveries))

    def _check_commodities(self) -> None:
        if self.commodities is None:
            return
        metals = tuple(str(m).strip().lower() for m in self.commodities)
        bad = [m for m in metals if not _METAL.match(m)]
        if bad or not metals or len(set(metals)) != len(metals):
            msg = (
                "commodities must be distinct lower-case symbols like ('cu', 'mo'), got "
                f"{self.commodities!r}"
            )
            raise RunConfigError(msg)
        object.__setattr__(self, "commodities", metals)

    # ------------------------------------------------------------------ look-ups
    def price(self, commodity: str) -> float:
        """Value of ``commodity`` in base-year dollars per metric ton."""
        try:
            return float(self.prices[commodity])
        except KeyError:
            msg = (
                f"no price for commodity {commodity!r} (column {commodity}_pct); add it to "
                f"prices, e.g. prices={{{commodity!r}: 1000.0}} in dollars per tonne, or leave "
                "it out of commodities"
            )
            raise RunConfigError(msg) from None

    def mill_of(self, commodity: str) -> str:
        """The mill that treats ``commodity`` (``"none"`` if withdrawn)."""
        if self.mill == "custom":
            try:
                return self.commodity_mills[commodity]
            except KeyError:
                msg = (
                    f"mill='custom' but commodity_mills names no mill for {commodity!r}; add "
                    f"{commodity!r}: '<mill>' (or 'none' to withdraw it)"
                )
                raise RunConfigError(msg) from None
        return "3_product" if self.mill == "3_product_omit_lowest" else self.mill

    def recovery(self, commodity: str) -> float:
        """Metallurgical recovery (fraction) of ``commodity`` by its mill."""
        mill = self.mill_of(commodity)
        if mill == "none" and self.mill == "custom":
            return 0.0  # withdrawn from the custom mill: no value, nothing recovered
        if commodity in self.recoveries:
            return float(self.recoveries[commodity])
        if mill == "none":
            return 1.0  # no mill: RAEF reports complete recovery (its AllR column)
        table = MILL_RECOVERY.get(mill, {})
        if commodity not in table:
            msg = (
                f"no metallurgical recovery for {commodity!r} by mill {mill!r}; add it to "
                f"recoveries, e.g. recoveries={{{commodity!r}: 0.85}}"
            )
            raise RunConfigError(msg)
        return float(table[commodity])

    def mill_curves(self, mill: str) -> tuple[PowerLaw, PowerLaw]:
        """Capital and operating cost curves of ``mill`` (1989 dollars)."""
        if mill == "user":
            if self.user_mill_cost is None:  # excluded by validation; kept for type checkers
                msg = "the 'user' mill needs user_mill_cost"
                raise RunConfigError(msg)
            ka, kb, oa, ob = self.user_mill_cost
            return PowerLaw(ka, kb), PowerLaw(oa, ob)
        return MILL_CAPITAL_COST[mill], MILL_OPERATING_COST[mill]

    def mills_used(self, commodities: Iterable[str]) -> tuple[str, ...]:
        """Mills whose costs apply when treating ``commodities`` (none for ``mill="none"``)."""
        mills = {self.mill_of(m) for m in commodities} - {"none"}
        return tuple(sorted(mills))

    def mining_method(self, depth_m: npt.ArrayLike) -> npt.NDArray[np.str_]:
        """Mining method for deposits whose tops lie at ``depth_m`` metres."""
        depth = np.asarray(depth_m, dtype=float)
        if self.mine_method is not None:
            return np.full(depth.shape, self.mine_method)
        shallow, deep = DEPOSIT_TYPES[self.deposit_type]
        return np.where(depth < self.open_pit_max_depth_m, shallow, deep)

    def to_dict(self) -> dict[str, Any]:
        """The specification as plain values (the keys of a ``[economic_filter]`` TOML table)."""
        return {
            "depth_intervals": [list(row) for row in self.depth_intervals],
            "deposit_type": self.deposit_type,
            "mine_method": self.mine_method,
            "open_pit_max_depth_m": self.open_pit_max_depth_m,
            "mill": self.mill,
            "commodity_mills": dict(self.commodity_mills),
            "user_mill_cost": None if self.user_mill_cost is None else list(self.user_mill_cost),
            "days_per_year": self.days_per_year,
            "tailings_pond": self.tailings_pond,
            "liner": self.liner,
            "investment_rate": self.investment_rate,
            "cost_index": self.cost_index,
            "capital_cost_factor": self.capital_cost_factor,
            "operating_cost_factor": self.operating_cost_factor,
            "smelting_cost_per_lb": self.smelting_cost_per_lb,
            "prices": dict(self.prices),
            "recoveries": dict(self.recoveries),
            "commodities": None if self.commodities is None else list(self.commodities),
            "base_year": self.base_year,
            "price_source": self.price_source,
        }


# ======================================================================== the filter
def _commodities(deposits: pd.DataFrame, spec: EconomicFilterSpec) -> list[str]:
    in_table = [m["metal"] for c in deposits.columns if (m := _GRADE.match(str(c)))]
    if spec.commodities is None:
        if not in_table:
            msg = (
                "deposits: no grade column; the economic filter needs <metal>_pct columns "
                f"(grades in percent, e.g. cu_pct); the table has {', '.join(map(str, deposits))}"
            )
            raise ValidationError(msg)
        return in_table
    missing = [m for m in spec.commodities if m not in in_table]
    if missing:
        msg = (
            f"deposits: commodities {', '.join(missing)} have no grade column "
            f"({', '.join(f'{m}_pct' for m in missing)}); add the columns or drop them from "
            "spec.commodities"
        )
        raise ValidationError(msg)
    return list(spec.commodities)


def _validate_deposits(deposits: pd.DataFrame, metals: list[str]) -> tuple[FloatArray, FloatArray]:
    require_columns(deposits, ["ore_t"], name="deposits")
    ore = pd.to_numeric(deposits["ore_t"], errors="coerce").to_numpy(dtype=float)
    bad = deposits.index[~(np.isfinite(ore) & (ore > 0))]
    if len(bad):
        msg = (
            f"deposits: ore_t must be a tonnage > 0 (tonnes), but is not in {format_rows(bad)} "
            f"(e.g. {deposits.loc[bad[0], 'ore_t']!r}); drop or fix those deposits"
        )
        raise ValidationError(msg)
    grades = np.empty((len(deposits), len(metals)))
    for j, metal in enumerate(metals):
        column = f"{metal}_pct"
        values = pd.to_numeric(deposits[column], errors="coerce").to_numpy(dtype=float)
        bad = deposits.index[~(np.isfinite(values) & (values >= 0) & (values <= 100))]
        if len(bad):
            msg = (
                f"deposits: {column} must be a grade in percent (0 to 100), but is not in "
                f"{format_rows(bad)} (e.g. {deposits.loc[bad[0], column]!r}); fix those grades"
            )
            raise ValidationError(msg)
        grades[:, j] = values
    return ore, grades


def _draw_depths(
    spec: EconomicFilterSpec, n: int, rng: np.random.Generator
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    table = np.array(spec.depth_intervals)
    cumulative = np.cumsum(table[:, 2] / table[:, 2].sum())
    cumulative[-1] = 1.0
    classes = np.searchsorted(cumulative, rng.random(n), side="right")
    low = table[classes, 0].astype(np.int64)
    high = table[classes, 1].astype(np.int64)
    depth = rng.integers(low, high, endpoint=True).astype(float) if n else np.zeros(0)
    return classes.astype(np.int64) + 1, depth


class _Mine(NamedTuple):
    """Per-deposit mine quantities (arrays): see :func:`_mine_costs`."""

    recovery: FloatArray
    strip_ratio: FloatArray
    capacity: FloatArray
    mill_capacity: FloatArray
    capital: FloatArray
    operating: FloatArray


def _mine_costs(
    method: npt.NDArray[np.str_], tons: FloatArray, depth_m: FloatArray, days: float
) -> _Mine:
    """Mine and mill capacities, mine capital (1989 $) and operating cost (1989 $/st)."""
    code = _codes(method, MINE_METHODS)
    is_pit = method == "open_pit"
    dilution = np.array([MINE_DILUTION[m] for m in MINE_METHODS])[code]
    recovery = np.array([MINE_RECOVERY[m] for m in MINE_METHODS])[code]
    shape = np.array([ORE_BODY_DEPTH[m] for m in MINE_METHODS])[code]
    depth_yd = shape * np.cbrt(tons) + _YARDS_PER_METRE * depth_m
    depth_yd = np.where(
        method == "room_and_pillar", np.maximum(depth_yd, ROOM_AND_PILLAR_MIN_DEPTH_YD), depth_yd
    )
    ore = (1.0 + dilution) * recovery * tons
    strip = np.where(is_pit, OPEN_PIT_STRIP_COEFFICIENT * depth_yd**3 / tons - 1.0, np.nan)
    # RAEF sizes the mine on ore plus waste: the stripped waste for open pits, the dilution
    # once more for room and pillar and vertical crater retreat, nothing more for block caving.
    twice_diluted = np.isin(method, ["room_and_pillar", "vertical_crater_retreat"])
    material = np.where(is_pit, strip + 1.0, np.where(twice_diluted, 1.0 + dilution, 1.0)) * ore
    capacity = taylor_capacity(material, days)
    mill_capacity = taylor_capacity(ore, days)

    large = is_pit & (capacity >= OPEN_PIT_LARGE_CAPACITY_ST)
    curve = np.where(is_pit, np.where(large, "open_pit_large", "open_pit_small"), method)
    names = tuple(MINE_CAPITAL_COST)
    index = _codes(curve, names)
    capital_a = np.array([MINE_CAPITAL_COST[k].coefficient for k in names])[index]
    capital_b = np.array([MINE_CAPITAL_COST[k].exponent for k in names])[index]
    operating_a = np.array([MINE_OPERATING_COST[k].coefficient for k in names])[index]
    operating_b = np.array([MINE_OPERATING_COST[k].exponent for k in names])[index]
    capital = capital_a * capacity**capital_b
    operating = operating_a * capacity**operating_b
    underground = ~is_pit
    depth_ft = _FEET_PER_YARD * depth_yd
    k1, k2, k3 = UNDERGROUND_ACCESS_CAPITAL
    o1, o2, o3 = UNDERGROUND_ACCESS_OPERATING
    capital = capital + underground * (k1 * capacity + k2 * depth_ft * capacity**k3)
    operating = operating + underground * (o1 / capacity + o2 * depth_ft / capacity + o3 * depth_ft)
    return _Mine(recovery, strip, capacity, mill_capacity, capital, operating)


def _tailings_capital(
    spec: EconomicFilterSpec, life: FloatArray, mill_capacity: FloatArray
) -> FloatArray:
    """Capital cost (1989 $) of the tailings pond, dam and liner."""
    acres = _tailings_acres_per_kst(life) * mill_capacity / 1000.0
    dam_ft = 4.0 * np.sqrt(_SQUARE_FEET_PER_ACRE * acres)
    tailings = np.zeros(life.shape)
    if spec.tailings_pond:
        pond_fixed, pond_per_acre = TAILINGS_POND_COST
        tailings = pond_fixed + pond_per_acre * acres + TAILINGS_DAM_COST_PER_FT * dam_ft
    if spec.liner:
        per_ft, per_acre = TAILINGS_LINER_COST
        tailings = tailings + per_ft * dam_ft + per_acre * acres
    return tailings


def economic_filter(
    deposits: pd.DataFrame,
    spec: EconomicFilterSpec,
    *,
    seed: SeedLike = None,
) -> pd.DataFrame:
    """Evaluate every simulated deposit with the RAEF engineering cost models.

    Parameters
    ----------
    deposits : pandas.DataFrame
        bornite's per-deposit simulation table: ``ore_t`` (tonnes) and ``<metal>_pct`` grades in
        percent; usually also ``trial``, ``n_deposits``, ``deposit`` and contained ``<metal>_t``
        (kept as they are; ``<metal>_t`` is added when missing).
    spec : EconomicFilterSpec
        Filter parameters.
    seed : int, Generator or None
        Seed of the depth draws (the only random step).

    Returns
    -------
    pandas.DataFrame
        The input columns, same index, followed by: ``depth_class`` (1-based interval),
        ``depth_m``, ``mine_method``, ``life_years``, ``strip_ratio`` (open pit; NaN otherwise),
        ``mine_capacity_st_per_day`` and ``mill_capacity_st_per_day`` (short tons a day),
        ``mine_capital_usd``, ``mill_capital_usd``, ``tailings_capital_usd``, ``capital_usd``,
        ``mine_operating_usd_per_st``, ``mill_operating_usd_per_st``,
        ``smelting_usd_per_year``, ``operating_usd_per_year``, ``ore_value_usd_per_st``,
        ``cu_eq_pct``, ``<metal>_revenue_usd_per_year``, ``revenue_usd_per_year``,
        ``cash_flow_usd_per_year``, ``pv_usd``, ``npv_usd``, ``economic`` (``npv_usd > 0``),
        ``<metal>_recovered_t`` (what mining and milling would recover) and
        ``<metal>_economic_t`` (the same for economic deposits, zero otherwise). Money is in
        ``spec.base_year`` dollars, with the cost index and inflation factors applied.

    Raises
    ------
    ValidationError
        If ``ore_t`` is missing, not positive or not finite, or a grade is outside 0-100 %,
        naming the rows.
    RunConfigError
        If a commodity has no price or no recovery for its mill.

    Notes
    -----
    With ``T`` the ore in short tons, ``d`` the depth to the deposit top in metres, ``DF`` and
    ``RF`` the dilution and mining recovery of the method, and ``D = k T**(1/3) + d`` in yards
    the depth of the ore body (``k`` from ``ORE_BODY_DEPTH``; at least 6 yd for room and
    pillar), RAEF computes per deposit::

        life     L  = 0.2 T**0.25                                  (Taylor's rule)
        strip    SR = 18.634 D**3 / T - 1                           (open pit only)
        material M  = (SR + 1)(1 + DF) RF T   open pit
                      (1 + DF) RF T           block caving
                      (1 + DF)**2 RF T        room and pillar, vertical crater retreat
        capacity C  = M**0.75 / (0.2 days),  C_mill = ((1 + DF) RF T)**0.75 / (0.2 days)
        mine     K_mine = a C**b [+ 371 C + 180 (3D) C**0.404]           (+ underground)
                 k_mine = a' C**b' [+ 2343/C + 0.44 (3D)/C + 0.00163 (3D)]
        mill     K_mill = sum over mills a C_mill**b,  k_mill = sum a' C_mill**b'
        tailings A = f(L) C_mill / 1000 acres, f = 17, 32, 62 for L < 7.5, < 15, >= 15;
                 pond 146000 + 1783 A, dam 161 * 4 sqrt(43560 A), liner 5 * 4 sqrt(43560 A)
                 + 35790 A
        value    v = sum_i 0.907 P_i r_i g_i / 100        ($ per short ton of ore)
        CuEq     = 100 v / (0.907 r_Cu P_Cu)
        smelting S = 0.26 * 2000 T (CuEq / 100) RF r_Cu / L            ($ a year)
        capital  K = MSC CCIF (K_mine + K_tailings + K_mill)
        opex     O = MSC OCIF (C k_mine days + C_mill k_mill days + S)
        revenue  R = v C_mill days
        NPV      = (R - O) (1 - (1 + i)**-L) / i - K

    that is, the capital is spent at once at time zero and the constant cash flow ``R - O``
    arrives at the end of each year of Taylor's (fractional) life ``L``, discounted at the
    investment rate ``i`` (an ordinary annuity; no taxes, royalties, depreciation,
    pre-production period or closure cost). A deposit is economic when ``NPV > 0``; its
    recovered metal is ``RF r_i g_i / 100`` times the ore tonnage. With
    ``mill="3_product_omit_lowest"`` the commodity with the lowest recoverable value in each
    deposit earns and recovers nothing. Open pits switch from the small-pit to the large-pit
    cost curves at 20000 short tons a day.

    References
    ----------
    Camm (1991); Robinson and Menzie (2012); Shapiro and Robinson (2019), RAEF user guide and
    variable glossary. See the module docstring.

    Examples
    --------
    >>> deposits = pd.DataFrame({"trial": [1, 1], "ore_t": [5e8, 5e6],
    ...                          "cu_pct": [0.6, 0.3], "mo_pct": [0.02, 0.0]})
    >>> spec = EconomicFilterSpec(depth_intervals=[(0, 0, 1.0)])
    >>> out = economic_filter(deposits, spec, seed=1)
    >>> out["mine_method"].tolist(), out["economic"].tolist()
    (['open_pit', 'open_pit'], [True, False])
    >>> float(out.loc[0, "cu_economic_t"])  # mining 0.90 x mill 0.91 x 0.6 % x 5e8 t
    2457000.0
    """
    metals = _commodities(deposits, spec)
    ore_t, grades = _validate_deposits(deposits, metals)
    prices = np.array([spec.price(m) for m in metals])
    recoveries = np.array([spec.recovery(m) for m in metals])
    mills = spec.mills_used(metals)
    n = len(deposits)
    days = float(spec.days_per_year)

    rng = as_generator(seed)
    depth_class, depth_m = _draw_depths(spec, n, rng)
    method = spec.mining_method(depth_m)

    tons = ore_t / SHORT_TON_T
    life = taylor_mine_life(tons)
    mine = _mine_costs(method, tons, depth_m, days)
    mill_capacity = mine.mill_capacity
    mining_recovery = mine.recovery
    mill_capital = np.zeros(n)
    mill_operating = np.zeros(n)
    for mill in mills:
        capital_curve, operating_curve = spec.mill_curves(mill)
        mill_capital = mill_capital + capital_curve(mill_capacity)
        mill_operating = mill_operating + operating_curve(mill_capacity)
    tailings = _tailings_capital(spec, life, mill_capacity)

    # Ore value ($ per short ton of ore) by commodity.
    value = SHORT_TON_T * prices * recoveries * grades / 100.0
    recovered_share = np.broadcast_to(recoveries, grades.shape).copy()
    if spec.mill == "3_product_omit_lowest" and len(metals) > 1 and n:
        lowest = np.argmin(value, axis=1)
        value[np.arange(n), lowest] = 0.0
        recovered_share[np.arange(n), lowest] = 0.0
    ore_value = value.sum(axis=1)
    cu_price = spec.price("cu")
    try:
        cu_recovery = spec.recovery("cu")
    except RunConfigError:
        cu_recovery = MILL_RECOVERY["3_product"]["cu"]  # RAEF's fallback when Cu is absent
    smelts = bool(mills)
    with np.errstate(divide="ignore", invalid="ignore"):
        cu_eq = np.where(
            cu_recovery * cu_price > 0,
            100.0 * ore_value / (SHORT_TON_T * cu_recovery * cu_price),
            np.nan,
        )
        # S = s * 2000 T (CuEq/100) RF r_Cu / L; r_Cu cancels, so no copper recovery is needed.
        smelting = (
            smelts
            * spec.smelting_cost_per_lb
            * _POUNDS_PER_SHORT_TON
            * tons
            * mining_recovery
            * ore_value
            / (SHORT_TON_T * cu_price)
            / life
            if cu_price > 0
            else np.zeros(n)
        )

    capital_scale = spec.cost_index * spec.capital_cost_factor
    operating_scale = spec.cost_index * spec.operating_cost_factor
    capital = capital_scale * (mine.capital + mill_capital + tailings)
    operating = operating_scale * (
        mine.capacity * mine.operating * days + mill_capacity * mill_operating * days + smelting
    )
    revenue_by_metal = value * (mill_capacity * days)[:, None]
    revenue = ore_value * mill_capacity * days
    cash_flow = revenue - operating
    pv = cash_flow * present_value_factor(spec.investment_rate, life)
    npv = pv - capital
    economic = npv > 0
    recovered = mining_recovery[:, None] * recovered_share * grades / 100.0 * ore_t[:, None]

    columns: dict[str, Any] = {
        "depth_class": depth_class,
        "depth_m": depth_m,
        "mine_method": method.astype(object),
        "life_years": life,
        "strip_ratio": mine.strip_ratio,
        "mine_capacity_st_per_day": mine.capacity,
        "mill_capacity_st_per_day": mill_capacity,
        "mine_capital_usd": capital_scale * mine.capital,
        "mill_capital_usd": capital_scale * mill_capital,
        "tailings_capital_usd": capital_scale * tailings,
        "capital_usd": capital,
        "mine_operating_usd_per_st": operating_scale * mine.operating,
        "mill_operating_usd_per_st": operating_scale * mill_operating,
        "smelting_usd_per_year": operating_scale * smelting,
        "operating_usd_per_year": operating,
        "ore_value_usd_per_st": ore_value,
        "cu_eq_pct": cu_eq,
        **{f"{m}_revenue_usd_per_year": revenue_by_metal[:, j] for j, m in enumerate(metals)},
        "revenue_usd_per_year": revenue,
        "cash_flow_usd_per_year": cash_flow,
        "pv_usd": pv,
        "npv_usd": npv,
        "economic": economic,
        **{f"{m}_recovered_t": recovered[:, j] for j, m in enumerate(metals)},
        **{
            f"{m}_economic_t": np.where(economic, recovered[:, j], 0.0)
            for j, m in enumerate(metals)
        },
    }
    out = deposits.drop(columns=[c for c in deposits.columns if c in columns])
    for j, metal in enumerate(metals):
        if f"{metal}_t" not in out.columns:
            out[f"{metal}_t"] = ore_t * grades[:, j] / 100.0
    result = pd.concat([out, pd.DataFrame(columns, index=deposits.index)], axis=1)
    result.attrs.update(deposits.attrs)
    result.attrs["economic_filter"] = spec.to_dict()
    result.attrs["commodities"] = metals
    logger.debug("economic filter: %d of %d deposits economic", int(economic.sum()), n)
    return result


# ========================================================================== summaries
def economic_totals(filtered: pd.DataFrame, n_trials: int) -> pd.DataFrame:
    """Per-trial totals of contained and economic metal from :func:`economic_filter` output.

    Parameters
    ----------
    filtered : pandas.DataFrame
        Output of :func:`economic_filter` with a ``trial`` column (1-based).
    n_trials : int
        Number of Monte Carlo trials; trials with no deposits (no rows) count as zeros.

    Returns
    -------
    pandas.DataFrame
        One row per trial ``1 .. n_trials``: ``trial``, ``n_deposits``, ``n_economic``,
        ``economic_fraction`` (``n_economic / n_deposits``; NaN without deposits), ``ore_t``,
        ``economic_ore_t`` (ore of the economic deposits), contained ``<metal>_t``, recovered
        ``<metal>_economic_t`` and ``npv_usd`` (sum of the economic deposits' NPVs; RAEF's
        ``NPV_Tract``).

    Examples
    --------
    >>> f = pd.DataFrame({"trial": [1, 1, 3], "ore_t": [1e6, 2e6, 4e6],
    ...                   "cu_t": [10.0, 20.0, 40.0], "cu_economic_t": [9.0, 0.0, 36.0],
    ...                   "npv_usd": [5.0, -1.0, 7.0], "economic": [True, False, True]})
    >>> t = economic_totals(f, 3)
    >>> t["cu_economic_t"].tolist(), t["n_economic"].tolist(), t["npv_usd"].tolist()
    ([9.0, 0.0, 36.0], [1, 0, 1], [5.0, 0.0, 7.0])
    """
    require_columns(filtered, ["trial", "ore_t", "economic", "npv_usd"], name="filtered")
    if int(n_trials) != n_trials or n_trials < 1:
        msg = f"n_trials must be a whole number >= 1, got {n_trials}"
        raise ValidationError(msg)
    trial = pd.to_numeric(filtered["trial"], errors="coerce").to_numpy(dtype=float)
    bad = filtered.index[
        ~(np.isfinite(trial) & (trial >= 1) & (trial <= n_trials) & (trial == np.round(trial)))
    ]
    if len(bad):
        msg = (
            f"filtered: trial must be a whole number in 1..{n_trials} (n_trials), but is not in "
            f"{format_rows(bad)}; pass the number of trials of the simulation"
        )
        raise ValidationError(msg)
    metals = filtered.attrs.get("commodities") or [
        str(c)[: -len("_economic_t")] for c in filtered.columns if str(c).endswith("_economic_t")
    ]
    economic = filtered["economic"].to_numpy(dtype=bool)
    frame = pd.DataFrame(
        {
            "trial": trial.astype(np.int64),
            "n_deposits": 1,
            "n_economic": economic.astype(np.int64),
            "ore_t": filtered["ore_t"].to_numpy(dtype=float),
            "economic_ore_t": np.where(economic, filtered["ore_t"].to_numpy(dtype=float), 0.0),
            **{f"{m}_t": filtered[f"{m}_t"].to_numpy(dtype=float) for m in metals},
            **{
                f"{m}_economic_t": filtered[f"{m}_economic_t"].to_numpy(dtype=float) for m in metals
            },
            "npv_usd": np.where(economic, filtered["npv_usd"].to_numpy(dtype=float), 0.0),
        }
    )
    sums = frame.groupby("trial").sum()
    totals = sums.reindex(pd.RangeIndex(1, int(n_trials) + 1, name="trial"), fill_value=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = totals["n_economic"] / totals["n_deposits"].where(totals["n_deposits"] > 0)
    totals.insert(2, "economic_fraction", fraction)
    return totals.reset_index()


def summarize_economic(filtered: pd.DataFrame, n_trials: int) -> pd.DataFrame:
    """Quantiles of the per-trial contained and economic totals, as RAEF's statistics table.

    Parameters
    ----------
    filtered : pandas.DataFrame
        Output of :func:`economic_filter` with a ``trial`` column.
    n_trials : int
        Number of Monte Carlo trials (trials with no deposits count as zeros).

    Returns
    -------
    pandas.DataFrame
        Index ``quantity`` (``n_deposits``, ``n_economic``, ``ore_t``, ``economic_ore_t``,
        ``<metal>_t``, ``<metal>_economic_t``, ``npv_usd``); columns ``q05 q10 q25 q50 q75 q90
        q95`` (R's type 7), ``mean``, ``sd``, ``p0`` (fraction of trials with zero),
        ``p_gt_mean`` and ``fraction``: for an economic quantity its mean over the mean of
        the contained one (``economic_ore_t / ore_t``, ``cu_economic_t / cu_t``,
        ``n_economic / n_deposits``, the last being the fraction of deposits that are
        economic); NaN for the others.

    Examples
    --------
    >>> f = pd.DataFrame({"trial": [1, 1, 3], "ore_t": [1e6, 2e6, 4e6],
    ...                   "cu_t": [10.0, 20.0, 40.0], "cu_economic_t": [9.0, 0.0, 36.0],
    ...                   "npv_usd": [5.0, -1.0, 7.0], "economic": [True, False, True]})
    >>> s = summarize_economic(f, 4)
    >>> s.loc["cu_economic_t", ["mean", "p0", "fraction"]].tolist()
    [11.25, 0.5, 0.6428571428571429]
    >>> float(s.loc["n_economic", "fraction"])
    0.6666666666666666
    """
    totals = economic_totals(filtered, n_trials)
    metals = [
        str(c)[: -len("_economic_t")] for c in totals.columns if str(c).endswith("_economic_t")
    ]
    quantities = [
        "n_deposits",
        "n_economic",
        "ore_t",
        "economic_ore_t",
        *(f"{m}_t" for m in metals),
        *(f"{m}_economic_t" for m in metals),
        "npv_usd",
    ]
    table = summarize_totals(totals.astype({"n_deposits": float, "n_economic": float}), quantities)
    pairs = {
        "n_economic": "n_deposits",
        "economic_ore_t": "ore_t",
        **{f"{m}_economic_t": f"{m}_t" for m in metals},
    }
    means = {str(k): float(v) for k, v in table["mean"].items()}
    table["fraction"] = [
        means[name] / means[pairs[name]] if name in pairs and means[pairs[name]] > 0 else np.nan
        for name in table.index
    ]
    return table
