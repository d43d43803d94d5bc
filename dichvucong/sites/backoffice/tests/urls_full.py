"""A URL map where every back-office menu entry exists, for the navigation test."""

from django.urls import include, path

from dichvucong.sites.backoffice import views
from dichvucong.sites.backoffice.navigation import NAV_ITEMS

backoffice_patterns = [
    path(f"{item.url_name.split(':')[1]}/", views.home, name=item.url_name.split(":")[1])
    for item in NAV_ITEMS
]

urlpatterns = [
    path("backoffice/", include((backoffice_patterns, "backoffice"))),
]
