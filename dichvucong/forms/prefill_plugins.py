"""The prefill plugins shipped with the platform, registered when the app starts.

- ``profile``: the person's own account on the portal (``accounts.User``) and, when acting for a
  business, the organisation (``accounts.Organisation``): name, date of birth, gender, CCCD, phone,
  e-mail, address, business tax code and name.
- ``lookup``: a configurable look-up service over HTTP (``FORMS_PREFILL_HTTP_URL``; e.g. a shim in
  front of the national population database), asked by CCCD or tax code. Off when the URL is unset.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dichvucong.clients.prefill_service import HttpPrefillService, PrefillServiceError
from dichvucong.forms.constants import Binding
from dichvucong.forms.prefill import PrefillContext, register_prefill_plugin

logger = logging.getLogger(__name__)


class ProfilePrefill:
    label = _("hồ sơ tài khoản của bạn trên Cổng")

    def fetch(self, *, context: PrefillContext, bindings: frozenset[str]) -> Mapping[str, Any]:
        user = context.user
        values: dict[str, Any] = {}
        if getattr(user, "is_authenticated", False):
            values = {
                Binding.FULL_NAME: user.full_name,
                Binding.DATE_OF_BIRTH: user.date_of_birth,
                Binding.GENDER: user.gender,
                Binding.CCCD: user.cccd,
                Binding.PHONE: user.phone,
                Binding.EMAIL: user.email,
                Binding.ADDRESS: user.address,
            }
        organisation = context.organisation
        if organisation is not None:
            values[Binding.BUSINESS_TAX_CODE] = organisation.tax_code
            values[Binding.BUSINESS_NAME] = organisation.name
        return {name: value for name, value in values.items() if name in bindings and value not in (None, "")}


class LookupServicePrefill:
    label = _("cơ sở dữ liệu tra cứu")

    def fetch(self, *, context: PrefillContext, bindings: frozenset[str]) -> Mapping[str, Any]:
        if not settings.FORMS_PREFILL_HTTP_URL:
            return {}
        service = HttpPrefillService(
            base_url=settings.FORMS_PREFILL_HTTP_URL, api_key=settings.FORMS_PREFILL_HTTP_API_KEY
        )
        answer: dict[str, Any] = {}
        person = frozenset(bindings) - {Binding.BUSINESS_TAX_CODE, Binding.BUSINESS_NAME}
        cccd = getattr(context.user, "cccd", "") if getattr(context.user, "is_authenticated", False) else ""
        try:
            if person and cccd:
                answer.update(service.lookup(subject={"cccd": cccd}, attributes=person).values)
            organisation = context.organisation
            business = bindings & {Binding.BUSINESS_TAX_CODE, Binding.BUSINESS_NAME}
            if business and organisation is not None:
                found = service.lookup(
                    subject={"tax_code": organisation.tax_code}, attributes=business
                ).values
                answer.update(found)
        except PrefillServiceError:
            logger.warning("prefill look-up service failed", exc_info=True)
        return answer


def register_default_plugins() -> None:
    register_prefill_plugin("profile", ProfilePrefill(), replace=True)
    register_prefill_plugin("lookup", LookupServicePrefill(), replace=True)
