"""Check problem files against the format in voice_interviewer/prompts/README.md: python scripts/check_problem.py voice_interviewer/prompts/problems/*.toml"""

import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
AREAS = {"feature_engineering", "model_serving", "monitoring", "experiment_design"}
GLOBAL = tomllib.loads((ROOT / "voice_interviewer/prompts/concepts.toml").read_text())

errors = []
for name in sys.argv[1:]:
    path = Path(name)
    p = tomllib.loads(path.read_text())

    def err(msg: str, path: Path = path) -> None:
        errors.append(f"{path.name}: {msg}")

    if p.get("id") != path.stem:
        err("id must equal the file name")
    if p.get("difficulty") not in {"easy", "medium", "hard"}:
        err("difficulty must be easy|medium|hard")
    for key in ("title", "question"):
        if not p.get(key):
            err(f"missing {key}")
    if len(p.get("scope", [])) < 3:
        err("needs 3+ scope facts")
    for fact in p.get("scope", []):
        if not (fact.get("topic") and fact.get("keywords") and fact.get("answer")):
            err(f"scope fact incomplete: {fact}")
    levels = [h.get("level") for h in p.get("hints", [])]
    if levels != [1, 2, 3, 4]:
        err(f"hints must be levels 1..4 in order, got {levels}")
    for h in p.get("hints", []):
        if not set(h.get("reveals", [])) <= AREAS or not h.get("text"):
            err(f"hint {h.get('level')} needs text and reveals from {sorted(AREAS)}")
    local = p.get("concepts", {})
    for cid, c in local.items():
        if cid in GLOBAL:
            err(f"local concept {cid} shadows a global one")
        if c.get("area") not in AREAS | {"scope", "data", "modeling"} or not c.get("synonyms"):
            err(f"local concept {cid} needs an area and synonyms")
    kc = p.get("key_concepts", {})
    if set(kc) != AREAS:
        err(f"key_concepts must have exactly the areas {sorted(AREAS)}")
    for area, ids in kc.items():
        if len(ids) < 3:
            err(f"key_concepts.{area} needs 3+ concepts")
        for cid in ids:
            if cid not in GLOBAL and cid not in local:
                err(f"unknown concept id {cid} in key_concepts.{area}")
    if len(p.get("follow_ups", [])) < 2:
        err("needs 2+ follow_ups")

print("\n".join(errors) or f"ok: {len(sys.argv) - 1} problem file(s)")
sys.exit(1 if errors else 0)
