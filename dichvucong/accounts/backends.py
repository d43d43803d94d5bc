"""Signing in with a verified phone number or e-mail address instead of the user name.

Listed after ``ModelBackend`` in ``AUTHENTICATION_BACKENDS``: a user name still works first; then
what was typed is read as an e-mail address or a Vietnamese mobile number and looked up among
verified addresses (phones through their blind index, since they are encrypted).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from dichvucong.accounts.models import User
from dichvucong.accounts.validation import AccountError, clean_email, clean_phone, phone_index


class ContactBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        try:
            if "@" in username:
                user = User.objects.filter(
                    email__iexact=clean_email(username), email_verified_at__isnull=False
                ).first()
            else:
                user = User.objects.filter(
                    phone_index=phone_index(clean_phone(username)), phone_verified_at__isnull=False
                ).first()
        except AccountError:
            return None
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
