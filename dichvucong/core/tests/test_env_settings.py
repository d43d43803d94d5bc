"""A misconfigured deployment stops at start with a message naming the variable (config/settings.py).

Each case starts a fresh interpreter, because settings are read once at import.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SETTINGS_FILE = Path(settings.BASE_DIR) / "config" / "settings.py"
ENV_NAME = re.compile(r"""\benv_\w+\(\s*["']([A-Z][A-Z0-9_]*)["']""")

PRODUCTION_OK = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": "test-only-Qm4v9Zr2Lx7Kp1Wd8Hs3Jt6Nb0Fy5Gc2Ue9Ra4Vo7Ti",
    "DJANGO_ALLOWED_HOSTS": "dichvucong.example.vn",
    "EMAIL_HOST": "smtp.example.vn",
    "FIELD_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=",
    "FIELD_HASH_KEY": "test-only-blind-index-key-0123456789abcdef",
    "OIDC_RSA_PRIVATE_KEY": "test-only-not-a-real-key",
}


def _start(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess[str]:
    """Run ``django.setup()`` in a child whose environment holds none of our variables but ``overrides``."""
    ours = set(ENV_NAME.findall(SETTINGS_FILE.read_text(encoding="utf-8")))
    env = {key: value for key, value in os.environ.items() if key not in ours}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path), **overrides})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_defaults_start(tmp_path: Path) -> None:
    """Given no variables at all, when Django starts, then it starts (SQLite, file broker, development)."""
    result = _start(tmp_path)
    assert result.returncode == 0, result.stderr


def test_complete_production_configuration_starts(tmp_path: Path) -> None:
    """Given every variable production requires, when Django starts, then it starts."""
    result = _start(tmp_path, **PRODUCTION_OK)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DATABASE_URL": "mysql://root@127.0.0.1:3306/dichvucong"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://127.0.0.1:6379/0"}, "REDIS_URL"),
        ({"EMAIL_PORT": "abc"}, "EMAIL_PORT"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT"),
        ({"DJANGO_ENV": "staging"}, "DJANGO_ENV"),
        ({**PRODUCTION_OK, "DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({**PRODUCTION_OK, "FIELD_ENCRYPTION_KEYS": ""}, "FIELD_ENCRYPTION_KEYS"),
        ({**PRODUCTION_OK, "FIELD_HASH_KEY": ""}, "FIELD_HASH_KEY"),
        ({**PRODUCTION_OK, "OIDC_RSA_PRIVATE_KEY": ""}, "OIDC_RSA_PRIVATE_KEY"),
        ({**PRODUCTION_OK, "DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({**PRODUCTION_OK, "DJANGO_DEBUG": "true"}, "DJANGO_DEBUG"),
    ],
    ids=[
        "debug-not-boolean",
        "mysql-url",
        "redis-http-url",
        "email-port-not-int",
        "login-limit-zero",
        "unknown-env",
        "production-without-secret",
        "production-without-field-keys",
        "production-without-field-hash-key",
        "production-without-oidc-key",
        "production-without-hosts",
        "production-with-debug",
    ],
)
def test_invalid_configuration_fails_at_start_naming_the_variable(
    tmp_path: Path, overrides: dict[str, str], named: str
) -> None:
    """Given one wrong variable, when Django starts, then it exits with ImproperlyConfigured naming it."""
    result = _start(tmp_path, **overrides)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured:"), result.stderr
    assert named in last_line


def test_production_configuration_passes_the_deployment_checks(tmp_path: Path) -> None:
    """Given a complete production configuration, when `check --deploy` runs, then no warning is raised."""
    ours = set(ENV_NAME.findall(SETTINGS_FILE.read_text(encoding="utf-8")))
    # The test process allows async-unsafe calls (for Playwright); a deployment must not.
    env = {k: v for k, v in os.environ.items() if k not in ours and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "VAR_DIR": str(tmp_path), **PRODUCTION_OK})
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
