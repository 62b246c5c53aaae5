"""comparable figures: what each figure counts, its basis and coverage; what a claim cites

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The kinds a new database starts with; editors add more (``claimbot kinds add``).
KINDS = [
    ("killed", "killed"),
    ("wounded", "wounded"),
    ("killed_and_wounded", "killed and wounded together"),
    ("killed_wounded_captured_missing", "killed, wounded, captured and missing together"),
    ("captured", "captured (prisoners of war)"),
    ("losses_unspecified", "losses of unspecified kind"),
    ("displaced", "people displaced within their country"),
    ("refugees", "refugees"),
    ("refugees_recorded", "refugees recorded by host countries"),
    ("people_in_need", "people in need of aid"),
    ("equipment_destroyed_damaged_captured", "equipment destroyed, damaged, abandoned or captured"),
    ("conscript_share", "share of conscripts in the force"),
]


def upgrade() -> None:
    kinds = op.create_table(
        "figure_kinds",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_figure_kinds")),
    )
    op.bulk_insert(kinds, [{"key": key, "label": label} for key, label in KINDS])
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cites", sa.String(length=300), nullable=True))
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counts", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("basis", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("coverage_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("coverage_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("area", sa.String(length=200), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_figures_counts_figure_kinds"), "figure_kinds", ["counts"], ["key"]
        )
        batch_op.create_check_constraint(
            op.f("ck_figures_basis"),
            "basis IN ('official_claim', 'estimate', 'confirmed_floor', 'projection', 'model')",
        )


def downgrade() -> None:
    with op.batch_alter_table("figures", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_figures_basis"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_figures_counts_figure_kinds"), type_="foreignkey")
        batch_op.drop_column("area")
        batch_op.drop_column("coverage_to")
        batch_op.drop_column("coverage_from")
        batch_op.drop_column("basis")
        batch_op.drop_column("counts")
    # Not a batch: recreating claims on SQLite would break the figures' references to it.
    op.drop_column("claims", "cites")
    op.drop_table("figure_kinds")
