"""Personal API tokens: generation and hashing. The plaintext exists only in the creating response."""

from __future__ import annotations

import hashlib
import secrets

from dichvucong.identity.constants import PERSONAL_TOKEN_PREFIX

_PREFIX_LENGTH = 8  # random characters shown after ``dvcpat_`` so people tell their tokens apart


def hash_token(token: str) -> str:
    """SHA-256 of the token. Tokens carry 256 random bits, so a fast hash is enough (no salt needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def generate_personal_token() -> tuple[str, str]:
    """A new ``(token, visible_prefix)``, e.g. ``("dvcpat_Ab12Cd34_…", "dvcpat_Ab12Cd34")``."""
    visible = PERSONAL_TOKEN_PREFIX + secrets.token_urlsafe(6)[:_PREFIX_LENGTH]
    return f"{visible}_{secrets.token_urlsafe(32)}", visible


def looks_like_personal_token(token: str) -> bool:
    return token.startswith(PERSONAL_TOKEN_PREFIX)
