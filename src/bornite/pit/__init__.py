"""Open-pit limits: economic block values, slope precedence, the ultimate pit (an exact
maximum closure) and nested shells by revenue factor, for reporting a resource inside a shape
with reasonable prospects for eventual economic extraction."""

from bornite.pit.economics import (
    PitEconomics,
    block_values,
    breakeven_grade,
    domain_label,
    value_at,
)
from bornite.pit.precedence import (
    SlopeSet,
    block_arcs,
    pattern_report,
    slope_arcs,
    slope_pattern,
)
from bornite.pit.shells import (
    DEFAULT_REVENUE_FACTORS,
    nested_shells,
    pit_by_pit,
    resource_in_pit,
    select_shell,
)
from bornite.pit.solve import ENGINES, PitSolution, check_closure, integer_values, ultimate_pit

__all__ = [
    "DEFAULT_REVENUE_FACTORS",
    "ENGINES",
    "PitEconomics",
    "PitSolution",
    "SlopeSet",
    "block_arcs",
    "block_values",
    "breakeven_grade",
    "check_closure",
    "domain_label",
    "integer_values",
    "nested_shells",
    "pattern_report",
    "pit_by_pit",
    "resource_in_pit",
    "select_shell",
    "slope_arcs",
    "slope_pattern",
    "ultimate_pit",
    "value_at",
]
