"""The `voice-interviewer` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from voice_interviewer.interview.content import DIFFICULTIES, RUBRIC_AREAS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="voice-interviewer",
        description="Spoken mock interviews for ML system design, offline by default.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("interview", help="run a spoken interview (--text to type instead)")
    p.add_argument("--text", action="store_true", help="type your answers instead of speaking")
    p.add_argument(
        "--script", type=Path, help="replay candidate turns from a file (one per paragraph)"
    )
    p.add_argument(
        "--clock",
        choices=("real", "virtual"),
        default=None,
        help="virtual: the script's [+Ns] marks drive time (default with --script)",
    )
    p.add_argument("--resume", metavar="ID", help="continue a saved session (an id or 'latest')")
    p.add_argument("--problem", help="a problem id from prompts/problems/")
    p.add_argument("--difficulty", choices=DIFFICULTIES, help="skip the warm-up's assessment")
    p.add_argument("--focus", action="append", choices=RUBRIC_AREAS, help="rubric area to focus on")
    p.add_argument(
        "--continue-last",
        action="store_true",
        help="focus on the weakest areas of your last scorecard",
    )
    p.add_argument("--input-device", help="microphone: index or part of its name (see `devices`)")
    p.add_argument("--output-device", help="speakers: index or part of its name (see `devices`)")
    _voice_arguments(p)

    r = sub.add_parser("replay", help="play a folder of recorded answers through the voice loop")
    r.add_argument("folder", type=Path, help="WAV/FLAC answers, played in name order")
    r.add_argument("--problem", help="a problem id from prompts/problems/")
    r.add_argument("--difficulty", choices=DIFFICULTIES)
    r.add_argument("--focus", action="append", choices=RUBRIC_AREAS)
    r.add_argument(
        "--gap", type=float, default=0.4, help="seconds between a reply and the next answer"
    )
    _voice_arguments(r)

    sub.add_parser("devices", help="list audio input and output devices")

    b = sub.add_parser("bench", help="measure turn latency through the full voice loop")
    b.add_argument("--turns", type=int, default=None, help="only the first N answers (quick run)")
    b.add_argument("--model", default=None, help="litellm model (default: the director's words)")
    b.add_argument("--json", type=Path, default=None, help="write the figures to this file")
    b.add_argument(
        "--real-speech",
        type=Path,
        default=None,
        help="a folder of recorded answers with a manifest.json, replayed first",
    )

    d = sub.add_parser("doctor", help="check the models, the LLM and the audio setup")
    d.add_argument("--model", help="litellm model to check instead of the configured one")
    d.add_argument("--config", type=Path)

    s = sub.add_parser("sessions", help="list, show or delete saved sessions")
    s.add_argument("--json", action="store_true", help="print as JSON")
    actions = s.add_subparsers(dest="sessions_command", metavar="ACTION")
    sl = actions.add_parser("list", help="list saved sessions (the default)")
    sl.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print as JSON")
    ss = actions.add_parser("show", help="a session's summary: phases, ratings, speech figures")
    ss.add_argument("session", help="a session id, an id prefix, or 'latest'")
    ss.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print the full JSON export"
    )
    sd = actions.add_parser("delete", help="delete a session and its recording")
    sd.add_argument("session", help="a session id, an id prefix, or 'latest'")
    sd.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    e = sub.add_parser("export", help="export a session: transcript, subtitles, recording, report")
    e.add_argument("session", help="a session id, an id prefix, or 'latest'")
    e.add_argument(
        "--format",
        type=_export_formats,
        default=["md"],
        metavar="FORMAT",
        help="md, json, srt, vtt, html, audio or all; several as md,json "
        "(srt, vtt and html bring the recording along)",
    )
    e.add_argument("--out", type=Path, default=Path("."), help="folder to write into")
    e.add_argument(
        "--rebuild-scorecard",
        action="store_true",
        help="an interview that ended without its scorecard saved (a full disk): rebuild the "
        "scorecard from the journal's turns, save it, then export",
    )
    e.add_argument(
        "--audio-format",
        choices=("flac", "wav"),
        default="flac",
        help="the exported recording: stereo, you left, the interviewer right",
    )

    g = sub.add_parser("progress", help="compare ratings and speech figures across sessions")
    g.add_argument("--html", type=Path, metavar="FILE", help="also write a page with plots")
    g.add_argument("--json", action="store_true", help="print as JSON")
    g.add_argument("--last", type=int, metavar="N", help="only the last N sessions")
    return parser


def _version() -> str:
    """The installed distribution's version (a wheel or an editable install)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("voice-interviewer")
    except PackageNotFoundError:
        from voice_interviewer import __version__

        return f"{__version__} (not installed)"


EXPORT_FORMATS = ("md", "json", "srt", "vtt", "html", "audio")


def _export_formats(value: str) -> list[str]:
    """``all`` or a comma list of export formats."""
    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    if names == ["all"]:
        return list(EXPORT_FORMATS)
    bad = [n for n in names if n not in EXPORT_FORMATS]
    if bad or not names:
        shown = ", ".join(bad) if bad else repr(value)
        raise argparse.ArgumentTypeError(
            f"unknown format {shown}: choose from {', '.join(EXPORT_FORMATS)} or all"
        )
    return names


def _voice_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--audio",
        choices=("speakers", "headset"),
        default=None,
        help="speakers (default): the mic is muted while the interviewer talks; "
        "headset: talk over the interviewer to interrupt it",
    )
    p.add_argument("--model", help="litellm model for the interviewer's words, e.g. local/smollm2")
    p.add_argument(
        "--show-latency",
        action="store_true",
        help="show how long each reply took to begin after you stopped speaking",
    )
    p.add_argument(
        "--config", type=Path, help="a config TOML (default: config.toml in the data dir)"
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from voice_interviewer import commands

    try:
        return commands.run(args)
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
    except commands.UserError as e:
        print(f"voice-interviewer: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
