"""REST API v1 root: each app contributes its routes here."""

from django.urls import path

from dichvucong.agencies.api import AgencyListView
from dichvucong.api.views import SchemaView

app_name = "api"

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("agencies/", AgencyListView.as_view(), name="agencies"),
]
