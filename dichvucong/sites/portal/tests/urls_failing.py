"""A URL map with a view that crashes, for the 500-page test."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom-secret")


urlpatterns = [
    path("hong/", crash),
    path("i18n/", include("django.conf.urls.i18n")),
    path("backoffice/", include("dichvucong.sites.backoffice.urls")),
    path("evaluation/", include("dichvucong.sites.evaluation.urls")),
    path("", include("dichvucong.sites.portal.urls")),
]
