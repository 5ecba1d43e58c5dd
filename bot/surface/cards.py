"""Outbound view models: what the core returns and every adapter renders in its own format."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuestionCard:
    question_id: str
    prompt: str
    topic: str
    difficulty: str
    kind: str
    post_id: int | None = None
    attempt_id: int | None = None
    local_date: str | None = None
    answered: int = 0
    closed: bool = False


@dataclass(frozen=True)
class GradeCard:
    question_id: str
    prompt: str
    score: int
    verdict: str
    covered: tuple[str, ...]
    missed: tuple[str, ...]
    feedback: str
    points: int
    counted: bool
    reference: str | None = None
    contradicted: tuple[str, ...] = ()  # rubric points the answer states the opposite of
    tips: tuple[str, ...] = ()  # the guide's interview tips: shown with the reference, never graded
    practice_streak: int = 0
    channel_streak: int = 0
    answer_id: int | None = None


@dataclass(frozen=True)
class BoardRow:
    rank: int
    member: str
    points: int
    answers: int


@dataclass(frozen=True)
class Leaderboard:
    period: str
    scope: str
    rows: tuple[BoardRow, ...]
    me: BoardRow | None = None


@dataclass(frozen=True)
class StreakView:
    practice_current: int
    practice_best: int
    channel_current: int = 0
    channel_best: int = 0


@dataclass(frozen=True)
class TopicLine:
    topic: str
    answers: int
    average: float


@dataclass(frozen=True)
class StatsView:
    member: str
    answers: int
    average: float
    topics: tuple[TopicLine, ...] = ()
    weakest: tuple[str, ...] = ()
    picture_png: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class PostSummary:
    """What a closing post reveals: the reference, the best scores and streak milestones."""

    post_id: int
    question_id: str
    prompt: str
    reference: str
    answered: int
    top: tuple[BoardRow, ...]
    milestones: tuple[tuple[str, int], ...] = ()
    tips: tuple[str, ...] = ()
    card: QuestionCard | None = None  # the daily card as it stands closed: adapters edit the posted one


@dataclass(frozen=True)
class ReferenceView:
    """A reference answer in full, for a member it has been revealed to ("Full answer")."""

    question_id: str
    prompt: str
    reference: str
    tips: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChannelStatus:
    """A channel's schedule and today's state, as admins see it in `status` and after `setup`."""

    channel: str
    enabled: bool
    post_time: str
    weekdays: str
    timezone: str
    close_time: str | None
    topics: tuple[str, ...]
    difficulty: str | None
    reveal_policy: str
    next_post_utc: str | None
    next_post_local: str | None
    skip_date: str | None = None  # the skipped post's local date, while it is ahead
    last_error: str | None = None
    failures: int = 0
    set_up: bool = True  # False: nobody has run setup here, nothing is posted


@dataclass(frozen=True)
class AppealView:
    appeal_id: int
    answer_id: int
    member: str
    question_id: str
    prompt: str
    answer: str
    score: int
    reason: str
    state: str
    new_score: int | None = None
    decided_by: str | None = None
    member_ref: str = ""  # the member's platform id, so adapters can tell them the outcome
    self_decided: bool = False  # a sole admin decided on their own answer
    note: str = ""
    points: int = 0  # the answer's points now


@dataclass(frozen=True)
class TimezoneView:
    """Whose clock counts: the member's days (practice streaks, stats) and the workspace's weeks (boards)."""

    member: str
    source: str  # "chosen" (set by the member), "platform" (e.g. their Slack profile) or "workspace"
    workspace: str


@dataclass(frozen=True)
class DisputeView:
    """A grade where the LLM judge wanted more than the rubric's evidence allows: both opinions, so an
    admin can fix a wrong rubric point rather than hide it."""

    answer_id: int
    member: str
    question_id: str
    prompt: str
    answer: str
    score: int  # what the member got
    rubric_score: int
    judge_score: int
