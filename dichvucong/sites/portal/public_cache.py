"""Data that every visitor of a public page sees the same way, computed once and shared.

The public pages carry a per-request CSP nonce and CSRF token, so whole responses are never cached:
only the *data* a page is built from (the popular procedures, the ward list, life events, the
catalog filters, the published statistics) goes into Django's cache — Redis at city scale, files on
one machine — for a short time.

Catalog data is keyed by the catalog's **generation**: a hash of
``procedures.searchindex.catalog_signature()``, the same cheap aggregate the search index uses to
notice a publication. It is read at most once every :data:`GENERATION_SECONDS` per process, so a
newly published or withdrawn procedure shows on the home page within about a second, as in search;
popularity counters (which do not change the signature) are picked up when the entry expires.

Under ``DJANGO_ENV=test`` the cache is off unless ``settings.PORTAL_PUBLIC_CACHE`` is true: tests
build a new catalog in every test and roll it back, so a shared cache would leak between tests.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from dichvucong.procedures.searchindex import catalog_signature

logger = logging.getLogger(__name__)

T = TypeVar("T")

PREFIX = "portal:public:v1"
CATALOG_SECONDS = 60  # popular lists, wards, life events, filters: popularity moves slowly
GENERATION_SECONDS = 1.0  # how often a process re-reads the catalog signature

_lock = threading.Lock()
_generation: dict[str, Any] = {"value": "", "checked_at": 0.0}


def enabled() -> bool:
    """Whether public data is cached (always outside tests; in tests only when asked for)."""
    default = settings.DJANGO_ENV != "test"
    return bool(getattr(settings, "PORTAL_PUBLIC_CACHE", default))


def catalog_generation() -> str:
    """A short hash of the catalog signature, re-read at most every ``GENERATION_SECONDS``."""
    now = time.monotonic()
    # Tests publish and roll back within a second: read the signature every time there.
    interval = 0.0 if settings.DJANGO_ENV == "test" else GENERATION_SECONDS
    with _lock:
        if _generation["value"] and now - _generation["checked_at"] < interval:
            return str(_generation["value"])
    value = hashlib.sha1(repr(catalog_signature()).encode(), usedforsecurity=False).hexdigest()[:12]
    with _lock:
        _generation.update(value=value, checked_at=now)
    return value


def forget_generation() -> None:
    """Read the catalog signature again on the next call (tests, after a bulk import)."""
    with _lock:
        _generation.update(value="", checked_at=0.0)


def language() -> str:
    return (get_language() or "vi")[:2]


def cached(key: str, build: Callable[[], T], *, seconds: int) -> T:
    """``build()``'s value under ``PREFIX:key`` for ``seconds`` (or simply ``build()`` when off).

    A cache that is down or holds an entry that no longer unpickles (a deploy changed the class) is
    treated as a miss: the page is built from the database rather than failing."""
    if not enabled():
        return build()
    full_key = f"{PREFIX}:{key}"
    try:
        hit = cache.get(full_key)
    except Exception:  # a broken cache must never break a public page
        logger.warning("public cache read failed", extra={"key": full_key}, exc_info=True)
        hit = None
    if isinstance(hit, tuple) and len(hit) == 1:
        return hit[0]
    value = build()
    try:
        cache.set(full_key, (value,), seconds)
    except Exception:
        logger.warning("public cache write failed", extra={"key": full_key}, exc_info=True)
    return value


def cached_catalog(name: str, build: Callable[[], T], *, parts: str = "") -> T:
    """Catalog data in the current language, for the current catalog generation."""
    if not enabled():
        return build()
    key = f"catalog:{catalog_generation()}:{language()}:{name}"
    return cached(f"{key}:{parts}" if parts else key, build, seconds=CATALOG_SECONDS)
