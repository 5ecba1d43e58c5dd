"""Settings from the environment and `.env`; secrets never leave this object except to the libraries."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError
from sqlalchemy.engine import make_url

# A checkout's own folders: `interview-bot console` run elsewhere still finds the bank (as migrations do).
CHECKOUT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default="sqlite+aiosqlite:///data/interview-bot.db")
    questions_dir: Path = Field(default=Path("questions"), validate_default=True)
    data_dir: Path | None = None  # files the bot writes (stats pictures); see data_folder()
    default_timezone: str = "UTC"
    log_level: str = "INFO"

    # Scheduling: one process per deployment runs the scheduler (replicas set RUN_SCHEDULER=false).
    run_scheduler: bool = True
    catch_up_grace_hours: float = 6.0
    post_concurrency: int = 20
    pause_after_failures: int = 3
    grading_concurrency: int = 8  # answers graded and stored at once per process
    card_refresh_seconds: float = 2.0  # a daily card's "N answered" is edited at most this often

    discord_token: SecretStr | None = None
    discord_test_guild: int | None = None
    discord_shard_count: int | None = None  # None: Discord's recommendation
    discord_shard_ids: list[int] | None = None  # this process's shards when several run
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_command: str = "/interview"
    slack_port: int = 3000
    slack_host: str = "0.0.0.0"
    slack_api_url: str | None = None
    slack_admins: list[str] = Field(default_factory=list)

    # Grading extras (docs/grading.md): an OpenAI-compatible judge, and the embedding layer.
    grader_judge_url: str | None = None
    grader_judge_model: str = "default"
    grader_judge_api_key: SecretStr | None = None
    grader_judge_timeout: float = 10.0
    grader_judge_max_calls: int = 1000  # judge calls per process and UTC day

    @field_validator("questions_dir")
    @classmethod
    def _questions_here_or_in_checkout(cls, value: Path) -> Path:
        """A relative folder missing here is looked up in the checkout the bot runs from."""
        if not value.is_absolute() and not value.is_dir() and (CHECKOUT / value).is_dir():
            return CHECKOUT / value
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def data_folder(settings: Settings, database_url: str) -> Path:
    """Where the bot keeps its files, whatever the current directory: DATA_DIR, else beside its SQLite
    database, else the user's data folder (XDG_DATA_HOME or ~/.local/share)."""
    if settings.data_dir is not None:
        return settings.data_dir.expanduser().resolve()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).expanduser().resolve().parent
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "interview-bot"


def settings_problem(error: BaseException) -> str | None:
    """Plain words for settings that cannot be read (a bad value in the environment or .env)."""
    if isinstance(error, ValidationError):
        return "\n".join(
            f"Settings: {'_'.join(str(part) for part in p['loc']).upper()}: {p['msg']}"
            for p in error.errors()
        )
    if isinstance(error, SettingsError):  # pydantic-settings' own: a list or number it could not decode
        field = str(error).split('"')[1] if '"' in str(error) else "a setting"
        return f"Settings: {field.upper()} could not be read; lists are JSON, e.g. SLACK_ADMINS='[\"U123\"]'."
    return None
