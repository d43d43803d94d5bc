"""Keyed hashes: kiosk secrets are stored as SHA-256 digests and IP addresses as short HMACs, so the
database holds neither (an IP hash still groups the ratings of one address for the flood limit)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def hash_ip(ip: str) -> str:
    if not ip:
        return ""
    key = hashlib.sha256(("evaluations.ip:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()[:32]
