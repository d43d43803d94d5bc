"""A URL map where the back office has only its dashboard, for the navigation test."""

from django.urls import include, path

from dichvucong.sites.backoffice import views

urlpatterns = [
    path("backoffice/", include(([path("", views.home, name="home")], "backoffice"))),
]
