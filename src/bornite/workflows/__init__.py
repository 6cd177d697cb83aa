"""Config-driven pipelines: TOML run files in, outputs with provenance out; the demo.

Only workflows wire domain packages together; the CLI calls these functions and prints.
"""

from bornite.workflows.assessment import (
    PMF_METHODS,
    DepositCountSpec,
    GradeTonnageSpec,
    TractResult,
    TractSpec,
    fit_pmf,
    load_tract_spec,
    run_tract,
    summary_dict,
)
from bornite.workflows.demo import run_demo
from bornite.workflows.pit import (
    PitRunSpec,
    load_pit_spec,
    run_pit,
    run_pit_to_dir,
    solve_minelib,
)
from bornite.workflows.regional import (
    AggregationSpec,
    FilterSpec,
    load_aggregation_spec,
    load_filter_spec,
    run_aggregation_to_dir,
    run_filter_to_dir,
)
from bornite.workflows.runs import pmf_from_cli, run_tract_to_dir

__all__ = [
    "PMF_METHODS",
    "AggregationSpec",
    "DepositCountSpec",
    "FilterSpec",
    "GradeTonnageSpec",
    "PitRunSpec",
    "TractResult",
    "TractSpec",
    "fit_pmf",
    "load_aggregation_spec",
    "load_filter_spec",
    "load_pit_spec",
    "load_tract_spec",
    "pmf_from_cli",
    "run_aggregation_to_dir",
    "run_demo",
    "run_filter_to_dir",
    "run_pit",
    "run_pit_to_dir",
    "run_tract",
    "run_tract_to_dir",
    "solve_minelib",
    "summary_dict",
]
