"""REST API v1 root: each app contributes its routes here."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from dichvucong.agencies.api import AgencyListView

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("agencies/", AgencyListView.as_view(), name="agencies"),
]
