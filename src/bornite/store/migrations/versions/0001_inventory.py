"""The inventory: deposits, statements, grades, imports, edits, runs.

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=20), nullable=False),
        sa.Column("row_id", sa.String(length=100), nullable=False),
        sa.Column("field", sa.String(length=50), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edits")),
    )
    with op.batch_alter_table("edits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_edits_row_id"), ["row_id"], unique=False)

    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "deposits",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("easting", sa.Float(), nullable=True),
        sa.Column("northing", sa.Float(), nullable=True),
        sa.Column("crs", sa.String(length=200), nullable=False),
        sa.Column("deposit_type", sa.String(length=200), nullable=False),
        sa.Column("belt", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("discovery_year", sa.Integer(), nullable=True),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_deposits_import_id_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deposits")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("deposits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deposits_belt"), ["belt"], unique=False)
        batch_op.create_index(batch_op.f("ix_deposits_country"), ["country"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_deposits_deposit_type"), ["deposit_type"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_deposits_region"), ["region"], unique=False)

    op.create_table(
        "deposit_metal",
        sa.Column("deposit_id", sa.String(length=100), nullable=False),
        sa.Column("commodity", sa.String(length=10), nullable=False),
        sa.Column("resource_metal_t", sa.Float(), nullable=True),
        sa.Column("resource_ore_t", sa.Float(), nullable=True),
        sa.Column("reserve_metal_t", sa.Float(), nullable=True),
        sa.Column("reserve_ore_t", sa.Float(), nullable=True),
        sa.Column("inclusive", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deposit_id"], ["deposits.id"], name=op.f("fk_deposit_metal_deposit_id_deposits")
        ),
        sa.PrimaryKeyConstraint("deposit_id", "commodity", name=op.f("pk_deposit_metal")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("inputs_sha256", sa.String(length=64), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=True),
        sa.Column("bornite_version", sa.String(length=40), nullable=False),
        sa.Column("started", sa.String(length=40), nullable=False),
        sa.Column("finished", sa.String(length=40), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("deposit_id", sa.String(length=100), nullable=True),
        sa.Column("belt", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["deposit_id"], ["deposits.id"], name=op.f("fk_runs_deposit_id_deposits")
        ),
        sa.ForeignKeyConstraint(["parent_id"], ["runs.id"], name=op.f("fk_runs_parent_id_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_runs_belt"), ["belt"], unique=False)
        batch_op.create_index(batch_op.f("ix_runs_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_runs_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_runs_region"), ["region"], unique=False)

    op.create_table(
        "statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deposit_id", sa.String(length=100), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("domain", sa.String(length=100), nullable=False),
        sa.Column("ore_t", sa.Float(), nullable=True),
        sa.Column("cutoff", sa.String(length=200), nullable=False),
        sa.Column("inclusive_of_reserves", sa.Boolean(), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("superseded_on", sa.Date(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deposit_id"], ["deposits.id"], name=op.f("fk_statements_deposit_id_deposits")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_statements_import_id_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
        sa.UniqueConstraint(
            "deposit_id",
            "effective_date",
            "code",
            "category",
            "domain",
            name=op.f("uq_statements_deposit_id_effective_date_code_category_domain"),
        ),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_statements_current",
            [
                "deposit_id",
                "kind",
                "effective_date",
                "superseded_on",
                "id",
                "category",
                "ore_t",
                "inclusive_of_reserves",
            ],
            unique=False,
        )

    op.create_table(
        "grades",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("commodity", sa.String(length=10), nullable=False),
        sa.Column("grade", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("metal_t", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"], ["statements.id"], name=op.f("fk_grades_statement_id_statements")
        ),
        sa.PrimaryKeyConstraint("statement_id", "commodity", name=op.f("pk_grades")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "run_trials",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("commodity", sa.String(length=10), nullable=False),
        sa.Column("trial", sa.Integer(), nullable=False),
        sa.Column("metal_t", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_run_trials_run_id_runs")),
        sa.PrimaryKeyConstraint("run_id", "commodity", "trial", name=op.f("pk_run_trials")),
    )
    op.create_table(
        "undiscovered",
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("commodity", sa.String(length=10), nullable=False),
        sa.Column("trials", sa.Integer(), nullable=False),
        sa.Column("mean_t", sa.Float(), nullable=False),
        sa.Column("q10_t", sa.Float(), nullable=False),
        sa.Column("q50_t", sa.Float(), nullable=False),
        sa.Column("q90_t", sa.Float(), nullable=False),
        sa.Column("p0", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["runs.id"], name=op.f("fk_undiscovered_run_id_runs")),
        sa.PrimaryKeyConstraint("run_id", "commodity", name=op.f("pk_undiscovered")),
    )


def downgrade() -> None:
    op.drop_table("undiscovered")
    op.drop_table("run_trials")
    op.drop_table("grades")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index("ix_statements_current")

    op.drop_table("statements")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_runs_region"))
        batch_op.drop_index(batch_op.f("ix_runs_parent_id"))
        batch_op.drop_index(batch_op.f("ix_runs_kind"))
        batch_op.drop_index(batch_op.f("ix_runs_belt"))

    op.drop_table("runs")
    op.drop_table("deposit_metal")
    with op.batch_alter_table("deposits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deposits_region"))
        batch_op.drop_index(batch_op.f("ix_deposits_deposit_type"))
        batch_op.drop_index(batch_op.f("ix_deposits_country"))
        batch_op.drop_index(batch_op.f("ix_deposits_belt"))

    op.drop_table("deposits")
    op.drop_table("imports")
    with op.batch_alter_table("edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edits_row_id"))

    op.drop_table("edits")
