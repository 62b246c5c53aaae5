"""proposed aliases

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "proposed_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=900), nullable=False),
        sa.Column("picks", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.String(length=300), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_picked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=300), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'accepted', 'rejected')",
            name=op.f("ck_proposed_aliases_status"),
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_proposed_aliases_topic_id_topics")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposed_aliases")),
        sa.UniqueConstraint("topic_id", "key", name=op.f("uq_proposed_aliases_topic_id")),
    )
    with op.batch_alter_table("proposed_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposed_aliases_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("proposed_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposed_aliases_status"))

    op.drop_table("proposed_aliases")
