import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_check(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check({"DJANGO_SETTINGS_MODULE": "hamafza.settings.production"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = run_check(
        {"DJANGO_SETTINGS_MODULE": "hamafza.settings.production", "DJANGO_SECRET_KEY": "short"}
    )
    assert result.returncode != 0
    assert "long random value" in result.stderr


def test_production_passes_the_deployment_checklist():
    result = run_check(
        {
            "DJANGO_SETTINGS_MODULE": "hamafza.settings.production",
            "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-value-for-the-check-only-" + "9" * 20,
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_database_defaults_to_sqlite_under_var_and_follows_database_url(monkeypatch):
    import importlib

    from hamafza.settings import base

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("HAMAFZA_VAR_DIR", "/tmp/hamafza-settings-test")
    default = importlib.reload(base).DATABASES["default"]
    assert default["ENGINE"] == "django.db.backends.sqlite3"
    assert str(default["NAME"]) == "/tmp/hamafza-settings-test/hamafza.sqlite3"
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@127.0.0.1:5432/hz")
    configured = importlib.reload(base).DATABASES["default"]
    assert configured["ENGINE"] == "django.db.backends.postgresql"
    assert configured["NAME"] == "hz"
    monkeypatch.undo()
    importlib.reload(base)


@pytest.mark.parametrize("module", ["hamafza.settings.base", "hamafza.settings.test"])
def test_settings_import_with_defaults(module):
    result = run_check({"DJANGO_SETTINGS_MODULE": module})
    assert result.returncode == 0, result.stderr
