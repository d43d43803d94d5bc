"""The project's URL map plus a stand-in page for every back-office menu entry not built yet, so the
browser tests can show the long menu a counter officer will have."""

from django.urls import include, path

from config import urls as project_urls
from dichvucong.sites.backoffice import urls as backoffice_urls
from dichvucong.sites.backoffice import views
from dichvucong.sites.backoffice.navigation import NAV_ITEMS

_existing = {pattern.name for pattern in backoffice_urls.urlpatterns}
_stubs = [
    path(f"stub/{name}/", views.home, name=name)
    for name in (item.url_name.split(":")[1] for item in NAV_ITEMS)
    if name not in _existing
]
_backoffice = include((list(backoffice_urls.urlpatterns) + _stubs, backoffice_urls.app_name))

urlpatterns = [
    path("backoffice/", _backoffice) if str(pattern.pattern) == "backoffice/" else pattern
    for pattern in project_urls.urlpatterns
]
