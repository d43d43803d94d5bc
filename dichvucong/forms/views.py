"""The one page the forms engine serves itself: the wards of a province, as ``<option>`` elements.

Public reference data (the 2025 administrative units) used by every rendered address field — portal,
counter and builder preview alike — when ``forms/form.js`` follows a change of province.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from dichvucong.forms.rendering import ward_options


@require_GET
@cache_control(public=True, max_age=86400)
def ward_options_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(ward_options(request.GET.get("province", "")[:8]))
