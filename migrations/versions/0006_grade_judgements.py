"""answers: contradicted points, and the rubric's and the LLM judge's scores when they disagree

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 08:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contradicted", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("rubric_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("judge_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("disputed", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index("ix_answers_disputed", ["workspace_id", "disputed"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_disputed")
        batch_op.drop_column("disputed")
        batch_op.drop_column("judge_score")
        batch_op.drop_column("rubric_score")
        batch_op.drop_column("contradicted")
