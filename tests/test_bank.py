"""The bank from the shipped guides: every style parsed, nothing lost, duplicates merged, bad files named."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bank import Bank, build_bank, load_bank, parse_markdown
from bot.bank.merge import group_duplicates
from bot.bank.model import DIFFICULTIES, KINDS, TOPICS

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "questions"
MOJIBAKE = re.compile(r"â€|Ã.|ðŸ|ï¸|Â |\ufffd")
MARKUP = re.compile(r"\*\*|__|^#|^Q\d+[:.]|^\d+[.)]\s|\d\ufe0f?\u20e3|(?<!\w)_\w[^_]*_(?!\w)")


def heading_lines(name: str, pattern: str) -> set[int]:
    lines = (QUESTIONS / name).read_text(encoding="utf-8").splitlines()
    return {i + 1 for i, line in enumerate(lines) if re.match(pattern, line)}


def source_lines(bank: Bank, name: str) -> set[int]:
    return {s.line for q in bank.questions for s in q.sources if s.file == name}


def test_every_answered_question_of_the_three_counted_guides_is_there(bank: Bank) -> None:
    comprehensive = heading_lines("generative-ai-comprehensive-qa.md", r"^### Q\d+: ")
    must_know = heading_lines("llms-63-must-know-questions.md", r"^## \d+\. ")
    faang = heading_lines("genai-faang-style-questions.md", r"^## \d+\. ")
    assert (len(comprehensive), len(must_know), len(faang)) == (50, 58, 8)
    assert comprehensive <= source_lines(bank, "generative-ai-comprehensive-qa.md")
    assert must_know <= source_lines(bank, "llms-63-must-know-questions.md")
    assert faang <= source_lines(bank, "genai-faang-style-questions.md")


def test_bank_is_large_clean_and_well_formed(bank: Bank) -> None:
    assert len(bank.questions) >= 300
    assert len({q.id for q in bank.questions}) == len(bank.questions)
    assert not bank.errors
    for q in bank.questions:
        assert q.prompt and all(a.strip() for a in q.answers), q.id
        assert not MOJIBAKE.search(q.prompt) and not any(MOJIBAKE.search(a) for a in q.answers), q.id
        assert not MARKUP.search(q.prompt), q.prompt
        assert not any("::" in p or "`" in p for p in q.key_points), q.key_points  # shown on grade cards
        assert (q.topic, q.difficulty, q.kind) in {
            (t, d, k) for t in TOPICS for d in DIFFICULTIES for k in KINDS
        }


def test_answers_drop_images_sources_and_never_run_into_the_next_question(bank: Bank) -> None:
    prompts = {q.prompt for q in bank.questions}
    for q in bank.questions:
        for answer in q.answers:
            assert "![" not in answer and "Image Source" not in answer and "read this article" not in answer
            assert not any(f"\n{p}\n" in f"\n{answer}\n" for p in prompts - {q.prompt} if len(p) > 30)
    tokens = next(q for q in bank.questions if q.prompt == "What are tokens in the context of LLMs?")
    assert "```" in tokens.answer, "code blocks are kept"
    assert "What is a context window" not in tokens.answer


GUIDE_STYLES = [
    (
        "### Q7: What are tokens?\n\n**Answer:**\nTokens are the basic units of text.\n\n```python\n# GPT-3\n"
        "x = 1\n```\n\n---\n\n### Q8: What is a context window?\n\n**Answer:**\n"
        "The maximum text a model sees.\n",
        ["What are tokens?", "What is a context window?"],
    ),
    (
        "### Overview\n\n#### 1. Definition Generative AI\n\nModels that create new data samples.\n\n"
        "#### 2. What is a VAE?\n\nAn autoencoder with a latent distribution.\n",
        ["What is Generative AI?", "What is a VAE?"],
    ),
    (
        "## Large Language Models\n\n1. **What is transfer learning in NLP?**\n\n**`Answer:`**\n\nReusing a "
        "pre-trained model.\n\n![fig](x.png)\n\nImage Source: [a](b)\n\n"
        "### **Architecture:**\n\nDecoder.\n\n---\n\n"
        "2. **How does BERT differ from GPT?**\n\n**`Answer:`**\n\nBERT is an encoder.\n",
        ["What is transfer learning in NLP?", "How does BERT differ from GPT?"],
    ),
    (
        "## 5. What are _positional encodings_ in LLMs?\n\nThey add order.\n\n### Core Idea\n\nSinusoids.\n\n"
        "## 6. Write a Python function to tokenize text.\n\n```python\ndef f(): ...\n```\n",
        ["What are positional encodings in LLMs?", "Write a Python function to tokenize text"],
    ),
    (
        "## **1ï¸âƒ£ What is a GAN?**\n\n### âœ… **Answer:**\n\nTwo networks compete.\n\n"
        "### **5. What is fine-tuning in Generative AI?**\n\n**Answer:**Adapting a model.\n",
        ["What is a GAN?", "What is fine-tuning in Generative AI?"],
    ),
    (
        "## 1. What is Generative AI?\n\n**Answer**:\n\n- Creates content.\n\n"
        "### Interview Tips\n\n- Be brief.\n\n"
        "## Notes\n\nSee also.\n",
        ["What is Generative AI?"],
    ),
]


@pytest.mark.parametrize(("text", "prompts"), GUIDE_STYLES)
def test_each_guide_style(text: str, prompts: list[str]) -> None:
    questions, _ = parse_markdown(text, "guide.md")
    assert [q.prompt for q in questions] == prompts
    for q in questions:
        assert q.answer and "Answer" not in q.answer[:12] and "Image Source" not in q.answer
    assert "Be brief" not in questions[-1].answer, "Interview Tips are not part of the answer"


def test_subheadings_stay_inside_their_answer() -> None:
    text = GUIDE_STYLES[3][0]
    questions, skipped = parse_markdown(text, "guide.md")
    assert "Sinusoids" in questions[0].answer and not skipped


def test_mojibake_guide_is_repaired() -> None:
    questions, _ = parse_markdown(GUIDE_STYLES[4][0] + "\nDonâ€™t forget it.\n", "g.md")
    assert "Don’t forget it." in questions[-1].answer


def test_non_questions_are_skipped_with_a_reason(bank: Bank) -> None:
    reasons = {(s.source, s.heading): s.reason for s in bank.skipped}
    assert (
        "placeholder"
        in reasons[("generative-ai-comprehensive-qa.md", "Q51-Q100: Advanced Architecture and Training")]
    )
    assert "table of contents" in reasons[("generative-ai-comprehensive-qa.md", "Table of Contents")]
    assert any("Quick Reference" in h for _, h in reasons)
    assert any("Interview Tip" in h for _, h in reasons)
    for s in bank.skipped:
        asks = s.heading.rstrip("*").rstrip().endswith("?")
        assert not asks or "no answer" in s.reason or "above its questions" in s.reason, s


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is fine-tuning in Generative AI?", "What is fine-tuning in the context of generative models?"),
        ("What is prompt engineering?", "Explain the concept of prompt engineering in Gen AI"),
        ("What are Large Language Models (LLMs)?", "What is a Large Language Model (LLM)?"),
    ],
)
def test_real_duplicates_merge(a: str, b: str) -> None:
    assert group_duplicates([a, b]) == [0, 0]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is a GAN?", "What are the components of a GAN?"),
        ("What is Fine-tuning?", "Describe the Fine-tuning process."),
        ("What is the difference between GANs and Transformers?", "Difference Between Transformers and LLMs"),
        ("What is Retrieval-Augmented Generation (RAG)?", "What problems does RAG solve?"),
        # A two-part question is not its first half: merging would lose the second half.
        (
            "What is Generative AI?",
            "What is Generative AI, and how does it differ from traditional generative models?",
        ),
        (
            "What is Generative AI, and how does it differ from traditional generative models?",
            "What is Generative AI, and how does it differ across text, image, and audio-based models?",
        ),
    ],
)
def test_distinct_questions_stay_apart(a: str, b: str) -> None:
    assert group_duplicates([a, b]) == [0, 1]


def test_merged_question_keeps_every_reference_and_source(bank: Bank) -> None:
    widest = max(bank.questions, key=lambda q: len({s.file for s in q.sources}))
    assert len(widest.answers) == len(widest.sources) >= 4
    assert bank.merged_duplicates == sum(bank.by_source.values()) - len(bank.questions)


def test_ids_survive_reimport_and_edits_elsewhere(tmp_path: Path) -> None:
    guide = (QUESTIONS / "generative-ai-comprehensive-qa.md").read_text(encoding="utf-8")
    (tmp_path / "g.md").write_text(guide, encoding="utf-8")
    before = {q.prompt: q.id for q in load_bank(tmp_path, use_cache=False).questions}
    edited = guide.replace("What is a context window?", "What is a model's context window?")
    edited = edited.replace("Tokens are the basic units", "Tokens are the smallest units")
    (tmp_path / "g.md").write_text(edited, encoding="utf-8")
    after = {q.prompt: q.id for q in load_bank(tmp_path, use_cache=False).questions}
    unchanged = set(before) & set(after)
    assert len(unchanged) == len(before) - 1
    assert all(before[p] == after[p] for p in unchanged)


def test_cache_serves_the_same_bank_and_notices_edits(tmp_path: Path) -> None:
    source = tmp_path / "q"
    source.mkdir()
    (source / "team.yaml").write_text("- prompt: What is a token?\n  answer: A unit of text for the model.\n")
    first = load_bank(source, cache_dir=tmp_path / "cache")
    assert load_bank(source, cache_dir=tmp_path / "cache").stats() == first.stats()
    (source / "team.yaml").write_text("- prompt: What is a vector?\n  answer: An ordered list of numbers.\n")
    assert load_bank(source, cache_dir=tmp_path / "cache").questions[0].prompt == "What is a vector?"


def test_yaml_errors_name_file_entry_and_problem_and_the_rest_loads(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(
        "questions:\n  - prompt: What is a token?\n    answer: A unit of text the model reads.\n"
        "    topic: llms\n    aliases: [a piece of text]\n"
    )
    (tmp_path / "mixed.yaml").write_text(
        "- prompt: What is RAG?\n  answer: Retrieval then generation.\n  topic: cooking\n"
        "- answer: no prompt here\n"
        "- prompt: What is an embedding?\n  answer: A dense vector.\n  key_points: not-a-list\n"
        "- prompt: What is attention?\n  answer: Weighing tokens against each other.\n"
    )
    (tmp_path / "broken.yaml").write_text("- prompt: [unclosed\n")
    bank = build_bank(sorted(tmp_path.iterdir()))
    problems = {(e.file, e.entry.split(" (")[0], e.problem.split(" ")[0]) for e in bank.errors}
    assert ("mixed.yaml", "entry 1", "'topic'") in problems
    assert ("mixed.yaml", "entry 2", "'prompt'") in problems
    assert ("mixed.yaml", "entry 3", "'key_points'") in problems
    assert any(e.file == "broken.yaml" and "not valid YAML" in e.problem for e in bank.errors)
    assert sorted(q.prompt for q in bank.questions) == ["What is a token?", "What is attention?"]
    assert next(q for q in bank.questions if q.prompt == "What is a token?").aliases == ("a piece of text",)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app", "bank", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_cli_stats_json_shape_and_show_and_validate(tmp_path: Path) -> None:
    stats = json.loads(cli("stats", "--json").stdout)
    assert {
        "total",
        "by_source",
        "by_topic",
        "by_difficulty",
        "by_kind",
        "merged_duplicates",
        "skipped",
    } <= set(stats)
    assert stats["total"] >= 300 and sum(stats["by_topic"].values()) == stats["total"]
    assert set(stats["skipped"][0]) == {"source", "line", "heading", "reason"}
    some = json.loads(cli("list", "--topic", "rag", "--json").stdout)[0]
    shown = json.loads(cli("show", some["id"], "--json").stdout)
    assert set(shown) >= {
        "id",
        "prompt",
        "answer",
        "answers",
        "key_points",
        "topic",
        "difficulty",
        "kind",
        "sources",
    }
    assert shown["topic"] == "rag"
    assert cli("show", "q-nope").returncode == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text("- prompt: What?\n")
    result = cli("validate", str(bad), str(QUESTIONS / "genai-faang-style-questions.md"))
    assert (
        result.returncode == 1
        and "bad.yaml, entry 1" in result.stderr
        and "'answer' is required" in result.stderr
    )
    assert cli("validate", str(QUESTIONS)).returncode == 0
