"""The curated bank: every guide entry once, clean reference text, a faithful rubric for every question,
and validation that names file and line."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.bank import Bank, build_bank, load_bank, parse_markdown
from bot.bank.mojibake import repair
from bot.bank.rubric import MAX_RUBRIC_POINTS, POINT_WORDS, unsupported_terms
from bot.grading import grade_question
from bot.grading.text import content_stems

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "questions"
DOCS = (ROOT / "docs" / "bank.md").read_text(encoding="utf-8")


def documented_counts() -> dict[str, tuple[int, int]]:
    """The per-guide table of docs/bank.md: what a person counts reading each guide."""
    rows = re.findall(r"^\| `([\w.-]+\.md)` \|.*\| (\d+) \| (\d+) \|$", DOCS, re.M)
    return {name: (int(entries), int(distinct)) for name, entries, distinct in rows}


def test_each_guide_yields_the_entries_a_reader_counts(bank: Bank) -> None:
    counts = documented_counts()
    assert len(counts) == 5
    stats = bank.stats()
    assert {name: (stats["by_source"][name], stats["distinct_by_source"][name]) for name in counts} == counts


def test_every_shipped_question_has_a_faithful_rubric(bank: Bank) -> None:
    assert not bank.errors and not bank.uncurated
    for q in bank.questions:
        assert 1 <= len(q.rubric) <= MAX_RUBRIC_POINTS, q.id
        sources = [*q.answers, q.prompt]
        for point in q.rubric:
            assert len(point.text.split()) <= POINT_WORDS, point.text
            stems = set(content_stems(point.text))
            # Its words are the reference's (or an accepted phrasing's); a reworded word or two is fine.
            assert len(unsupported_terms(point, sources)) <= max(1, len(stems) // 4), (q.id, point.text)
            assert all(phrase.strip() for phrase in point.accept + point.wrong), q.id


def test_the_references_pass_their_own_rubric(bank: Bank) -> None:
    # A rubric a reference fails is a wrong rubric: members answering like the guide would fail it too.
    # Comparison tables read as bare lists, so a few references fall short; none is ever contradicted.
    graded = {q.id: [grade_question(q, ref) for ref in q.answers] for q in bank.questions}
    assert not [(qid, g.contradicted) for qid, grades in graded.items() for g in grades if g.contradicted]
    correct = sum(grades[0].verdict == "correct" for grades in graded.values())
    assert correct >= 0.95 * len(bank.questions)
    coding = [q for q in bank.questions if q.kind == "coding"]
    # Code is read, not dropped: a reference's code states its rubric's points.
    assert coding and all(graded[q.id][0].verdict != "incorrect" for q in coding)
    assert sum(graded[q.id][0].verdict == "correct" for q in coding) >= 0.8 * len(coding)


def test_points_are_statements_not_headings_or_code(bank: Bank) -> None:
    naming = re.compile(r"^(name|list|what are some)\b", re.IGNORECASE)  # "K-means clustering." answers these
    for q in bank.questions:
        for point in q.rubric:
            assert len(point.text.split()) >= 3 or naming.match(q.prompt), (q.id, point.text)
            assert not re.search(r"```|^\s*(def|import|class)\b|^#", point.text), point.text
            assert not point.text.rstrip().endswith((":", "(e.g.", " et")), point.text


def test_glossary_entries_and_titled_paragraphs_are_questions(bank: Bank) -> None:
    friendly = {s.line for q in bank.questions for s in q.sources if s.file.startswith("genai-interview")}
    lines = repair((QUESTIONS / "genai-interview-friendly-notes.md").read_text(encoding="utf-8")).splitlines()
    components = [
        i + 1 for i, line in enumerate(lines) if re.match(r"^### \*\*(\d\ufe0f?\u20e3|\U0001f51f)", line)
    ]
    glossary = [n for n in components if 178 <= n <= 441]
    assert len(glossary) == 16 and set(glossary) <= friendly  # 6 components and 10 terminologies
    guide = {q.prompt for q in bank.questions}
    assert any("autoregressive" in p.lower() for p in guide)


def test_two_part_questions_keep_both_halves_and_never_merge_with_their_first_half(bank: Bank) -> None:
    faang = next(q for q in bank.questions if q.sources[0].file == "genai-faang-style-questions.md")
    assert "differ" in faang.prompt and all(s.file == "genai-faang-style-questions.md" for s in faang.sources)
    across_modalities = [q for q in bank.questions if "text, image, and audio" in q.prompt]
    assert len(across_modalities) == 1 and across_modalities[0].id != faang.id


def test_reference_text_holds_no_chat_filler_labels_or_doubled_maths(bank: Bank) -> None:
    filler = re.compile(
        r"let me know|this completes the answers|let'?s continue answering|this keeps (it|your)"
        r"|structured answer will|\AA[.:]\s",
        re.IGNORECASE,
    )
    for q in bank.questions:
        for answer in q.answers:
            assert not filler.search(answer.replace("’", "'")), (
                q.id,
                filler.search(answer.replace("’", "'")),
            )
            assert not re.search(r"\n#+ [^\n]*\s*$", answer), q.id  # never the next section's title
            assert not re.search("[\U0001fa00-\U0001fa6f\U0001fb00-\U0001fbff]", answer), q.id
            assert "minGmaxD" not in answer and not re.search(r"(\w\(\w\))\1", answer), q.id


def test_interview_tips_are_kept_apart_from_the_reference(bank: Bank) -> None:
    faang = [q for q in bank.questions if q.sources[0].file == "genai-faang-style-questions.md"]
    assert len(faang) == 8
    for q in faang:
        assert q.tips, q.id
        assert "Interview Tips" not in q.answers[0]
        assert not any(tip in " ".join(p.text for p in q.rubric) for tip in q.tips)


def test_curated_merges_join_questions_and_remember_their_old_ids(bank: Bank) -> None:
    mode_collapse = [q for q in bank.questions if "mode collapse" in q.prompt.lower()]
    assert len(mode_collapse) == 1 and len(mode_collapse[0].answers) == 2
    assert bank.renamed and all(bank.get(new) for new in bank.renamed.values())
    assert all(bank.get(old) is bank.get(new) for old, new in bank.renamed.items())


def test_topic_and_difficulty_are_judged_not_keyword_guessed(bank: Bank) -> None:
    by_prompt = {q.prompt.lower(): q for q in bank.questions}
    full_form = next(q for p, q in by_prompt.items() if "full form of nlp" in p)
    assert full_form.difficulty == "easy"
    same_bias = next(q for p, q in by_prompt.items() if "same bias for all neurons" in p)
    assert same_bias.topic == "fundamentals"
    experts = next(q for p, q in by_prompt.items() if "mixture of experts" in p)
    assert experts.topic != "evaluation"


def copy_bank(tmp_path: Path) -> Path:
    target = tmp_path / "questions"
    shutil.copytree(QUESTIONS, target)
    return target


def test_a_reworded_heading_cannot_orphan_its_rubric_silently(tmp_path: Path) -> None:
    folder = copy_bank(tmp_path)
    guide = folder / "generative-ai-comprehensive-qa.md"
    guide.write_text(
        guide.read_text(encoding="utf-8").replace(
            "### Q8: What is a context window?", "### Q8: What is context?"
        ),
        encoding="utf-8",
    )
    bank = load_bank(folder, use_cache=False)
    assert any("no question has this id" in e.problem for e in bank.errors)
    assert bank.uncurated  # the reworded question now has no rubric
    result = subprocess.run(
        [sys.executable, "-m", "app", "bank", "validate", str(folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1 and "generative-ai-comprehensive-qa.yaml, line" in result.stderr


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def problems(bank: Bank) -> list[str]:
    return [str(e) for e in bank.errors]


def test_validation_names_file_and_line(tmp_path: Path) -> None:
    latin = write(tmp_path / "latin.md", "## 1. What is naïve Bayes?\n\nA classifier.\n".encode("latin-1"))
    dup_a = write(
        tmp_path / "a.yaml", yaml.safe_dump([{"id": "team-1", "prompt": "What is X?", "answer": "An x."}])
    )
    dup_b = write(
        tmp_path / "b.yaml",
        yaml.safe_dump(
            [
                {"id": "team-1", "prompt": "What is Y?", "answer": "A y."},
                {"id": "team-2", "prompt": "What is Z?", "answer": "A z."},
                {"id": "team-2", "prompt": "What is W?", "answer": "A w."},
            ]
        ),
    )
    broken = write(tmp_path / "broken.yaml", "- prompt: What?\n  answer: [unclosed\n")
    empty_q = write(tmp_path / "empty.md", "## 1. What is attention?\n\n## 2. What is a token?\n\nA unit.\n")
    huge = write(tmp_path / "huge.yaml", f"- prompt: What is long?\n  answer: {'x ' * 11_000}\n")
    found = problems(build_bank([latin, dup_a, dup_b, broken, empty_q, huge]))
    text = "\n".join(found)
    assert "latin.md, line 1: not UTF-8" in text
    assert "b.yaml, line 1: duplicate id 'team-1': already used in a.yaml, line 1" in text
    assert re.search(r"b\.yaml, entry 3 \(line \d+\).*duplicate id 'team-2': already used by entry 2", text)
    assert re.search(r"broken\.yaml, file: not valid YAML: line \d+, column \d+", text)
    assert "empty.md, line 1: question" in text and "has no answer" in text
    assert "huge.yaml" in text and "the limit is 20,000" in text
    # A Latin-1 file is refused, never loaded with letters silently dropped ("naïve" as "nave").
    assert not any("nave" in q.prompt for q in build_bank([latin]).questions)


def test_team_files_carry_the_rubric_fields(tmp_path: Path) -> None:
    write(
        tmp_path / "team.yaml",
        yaml.safe_dump(
            [
                {
                    "prompt": "What is KV caching?",
                    "answer": "Storing the keys and values of earlier tokens during generation.",
                    "key_points": [
                        {"point": "It stores the keys and values of earlier tokens.", "accept": ["KV cache"]},
                        "New tokens reuse them instead of recomputing.",
                    ],
                    "tips": ["Mention its memory cost."],
                }
            ]
        ),
    )
    question = build_bank([tmp_path / "team.yaml"]).questions[0]
    assert [p.text for p in question.rubric][1] == "New tokens reuse them instead of recomputing."
    assert question.rubric[0].accept == ("KV cache",) and question.tips == ("Mention its memory cost.",)


@pytest.mark.parametrize(
    "answer",
    [
        "## Benefits\n\n| Core Concept | Detail |\n|---|---|\n| a | b |\n\n```python\nx = f(y)\n```\n",
        "**How It Works**\n\n- **Key Features**:\n- e.g. something\n",
    ],
)
def test_derived_points_are_never_headings_table_cells_or_code(answer: str) -> None:
    questions, _ = parse_markdown(f"## 1. What is it?\n\n{answer}", "g.md")
    from bot.bank.key_points import extract_key_points

    points = extract_key_points(questions[0].answer)
    assert not any(word in " ".join(points) for word in ("Core Concept", "x = f", "Benefits", "How It Works"))


def test_derived_points_are_whole_sentences() -> None:
    from bot.bank.key_points import extract_key_points

    long = "Word " + " ".join(["word"] * 40) + "."
    first = "A cache stores values so they are not computed twice."
    answer = f"{first} {long}\n\n- **Reuse**: New tokens reuse them.\n"
    points = extract_key_points(answer)
    assert points == (
        "A cache stores values so they are not computed twice.",
        "Reuse: New tokens reuse them.",
    )
