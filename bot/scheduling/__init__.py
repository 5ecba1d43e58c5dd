"""Daily scheduling: cron jobs per schedule, claims and leases in the database, bounded fan-out."""

from bot.scheduling.scheduler import DailyScheduler, Report, cron_trigger

__all__ = ["DailyScheduler", "Report", "cron_trigger"]
