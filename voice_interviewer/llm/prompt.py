"""The renderer's prompt: persona, compact state, a bounded conversation and the move.

The prompt only ever grows at its end: the system prompt never changes, each turn appends
the message that was sent and the reply that was heard, and old turns are folded into a
summary a few at a time. A local model therefore reuses its KV cache for everything but the
newest turn (~0.15 s to first token instead of ~4 s for a cold 1,500-token prompt).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..messages import InterviewSnapshot, Move, MoveKind
from .guardrails import split_clauses

# How to read the director's notes. Interview content (the persona, the lines) comes from the
# content layer (interview/content.py); this is the contract of the message format built below.
RENDER_RULES = """\
How this conversation works: each message gives the candidate's words, then a note from the \
interview's director. The note's "Line" is what you must get across now. Say it in your own \
natural words as the interviewer, keeping every fact, number and name in it, and add nothing \
it does not contain: name no concept the line does not name, and give no hint beyond it. \
When the note has a "Question", end with that question, word for word, and ask no other. \
Reply with only the words you say aloud: two to four plain sentences, no lists, no markdown, \
no labels, never the note itself."""

_MOVE_HINTS = {
    MoveKind.GREETING: "open the interview warmly",
    MoveKind.PRESENT_PROBLEM: "present the problem",
    MoveKind.SCOPE_ANSWER: "answer the candidate's scoping question with the facts",
    MoveKind.FOLLOW_UP: "follow up on the answer",
    MoveKind.PROBE: "probe a weak spot in the design",
    MoveKind.PUSHBACK: "push back: the candidate skipped ahead",
    MoveKind.HINT: "give exactly this hint, nothing more",
    MoveKind.PUSH_MISSING: "push for what is still missing before time runs out",
    MoveKind.PHASE_CHANGE: "close this phase and open the next",
    MoveKind.REPEAT: "repeat the question",
    MoveKind.DIFFICULTY_CHANGE: "switch the problem",
    MoveKind.FOCUS: "move to the area the candidate asked for",
    MoveKind.PAUSE: "pause the interview",
    MoveKind.RESUME: "resume the interview",
    MoveKind.CLARIFY: "ask the candidate to say more",
    MoveKind.CONFIRM: "check whether the candidate really wants to end the interview now",
    MoveKind.REFUSE: "decline briefly, in character, and ask the question again",
    MoveKind.REDIRECT: "point out that this answers a different problem and bring them back",
    MoveKind.WRAP_UP: "close the interview",
}


def system_prompt(persona: str) -> str:
    """The fixed system prompt: the persona, then how to read the director's notes."""
    return f"{persona.strip()}\n\n{RENDER_RULES}"


def _minutes(value: float) -> str:
    m = max(0, round(value))
    return "under a minute" if m == 0 else f"about {m} minute{'s' if m != 1 else ''}"


def state_line(snap: InterviewSnapshot | None, *, with_problem_question: bool) -> str:
    """The compact interview state (never the rubric): phase, time, problem, gaps, hints."""
    if snap is None:
        return ""
    parts = [f"Phase: {snap.phase_title}, {_minutes(snap.minutes_left_in_phase)} left."]
    if snap.problem_title:
        parts.append(f"Problem: {snap.problem_title}.")
        if with_problem_question and snap.problem_question:
            parts.append(f"The problem as stated: {snap.problem_question}")
    if snap.gaps:
        parts.append(f"Not covered yet: {', '.join(snap.gaps)}.")
    parts.append(f"Hints earned: {snap.hint_level_earned} of 4.")
    return " ".join(parts)


def user_message(move: Move, candidate_text: str, *, with_problem_question: bool) -> str:
    """One turn's message: the candidate's words and the director's note for the move."""
    said = candidate_text.strip() or "(nothing: the interview is starting)"
    note = [
        f"Candidate: {said}",
        "",
        "Director's note:",
        state_line(move.snapshot, with_problem_question=with_problem_question),
        f"Move: {_MOVE_HINTS.get(move.kind, move.kind.value)}.",
        f"Line: {move.text}",
    ]
    if move.question:
        note.append(f"Question: {move.question}")
    return "\n".join(line for line in note if line is not None).strip()


def _clip(text: str, max_words: int) -> str:
    parts = text.split()
    return " ".join(parts[:max_words]) + (" ..." if len(parts) > max_words else "")


@dataclass
class _Turn:
    user: str
    reply: str
    candidate: str


class Conversation:
    """The messages of one interview, bounded and append-only.

    Up to ``window_turns`` turns are kept verbatim. Past that, the older half is folded into
    a summary at the front of the first kept message: folding a few at a time rather than
    one per turn keeps the prefix stable for several turns between folds.
    """

    SUMMARY_LINES = 12

    def __init__(self, persona: str, *, window_turns: int = 8) -> None:
        self.system = system_prompt(persona)
        self.window_turns = max(2, window_turns)
        self._turns: list[_Turn] = []
        self._summary: list[str] = []
        self._problem_seen: str | None = None
        self._folded = 0
        self.prefix_changed = False
        """Set when a fold changed the prompt prefix (a local model's cache is cold)."""

    def _summary_text(self) -> str:
        if not self._summary:
            return ""
        return "Earlier in this interview (summary):\n" + "\n".join(self._summary) + "\n\n"

    def history(self) -> list[dict[str, str]]:
        """System prompt and the kept turns, as chat messages."""
        out = [{"role": "system", "content": self.system}]
        for i, turn in enumerate(self._turns):
            user = (self._summary_text() + turn.user) if i == 0 else turn.user
            out.append({"role": "user", "content": user})
            out.append({"role": "assistant", "content": turn.reply})
        return out

    def messages_for(self, move: Move, candidate_text: str) -> list[dict[str, str]]:
        """The full prompt for ``move``: history, then this turn's message."""
        messages = self.history()
        messages.append({"role": "user", "content": self._pending_user(move, candidate_text)})
        return messages

    def _pending_user(self, move: Move, candidate_text: str) -> str:
        problem = move.snapshot.problem_title if move.snapshot else None
        show_question = problem is not None and problem != self._problem_seen
        return user_message(move, candidate_text, with_problem_question=show_question)

    def record(self, move: Move, candidate_text: str, reply: str) -> None:
        """Append the turn as sent and the reply as heard; fold old turns when over budget."""
        user = self._pending_user(move, candidate_text)
        if move.snapshot and move.snapshot.problem_title:
            self._problem_seen = move.snapshot.problem_title
        self._turns.append(_Turn(user=user, reply=reply.strip() or "...", candidate=candidate_text))
        if len(self._turns) > self.window_turns:
            keep = self.window_turns // 2
            old, self._turns = self._turns[:-keep], self._turns[-keep:]
            for turn in old:
                self._folded += 1
                self._summary.append(self._summarize(self._folded, turn))
            self._summary = self._summary[-self.SUMMARY_LINES :]
            self.prefix_changed = True

    def replace_last_reply(self, heard: str) -> None:
        """Keep only what the candidate heard of the last reply (after a barge-in)."""
        if self._turns:
            self._turns[-1].reply = heard.strip() or "..."

    @staticmethod
    def _summarize(index: int, turn: _Turn) -> str:
        candidate = _clip(turn.candidate.strip(), 25) or "(nothing)"
        reply = _clip(turn.reply.strip(), 20)
        return f'- Turn {index}: candidate said "{candidate}"; you said "{reply}"'

    def spoken_text(self) -> str:
        """Everything said so far (both sides, summary included), for the guardrails."""
        parts = list(self._summary)
        for turn in self._turns:
            parts.extend((turn.candidate, turn.reply))
        return " ".join(parts)

    def interviewer_clauses(self) -> list[str]:
        """The clauses of the interviewer's kept replies."""
        out: list[str] = []
        for turn in self._turns:
            clauses, _ = split_clauses(turn.reply, final=True)
            out.extend(clauses)
        return out
