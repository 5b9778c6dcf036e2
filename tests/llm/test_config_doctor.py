"""Where the model comes from, and what doctor reports about it."""

from __future__ import annotations

import pytest
from llm_support import config

from voice_interviewer.llm.config import LLMConfig, llm_config_from
from voice_interviewer.llm.doctor import diagnose, format_doctor
from voice_interviewer.llm.models import BUNDLED_MODEL, resolve_local
from voice_interviewer.llm.scripted import Script


def test_model_precedence_flag_env_file():
    section = {"model": "ollama/from-file", "options": {"api_base": "http://x:1"}}
    assert llm_config_from(section, env={}).model == "ollama/from-file"
    env = {"VOICE_INTERVIEWER_MODEL": "openai/from-env"}
    assert llm_config_from(section, env=env).model == "openai/from-env"
    assert llm_config_from(section, env=env, model_flag="local/smollm2").model == "local/smollm2"
    assert llm_config_from(section, env={}).options["api_base"] == "http://x:1"


def test_default_is_no_model():
    cfg = llm_config_from(None, env={})
    assert cfg.model == "" and not cfg.enabled


def test_unknown_setting_is_an_error():
    with pytest.raises(ValueError, match=r"\[llm.options\]"):
        llm_config_from({"api_base": "http://x"}, env={})


def test_options_are_read_only():
    cfg = LLMConfig(model="m", options={"temperature": 0.2})
    with pytest.raises(TypeError):
        cfg.options["temperature"] = 1.0  # type: ignore[index]


def test_bundled_alias_resolves():
    path = resolve_local(BUNDLED_MODEL)
    assert path.name.endswith(".gguf") and path.is_file()


def test_doctor_without_model_explains_the_default():
    report = diagnose(LLMConfig())
    assert report.speaks == "director" and report.ok
    assert "local/smollm2" in report.reason and "quality-gate" in report.reason
    assert "--model" in format_doctor(report)


def test_doctor_names_missing_credentials_never_values(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    report = diagnose(LLMConfig(model="openai/gpt-4o-mini"), test_call=False)
    assert [c.name for c in report.credentials] == ["OPENAI_API_KEY"]
    assert not report.ok
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-value")
    report = diagnose(LLMConfig(model="openai/gpt-4o-mini"), test_call=False)
    assert report.credentials == () and report.ok
    assert "sk-very-secret-value" not in format_doctor(report)


def test_doctor_ollama_base_is_optional():
    report = diagnose(LLMConfig(model="ollama/llama3.2"), test_call=False)
    assert report.ok
    assert "localhost:11434" in format_doctor(report)


def test_doctor_test_call_reports_latency(fake_llm):
    fake_llm.enqueue("ready")
    report = diagnose(config(), timeout_s=5)
    assert report.test_ok and report.test_latency_s is not None and report.speaks == "llm"
    assert fake_llm.options[-1]["max_tokens"] == 1
    assert "test call: ok" in format_doctor(report)


def test_doctor_test_call_failure(fake_llm):
    fake_llm.enqueue(Script(error_status=401, error_message="invalid key"))
    report = diagnose(config(), timeout_s=5)
    assert report.test_ok is False and not report.ok and report.speaks == "director"
    assert "FAILED" in format_doctor(report)


def test_doctor_missing_local_file():
    report = diagnose(LLMConfig(model="local//nowhere/model.gguf"))
    assert report.test_ok is False and "no such GGUF" in report.reason
