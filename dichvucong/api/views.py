"""The OpenAPI document, built once per process and language.

drf-spectacular walks every endpoint on each request (p95 ≈ 300 ms under load, see
docs/performance.md); the document only changes with a deploy, so each process keeps it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.urls import get_urlconf
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.request import Request
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    _documents: ClassVar[dict[tuple[str, str, str | None], Any]] = {}

    def _get_schema_response(self, request: Request) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        urlconf = str(get_urlconf() or settings.ROOT_URLCONF)
        key = (urlconf, translation.get_language() or "", version)
        if key not in self._documents:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            self._documents[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=self._documents[key],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
