"""Undiscovered-resource assessment by the USGS three-part method.

1. A grade-tonnage model of the deposit type (:class:`GradeTonnageModel`).
2. The number of undiscovered deposits in a permissive tract, as a pmf fitted to elicited
   estimates (:class:`NegBinomialPmf`, :class:`Mark3Pmf`, :class:`SingerMenziePmf`,
   :class:`PoissonPmf`, :func:`custom_pmf`) or from deposit density
   (:class:`DepositDensityModel`).
3. Monte Carlo totals of ore and metal (:func:`simulate`), aggregated over tracts with rank
   correlation (:func:`aggregate_tracts`) and passed through the RAEF economic filter
   (:func:`economic_filter`).
"""

from bornite.assessment.aggregation import (
    aggregate_pmfs,
    aggregate_tracts,
    iman_conover,
    make_positive_definite,
    rank_correlation,
    rank_correlation_check,
    symmetrize_correlation,
    validate_correlation,
)
from bornite.assessment.deposit_counts import NegBinomialPmf, PoissonPmf, elicitation_cost
from bornite.assessment.deposit_density import DepositDensityModel
from bornite.assessment.economic_filter import (
    COMMODITY_VALUES_2008,
    EconomicFilterSpec,
    economic_filter,
    economic_totals,
    summarize_economic,
)
from bornite.assessment.elicitation import counts_elicitation, validate_elicitation
from bornite.assessment.grade_tonnage import DepositMoments, GradeTonnageModel, ilr, ilr_inverse
from bornite.assessment.mark3 import Mark3Pmf, SingerMenziePmf
from bornite.assessment.pmf import DepositCountPmf, custom_pmf
from bornite.assessment.simulation import (
    SimulationResult,
    compound_moments,
    simulate,
    summarize_totals,
)

__all__ = [
    "COMMODITY_VALUES_2008",
    "DepositCountPmf",
    "DepositDensityModel",
    "DepositMoments",
    "EconomicFilterSpec",
    "GradeTonnageModel",
    "Mark3Pmf",
    "NegBinomialPmf",
    "PoissonPmf",
    "SimulationResult",
    "SingerMenziePmf",
    "aggregate_pmfs",
    "aggregate_tracts",
    "compound_moments",
    "counts_elicitation",
    "custom_pmf",
    "economic_filter",
    "economic_totals",
    "elicitation_cost",
    "ilr",
    "ilr_inverse",
    "iman_conover",
    "make_positive_definite",
    "rank_correlation",
    "rank_correlation_check",
    "simulate",
    "summarize_economic",
    "summarize_totals",
    "symmetrize_correlation",
    "validate_correlation",
    "validate_elicitation",
]
