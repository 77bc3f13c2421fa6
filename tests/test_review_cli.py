"""`tutor admin`: cohorts with join codes, accounts with argon2 passwords, refusals in a sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adapters.dashboard.passwords import Argon2Hasher
from entrypoints.cli import app
from tutor.review.accounts import Accounts
from tutor.store.db import make_engine, session_factory
from tutor.store.review import TeamStore


def test_admin_creates_cohorts_codes_and_accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TUTOR_DATABASE_URL", raising=False)
    run = CliRunner().invoke
    created = run(app, ["admin", "create-cohort", "insa-2027", "--name", "INSA 2027", "--level", "2"])
    assert created.exit_code == 0, created.output
    assert re.search(r"/join [A-Z2-9]{8}", created.output)
    assert run(app, ["admin", "create-cohort", "insa-2027"]).exit_code == 2  # taken
    assert run(app, ["admin", "create-cohort", "Bad Key!"]).exit_code == 2
    assert re.fullmatch(r"/join [A-Z2-9]{8}\n", run(app, ["admin", "add-code", "insa-2027"]).output)

    user = ["admin", "create-user", "camille", "--name", "Camille", "--cohort", "insa-2027", "--password-stdin"]
    assert run(app, user, input="a long enough password\n").exit_code == 0
    weak = run(app, [*user[:3], "--password-stdin"], input="short\n")
    assert weak.exit_code == 2 and "10 characters" in weak.output
    assert (
        run(app, ["admin", "create-user", "root", "--role", "admin", "--password-stdin"], input="x" * 12).exit_code == 0
    )
    assert run(app, ["admin", "assign", "root", "no-such-cohort"]).exit_code == 2

    engine = make_engine(f"sqlite:///{tmp_path / 'tutor.sqlite3'}")
    accounts = Accounts(TeamStore(session_factory(engine)), Argon2Hasher())
    viewer = accounts.authenticate("camille", "a long enough password")
    assert viewer is not None and viewer.cohorts == {"insa-2027"} and viewer.name == "Camille"
    assert accounts.authenticate("root", "x" * 12) is not None
    engine.dispose()
