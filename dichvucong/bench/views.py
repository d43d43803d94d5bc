"""The floor every other figure is compared with: the full middleware stack, no template, no query."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def bare(request: HttpRequest) -> HttpResponse:
    """Answer ``ok`` as plain text; routed only when ``settings.BENCH_ENDPOINTS`` is true."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
