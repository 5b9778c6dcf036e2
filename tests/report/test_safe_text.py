"""Safe text: control characters and terminal escape sequences in answers never reach the
terminal, the journal's display text, the exports or the scorecard quotes; the HTML report's
JSON island cannot be broken out of. A fuzz run throws random bytes, escape sequences and HTML
at a scripted text interview and checks the terminal output, the Markdown, the JSON and the
HTML page in headless Chromium (its script runs and sets ``data-ready``)."""

from __future__ import annotations

import codecs
import json
import random
import re

import pytest
from report_support import dump_dom

from voice_interviewer.cli import main
from voice_interviewer.session import events as ev
from voice_interviewer.session import store
from voice_interviewer.session.export import FORMATS, export_session, to_json
from voice_interviewer.session.html_report import _json_for_html
from voice_interviewer.session.journal import read_journal
from voice_interviewer.session.record import load_record
from voice_interviewer.text import safe_text

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""What no output may hold: C0 controls but tab and newline, DEL, C1 controls, bidi overrides."""

ESCAPES = [
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]0;pwned\x07",  # set the window title
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # a hyperlink
    "\x1b]8;;https://evil.example/",  # a hyperlink left open
    "\x1b[31;1m",
    "\x9b2J",  # 8-bit CSI
    "\x9d0;title\x9c",  # 8-bit OSC
    "\x1bP1$r\x1b\\",  # DCS
    "\x1bc",  # full reset
    "\x1b[?1049h",  # alternate screen
    "\x07\x08\x7f\x01",  # (a NUL makes the script a binary file, refused on its own)
    "\u202eevil\u202c",
    "\r",
]
HTML = [
    "<!--<script>",
    "</script>",
    "<script>document.body.dataset.ready='pwned'</script>",
    '"><img src=x onerror="document.title=1">',
    "]]> --> <!-- &amp; &lt;",
    "\u2028\u2029",
    "</ScRiPt><!--",
]
WORDS = (
    "feature store point in time joins revenue per session clickstream logs ranking "
    "model latency cache embeddings drift monitoring"
).split()


def test_safe_text_strips_sequences_and_controls_and_keeps_the_words():
    assert safe_text("plain text, é 日本") == "plain text, é 日本"
    assert safe_text("a\x1b[31mred\x1b[0m b") == "ared b"
    assert safe_text("\x1b]0;title\x07x") == "x"
    assert safe_text("\x1b]8;;http://e.com\x1b\\link\x1b]8;;\x1b\\") == "link"
    assert safe_text("open \x1b]8;;http://x rest") == "open "  # as a terminal would swallow it
    assert safe_text("\x9b2J\x9d0;t\x9cok") == "ok"
    assert safe_text("tab\tnew\nline\r\n") == "tab\tnew\nline\n"
    assert safe_text("bell\x07 nul\x00 del\x7f \u202eevil") == "bell nul del evil"
    assert safe_text("\x1b(B\x1b[?25lx\x1b") == "x"


def test_html_island_escapes_everything_that_could_end_it():
    island = _json_for_html({"t": "<!--<script></script>&\u2028\u2029"})
    assert (
        island
        == '{"t": "\\u003c!--\\u003cscript\\u003e\\u003c/script\\u003e\\u0026\\u2028\\u2029"}'
    )
    assert json.loads(island) == {"t": "<!--<script></script>&\u2028\u2029"}


def _answer(rng: random.Random) -> bytes:
    """One fuzzed turn: real words with escape sequences, HTML and random bytes mixed in."""
    parts: list[bytes] = []
    for _ in range(rng.randint(3, 9)):
        kind = rng.random()
        if kind < 0.35:
            parts.append(" ".join(rng.choices(WORDS, k=rng.randint(2, 8))).encode())
        elif kind < 0.6:
            parts.append(rng.choice(ESCAPES).encode())
        elif kind < 0.8:
            parts.append(rng.choice(HTML).encode())
        else:
            raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))
            parts.append(raw.replace(b"\n", b" ").replace(b"\0", b" "))
    body = b" ".join(parts).replace(b"\n", b" ").replace(b"\r", b" ")
    return b"x " + body  # never a "#" comment line or a "[+Ns]" mark by accident


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fuzzed_answers_reach_no_terminal_file_or_page(seed, tmp_path, content, capsys):
    rng = random.Random(seed)
    turns = [_answer(rng) for _ in range(8)] + [b"end the interview"]
    script = tmp_path / "fuzz.txt"
    script.write_bytes(b"\n\n".join(turns) + b"\n")
    assert main(["interview", "--text", "--script", str(script), "--clock", "virtual"]) == 0
    captured = capsys.readouterr()
    assert not UNSAFE.search(captured.out), repr(UNSAFE.search(captured.out))
    assert not UNSAFE.search(captured.err)
    assert "Scorecard" in captured.out

    [directory] = store.list_session_dirs()
    events = read_journal(directory / store.JOURNAL).events
    candidate = [e for e in events if isinstance(e, ev.TurnLine) and e.speaker == "candidate"]
    assert len(candidate) == len(turns)  # every turn kept
    for event in candidate:
        assert not UNSAFE.search(event.text)
        if event.raw is not None:  # the raw text, escaped: inert, and it decodes back
            assert event.raw.isascii() and not UNSAFE.search(event.raw)
            assert safe_text(codecs.decode(event.raw, "unicode_escape")).strip() == event.text
    assert any(e.raw is not None for e in candidate)

    record = load_record(directory)
    out = tmp_path / "export"
    out.mkdir()
    export_session(record, content, set(FORMATS), out)
    md = (out / f"{record.session_id}.md").read_text(encoding="utf-8")
    assert not UNSAFE.search(md)
    data = json.loads((out / f"{record.session_id}.json").read_text(encoding="utf-8"))
    assert not UNSAFE.search(json.dumps(data, ensure_ascii=False))
    assert data == json.loads(json.dumps(to_json(record, content)))

    page = out / f"{record.session_id}.html"
    html = page.read_text(encoding="utf-8")
    assert not UNSAFE.search(html)
    island = re.search(
        r'<script type="application/json" id="session-data">(.*?)</script>', html, re.DOTALL
    )
    assert island is not None and json.loads(island.group(1)) == data
    assert "<!--" not in island.group(1) and "<script" not in island.group(1).lower()
    dom = dump_dom(page.as_uri(), tmp_path / "profile")
    assert re.search(r'<body[^>]*data-ready="1"', dom)  # the report's own script ran
    # No answer's markup ran: the flag and the title are the report's own.
    assert 'data-ready="pwned"' not in dom and "<title>Interview " in dom
    assert "<img" not in dom
    shown = re.findall(r'<div class="turn (?:candidate|interviewer)', dom)
    assert len(shown) == len(record.turns)  # nothing swallowed the rest of the page


def test_a_quote_around_a_hyperlink_is_closed(tmp_path, capsys):
    """Before, shortening a quote could cut an OSC hyperlink in two and leave it open."""
    link = "\x1b]8;;https://evil.example/\x1b\\"
    long = (
        f"{link}We keep the user and item features in a feature store with point in time "
        "joins so training never sees the future, and we refresh the counts every "
        f"five minutes from the stream, with a nightly backfill for late events{link[:-2]}"
    )
    script = tmp_path / "quote.txt"
    script.write_text(
        "\n\n".join(
            [
                "I build ranking models for search at a marketplace.",
                "The objective is revenue per session from clickstream logs.",
                long,
                "end the interview",
            ]
        ),
        encoding="utf-8",
    )
    assert main(["interview", "--text", "--script", str(script), "--clock", "virtual"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "feature store" in out
    card = load_record(store.list_session_dirs()[0]).scorecard
    assert card is not None
    quotes = [ev.quote for a in card.areas for ev in a.evidence]
    assert any("feature store" in q for q in quotes)
    assert not any(UNSAFE.search(q) for q in quotes)


def test_an_old_journal_with_raw_sequences_exports_clean(text_session, content, tmp_path):
    """A journal written before answers were cleaned still exports without them."""
    path = text_session / store.JOURNAL
    lines = path.read_text(encoding="utf-8").splitlines()
    patched = []
    for line in lines:
        event = json.loads(line)
        if event.get("type") == "turn" and event.get("speaker") == "candidate":
            event["text"] = "\x1b]0;pwned\x07" + event["text"] + "\x1b[2J"
        patched.append(json.dumps(event, ensure_ascii=False))
    path.write_text("\n".join(patched) + "\n", encoding="utf-8")
    record = load_record(text_session)
    export_session(record, content, {"md", "json", "html"}, tmp_path)
    for suffix in ("md", "json", "html"):
        text = (tmp_path / f"{record.session_id}.{suffix}").read_text(encoding="utf-8")
        assert "\x1b" not in text and "pwned" not in text, suffix
        if suffix == "json":
            assert "\\u001b" not in text
