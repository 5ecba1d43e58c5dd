"""The schema. Alembic owns it; a naming convention lets SQLite batch migrations name constraints."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The Core Table a model maps to; SQLAlchemy types `__table__` as any FromClause (it may be a join)."""
    table = model.__table__
    assert isinstance(table, Table), f"{model.__name__} maps a single table"
    return table


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out: SQLite drops offsets, so store naive UTC everywhere."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Workspace(Base):
    """A Slack team, a Discord guild or the local console: platform ids are opaque strings."""

    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Channel(Base):
    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    post_time: Mapped[str] = mapped_column(String(5), default="09:00")
    weekdays: Mapped[str] = mapped_column(String(7), default="0123456")
    timezone: Mapped[str | None] = mapped_column(String(64))
    close_time: Mapped[str | None] = mapped_column(String(5))
    topics: Mapped[list] = mapped_column(JSON, default=list)
    difficulty: Mapped[str | None] = mapped_column(String(8))
    reveal_policy: Mapped[str] = mapped_column(String(16), default="after_close")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    skip_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Member(Base):
    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("workspace_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    timezone: Mapped[str | None] = mapped_column(String(64))  # as the platform reports it (Slack profile)
    chosen_timezone: Mapped[str | None] = mapped_column(String(64))  # set by the member; wins over `timezone`
    admin_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last acted as an admin
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuestionRow(Base):
    """A bank question as last synced; retired, never deleted, so history keeps pointing at it."""

    __tablename__ = "questions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    prompt: Mapped[str] = mapped_column(Text)
    topic: Mapped[str] = mapped_column(String(32), index=True)
    difficulty: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DailyPost(Base):
    """One channel's question of one local day; the unique key makes each day's post happen once.

    States: claimed (row exists) -> sending (`lease_owner` holds the lease until `lease_until`) ->
    posted -> closed; `failed` when the platform refused the channel. `attempts` counts sends started:
    once one was, the platform may have the message although the row never says `posted`, so the
    next sender looks for it there before sending again.
    """

    __tablename__ = "daily_posts"
    __table_args__ = (UniqueConstraint("channel_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    local_date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12), default="claimed")
    message_ref: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    summary_ref: Mapped[str | None] = mapped_column(String(128))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuizAttempt(Base):
    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Answer(Base):
    """Every submission is kept; `count_key` (unique) lets at most one per member and post count."""

    __tablename__ = "answers"
    __table_args__ = (
        Index("ix_answers_board", "workspace_id", "counted", "created_at"),
        Index("ix_answers_member_created", "member_id", "created_at"),
        Index("ix_answers_disputed", "workspace_id", "disputed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("daily_posts.id", ondelete="SET NULL"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_attempts.id", ondelete="SET NULL"), unique=True
    )
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String(12))
    covered: Mapped[list] = mapped_column(JSON, default=list)
    missed: Mapped[list] = mapped_column(JSON, default=list)
    contradicted: Mapped[list] = mapped_column(JSON, default=list)
    feedback: Mapped[str] = mapped_column(Text, default="")
    grader_version: Mapped[str] = mapped_column(String(32))
    # With an LLM judge: both opinions, and whether the rubric's evidence held the judge back (admins see
    # these beside the appeals, so a wrong rubric point gets fixed rather than hidden).
    rubric_score: Mapped[int | None] = mapped_column(Integer)
    judge_score: Mapped[int | None] = mapped_column(Integer)
    disputed: Mapped[bool] = mapped_column(Boolean, default=False)
    points: Mapped[int] = mapped_column(Integer, default=0)
    # Daily answers: the streak bonus this answer earns unless graded incorrect, so an accepted appeal
    # can give it back. None for quiz answers.
    streak_bonus: Mapped[int | None] = mapped_column(Integer)
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    count_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Review(Base):
    """A member's spaced-repetition card for one question."""

    __tablename__ = "reviews"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    card: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_score: Mapped[int] = mapped_column(Integer)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PracticeStreak(Base):
    __tablename__ = "practice_streaks"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    current: Mapped[int] = mapped_column(Integer, default=0)
    best: Mapped[int] = mapped_column(Integer, default=0)
    last_date: Mapped[date | None] = mapped_column(Date)


class ChannelStreak(Base):
    __tablename__ = "channel_streaks"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True)
    current: Mapped[int] = mapped_column(Integer, default=0)
    best: Mapped[int] = mapped_column(Integer, default=0)
    last_date: Mapped[date | None] = mapped_column(Date)


class Appeal(Base):
    """A member contesting a grade; the decision and who made it are kept."""

    __tablename__ = "appeals"
    __table_args__ = (Index("ix_appeals_workspace_state", "workspace_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(12), default="pending")
    old_score: Mapped[int] = mapped_column(Integer)
    new_score: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    self_decided: Mapped[bool] = mapped_column(Boolean, default=False)  # a sole admin, on their own answer
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuestionAlias(Base):
    """An answer an admin accepted on appeal: graded as one more reference for that workspace."""

    __tablename__ = "question_aliases"
    __table_args__ = (Index("ix_question_aliases_lookup", "workspace_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(ForeignKey("questions.id"))
    text: Mapped[str] = mapped_column(Text)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BoardTotal(Base):
    """Leaderboard totals kept up to date as answers count, so a board is an index scan, not a sum.

    One row per member, scope (`channel_id` 0 is the whole workspace) and period bucket: `period` is
    week, month or all, `starts` the bucket's first local day in the workspace's timezone.
    """

    __tablename__ = "board_totals"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    channel_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    starts: Mapped[date] = mapped_column(Date, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    points: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    reached: Mapped[datetime] = mapped_column(UTCDateTime())


# The board's own order (points down, then who got there first), so top 10 and a rank are index scans.
Index(
    "ix_board_totals_rank",
    BoardTotal.workspace_id,
    BoardTotal.channel_id,
    BoardTotal.period,
    BoardTotal.starts,
    BoardTotal.points.desc(),
    BoardTotal.reached,
    BoardTotal.member_id,
)
