"""Admin of the shared kernel: audit entries and outbox messages are read-only; failed messages can be
put back for retry by someone allowed to, and that retry is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from dichvucong.core.audit import record_audit
from dichvucong.core.constants import OutboxStatus
from dichvucong.core.models import AuditEntry, OutboxMessage
from dichvucong.core.outbox import dispatch_message, enqueue_message, outbox_handler


@pytest.fixture
def superuser_client(client: Client) -> Client:
    user = get_user_model().objects.create_superuser(username="root", password=None, email="root@example.org")
    client.force_login(user)
    # Admin and back office need a session verified by a second factor (django-otp).
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=user, confirmed=True).persistent_id
    session.save()
    return client


@pytest.fixture
def failed_message(outbox_registry: Any, settings: Any) -> OutboxMessage:
    settings.OUTBOX_MAX_ATTEMPTS = 1

    @outbox_handler("tests.admin_fails")
    def fails(payload: dict[str, Any]) -> None:
        raise RuntimeError("down")

    message = enqueue_message(topic="tests.admin_fails", payload={"n": 1}, idempotency_key="k-admin")
    dispatch_message(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    return message


@pytest.mark.django_db
def test_audit_entries_are_listed_and_shown_but_not_editable(superuser_client: Client) -> None:
    """Given an audit entry, when a superuser opens the admin, then list and detail show it and there is
    no add, change or delete."""
    entry = record_audit(actor=None, action="agency.update", target_type="agencies.agency", target_id="9")
    changelist = superuser_client.get(reverse("admin:core_auditentry_changelist"))
    assert changelist.status_code == 200
    assert "agency.update" in changelist.content.decode()
    detail = superuser_client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    assert superuser_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert superuser_client.get(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code == 403


@pytest.mark.django_db
def test_retry_action_puts_a_failed_message_back_and_audits_it(
    superuser_client: Client, failed_message: OutboxMessage, django_capture_on_commit_callbacks: Any
) -> None:
    """Given a dead-lettered message, when the retry action is applied, then it is pending again with
    fresh attempts and an outbox.retry audit entry names the operator."""
    from unittest.mock import patch

    from dichvucong.core import outbox

    with patch.object(outbox, "_publish") as publish, django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:core_outboxmessage_changelist"),
            {"action": "retry_failed", "_selected_action": [failed_message.pk]},
        )
    assert response.status_code == 302
    failed_message.refresh_from_db()
    assert failed_message.status == OutboxStatus.PENDING
    assert failed_message.attempts == 0
    publish.assert_called_once_with(failed_message.pk)
    entry = AuditEntry.objects.get(action="outbox.retry")
    assert entry.target_id == str(failed_message.pk)
    assert entry.actor_display == "root"


@pytest.mark.django_db
def test_retry_action_needs_the_change_permission(client: Client, failed_message: OutboxMessage) -> None:
    """Given staff who may only view outbox messages, when they apply retry, then nothing changes."""
    from django.contrib.auth.models import Permission

    viewer = get_user_model().objects.create_user(username="viewer", password=None, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    client.force_login(viewer)
    client.post(
        reverse("admin:core_outboxmessage_changelist"),
        {"action": "retry_failed", "_selected_action": [failed_message.pk]},
    )
    failed_message.refresh_from_db()
    assert failed_message.status == OutboxStatus.FAILED
    assert not AuditEntry.objects.filter(action="outbox.retry").exists()
