"""The interview content in prompts/ against the seed: problems, hints, notes, diagrams, rubric."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from candidates import ROOT, find_seed

from voice_interviewer.interview.content import DIFFICULTIES, default_prompts_dir

PROMPTS = default_prompts_dir()


@pytest.fixture(scope="module")
def seed() -> str:
    return find_seed().read_text(encoding="utf-8")


def _section(seed: str, heading: str) -> str:
    """The body of a markdown section, up to the next heading of the same or higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    start = seed.index(heading + "\n") + len(heading) + 1
    stop = re.compile(rf"^#{{1,{level}}} ", re.M).search(seed, start)
    return seed[start : stop.start() if stop else len(seed)]


def seed_problems(seed: str) -> list[dict]:
    problems = []
    hints = _section(seed, "## Hint System")
    for block in re.split(r"^### Problem: ", hints, flags=re.M)[1:]:
        title, body = block.split("\n", 1)
        question = re.search(r'\*\*Question\*\*: "(.+)"', body).group(1)
        levels = re.findall(r'- \*\*Level (\d)\*\*: "(.+)"', body)
        problems.append(
            {
                "title": title.strip(),
                "question": question,
                "hints": {int(n): text for n, text in levels},
            }
        )
    return problems


def seed_notes(seed: str) -> list[str]:
    body = _section(seed, "## Interviewer Notes")
    return [line[2:].strip() for line in body.splitlines() if line.startswith("- ")]


def seed_diagram(seed: str, heading: str) -> str:
    body = _section(seed, heading)
    return re.search(r"```\n(.*?)```", body, re.S).group(1)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]


# --- the problem bank --------------------------------------------------------------------------
def test_at_least_twelve_problems_over_three_difficulties(content):
    assert len(content.problems) >= 12
    by_level = {d: [p.id for p in content.problems if p.difficulty == d] for d in DIFFICULTIES}
    for difficulty, ids in by_level.items():
        assert len(ids) >= 3, f"only {ids} at {difficulty}"
    assert len({p.id for p in content.problems}) == len(content.problems)


def test_every_problem_has_four_distinct_hint_levels(content):
    for p in content.problems:
        assert [h.level for h in p.hints] == [1, 2, 3, 4], p.id
        texts = [h.text.strip() for h in p.hints]
        assert all(texts) and len(set(texts)) == 4, p.id
        assert len(p.follow_ups) >= 2, p.id


def test_the_seed_problems_are_in_the_bank_with_their_hints_verbatim(content, seed):
    parsed = seed_problems(seed)
    assert len(parsed) == 3
    for sp in parsed:
        assert sorted(sp["hints"]) == [1, 2, 3, 4], sp["title"]
        matches = [p for p in content.problems if p.question == sp["question"]]
        assert len(matches) == 1, f"seed problem {sp['title']!r} is not in the bank verbatim"
        problem = matches[0]
        assert problem.source == "seed"
        for hint in problem.hints:
            assert hint.text == sp["hints"][hint.level], f"{problem.id} level {hint.level}"
    assert sum(p.source == "seed" for p in content.problems) == 3


def test_check_problem_script_passes_on_the_bank():
    files = sorted(str(p) for p in (PROMPTS / "problems").glob("*.toml"))
    result = subprocess.run(
        [sys.executable, "scripts/check_problem.py", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"ok: {len(files)} problem file(s)" in result.stdout


def test_check_problem_script_rejects_a_broken_problem(tmp_path):
    good = (PROMPTS / "problems" / "recommendation.toml").read_text(encoding="utf-8")
    broken = tmp_path / "recommendation.toml"
    # Drop the level-4 hint: the checker must notice.
    without_level_4 = re.sub(
        r"\[\[hints\]\]\nlevel = 4\n.*?(?=\n\[key_concepts\])", "", good, flags=re.S
    )
    assert without_level_4 != good
    broken.write_text(without_level_4, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_problem.py"), str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "levels 1..4" in result.stdout


def test_check_problem_script_rejects_a_frame_without_its_groups(tmp_path):
    """A frame is a list of word groups; one written as a single group of words (a missing
    bracket) would be read letter by letter, so the content layer refuses it."""
    good = (PROMPTS / "problems" / "churn_prediction.toml").read_text(encoding="utf-8")
    broken = tmp_path / "churn_prediction.toml"
    frame = '\nframes = [["uplift", "treatment"]]\n'
    broken.write_text(
        good.replace("\n[concepts.uplift_modeling]\n", "\n[concepts.uplift_modeling]" + frame, 1),
        encoding="utf-8",
    )
    assert broken.read_text(encoding="utf-8") != good
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_problem.py"), str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "uplift_modeling" in result.stdout and "word groups" in result.stdout


# --- interviewer notes, warm-up, phases, rubric, diagrams, resources ---------------------------
def test_the_first_seven_notes_are_probes_verbatim(content, seed):
    notes = seed_notes(seed)
    assert len(notes) == 8
    probe_notes = [p.note for p in content.probes]
    for note in notes[:7]:
        assert note in probe_notes, f"note missing from probes.toml: {note[:60]}..."
    assert len({p.id for p in content.probes}) == len(content.probes) == 7


def test_every_seed_note_text_is_in_probes_toml(seed):
    """Requirement: every interviewer note of the seed is present in probes.toml, the eighth
    (continue a previous session / focus) included, even though a command implements it."""
    text = " ".join((PROMPTS / "probes.toml").read_text(encoding="utf-8").replace("#", " ").split())
    for note in seed_notes(seed):
        assert " ".join(note.split()) in text, f"not in probes.toml: {note[:70]}..."


def test_warmup_question_is_the_seeds(content, seed):
    question = re.search(r'\*\*Warm-up\*\*: "(.+)"', seed).group(1)
    assert content.warmup.question == question


def test_phases_have_the_seeds_titles_and_minutes(content, seed):
    found = re.findall(r"^### Phase \d: (.+) \((\d+) minutes\)", seed, re.M)
    assert [(p.title, p.minutes) for p in content.phases] == [(t, float(m)) for t, m in found]
    assert [p.minutes for p in content.phases] == [10, 15, 20, 15]


def test_rubric_descriptors_are_the_seeds(content, seed):
    rows = re.findall(r"^\| \*\*(.+?)\*\* \| (.+?) \| (.+?) \| (.+?) \|$", seed, re.M)
    assert len(rows) == 4
    for area, (title, novice, intermediate, expert) in zip(content.rubric, rows, strict=True):
        assert (area.title, area.novice, area.intermediate, area.expert) == (
            title,
            novice,
            intermediate,
            expert,
        )


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        ("### Visual: ML System Architecture", "ml_system"),
        ("### Visual: Feature Store Architecture", "feature_store"),
    ],
)
def test_the_two_seed_diagrams_are_present(content, seed, heading, name):
    assert name in content.diagrams
    assert _lines(content.diagrams[name]) == _lines(seed_diagram(seed, heading))


def test_phases_show_the_diagrams(content):
    shown = {p.diagram for p in content.phases if p.diagram}
    assert shown == {"ml_system", "feature_store"}


def test_seed_reading_list_is_in_the_resources(content, seed):
    books = re.findall(r'^- "(.+?)" by (.+)$', _section(seed, "### Essential Reading"), re.M)
    assert len(books) == 3
    titles = [r.title for r in content.resources]
    for book, author in books:
        assert any(book in t and author in t for t in titles), book


def test_probe_concepts_and_requests_are_wired(content):
    """Every probe names known concepts, and every request of the issue has phrasings and an
    action in the command table."""
    for probe in content.probes:
        assert probe.triggers and probe.covered_by and probe.question.endswith("?"), probe.id
        for part in probe.parts:
            assert part in probe.covered_by, (probe.id, part)
    names = {r.name for r in content.requests.rules if r.patterns and r.examples}
    assert set(content.requests.actions) == names | {"manipulation"}
    assert names >= {
        "hint",
        "repeat",
        "easier",
        "harder",
        "next_phase",
        "pause",
        "resume",
        "end",
        "continue_last",
        "focus",
        "manipulation",
    }


def test_an_unknown_concept_in_probes_toml_fails_naming_the_file(tmp_path):
    import shutil

    from voice_interviewer.interview.content import ContentError, load_content

    copy = tmp_path / "prompts"
    shutil.copytree(PROMPTS, copy)
    (copy / "probes.toml").write_text(
        (PROMPTS / "probes.toml")
        .read_text(encoding="utf-8")
        .replace('"feature_store"]', '"feature_stor"]'),
        encoding="utf-8",
    )
    with pytest.raises(ContentError, match="probes.toml"):
        load_content(copy)
