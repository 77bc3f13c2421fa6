"""The command line's own checks, before anything starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from entrypoints.cli import app


def test_serve_without_a_token_says_what_to_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TUTOR_TELEGRAM_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "TUTOR_TELEGRAM_TOKEN" in result.output


def test_serve_with_a_webhook_but_no_secret_refuses_to_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TUTOR_TELEGRAM_TOKEN", "123456:TEST")
    monkeypatch.setenv("TUTOR_TELEGRAM_WEBHOOK_URL", "https://tutor.example.org/telegram")
    monkeypatch.delenv("TUTOR_TELEGRAM_WEBHOOK_SECRET", raising=False)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 2
    assert "TUTOR_TELEGRAM_WEBHOOK_SECRET" in result.output
