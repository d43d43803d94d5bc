"""pytest plugin loaded with ``-p config.pytest_env`` (pyproject addopts), before pytest-django reads
the settings: the test environment must be in place when ``config.settings`` is imported, which is
too late for a root ``conftest.py``."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_ENV", "test")
if "VAR_DIR" not in os.environ:
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="dvc-test-var-")
    atexit.register(shutil.rmtree, os.environ["VAR_DIR"], ignore_errors=True)
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
