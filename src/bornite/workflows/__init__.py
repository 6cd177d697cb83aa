"""Config-driven pipelines: TOML run files in, a typed :class:`RunRecord` out; the demo.

Only workflows wire domain packages together; the CLI calls these functions and renders the
records they return (``run.json`` in every output folder holds the same record).
"""

from bornite.workflows._run import Headline, InputFile, OutputFile, RecordTable, RunRecord
from bornite.workflows.assessment import (
    PMF_METHODS,
    DepositCountSpec,
    GradeTonnageSpec,
    TractResult,
    TractSpec,
    fit_pmf,
    load_tract_spec,
    run_pmf,
    run_tract,
    run_tract_to_dir,
    tract_record,
    write_tract,
)
from bornite.workflows.demo import run_demo
from bornite.workflows.drillholes import run_validation, validate_files
from bornite.workflows.estimate import (
    EstimateSpec,
    load_estimate_spec,
    run_estimate,
    run_estimate_to_dir,
    write_estimate,
)
from bornite.workflows.inventory import (
    additions_record,
    check_database,
    export_inventory,
    import_inventory,
    init_database,
    mckelvey_record,
    rollup_record,
    store_run,
    upgrade_database,
)
from bornite.workflows.pit import (
    PitRunSpec,
    load_pit_spec,
    run_pit,
    run_pit_to_dir,
    solve_minelib,
    write_pit,
)
from bornite.workflows.prospect import (
    ProspectSpec,
    load_prospect_spec,
    run_prospect,
    run_prospect_to_dir,
    write_prospect,
)
from bornite.workflows.prospect_wofe import run_wofe
from bornite.workflows.regional import (
    AggregationSpec,
    FilterSpec,
    load_aggregation_spec,
    load_filter_spec,
    run_aggregation_to_dir,
    run_filter_to_dir,
)

__all__ = [
    "PMF_METHODS",
    "AggregationSpec",
    "DepositCountSpec",
    "EstimateSpec",
    "FilterSpec",
    "GradeTonnageSpec",
    "Headline",
    "InputFile",
    "OutputFile",
    "PitRunSpec",
    "ProspectSpec",
    "RecordTable",
    "RunRecord",
    "TractResult",
    "TractSpec",
    "additions_record",
    "check_database",
    "export_inventory",
    "fit_pmf",
    "import_inventory",
    "init_database",
    "load_aggregation_spec",
    "load_estimate_spec",
    "load_filter_spec",
    "load_pit_spec",
    "load_prospect_spec",
    "load_tract_spec",
    "mckelvey_record",
    "rollup_record",
    "run_aggregation_to_dir",
    "run_demo",
    "run_estimate",
    "run_estimate_to_dir",
    "run_filter_to_dir",
    "run_pit",
    "run_pit_to_dir",
    "run_pmf",
    "run_prospect",
    "run_prospect_to_dir",
    "run_tract",
    "run_tract_to_dir",
    "run_validation",
    "run_wofe",
    "solve_minelib",
    "store_run",
    "tract_record",
    "upgrade_database",
    "validate_files",
    "write_estimate",
    "write_pit",
    "write_prospect",
    "write_tract",
]
