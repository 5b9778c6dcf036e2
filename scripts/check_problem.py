"""Check problem files before they join the bank, the way the interview reads them (through
the content layer, voice_interviewer/interview/content.py), against the format in
voice_interviewer/prompts/README.md:

    .venv/bin/python scripts/check_problem.py voice_interviewer/prompts/problems/*.toml

Exit 0 when every file is fine, 1 with one line per problem found.
"""

from __future__ import annotations

import sys
from pathlib import Path

from voice_interviewer.interview.content import (
    RUBRIC_AREAS,
    Content,
    ContentError,
    Problem,
    load_content,
    read_problem,
)

NON_RATED_AREAS = ("scope", "data", "modeling")
MIN_SCOPE_FACTS = 3
MIN_KEY_CONCEPTS = 3
MIN_FOLLOW_UPS = 2


def problems_in(path: Path, problem: Problem, content: Content) -> list[str]:
    """What is wrong with a problem the content layer could read."""
    found = []
    if problem.id != path.stem:
        found.append("id must equal the file name")
    for key in ("title", "question"):
        if not getattr(problem, key).strip():
            found.append(f"missing {key}")
    if len(problem.scope) < MIN_SCOPE_FACTS:
        found.append(f"needs {MIN_SCOPE_FACTS}+ scope facts")
    for fact in problem.scope:
        if not (fact.topic and fact.keywords and fact.answer):
            found.append(f"scope fact {fact.topic!r} needs a topic, keywords and an answer")
    for hint in problem.hints:
        if not hint.text.strip() or not set(hint.reveals) <= set(RUBRIC_AREAS):
            found.append(f"hint {hint.level} needs text and reveals from {list(RUBRIC_AREAS)}")
    for cid, concept in problem.concepts.items():
        if cid in content.concepts:
            found.append(f"local concept {cid} shadows a global one")
        if concept.area not in (*RUBRIC_AREAS, *NON_RATED_AREAS):
            found.append(f"local concept {cid} has unknown area {concept.area!r}")
    if set(problem.key_concepts) != set(RUBRIC_AREAS):
        found.append(f"key_concepts must have exactly the areas {list(RUBRIC_AREAS)}")
    for area, ids in problem.key_concepts.items():
        if len(ids) < MIN_KEY_CONCEPTS:
            found.append(f"key_concepts.{area} needs {MIN_KEY_CONCEPTS}+ concepts")
    if len(problem.follow_ups) < MIN_FOLLOW_UPS:
        found.append(f"needs {MIN_FOLLOW_UPS}+ follow_ups")
    return found


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    content = load_content()
    errors = []
    for name in argv:
        path = Path(name)
        if not path.is_file():
            errors.append(f"{name}: no such file")
            continue
        try:
            problem = read_problem(path, content)
        except ContentError as e:
            errors.append(str(e))
            continue
        errors += [f"{path.name}: {msg}" for msg in problems_in(path, problem, content)]
    print("\n".join(errors) or f"ok: {len(argv)} problem file(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
