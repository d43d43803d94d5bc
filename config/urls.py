"""URL map: the three systems, the API, operations endpoints."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from dichvucong.core import views as core_views
from dichvucong.forms import views as forms_views
from dichvucong.sites.portal import views as portal_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("i18n/setlang/", portal_views.set_language, name="set_language"),
    path("forms/wards/", forms_views.ward_options_view, name="form_ward_options"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("dichvucong.api.urls")),
    path("o/", include("dichvucong.identity.oauth_urls")),  # our OIDC provider (single sign-on)
    path("dang-nhap/quoc-gia/", include("dichvucong.identity.urls")),  # national SSO federation
    path("backoffice/", include("dichvucong.sites.backoffice.urls")),
    path("evaluation/", include("dichvucong.sites.evaluation.urls")),
    path("", include("dichvucong.sites.portal.urls")),
]

if not settings.PRODUCTION:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

if settings.BENCH_ENDPOINTS:  # `manage.py bench` turns this on for the gunicorn it starts
    from dichvucong.bench import views as bench_views

    urlpatterns.insert(0, path("bench/bare", bench_views.bare, name="bench-bare"))
