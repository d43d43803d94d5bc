"""National SSO routes, mounted at ``/dang-nhap/quoc-gia/`` by config/urls.py."""

from django.urls import path

from dichvucong.identity import views

app_name = "identity"

urlpatterns = [
    path("", views.federation_login, name="federation_login"),
    path("callback/", views.federation_callback, name="federation_callback"),
]
