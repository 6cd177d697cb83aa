"""Economic block values: what a block is worth mined as ore or as waste.

A :class:`PitEconomics` specification holds prices, recoveries and costs; :func:`block_values`
turns a block model into per-block tonnes, net revenue, costs, the process-or-waste decision
and the value, at any revenue factor (the multiplier of the metal prices used for nested
shells).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import xarray as xr

from bornite.blockmodel.grid import DIMS
from bornite.core.units import is_grade_column, parse_grade_column, to_mass_fraction
from bornite.errors import ValidationError

__all__ = ["PitEconomics", "block_values", "breakeven_grade", "domain_label", "value_at"]

FloatArray = npt.NDArray[np.float64]


def _fraction(value: Any, where: str, *, upper: float = 1.0, strict_low: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        msg = f"{where} must be a number, got {value!r}"
        raise ValidationError(msg) from error
    low_ok = number > 0.0 if strict_low else number >= 0.0
    if not (math.isfinite(number) and low_ok and number <= upper):
        low = "> 0" if strict_low else ">= 0"
        msg = f"{where} must be {low} and <= {upper:g}, got {value!r}"
        raise ValidationError(msg)
    return number


def _by_element(value: Any, where: str, elements: set[str], *, upper: float) -> dict[str, float]:
    if isinstance(value, Mapping):
        unknown = sorted(set(map(str, value)) - elements)
        if unknown:
            msg = (
                f"{where}: no price for element(s) {', '.join(unknown)}; give prices for them "
                f"or remove them (priced: {', '.join(sorted(elements))})"
            )
            raise ValidationError(msg)
        return {str(k).lower(): _fraction(v, f"{where} {k}", upper=upper) for k, v in value.items()}
    number = _fraction(value, where, upper=upper)
    return dict.fromkeys(elements, number)


@dataclass(frozen=True)
class PitEconomics:
    """Prices, recoveries and costs that value the blocks of a pit.

    Money is in US dollars of one stated year, masses in tonnes.

    Parameters
    ----------
    prices : mapping of str to float
        Metal price in USD per tonne of payable metal, by lower-case element (``{"cu": 9000}``).
    recovery : float or mapping of str to float
        Metallurgical recovery (0-1), one for every element or by element.
    domain_recovery : mapping of str to (float or mapping), optional
        Recovery for blocks of a given domain (e.g. ``{"oxide": {"cu": 0.6}}``), overriding
        ``recovery`` there; elements left out keep ``recovery``.
    mining_cost : float
        Mining cost in USD per tonne of rock at or above ``reference_elevation``.
    mining_cost_increment : float
        Additional mining cost in USD per tonne for each metre below ``reference_elevation``
        (haulage from depth).
    reference_elevation : float, optional
        Elevation (m) where the depth increment starts (default: the top of the model).
    processing_cost : float
        Processing (and general and administrative) cost in USD per tonne of ore milled.
    selling_cost : float or mapping of str to float
        Selling, smelting and refining cost in USD per tonne of payable metal.
    royalty : float
        Royalty as a fraction (0-1) of the net smelter return.
    dilution : float
        Mining dilution (>= 0): ore tonnes are increased by this fraction at zero grade.
    mining_recovery : float
        Fraction (0-1] of an ore block's tonnes that reach the mill; the rest is lost.
    year : int, optional
        Base year of the dollars.

    Examples
    --------
    >>> e = PitEconomics(prices={"cu": 9000.0}, recovery=0.9, processing_cost=10.0)
    >>> e.recovery_for("cu"), e.net_price("cu")
    (0.9, 9000.0)
    >>> PitEconomics(prices={"cu": -1.0})
    Traceback (most recent call last):
    ...
    bornite.errors.ValidationError: price of cu must be > 0 USD/t, got -1.0
    """

    prices: Mapping[str, float]
    recovery: float | Mapping[str, float] = 0.85
    domain_recovery: Mapping[str, float | Mapping[str, float]] = field(default_factory=dict)
    mining_cost: float = 2.0
    mining_cost_increment: float = 0.0
    reference_elevation: float | None = None
    processing_cost: float = 8.0
    selling_cost: float | Mapping[str, float] = 0.0
    royalty: float = 0.0
    dilution: float = 0.0
    mining_recovery: float = 1.0
    year: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.prices, Mapping) or not self.prices:
            msg = 'prices must map an element to its price in USD/t, e.g. {"cu": 9000.0}'
            raise ValidationError(msg)
        prices: dict[str, float] = {}
        for key, value in self.prices.items():
            try:
                price = float(value)
            except (TypeError, ValueError) as error:
                msg = f"price of {key} must be a number (USD/t), got {value!r}"
                raise ValidationError(msg) from error
            if not (math.isfinite(price) and price > 0):
                msg = f"price of {key} must be > 0 USD/t, got {value!r}"
                raise ValidationError(msg)
            prices[str(key).lower()] = price
        elements = set(prices)
        object.__setattr__(self, "prices", prices)
        object.__setattr__(
            self, "recovery", _by_element(self.recovery, "recovery", elements, upper=1.0)
        )
        if not isinstance(self.domain_recovery, Mapping):
            msg = "domain_recovery must map a domain name to a recovery (or one per element)"
            raise ValidationError(msg)
        domains = {
            str(name): _by_element(value, f"domain_recovery {name!r}", elements, upper=1.0)
            for name, value in self.domain_recovery.items()
        }
        object.__setattr__(self, "domain_recovery", domains)
        selling = _by_element(self.selling_cost, "selling_cost", elements, upper=math.inf)
        for element, cost in selling.items():
            if cost >= prices[element]:
                msg = (
                    f"selling_cost of {element} ({cost:g} USD/t) must be below its price "
                    f"({prices[element]:g} USD/t)"
                )
                raise ValidationError(msg)
        object.__setattr__(self, "selling_cost", selling)
        for name in ("mining_cost", "mining_cost_increment", "processing_cost", "dilution"):
            object.__setattr__(self, name, _fraction(getattr(self, name), name, upper=math.inf))
        object.__setattr__(self, "royalty", _fraction(self.royalty, "royalty", upper=1.0))
        if self.royalty >= 1.0:
            msg = f"royalty must be below 1 (a fraction of the NSR), got {self.royalty}"
            raise ValidationError(msg)
        object.__setattr__(
            self,
            "mining_recovery",
            _fraction(self.mining_recovery, "mining_recovery", strict_low=True),
        )
        if self.reference_elevation is not None:
            reference = float(self.reference_elevation)
            if not math.isfinite(reference):
                msg = f"reference_elevation must be finite, got {self.reference_elevation!r}"
                raise ValidationError(msg)
            object.__setattr__(self, "reference_elevation", reference)

    def recovery_for(self, element: str, domain: object | None = None) -> float:
        """Metallurgical recovery of ``element`` in ``domain``."""
        element = element.lower()
        label = domain_label(domain)
        if label is not None and label in self.domain_recovery:
            table = self.domain_recovery[label]
            if isinstance(table, Mapping) and element in table:
                return float(table[element])
        return float(self.recovery[element])  # type: ignore[index]

    def net_price(self, element: str) -> float:
        """Price less selling cost, less royalty, in USD per tonne of recovered metal."""
        element = element.lower()
        selling = self.selling_cost[element]  # type: ignore[index]
        return (self.prices[element] - selling) * (1.0 - self.royalty)


def domain_label(value: object) -> str | None:
    """The run-file label of a block's domain: whole numbers as integers (a code ``1`` read
    back as ``1.0`` is ``"1"``), missing values as None.

    Examples
    --------
    >>> domain_label(1.0), domain_label("oxide"), domain_label(float("nan"))
    ('1', 'oxide', None)
    """
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return None
        if float(value).is_integer():
            return str(int(value))
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)


def value_at(
    revenue: npt.ArrayLike,
    processing_cost: npt.ArrayLike,
    mining_cost: npt.ArrayLike,
    revenue_factor: float = 1.0,
) -> FloatArray:
    """Block values at a revenue factor: ``max(f R - P - M, -M)``.

    Parameters
    ----------
    revenue, processing_cost, mining_cost : array_like
        Net revenue if processed, processing cost if processed, and mining cost, in USD.
    revenue_factor : float
        Multiplier of the prices (``f``).

    Examples
    --------
    >>> value_at([100.0, 40.0], [30.0, 30.0], [10.0, 10.0], 0.5).tolist()
    [10.0, -10.0]
    """
    r = np.asarray(revenue, dtype=float)
    p = np.asarray(processing_cost, dtype=float)
    m = np.asarray(mining_cost, dtype=float)
    return np.asarray(np.maximum(revenue_factor * r - p, 0.0) - m, dtype=float)


def _grade_variables(model: xr.Dataset, elements: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in model.data_vars:
        text = str(name)
        if is_grade_column(text):
            element, _ = parse_grade_column(text)
            if element in elements and element not in found:
                found[element] = text
    missing = sorted(elements - set(found))
    if missing:
        present = ", ".join(str(v) for v in model.data_vars)
        msg = (
            f"block model has no grade variable for {', '.join(missing)} (priced elements); "
            f"name it <element>_<unit>, e.g. cu_pct (variables: {present})"
        )
        raise ValidationError(msg)
    return found


def block_values(
    model: xr.Dataset,
    economics: PitEconomics,
    *,
    density: float | str = 2.7,
    domain: str | None = None,
    revenue_factor: float = 1.0,
    in_situ: str | None = None,
) -> xr.Dataset:
    """Economic value of every block, with the process-or-waste decision.

    Parameters
    ----------
    model : xarray.Dataset
        Block model on ``easting``, ``northing``, ``elevation`` (``block_size`` in ``attrs``)
        with a grade variable ``<element>_<unit>`` for each priced element. Missing grades
        count as zero (waste rock).
    economics : PitEconomics
        Prices, recoveries and costs.
    density : float or str
        Dry bulk density (t/m^3) or the name of a density variable (missing: 0, air).
    domain : str, optional
        Variable with the domain of each block, for ``domain_recovery``.
    revenue_factor : float
        Multiplier of the prices for this valuation.
    in_situ : str, optional
        Variable with the fraction (0-1) of each block that is rock, below the topographic
        surface (``below_surface`` of :func:`bornite.blockmodel.model_from_table`): tonnes,
        metal, revenue and costs scale with it, and air (0) costs nothing to remove.

    Returns
    -------
    xarray.Dataset
        ``tonnes`` (t), ``revenue_usd`` (net revenue if processed, at revenue factor 1),
        ``processing_cost_usd``, ``mining_cost_usd``, ``ore_t`` (tonnes milled if
        processed), ``process`` (bool), ``value_usd`` and, per element, ``<el>_t`` (metal
        milled if processed, before metallurgical recovery).

    Notes
    -----
    With tonnes ``T`` (density x volume, times the in-situ fraction), grade ``g_e`` (mass
    fraction), mining recovery ``MR``, dilution ``D``, recovery ``r_e``, price ``p_e``,
    selling cost ``s_e``, royalty
    ``y``, revenue factor ``f`` and the block's depth ``h`` below the reference elevation:

    .. math::

        R &= \\sum_e T g_e MR \\, r_e (p_e - s_e)(1 - y) \\\\
        P &= T (1 + D) MR \\, c_p \\\\
        M &= T (c_m + c_h h) \\\\
        V &= \\max(f R - P, 0) - M

    A block is processed when ``f R > P`` (its grade is above the marginal cutoff); waste only
    pays ``M``. Diluting tonnes come at zero grade from the neighbouring rock, which is paid
    for as part of those blocks.

    Examples
    --------
    >>> from bornite.blockmodel import BlockGrid
    >>> m = BlockGrid((0.0, 0.0, 0.0), (10.0, 10.0, 10.0), (2, 1, 1)).dataset(
    ...     cu_pct=[0.1, 1.0])
    >>> e = PitEconomics({"cu": 10000.0}, recovery=0.9, mining_cost=2.0,
    ...                  processing_cost=10.0)
    >>> v = block_values(m, e, density=2.5)
    >>> v["value_usd"].values.ravel().tolist(), v["process"].values.ravel().tolist()
    ([-5000.0, 195000.0], [False, True])
    """
    if any(d not in model.dims for d in DIMS):
        got = ", ".join(map(str, model.dims))
        msg = f"a block model needs dimensions {', '.join(DIMS)}; got {got}"
        raise ValidationError(msg)
    size = model.attrs.get("block_size")
    if size is None or len(size) != 3:
        msg = "the block model has no block_size attrs; build it with BlockGrid.dataset"
        raise ValidationError(msg)
    volume = float(np.prod([float(s) for s in size]))
    if not (math.isfinite(revenue_factor) and revenue_factor >= 0):
        msg = f"revenue_factor must be >= 0, got {revenue_factor}"
        raise ValidationError(msg)
    model = model.transpose(*DIMS, ...)
    shape = tuple(model.sizes[d] for d in DIMS)
    if isinstance(density, str):
        if density not in model:
            msg = f"block model has no density variable {density!r}"
            raise ValidationError(msg)
        rho = np.nan_to_num(model[density].values.astype(float), nan=0.0)
    else:
        rho = np.full(shape, _fraction(density, "density", upper=math.inf, strict_low=True))
    if (rho < 0).any():
        msg = f"density must be >= 0 t/m^3 in every block; {int((rho < 0).sum())} are negative"
        raise ValidationError(msg)
    tonnes = rho * volume
    if in_situ is not None:
        if in_situ not in model:
            msg = f"block model has no in-situ fraction variable {in_situ!r}"
            raise ValidationError(msg)
        fraction = np.nan_to_num(model[in_situ].values.astype(float), nan=0.0)
        if (fraction < 0).any() or (fraction > 1).any():
            msg = f"{in_situ} must lie between 0 and 1 in every block"
            raise ValidationError(msg)
        tonnes = tonnes * fraction
    elevation = np.broadcast_to(model["elevation"].values[None, None, :], shape)
    reference = (
        float(model["elevation"].values.max())
        if economics.reference_elevation is None
        else economics.reference_elevation
    )
    depth = np.maximum(reference - elevation, 0.0)
    mining = tonnes * (economics.mining_cost + economics.mining_cost_increment * depth)
    if domain is not None and domain not in model:
        msg = f"block model has no domain variable {domain!r}"
        raise ValidationError(msg)
    domains = None if domain is None else model[domain].values
    mined_ore = tonnes * economics.mining_recovery
    revenue = np.zeros(shape)
    metals: dict[str, FloatArray] = {}
    for element, name in _grade_variables(model, set(economics.prices)).items():
        _, unit = parse_grade_column(name)
        grade = np.nan_to_num(to_mass_fraction(model[name].values.astype(float), unit), nan=0.0)
        if (grade < 0).any() or (grade > 1).any():
            msg = f"grades of {name} must lie between 0 and 100 %; fix the block model"
            raise ValidationError(msg)
        recovery = np.full(shape, economics.recovery_for(element))
        if domains is not None:
            for code in np.unique(domains[~_isnull(domains)]):
                recovery[domains == code] = economics.recovery_for(element, code)
        metal = mined_ore * grade
        metals[element] = metal
        revenue += metal * recovery * economics.net_price(element)
    ore = mined_ore * (1.0 + economics.dilution)
    processing = ore * economics.processing_cost
    process = revenue_factor * revenue > processing
    value = value_at(revenue, processing, mining, revenue_factor)
    return xr.Dataset(
        {
            "tonnes": (DIMS, tonnes, {"units": "t"}),
            "revenue_usd": (DIMS, revenue, {"units": "USD", "revenue_factor": 1.0}),
            "processing_cost_usd": (DIMS, processing, {"units": "USD"}),
            "mining_cost_usd": (DIMS, mining, {"units": "USD"}),
            "ore_t": (DIMS, ore, {"units": "t"}),
            "process": (DIMS, process),
            "value_usd": (DIMS, value, {"units": "USD", "revenue_factor": revenue_factor}),
        }
        | {f"{el}_t": (DIMS, metal, {"units": "t"}) for el, metal in metals.items()},
        coords={d: model[d] for d in DIMS},
        attrs=dict(model.attrs) | {"revenue_factor": revenue_factor},
    )


def _isnull(values: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind == "O":
        return np.array(
            [v is None or (isinstance(v, float) and math.isnan(v)) for v in values.ravel()]
        ).reshape(values.shape)
    return np.zeros(values.shape, dtype=bool)


def breakeven_grade(
    economics: PitEconomics, element: str, unit: str = "%", domain: object | None = None
) -> float:
    """Marginal (mill) cutoff grade of a single-metal block, in ``unit``.

    The grade at which processing pays for itself (mining is paid either way):
    ``g = (1 + D) c_p / (r (p - s)(1 - y))``, undiluted.

    Examples
    --------
    >>> e = PitEconomics({"cu": 10000.0}, recovery=0.9, processing_cost=9.0)
    >>> round(breakeven_grade(e, "cu", "%"), 4)
    0.1
    """
    element = element.lower()
    if element not in economics.prices:
        msg = f"no price for {element!r}; priced elements: {', '.join(economics.prices)}"
        raise ValidationError(msg)
    per_tonne = economics.recovery_for(element, domain) * economics.net_price(element)
    fraction = (
        (1.0 + economics.dilution) * economics.processing_cost / per_tonne
        if per_tonne
        else math.inf
    )
    return float(fraction / to_mass_fraction(1.0, unit))
