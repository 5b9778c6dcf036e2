"""How every package cuts up and compares text: one normaliser, one word splitter, one
sentence splitter, one clause splitter and phrase matching on word boundaries.

Spoken text reaches us from speech recognition ("x g boost", "A/B test", "that’s my answer")
and written text from the content files and the LLM; both sides of every comparison go
through ``normalize`` so that they meet in one form: lower-case ASCII words and digits,
single spaces, apostrophes dropped ("don't" -> "dont"), everything else a space.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Spoken forms that transcription produces for the same written term.
_SPOKEN_FORMS = (
    (re.compile(r"\ba\s*/\s*b\b"), "ab"),
    (re.compile(r"\bx\s*g\s*boost\b"), "xgboost"),
    # Whisper writes "one percent" as "1%"; the content says "1 percent".
    (re.compile(r"%"), " percent"),
)
_NON_WORD = re.compile(r"[^a-z0-9']+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


@functools.lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Lower-case words separated by single spaces; "/", "-", "_" and punctuation are spaces,
    apostrophes vanish ("don't" -> "dont"), and spoken forms of jargon are joined."""
    lowered = text.lower().translate(_APOSTROPHES)
    for pattern, replacement in _SPOKEN_FORMS:
        lowered = pattern.sub(replacement, lowered)
    return " ".join(_NON_WORD.sub(" ", lowered).replace("'", "").split())


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    return normalize(text).split()


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """Like ``normalize`` without the spoken forms (but with "%" as "percent"), plus each output character's index in
    ``text``, so that a match in the normalised text can be quoted from the original."""
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text.lower()):
        if ch.isalnum() and ch.isascii():
            out.append(ch)
            offsets.append(i)
        elif ch in "'\u2019\u2018`":
            continue  # "don't" -> "dont", as in normalize()
        elif ch == "%":  # "1%" -> "1 percent", as in normalize(); quoted as the "%"
            if out and out[-1] != " ":
                out.append(" ")
                offsets.append(i)
            out.extend("percent ")
            offsets.extend([i] * 8)
        elif out and out[-1] != " ":
            out.append(" ")
            offsets.append(i)
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


# --- phrases ---------------------------------------------------------------------------------


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A pattern finding the normalised ``phrase`` on word boundaries of normalised text."""
    return re.compile(r"(?<![a-z0-9])" + re.escape(normalize(phrase)) + r"(?![a-z0-9])")


def has_phrase(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words (both are normalised)."""
    wanted = normalize(phrase)
    return bool(wanted) and f" {wanted} " in f" {normalize(text)} "


def ends_with_phrase(text: str, phrases: Iterable[str]) -> bool:
    """Whether ``text`` ends with one of ``phrases`` as whole words ("and so" ends with "so",
    "also" does not)."""
    said = f" {normalize(text)}"
    return any(p and said.endswith(f" {p}") for p in map(normalize, phrases))


def starts_with_phrase(text: str, phrases: Iterable[str]) -> bool:
    """Whether ``text`` begins with one of ``phrases`` as whole words."""
    said = f"{normalize(text)} "
    return any(p and said.startswith(f"{p} ") for p in map(normalize, phrases))


# --- sentences and clauses -------------------------------------------------------------------

_TERMINALS = ".?!;:\u2026"
_SENTENCE_TERMINALS = ".?!\u2026"
_CLOSERS = "\"')]}\u201d\u2019"

ABBREVIATIONS: tuple[str, ...] = (
    "dr.",
    "mr.",
    "mrs.",
    "prof.",
    "st.",
    "jr.",
    "sr.",
    "vs.",
    "etc.",
    "approx.",
    "incl.",
    "fig.",
    "inc.",
    "ltd.",
    "cf.",
)
"""Lower-case words ending in "." that do not end a sentence. Words with an inner dot
("e.g.", "i.e.", "U.S.") and single capital letters ("J.") are recognised without a list."""


@dataclass(frozen=True)
class ClauseRules:
    """Where a text may be cut into clauses."""

    terminals: str = _TERMINALS
    """Marks that end a clause when whitespace follows them."""

    comma_min_words: int | None = 6
    """Cut at a comma only when the clause already has this many words; None: never.
    Shorter comma pieces sound choppy when synthesized one by one."""

    max_words: int | None = 25
    """Cut a clause with no punctuation at the next space after this many words, so a
    run-on LLM sentence cannot hold back the first audio; None: never."""

    abbreviations: tuple[str, ...] = ABBREVIATIONS
    """Words whose final "." is not a sentence end (see ``ABBREVIATIONS``)."""


SENTENCES = ClauseRules(terminals=_SENTENCE_TERMINALS, comma_min_words=None, max_words=None)
"""Whole sentences: cut only at ". ? !" (and line breaks)."""


def clause_end(text: str, rules: ClauseRules = ClauseRules()) -> int | None:
    """Index just past the first complete clause of ``text``, or None while it is unfinished.

    A terminal counts only when whitespace follows it, which keeps "0.9", "e.g." and "10:30"
    whole; so a terminal at the very end of ``text`` waits for more text (or the caller's
    final flush) before it ends a clause. A line break always ends one.
    """
    words_seen = 0
    in_word = False
    n = len(text)
    for i, ch in enumerate(text):
        if ch.isspace():
            if in_word:
                words_seen += 1
                in_word = False
            if ch == "\n" and text[:i].strip():
                return i + 1
            if rules.max_words is not None and words_seen >= rules.max_words:
                return i + 1
            continue
        in_word = True
        if ch in rules.terminals:
            j = i + 1
            while j < n and (text[j] in rules.terminals or text[j] in _CLOSERS):
                j += 1
            if j >= n:
                return None  # the next text says whether this is "0.9" or an end
            if not text[j].isspace():
                continue
            if ch == "." and _dot_in_word(text[: i + 1], rules.abbreviations):
                continue
            return j
        if ch == "," and rules.comma_min_words is not None:
            if i + 1 >= n:
                return None  # "1," may yet become "1,000"
            if text[i + 1].isspace() and words_seen + 1 >= rules.comma_min_words:
                return i + 1
    return None


def _dot_in_word(clause: str, abbreviations: tuple[str, ...]) -> bool:
    """Whether the "." ending ``clause`` belongs to a word, not to the sentence."""
    stripped = clause.strip()
    last = stripped.split()[-1] if stripped else ""
    lowered = last.lower().lstrip("(\"'")
    if lowered in abbreviations:
        return True
    core = lowered[:-1]
    if "." in core:  # e.g.  i.e.  U.S.  a.m.
        return True
    if len(core) == 1 and core.isalpha() and last[-2].isupper():  # an initial: "J."
        return True
    # A list marker ("1.") on its own is not a clause.
    return stripped[:-1].isdigit()


def speakable(text: str) -> bool:
    """Whether ``text`` holds anything to say (a letter or a digit)."""
    return any(ch.isalnum() for ch in text)


def split_clauses(
    buffer: str, rules: ClauseRules = ClauseRules(), *, final: bool = False
) -> tuple[list[str], str]:
    """The complete clauses at the front of ``buffer`` (stripped, speakable ones only) and
    the unfinished rest; with ``final`` the rest is a clause too."""
    clauses: list[str] = []
    while (end := clause_end(buffer, rules)) is not None:
        clause, buffer = buffer[:end], buffer[end:]
        if speakable(clause):
            clauses.append(clause.strip())
    if final:
        if speakable(buffer):
            clauses.append(buffer.strip())
        buffer = ""
    return clauses, buffer


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) character spans of the sentences of ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while pos < len(text):
        end = clause_end(text[pos:], SENTENCES)
        stop = len(text) if end is None else pos + end
        piece = text[pos:stop]
        if speakable(piece):
            lead = len(piece) - len(piece.lstrip())
            spans.append((pos + lead, pos + len(piece.rstrip())))
        pos = stop
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of a complete ``text``."""
    return [text[a:b] for a, b in sentence_spans(text)]


# --- clauses inside a sentence ---------------------------------------------------------------

_CLAUSE_PUNCT = re.compile(r"[,;:\u2014\u2013]|\s-\s|\.{3}")


def clause_spans(
    text: str, start: int = 0, end: int | None = None, before: Iterable[str] = ()
) -> list[tuple[int, int]]:
    """The spans of the clauses of ``text[start:end]``: cut at commas, semicolons, colons and
    dashes, and before each word of ``before`` ("but", "because", ...). Whitespace trimmed;
    spans without a letter or digit are dropped."""
    end = len(text) if end is None else end
    cuts = {start, end}
    piece = text[start:end]
    for m in _CLAUSE_PUNCT.finditer(piece):
        cuts.add(start + m.start())
        cuts.add(start + m.end())
    markers = [normalize(w) for w in before if normalize(w)]
    if markers:
        pattern = re.compile(
            r"(?<![\w'\u2019])(?:" + "|".join(re.escape(w) for w in markers) + r")(?![\w'\u2019])",
            re.IGNORECASE,
        )
        for m in pattern.finditer(piece):
            cuts.add(start + m.start())
    bounds = sorted(cuts)
    spans: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        chunk = text[a:b]
        if not speakable(chunk) or _CLAUSE_PUNCT.fullmatch(chunk.strip() or "x"):
            continue
        lead = len(chunk) - len(chunk.lstrip(" ,;:\u2014\u2013-"))
        trail = len(chunk.rstrip(" ,;:\u2014\u2013-.?!"))
        if trail > lead:
            spans.append((a + lead, a + trail))
    return spans


# --- phrase patterns -------------------------------------------------------------------------
#
# A tiny pattern language for phrasings kept as data (prompts/*.toml), matched on normalised
# text. Words are matched whole; "(a|b c)" is a choice, "[a b]" or "(a|b)?" is optional, "*" skips up to
# three words and "**" up to eight, "word*" is a word prefix ("repeat*": repeat, repeating),
# "^" (first) anchors at the start of the text after any of the given filler words, "$" (last)
# ends the text or is followed by one of the given tail words, and "{name}" inserts the named
# macro. For example "(can|could) (i|we) (get|have) * hint*" matches "could I get a small hint".

_TOKEN = re.compile(r"\s*(\*\*|\*|\^|\$|\?|\(|\)|\[|\]|\||\{[a-z_]+\}|[^\s()\[\]|{}?]+)")


class PatternError(ValueError):
    """A phrase pattern does not parse; the message quotes it."""


def compile_phrase_pattern(
    pattern: str,
    *,
    macros: dict[str, str] | None = None,
    fillers: Iterable[str] = (),
    tails: Iterable[str] = (),
) -> re.Pattern[str]:
    """Compile ``pattern`` (the language above) to a regex searched in ``padded(text)``."""
    macros = macros or {}
    fillers, tails = tuple(fillers), tuple(tails)
    filler_re, tail_re = _alternation(fillers), _alternation(tails)
    tokens = _TOKEN.findall(pattern)
    if "".join(tokens).replace(" ", "") != pattern.replace(" ", ""):
        raise PatternError(f"cannot read pattern {pattern!r}")

    def parse_alt(pos: int, depth: int) -> tuple[str, int]:
        options: list[str] = []
        while True:
            seq, pos = parse_seq(pos, depth)
            options.append(seq)
            if pos < len(tokens) and tokens[pos] == "|":
                pos += 1
                continue
            return "(?:" + "|".join(options) + ")", pos

    def parse_seq(pos: int, depth: int) -> tuple[str, int]:
        out: list[str] = []
        while pos < len(tokens) and tokens[pos] not in ("|", ")", "]"):
            tok = tokens[pos]
            pos += 1
            if tok in ("(", "["):
                inner, pos = parse_alt(pos, depth + 1)
                close = ")" if tok == "(" else "]"
                if pos >= len(tokens) or tokens[pos] != close:
                    raise PatternError(f"unbalanced {tok!r} in pattern {pattern!r}")
                pos += 1
                optional = tok == "[" or (pos < len(tokens) and tokens[pos] == "?")
                if tok == "(" and optional:
                    pos += 1
                out.append(inner + "?" if optional else inner)
            elif tok == "?":
                raise PatternError(f"'?' must follow a ')' in pattern {pattern!r}")
            elif tok == "*":
                out.append(r"(?:[a-z0-9]+ ){0,3}")
            elif tok == "**":
                out.append(r"(?:[a-z0-9]+ ){0,8}")
            elif tok == "^":
                if out or depth:
                    raise PatternError(f"'^' must open the pattern {pattern!r}")
                # The start of the text, or of a clause after a "|" separator.
                start = _ANCHORED
                out.append(start + r"(?:(?:" + filler_re + r") )*" if filler_re else start)
            elif tok == "$":
                # The end of the text or of a clause, or a tail word.
                end = r"(?:$|(?=\| )"
                out.append(end + r"|(?=(?:" + tail_re + r") ))" if tail_re else end + ")")
            elif tok.startswith("{"):
                name = tok[1:-1]
                if name not in macros:
                    raise PatternError(f"unknown macro {tok} in pattern {pattern!r}")
                macro = compile_phrase_pattern(
                    macros[name], macros=macros, fillers=fillers, tails=tails
                ).pattern
                out.append(macro.removeprefix("(?<= )"))
            elif tok.endswith("*") and len(tok) > 1:
                out.append(re.escape(normalize(tok[:-1])) + r"[a-z0-9]* ")
            else:
                word = normalize(tok)
                if not word:
                    raise PatternError(f"empty word {tok!r} in pattern {pattern!r}")
                out.append(re.escape(word) + " ")
        return "".join(out), pos

    body, pos = parse_alt(0, 0)
    if pos != len(tokens):
        raise PatternError(f"unbalanced brackets in pattern {pattern!r}")
    anchored = tokens[:1] == ["^"]
    return re.compile(body if anchored else _UNANCHORED + body)


@functools.lru_cache(maxsize=64)
def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in map(normalize, words) if w)


_ANCHORED = r"(?:^ |(?<=\| ))"
_UNANCHORED = r"(?<= )"


def any_phrase_pattern(sources: Iterable[str]) -> re.Pattern[str] | None:
    """One expression matching any of the compiled phrase patterns ``sources`` (their
    ``.pattern``), with the word-start test done once per position rather than once per
    pattern, which is what makes a long list of phrasings cheap to search."""
    anchored: list[str] = []
    free: list[str] = []
    other: list[str] = []
    for source in sources:
        if source.startswith(_ANCHORED):
            anchored.append(source[len(_ANCHORED) :])
        elif source.startswith(_UNANCHORED):
            free.append(source[len(_UNANCHORED) :])
        else:
            other.append(source)
    parts = []
    if anchored:
        parts.append(_ANCHORED + "(?:" + "|".join(f"(?:{s})" for s in anchored) + ")")
    if free:
        parts.append(_UNANCHORED + "(?:" + "|".join(f"(?:{s})" for s in free) + ")")
    parts += [f"(?:{s})" for s in other]
    return re.compile("|".join(parts)) if parts else None


def padded(norm: str) -> str:
    """Normalised text as phrase patterns search it: one space before and after each word."""
    return f" {norm} " if norm else " "


# --- transcripts compared word by word ------------------------------------------------------

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL_ENDINGS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                    "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}  # fmt: skip
_DECIMAL = re.compile(r"(\d+)\.(\d+)")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")


def number_words(n: int) -> str:
    """``n`` (0 <= n < 10**9) in English words: 250 -> "two hundred fifty"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    for size, name in ((10**6, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= size:
            rest = n % size
            head = f"{number_words(n // size)} {name}"
            return head if rest == 0 else f"{head} {number_words(rest)}"
    raise ValueError(n)  # pragma: no cover - unreachable


def _ordinal_words(n: int) -> str:
    words_ = number_words(n).split()
    last = words_[-1]
    if last in _ORDINAL_ENDINGS:
        words_[-1] = _ORDINAL_ENDINGS[last]
    elif last.endswith("y"):
        words_[-1] = last[:-1] + "ieth"
    else:
        words_[-1] = last + "th"
    return " ".join(words_)


def _spell_number(match: re.Match[str]) -> str:
    digits = match.group(0)
    return f" {number_words(int(digits))} " if len(digits) <= 9 else f" {digits} "


def comparable_words(text: str) -> list[str]:
    """The words of a transcript in one form for word error rates: ``normalize``'s words with
    numbers spelled out ("1%" -> "one percent", "0.2" -> "zero point two", "p99" -> "p ninety
    nine", "90th" -> "ninetieth") and runs of single letters joined ("A B test" -> "ab test",
    "P S I" -> "psi"), so that how a recogniser writes a spoken term does not count as an
    error."""
    lowered = text.lower().translate(_APOSTROPHES)
    lowered = lowered.replace("%", " percent ").replace("&", " and ")
    lowered = _THOUSANDS_COMMA.sub("", lowered)
    lowered = _DECIMAL.sub(lambda m: f"{m.group(1)} point {' '.join(m.group(2))}", lowered)
    lowered = _ORDINAL.sub(lambda m: f" {_ordinal_words(int(m.group(1)))} ", lowered)
    lowered = _LETTER_DIGIT.sub(" ", lowered)
    lowered = re.sub(r"\d+", _spell_number, lowered)
    out: list[str] = []
    run: list[str] = []
    for word in normalize(lowered).split() + [""]:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        out.extend(["".join(run)] if len(run) > 1 else run)
        run = []
        if word:
            out.append(word)
    return out


# --- safe text: what an answer may put on a terminal, in a file or on a page -------------------
# An answer (typed, scripted, or an LLM's reply) may hold terminal escape sequences: they would
# retitle or clear the terminal when echoed, and a shortened quote could leave a hyperlink open.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|\Z)"  # OSC, DCS, ... to ST
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI (7- or 8-bit): ESC [ params final
    r"|\x1b[ -/]*[0-~]?",  # any other ESC sequence, or a lone ESC
    re.DOTALL,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 controls (tab and newline stay), DEL, and the bidi overrides that reorder text."""


def safe_text(text: str) -> str:
    """``text`` without control characters and terminal escape sequences (ANSI CSI, OSC such
    as titles and hyperlinks, DCS, C1 controls), safe to echo, save or quote; tab and newline
    stay. A string that holds none is returned as it is."""
    if text.isprintable():
        return text
    text = _ESCAPE_SEQUENCE.sub("", text.replace("\r\n", "\n"))
    return _CONTROL.sub("", text)


def escaped(text: str) -> str:
    """``text`` with every non-ASCII or control character as a backslash escape (reversible
    with ``codecs.decode(s, "unicode_escape")``): raw input kept for the record, inert."""
    return text.encode("unicode_escape").decode("ascii")
