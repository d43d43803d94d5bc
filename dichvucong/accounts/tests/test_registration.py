"""Self-registration with a one-time code, contact changes, password reset by phone."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate

from dichvucong.accounts import selectors, services
from dichvucong.accounts.constants import AssuranceLevel, CodePurpose
from dichvucong.accounts.models import User, VerificationCode
from dichvucong.accounts.services import AccountError
from dichvucong.accounts.tests.conftest import sent_code

PASSWORD = "mat-khau-dang-ky-2026"


def _request():
    from django.test import RequestFactory

    return RequestFactory().post("/login/")


def _register(contact: str = "an@example.vn", **kwargs) -> User:
    return services.start_registration(
        contact=contact, full_name="Nguyễn Văn An", password=PASSWORD, **kwargs
    )


@pytest.mark.django_db
def test_registration_account_unusable_until_code_verified(fake_clock) -> None:
    """Given a registration by e-mail, when the right code is entered, then the account becomes
    active at level 1 with the e-mail verified — and not before."""
    user = _register()
    assert not user.is_active and user.assurance_level is None
    assert authenticate(_request(), username="an@example.vn", password=PASSWORD) is None
    services.complete_registration(user=user, code=sent_code(user))
    user.refresh_from_db()
    assert user.is_active and user.assurance_level == AssuranceLevel.BASIC
    assert user.email_verified_at is not None
    assert authenticate(_request(), username="an@example.vn", password=PASSWORD) == user


@pytest.mark.django_db
def test_code_is_stored_hashed_never_in_clear(fake_clock) -> None:
    """Given a code sent, then neither the code row nor the outbox payload holds the digits in clear."""
    user = _register()
    code = sent_code(user)
    row = VerificationCode.objects.get(user=user)
    assert code not in row.code_hash
    from dichvucong.core.models import OutboxMessage

    assert code not in str(OutboxMessage.objects.get(topic="accounts.send_code").payload)


@pytest.mark.django_db
def test_wrong_code_refused_and_attempts_limited(fake_clock) -> None:
    """Given a pending registration, when a wrong code is entered five times, then even the right code
    is refused afterwards."""
    user = _register()
    code = sent_code(user)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(VerificationCode.MAX_ATTEMPTS):
        with pytest.raises(AccountError, match="không đúng"):
            services.complete_registration(user=user, code=wrong)
    with pytest.raises(AccountError, match="quá số lần"):
        services.complete_registration(user=user, code=code)
    assert not User.objects.get(pk=user.pk).is_active


@pytest.mark.django_db
def test_expired_code_refused(fake_clock) -> None:
    """Given a code older than OTP_TTL_MINUTES, when it is entered, then it is refused as expired."""
    user = _register()
    code = sent_code(user)
    fake_clock.advance(minutes=11)
    with pytest.raises(AccountError, match="hết hạn"):
        services.complete_registration(user=user, code=code)


@pytest.mark.django_db
def test_code_cannot_be_replayed(fake_clock) -> None:
    """Given a phone-change code already used, when it is entered again, then it is refused."""
    user = _register()
    services.complete_registration(user=user, code=sent_code(user))
    fake_clock.advance(minutes=2)
    services.request_contact_change(user=user, phone="0912 345 678")
    code = sent_code(user)
    services.confirm_contact_change(user=user, purpose=CodePurpose.CHANGE_PHONE, code=code)
    with pytest.raises(AccountError, match="đã được sử dụng"):
        services.confirm_contact_change(user=user, purpose=CodePurpose.CHANGE_PHONE, code=code)


@pytest.mark.django_db
def test_resend_has_cooldown_and_ends_previous_code(fake_clock) -> None:
    """Given a code just sent, when a resend is asked at once it is refused; after the cool-down a new
    code is sent and the old one no longer works."""
    user = _register()
    old = sent_code(user)
    with pytest.raises(AccountError, match="chờ"):
        services.resend_code(user=user, purpose=CodePurpose.REGISTER)
    fake_clock.advance(seconds=61)
    services.resend_code(user=user, purpose=CodePurpose.REGISTER)
    new = sent_code(user)
    if old != new:
        with pytest.raises(AccountError):
            services.complete_registration(user=user, code=old)
    services.complete_registration(user=user, code=new)


@pytest.mark.django_db
def test_duplicate_email_phone_or_cccd_refused_nothing_created(fake_clock) -> None:
    """Given a verified account, when someone registers with its e-mail, phone or CCCD, then a clear
    message names the problem and no account is created."""
    user = _register(cccd="079012345612")
    services.complete_registration(user=user, code=sent_code(user))
    fake_clock.advance(minutes=2)
    services.request_contact_change(user=user, phone="0912345678")
    services.confirm_contact_change(user=user, purpose=CodePurpose.CHANGE_PHONE, code=sent_code(user))
    count = User.objects.count()
    with pytest.raises(AccountError, match="thư điện tử này đã được đăng ký"):
        _register("AN@example.vn")
    with pytest.raises(AccountError, match="Số điện thoại này đã được đăng ký"):
        _register("+84 912 345 678")
    with pytest.raises(AccountError, match="định danh cá nhân này"):
        _register("binh@example.vn", cccd="0790 1234 5612")
    assert User.objects.count() == count


@pytest.mark.django_db
def test_bad_input_refused_with_clear_messages(fake_clock) -> None:
    """Given malformed input, then registration names the field's problem and creates nothing."""
    with pytest.raises(AccountError, match="không hợp lệ") as bad_phone:
        _register("12345")
    assert bad_phone.value.field == "contact"
    with pytest.raises(AccountError, match="12 chữ số"):
        _register(cccd="12345")
    with pytest.raises(AccountError) as weak:
        services.start_registration(contact="an@example.vn", full_name="An", password="123")
    assert weak.value.field == "password"
    assert not User.objects.exists()


@pytest.mark.django_db
def test_phone_registration_logs_in_by_phone_and_stores_it_encrypted(fake_clock) -> None:
    """Given a registration by phone, when verified, then the person signs in with the number, and the
    database column holds no digits of it."""
    from django.db import connection

    user = _register("0912 345 678")
    services.complete_registration(user=user, code=sent_code(user))
    assert authenticate(_request(), username="0912345678", password=PASSWORD) == user
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        stored = cursor.fetchone()[0]
    assert "912345678" not in stored and stored.startswith("gAAAA")


@pytest.mark.django_db
def test_pending_registration_taken_over_by_whoever_verifies(fake_clock) -> None:
    """Given an abandoned registration, when the address is registered again, then the same pending
    account gets the new name and password instead of the address being blocked."""
    first = _register()
    fake_clock.advance(minutes=2)
    second = services.start_registration(
        contact="an@example.vn", full_name="Chủ thật", password=PASSWORD + "x"
    )
    assert second.pk == first.pk and second.full_name == "Chủ thật"
    services.complete_registration(user=second, code=sent_code(second))
    assert authenticate(_request(), username="an@example.vn", password=PASSWORD + "x") == second


@pytest.mark.django_db
def test_password_reset_by_phone(fake_clock) -> None:
    """Given an account with a verified phone, when the reset code and a new password are entered,
    then the new password works; an unknown phone finds nothing and raises nothing."""
    user = _register("0987654321")
    services.complete_registration(user=user, code=sent_code(user))
    assert services.find_account_for_reset(phone="0900000000") is None
    found = services.find_account_for_reset(phone="098 765 4321")
    assert found == user
    fake_clock.advance(minutes=2)
    assert services.request_password_reset_code(user=found)
    services.reset_password_with_code(user=found, code=sent_code(found), new_password="mat-khau-moi-2026")
    assert authenticate(_request(), username="0987654321", password="mat-khau-moi-2026") == user


@pytest.mark.django_db
def test_email_change_needs_the_code_sent_to_the_new_address(fake_clock) -> None:
    """Given a verified account, when a new e-mail is asked for, then nothing changes until the code
    sent to it is entered; then it is the sign-in e-mail."""
    user = _register()
    services.complete_registration(user=user, code=sent_code(user))
    fake_clock.advance(minutes=2)
    services.request_contact_change(user=user, email="moi@example.vn")
    user.refresh_from_db()
    assert user.email == "an@example.vn"
    assert VerificationCode.objects.filter(purpose=CodePurpose.CHANGE_EMAIL).get().target == "moi@example.vn"
    services.confirm_contact_change(user=user, purpose=CodePurpose.CHANGE_EMAIL, code=sent_code(user))
    user.refresh_from_db()
    assert user.email == "moi@example.vn" and user.username == "moi@example.vn"


@pytest.mark.django_db
def test_send_code_handler_emails_the_code_and_skips_used_ones(fake_clock, mailoutbox) -> None:
    """Given a queued code, when the outbox handler runs, then the e-mail carries the code; once the code
    is used, running it again sends nothing."""
    from dichvucong.accounts.verification import send_code
    from dichvucong.core.models import OutboxMessage

    user = _register()
    payload = OutboxMessage.objects.get(topic="accounts.send_code").payload
    send_code(payload)
    assert len(mailoutbox) == 1 and sent_code(user) in mailoutbox[0].body
    assert mailoutbox[0].to == ["an@example.vn"]
    services.complete_registration(user=user, code=sent_code(user))
    send_code(payload)
    assert len(mailoutbox) == 1


def test_meets_assurance_and_help_message() -> None:
    """Given users at each level, then meets_assurance compares levels and the help explains VNeID or the
    counter to those below level 2."""
    anonymous = type("Anon", (), {"is_authenticated": False})()
    basic = User(assurance_level=AssuranceLevel.BASIC, is_active=True)
    verified = User(assurance_level=AssuranceLevel.VERIFIED, is_active=True)
    assert not selectors.meets_assurance(anonymous, AssuranceLevel.BASIC)
    assert selectors.meets_assurance(basic, AssuranceLevel.BASIC)
    assert not selectors.meets_assurance(basic, AssuranceLevel.VERIFIED)
    assert selectors.meets_assurance(verified, AssuranceLevel.VERIFIED)
    assert "VNeID" in selectors.get_assurance_help(basic, AssuranceLevel.VERIFIED)
    assert selectors.get_assurance_help(verified, AssuranceLevel.VERIFIED) == ""
