"""Typed hooks through which higher apps follow the dossier event log.

The style forbids Django signals: a higher app (``reports``, ``evaluations``, ``national_portal``)
that must react to each appended ``DossierEvent`` registers a listener here from its
``AppConfig.ready``. Listeners run inside the transaction that appended the event, so a read model
kept by a listener (the statistics rollups) commits or rolls back with the event itself. A listener
that fails therefore fails the dossier change: keep listeners to cheap, local database writes and
put slow side effects in the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Dossier, DossierEvent

EventListener = Callable[["DossierEvent"], None]
LinkProvider = Callable[["Dossier"], str]

_listeners: dict[str, EventListener] = {}


def register_event_listener(name: str, listener: EventListener) -> None:
    """Call ``listener(event)`` for every event appended from now on; ``name`` makes it idempotent."""
    _listeners[name] = listener


def unregister_event_listener(name: str) -> None:
    _listeners.pop(name, None)


def event_appended(event: DossierEvent) -> None:
    """Called by the dossier services right after an event row is written (same transaction)."""
    for listener in list(_listeners.values()):
        listener(event)


_evaluation_link: list[LinkProvider] = []


def register_evaluation_link(provider: LinkProvider) -> None:
    """The ``evaluations`` app gives the (signed, expiring) rating link the slips print as a QR code."""
    _evaluation_link[:] = [provider]


def evaluation_link(dossier: Dossier) -> str:
    """The rating link of ``dossier``, or "" when no evaluation app is installed."""
    return _evaluation_link[0](dossier) if _evaluation_link else ""
