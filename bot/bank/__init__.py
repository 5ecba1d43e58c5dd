"""The question bank: interview guides and team YAML files turned into clean, structured questions."""

from bot.bank.loader import Bank, build_bank, load_bank, question_id
from bot.bank.markdown import Skipped, parse_markdown
from bot.bank.model import GuideAnswer, Question, Source
from bot.bank.yaml_file import BankError, load_yaml_file

__all__ = [
    "Bank",
    "BankError",
    "GuideAnswer",
    "Question",
    "Skipped",
    "Source",
    "build_bank",
    "load_bank",
    "load_yaml_file",
    "parse_markdown",
    "question_id",
]
