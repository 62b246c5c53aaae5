"""topic change times: when each change was logged, so that old changes can be trimmed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("topic_changes") as batch_op:
        # Changes logged before this revision count as logged now (kept a full retention).
        batch_op.add_column(
            sa.Column(
                "logged_at",
                sa.DateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
        batch_op.create_index(batch_op.f("ix_topic_changes_logged_at"), ["logged_at"])


def downgrade() -> None:
    with op.batch_alter_table("topic_changes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_changes_logged_at"))
        batch_op.drop_column("logged_at")
